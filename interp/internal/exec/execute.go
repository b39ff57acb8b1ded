package exec

import (
	"context"
	"errors"
	"time"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/band"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
)

// Execute runs the plan's strategy, and the strategy it falls back to if
// it gives way, having written nothing.
func (p *Runner) Execute(ctx context.Context, pl *plan.Plan) (*result, error) {
	var fellBack string
	for {
		var res *result
		var note string
		var err error
		switch pl.Strategy {
		case plan.StrategyPushdown, plan.StrategyPushdownRaw:
			push := pl.Push
			pl.Push = nil // the run's source closes it
			res, note, err = p.execPushdown(ctx, push, pl)
			push.Done()
		case plan.StrategyScan:
			res, note, err = p.execScan(ctx, pl)
			pl.Scan = nil
		case plan.StrategyParallel:
			res, note, err = p.execParallel(ctx, pl)
		case plan.StrategyRanges:
			res, note, err = p.execRanges(ctx, pl)
		default:
			res, err = p.run(ctx, pl, pl.Cfg, 0)
		}
		if note == "" {
			if res != nil {
				res.Strategy, res.FellBack = pl.Strategy, fellBack
			}
			return res, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if fellBack != "" {
			fellBack += "; "
		}
		fellBack += pl.Strategy.String() + ": " + note
		pl.Strategy, pl.Fallback = pl.Fallback, plan.StrategyPipeline
	}
}

// execParallel runs the pipeline with the aggregation split among the
// workers, collecting the events, and renders them once the merge is
// done. When more than one level reached its group limit the merge could
// differ from one worker's: it falls back, having written nothing.
func (p *Runner) execParallel(ctx context.Context, pl *plan.Plan) (*result, string, error) {
	pc := pl.Cfg
	pc.Output, pc.Collect = nil, true
	res, err := p.run(ctx, pl, pc, pl.Workers)
	if errors.Is(err, band.ErrInexact) {
		return nil, "more than one level reached its group limit: the groups kept could differ from one worker's", nil
	}
	if err != nil {
		// Render what one worker would have written before failing.
		if res != nil {
			if _, rerr := p.replay(res, pl, err); rerr != nil {
				return res, "", rerr
			}
		}
		return res, "", err
	}
	res, err = p.replay(res, pl, nil)
	return res, "", err
}

// replay renders the events a collecting run gathered; failed is the error
// of a run that did not complete, whose report ends as incomplete instead
// of with the totals.
func (p *Runner) replay(res *result, pl *plan.Plan, failed error) (*result, error) {
	rc, params := pl.Cfg, pl.Params
	if rc.Output != nil {
		r, err := render.New(formatOf(rc), rc.Output, render.Options{Color: rc.Color, Page: rc.Page})
		if err != nil {
			return nil, err
		}
		if err := r.Begin(p.meta(params, rc.RunDate, res)); err != nil {
			return res, &SinkError{Err: err}
		}
		for _, e := range res.Events {
			if err := r.Emit(e); err != nil {
				return res, &SinkError{Err: err}
			}
		}
		totals := &res.Totals
		if failed != nil {
			totals = &render.Totals{Incomplete: incompleteReason(failed)}
		}
		if err := r.End(totals); err != nil {
			return res, &SinkError{Err: err}
		}
	}
	if !rc.Collect {
		res.Events = nil
	}
	return res, nil
}

func formatOf(rc plan.Settings) string {
	if rc.Format == "" {
		return string(plan.FormatText)
	}
	return string(rc.Format)
}

// meta describes the report to a renderer; res holds the run's page bands.
func (p *Runner) meta(params map[string]any, runDate time.Time, res *result) *render.Meta {
	meta := &render.Meta{Title: p.m.Title, Bands: p.m.Bands, Source: p.m.Name, RunDate: runDate,
		PageHeader: res.PageHeader, PageFooter: res.PageFooter}
	for _, pd := range p.m.Params {
		meta.Params = append(meta.Params, render.Param{Name: pd.Name, Value: params[pd.Name]})
	}
	return meta
}

// SinkError reports that the output could not be written.
type SinkError struct{ Err error }

func (e *SinkError) Error() string { return "writing the report: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *SinkError) Unwrap() error { return e.Err }

// runError unwraps the pipeline's wrapping of errors the interpreter made.
func (p *Runner) runError(err error) error {
	if le := p.memoryLimitError(err); le != nil {
		return le
	}
	var sk *stream.SinkError
	if errors.As(err, &sk) {
		err = sk.Err // the builder runs in the sink; its errors are the interpreter's own
	}
	var de *source.DataError
	if errors.As(err, &de) {
		// The data error names file and line; the fetch that met it does
		// not matter. Name the file as the script does.
		return p.dataError(de)
	}
	if errors.Is(err, agg.ErrUnsorted) && p.m.Source.SortedPos.Line > 0 {
		return &eval.Error{Pos: grammar.At(p.m.Source.SortedPos), What: "sorted by", Err: err}
	}
	var re *stream.RecordError
	if errors.As(err, &re) {
		if le := eval.FlightError(re.Err); le != nil {
			return le // the values of the records in flight reached the memory limit
		}
		var ee *eval.Error
		if errors.As(re.Err, &ee) {
			c := *ee
			c.Record = re.Offset + 1
			return &c
		}
	}
	var se *SinkError
	if errors.As(err, &se) {
		return se
	}
	return err
}

// dataError names the file of a data error as the script wrote it.
func (p *Runner) dataError(de *source.DataError) *source.DataError {
	return plan.FileError(p.m, de)
}
