package interp

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

func posString(p lexer.Position) string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// recordRefs returns the names the per-record expressions read: where,
// let, group keys and aggregate arguments.
func (p *Program) recordRefs() map[string]bool {
	used := map[string]bool{}
	mark := func(e *program.Expr) {
		if e != nil {
			for _, r := range e.Refs {
				used[r] = true
			}
		}
	}
	for _, s := range p.m.Steps {
		mark(s.Where)
		mark(s.Let)
	}
	for _, gr := range p.m.Groupings {
		for _, lv := range gr.Levels {
			mark(lv.Key)
		}
	}
	for _, a := range p.m.Args {
		mark(a)
	}
	return used
}

// loadSlots are the record slots (source fields and lookups) that the
// per-record expressions read.
func (p *Program) loadSlots() []int {
	used := p.recordRefs()
	var out []int
	for i := 0; i < p.m.NSource+len(p.m.Lookups); i++ {
		if used[p.m.Names[i]] {
			out = append(out, i)
		}
	}
	return out
}

// stage builds the transform that runs where/let steps and computes the
// group keys and aggregate arguments of each record.
func (p *Program) stage(params map[string]any, skip bool, workers int) stream.Stage[value.Record] {
	newTr := func() func(value.Record) (value.Record, bool, error) { return p.transform(params) }
	return stream.Stage[value.Record]{Name: "transform", Transform: newTr(), NewTransform: newTr,
		Workers: workers, SkipErrors: skip}
}

// transform returns a record transform with its own evaluator: one per
// worker goroutine.
func (p *Program) transform(params map[string]any) func(value.Record) (value.Record, bool, error) {
	ev := newEvaluator(p, params, p.loadSlots())
	width := p.m.Width
	// Error labels, built once rather than per record.
	letLabel := make([]string, len(p.m.Steps))
	for i, s := range p.m.Steps {
		letLabel[i] = "let " + s.Name
	}
	var keyLabel []string
	for _, gr := range p.m.Groupings {
		for _, lv := range gr.Levels {
			keyLabel = append(keyLabel, "group key "+lv.Name)
		}
	}
	argLabel := make([]string, len(p.m.Args))
	for i, a := range p.m.Args {
		argLabel[i] = "aggregate argument " + a.Text
	}
	// The VM's environment is loaded only if some expression needs the VM.
	needEnv := false
	vmNeeded := func(e *program.Expr) {
		if e != nil && e.Fast == nil && e.Slot < 0 {
			needEnv = true
		}
	}
	for _, s := range p.m.Steps {
		if s.Where != nil {
			needEnv = needEnv || s.Where.Fast == nil
		} else {
			needEnv = needEnv || s.Let.Fast == nil
		}
	}
	for _, gr := range p.m.Groupings {
		for _, lv := range gr.Levels {
			vmNeeded(lv.Key)
		}
	}
	for _, a := range p.m.Args {
		vmNeeded(a)
	}
	eval := func(e *program.Expr, label string, rec value.Record) (any, error) {
		if e.Fast != nil {
			v, err := e.Fast(rec)
			if err != nil {
				return nil, fastRunError(e, label, err)
			}
			return v, nil
		}
		return ev.eval(e, label)
	}
	transform := func(rec value.Record) (value.Record, bool, error) {
		for len(rec) < width {
			rec = append(rec, nil)
		}
		if needEnv {
			ev.loadRecord(rec)
		}
		for si, s := range p.m.Steps {
			if s.Where != nil {
				v, err := eval(s.Where, "where clause", rec)
				if err != nil {
					return rec, false, err
				}
				ok, err := truthy(v)
				if err != nil {
					return rec, false, exprRunError(s.Where, "where clause", err)
				}
				if !ok {
					return rec, false, nil
				}
				continue
			}
			v, err := eval(s.Let, letLabel[si], rec)
			if err != nil {
				return rec, false, err
			}
			rec[s.Slot] = v
			ev.env[s.Name] = v
		}
		k := 0
		for _, gr := range p.m.Groupings {
			for _, lv := range gr.Levels {
				if lv.Key.Slot >= 0 {
					rec[lv.KeySlot] = rec[lv.Key.Slot]
					k++
					continue
				}
				v, err := eval(lv.Key, keyLabel[k], rec)
				k++
				if err != nil {
					return rec, false, err
				}
				rec[lv.KeySlot] = v
			}
		}
		for i, a := range p.m.Args {
			if a.Slot >= 0 {
				rec[p.m.ArgBase+i] = rec[a.Slot]
				continue
			}
			v, err := eval(a, argLabel[i], rec)
			if err != nil {
				return rec, false, err
			}
			rec[p.m.ArgBase+i] = v
		}
		return rec, true, nil
	}
	return transform
}

// openLookups opens every lookup's source and returns the pipeline lookups.
func (p *Program) openLookups(params map[string]any, closers *[]func()) ([]stream.Lookup[value.Record], error) {
	var out []stream.Lookup[value.Record]
	for _, ld := range p.m.Lookups {
		ld := ld
		ev := newEvaluator(p, params, p.loadSlotsFor(ld.Left))
		key := func(rec value.Record) any {
			ev.loadRecord(rec)
			v, err := ev.eval(ld.Left, "lookup "+ld.Name)
			if err != nil {
				return nil
			}
			return v
		}
		switch ld.Source.Kind {
		case "sqlite":
			r, err := p.resolve(ld.Source)
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", posString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, r.cleanup)
			lk, err := source.OpenSQLiteLookup(r.osPath, source.SQLiteLookupConfig{Name: ld.Source.Path, Table: ld.Source.Table, On: ld.On, Key: key, Slot: ld.Slot})
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", posString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, func() { lk.Close() })
			out = append(out, lk)
		default:
			src, cleanup, err := p.open(ld.Source, sourceOptions{params: params})
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", posString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, cleanup)
			lk, err := source.NewMapLookup(src, source.MapLookupConfig{On: ld.On, Key: key, Slot: ld.Slot})
			if err != nil {
				src.Close()
				return nil, fmt.Errorf("%s: lookup %s: %w", posString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, func() { lk.Close() })
			out = append(out, lk)
		}
	}
	return out, nil
}

func (p *Program) loadSlotsFor(e *program.Expr) []int {
	var out []int
	for i := 0; i < p.m.NSource+len(p.m.Lookups); i++ {
		for _, r := range e.Refs {
			if r == p.m.Names[i] {
				out = append(out, i)
			}
		}
	}
	return out
}

// fastRunError positions an error of a fast expression like the VM's.
func fastRunError(e *program.Expr, what string, err error) error {
	if fe, ok := err.(*fastError); ok {
		return &EvalError{Pos: grammar.At(e.At(fe.from)), What: what, Err: fe.err}
	}
	return &EvalError{Pos: grammar.At(e.Pos), What: what, Err: err}
}
