package eval

import (
	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// RecordRefs returns the names the per-record expressions read: where,
// let, group keys and aggregate arguments.
func RecordRefs(p *program.Program) map[string]bool {
	used := map[string]bool{}
	mark := func(e *program.Expr) {
		if e != nil {
			for _, r := range e.Refs {
				used[r] = true
			}
		}
	}
	for _, s := range p.Steps {
		mark(s.Where)
		mark(s.Let)
	}
	for _, gr := range p.Groupings {
		for _, lv := range gr.Levels {
			mark(lv.Key)
		}
	}
	for _, a := range p.Args {
		mark(a)
	}
	return used
}

// LoadSlots are the record slots (source fields and lookups) that the
// per-record expressions read.
func LoadSlots(p *program.Program) []int {
	used := RecordRefs(p)
	var out []int
	for i := 0; i < p.NSource+len(p.Lookups); i++ {
		if used[p.Names[i]] {
			out = append(out, i)
		}
	}
	return out
}

// Stage builds the transform that runs where/let steps and computes the
// group keys and aggregate arguments of each record; flight, if not nil,
// counts the values they build against the run's memory limit.
func Stage(p *program.Program, params map[string]any, skip bool, workers int, flight *Flight) stream.Stage[value.Record] {
	newTr := func() func(value.Record) (value.Record, bool, error) { return Transform(p, params, flight) }
	return stream.Stage[value.Record]{Name: "transform", Transform: newTr(), NewTransform: newTr,
		Workers: workers, SkipErrors: skip}
}

// Transform returns a record transform with its own evaluator: one per
// worker goroutine. flight, if not nil, counts the values it builds.
func Transform(p *program.Program, params map[string]any, flight *Flight) func(value.Record) (value.Record, bool, error) {
	ev := NewEvaluator(p, params, LoadSlots(p))
	width := p.Width
	// Error labels, built once rather than per record.
	letLabel := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		letLabel[i] = "let " + s.Name
	}
	var keyLabel []string
	for _, gr := range p.Groupings {
		for _, lv := range gr.Levels {
			keyLabel = append(keyLabel, "group key "+lv.Name)
		}
	}
	argLabel := make([]string, len(p.Args))
	for i, a := range p.Args {
		argLabel[i] = "aggregate argument " + a.Text
	}
	// The VM's environment is loaded only if some expression needs the VM.
	needEnv := false
	vmNeeded := func(e *program.Expr) {
		if e != nil && e.Fast == nil && e.Slot < 0 {
			needEnv = true
		}
	}
	for _, s := range p.Steps {
		if s.Where != nil {
			needEnv = needEnv || s.Where.Fast == nil
		} else {
			needEnv = needEnv || s.Let.Fast == nil
		}
	}
	for _, gr := range p.Groupings {
		for _, lv := range gr.Levels {
			vmNeeded(lv.Key)
		}
	}
	for _, a := range p.Args {
		vmNeeded(a)
	}
	eval := func(e *program.Expr, label string, rec value.Record) (any, error) {
		if e.Fast != nil {
			v, err := e.Fast(rec)
			if err != nil {
				return nil, FastRunError(e, label, err)
			}
			return v, nil
		}
		return ev.Eval(e, label)
	}
	transform := func(rec value.Record) (value.Record, bool, error) {
		if err := flight.check(); err != nil {
			return rec, false, err
		}
		for len(rec) < width {
			rec = append(rec, nil)
		}
		if needEnv {
			ev.LoadRecord(rec)
		}
		for si, s := range p.Steps {
			if s.Where != nil {
				v, err := eval(s.Where, "where clause", rec)
				if err != nil {
					return rec, false, err
				}
				ok, err := Truthy(v)
				if err != nil {
					return rec, false, RunError(s.Where, "where clause", err)
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
			if needEnv { // only the VM reads the environment
				ev.Env[s.Name] = v
			}
		}
		k := 0
		for _, gr := range p.Groupings {
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
		for i, a := range p.Args {
			if a.Slot >= 0 {
				rec[p.ArgBase+i] = rec[a.Slot]
				continue
			}
			v, err := eval(a, argLabel[i], rec)
			if err != nil {
				return rec, false, err
			}
			rec[p.ArgBase+i] = v
		}
		if err := flight.add(rec); err != nil {
			return rec, false, err
		}
		return rec, true, nil
	}
	return transform
}

func LoadSlotsFor(p *program.Program, e *program.Expr) []int {
	var out []int
	for i := 0; i < p.NSource+len(p.Lookups); i++ {
		for _, r := range e.Refs {
			if r == p.Names[i] {
				out = append(out, i)
			}
		}
	}
	return out
}

// FastRunError positions an error of a fast expression like the VM's.
func FastRunError(e *program.Expr, what string, err error) error {
	if fe, ok := err.(*fastError); ok {
		return &Error{Pos: grammar.At(e.At(fe.from)), What: what, Err: fe.err}
	}
	return &Error{Pos: grammar.At(e.Pos), What: what, Err: err}
}
