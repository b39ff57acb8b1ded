package band

import (
	"fmt"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
)

// styleRow evaluates the style rules of bd's columns and of bd itself for
// the emitted row e: the conditions see the params, e's keys and e's
// values by column name.
func (b *Builder) styleRow(bd *program.Band, e *render.Event) error {
	env := b.sev.Env
	clear(env)
	for k, v := range b.params {
		env[k] = v
	}
	for i, name := range bd.Band.KeyNames {
		if i < len(e.Keys) {
			env[name] = e.Keys[i]
		}
	}
	for i, col := range bd.Cols {
		env[col.Name] = e.Values[i]
	}
	e.Styles = make([]render.Style, len(bd.Cols))
	for i, col := range bd.Cols {
		s, err := b.styles(col.Styles, col.Label)
		if err != nil {
			return err
		}
		e.Styles[i] = s
	}
	s, err := b.styles(bd.Styles, program.BandName(bd.Band))
	e.RowStyle = s
	return err
}

// styles returns the union of the styles whose condition holds; of is
// what the rules belong to, for errors.
func (b *Builder) styles(rules []program.StyleRule, of string) (render.Style, error) {
	var s render.Style
	for _, r := range rules {
		what := r.What + " of " + of
		v, err := b.sev.Eval(r.When, what)
		if err != nil {
			return 0, err
		}
		switch v := v.(type) {
		case bool:
			if v {
				s |= r.Style
			}
		case nil: // a null condition does not hold
		default:
			return 0, &eval.Error{Pos: grammar.At(r.When.Pos), What: what, Err: fmt.Errorf("the condition is %T, not a bool", v)}
		}
	}
	return s, nil
}
