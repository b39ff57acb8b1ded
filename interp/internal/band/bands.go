package band

import (
	"errors"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// Evaluating bands: a group's environment (params, keys, aggregate
// results, running totals), header, detail and report-level bands.

// groupEnv prepares the band environment of a closed group: params, keys
// and aggregate results (running aggregates hold the group's own value).
func (b *Builder) groupEnv(pg pendingGroup) map[string]any {
	env := b.bev.Env
	clear(env)
	for k, v := range b.params {
		env[k] = v
	}
	lv := pg.level
	names := lv.KeyNames
	for i := 0; i < len(pg.keys) && i < len(names); i++ {
		env[names[i]] = pg.keys[i]
	}
	for slot, i := range lv.SlotSpec {
		env[slot] = pg.results[i]
	}
	return env
}

// headerEvent evaluates a group header before its group completes: it sees
// keys and params only.
func (b *Builder) headerEvent(bd *program.Band, keys []any) (*render.Event, error) {
	env := b.bev.Env
	clear(env)
	for k, v := range b.params {
		env[k] = v
	}
	for i, name := range bd.Band.KeyNames {
		if i < len(keys) {
			env[name] = keys[i]
		}
	}
	return b.evalBand(bd, append([]any(nil), keys...), b.bev)
}

// evalBand evaluates a band's columns or template in ev's environment.
func (b *Builder) evalBand(bd *program.Band, keys []any, ev *eval.Evaluator) (*render.Event, error) {
	e := &render.Event{Band: bd.Band, Keys: keys}
	if bd.Band.Template {
		var s []byte
		for _, part := range bd.Template {
			if part.Expr == nil {
				s = append(s, part.Lit...)
				continue
			}
			what := "text of " + program.BandName(bd.Band)
			v, err := ev.Eval(part.Expr, what)
			if err != nil {
				return nil, err
			}
			t := value.String(v)
			if err := value.CheckSize(int64(len(s))+int64(len(t)), value.MaxBytes(b.m.MaxValueBytes)); err != nil {
				return nil, &eval.Error{Pos: grammar.At(part.Expr.Pos), What: what, Err: err}
			}
			s = append(s, t...)
		}
		e.Text = string(s)
		return e, nil
	}
	e.Values = make([]any, len(bd.Cols))
	for i, col := range bd.Cols {
		v, err := ev.Eval(col.Expr, col.Label)
		if err != nil {
			return nil, err
		}
		e.Values[i] = v
	}
	if bd.HasStyle {
		if err := b.styleRow(bd, e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (b *Builder) detailRow(rec value.Record) error {
	p := b.m
	b.ev.LoadRecord(rec)
	for i, a := range p.Detail.Aggs {
		var v any
		if a.Arg != nil {
			v = rec[p.ArgBase+b.m.ArgIndex(a.Arg)]
		}
		if a.Arg == nil {
			v = true // COUNT(): every record counts
		}
		if err := b.running[i].Add(v); err != nil {
			return &eval.Error{Pos: grammar.At(a.Pos), What: "detail " + a.Name, Err: err}
		}
		b.ev.Env[a.Slot] = b.running[i].Result()
	}
	var keys []any
	depth := -1
	if len(b.opens) > 0 {
		open := b.opens[0]
		depth = len(open) - 1
		keys = make([]any, len(open))
		for i, og := range open {
			keys[i] = og.key
		}
	}
	e, err := b.evalBand(p.Detail, keys, b.ev)
	if err != nil {
		return err
	}
	if depth < 0 {
		b.events++
		return b.out.Emit(e)
	}
	return b.emitAt(0, depth, e)
}

// GlobalEvent evaluates a report-level band over the global aggregates.
func (b *Builder) GlobalEvent(bd *program.Band) (*render.Event, error) {
	env := b.bev.Env
	clear(env)
	for k, v := range b.params {
		env[k] = v
	}
	res := b.Global.Global()
	for _, a := range bd.Aggs {
		env[a.Slot] = res[b.m.GSlot[a.Slot]]
	}
	return b.evalBand(bd, nil, b.bev)
}

// specError turns an engine's error about one aggregate into an eval.Error
// positioned at the aggregate call in the script.
func (b *Builder) specError(gi int, err error) error {
	var se *agg.SpecError
	if !errors.As(err, &se) {
		return err
	}
	var refs []*program.AggRef
	if se.Level < 0 || gi < 0 {
		refs = b.m.GlobalRefs
	} else if se.Level < len(b.m.Groupings[gi].Levels) {
		refs = b.m.Groupings[gi].Levels[se.Level].SpecRefs
	}
	if se.Spec < 0 || se.Spec >= len(refs) {
		return err
	}
	a := refs[se.Spec]
	what := a.Name + "()"
	if a.Arg != nil {
		what = a.Name + "(" + a.Arg.Text + ")"
	}
	return &eval.Error{Pos: grammar.At(a.Pos), What: what, Err: se.Err}
}

// GlobalEventOf evaluates a report-level band over the report-wide
// aggregates res, indexed like program.Program.Global (computed by SQLite
// or the scanner rather than by the builder's engine).
func (b *Builder) GlobalEventOf(bd *program.Band, res []any) (*render.Event, error) {
	env := b.bev.Env
	clear(env)
	for k, v := range b.params {
		env[k] = v
	}
	for _, a := range bd.Aggs {
		env[a.Slot] = res[b.m.GSlot[a.Slot]]
	}
	return b.evalBand(bd, nil, b.bev)
}
