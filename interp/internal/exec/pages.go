package exec

import (
	"time"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

// pageBands evaluates the report's page bands for a run, once, before its
// first event: their expressions read the params, the title and the run
// date (run_date: the day of runDate in its location; nil when runDate is
// zero), and {page} and {pages} are left for the paged format.
func (p *Runner) pageBands(params map[string]any, runDate time.Time) (header, footer *render.PageTemplate, err error) {
	if p.m.PageHeader == nil && p.m.PageFooter == nil {
		return nil, nil, nil
	}
	ev := eval.NewEvaluator(p.m, params, nil)
	ev.Env["title"] = p.m.Title
	ev.Env["run_date"] = nil
	if !runDate.IsZero() {
		ev.Env["run_date"] = value.DateOf(runDate)
	}
	if header, err = p.pageBand(p.m.PageHeader, ev); err != nil {
		return nil, nil, err
	}
	footer, err = p.pageBand(p.m.PageFooter, ev)
	return header, footer, err
}

// pageBand evaluates one page band's expressions (nil: none declared).
func (p *Runner) pageBand(pb *program.PageBand, ev *eval.Evaluator) (*render.PageTemplate, error) {
	if pb == nil {
		return nil, nil
	}
	t := &render.PageTemplate{Parts: []render.PagePart{}}
	size := int64(0)
	for _, part := range pb.Parts {
		text := part.Lit
		switch {
		case part.Page != render.PageText:
			t.Parts = append(t.Parts, render.PagePart{Var: part.Page})
			continue
		case part.Expr != nil:
			v, err := ev.Eval(part.Expr, "text of "+pb.What)
			if err != nil {
				return nil, err
			}
			text = value.String(v)
			if err := value.CheckSize(size+int64(len(text)), value.MaxBytes(p.m.MaxValueBytes)); err != nil {
				return nil, &eval.Error{Pos: grammar.At(part.Expr.Pos), What: "text of " + pb.What, Err: err}
			}
		}
		size += int64(len(text))
		if n := len(t.Parts); n > 0 && t.Parts[n-1].Var == render.PageText {
			t.Parts[n-1].Text += text // one text part between page numbers
			continue
		}
		t.Parts = append(t.Parts, render.PagePart{Text: text})
	}
	return t, nil
}
