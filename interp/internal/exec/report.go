package exec

import (
	"bufio"
	"context"
	"errors"

	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
)

// report writes a run's band events as the reader will see them: through
// a buffer to the renderer of the run's format (when the run has an
// output), and into the result (with RunConfig.Collect). A report header
// that shows totals comes first but is known last: until then every event
// is held. Every strategy writes through one.
type report struct {
	p      *Runner
	cfg    plan.Settings
	params map[string]any
	res    *result
	bw     *bufio.Writer
	r      render.Renderer
	// global evaluates a report-level band over the report-wide
	// aggregates; set before begin.
	global func(*program.Band) (*render.Event, error)
	begun  bool
	closed bool // the renderer ended the report
	hold   bool
	held   []*render.Event
}

// outputBuffer is the size of the buffer the report is written through.
const outputBuffer = 64 << 10

// newReport returns the report of a run with cfg's output settings.
func (p *Runner) newReport(cfg plan.Settings, params map[string]any) *report {
	w := &report{p: p, cfg: cfg, params: params, res: &result{Title: p.m.Title}}
	if cfg.Output != nil {
		// Flushed after every batch of records and at the end: rows still
		// appear as their records are read, with one write per batch
		// rather than per row.
		w.bw = bufio.NewWriterSize(cfg.Output, outputBuffer)
	}
	return w
}

// begin starts the report, once: the renderer writes the title and the
// parameters, then a report header without totals; one with totals holds
// every event until end.
func (w *report) begin() error {
	if w.begun {
		return nil
	}
	w.begun = true
	var err error
	if w.res.PageHeader, w.res.PageFooter, err = w.p.pageBands(w.params, w.cfg.RunDate); err != nil {
		return err
	}
	if w.bw != nil {
		r, err := render.New(formatOf(w.cfg), w.bw, render.Options{Color: w.cfg.Color, Page: w.cfg.Page})
		if err != nil {
			return err
		}
		w.r = r
		if err := r.Begin(w.p.meta(w.params, w.cfg.RunDate, w.res)); err != nil {
			return &SinkError{Err: err}
		}
	}
	switch h := w.p.m.RepHeader; {
	case h == nil:
	case len(h.Aggs) > 0:
		w.hold = true
	default:
		return w.emitGlobal(h)
	}
	return nil
}

// Emit collects and writes an event, or holds it (band.Emitter).
func (w *report) Emit(e *render.Event) error {
	if w.hold {
		w.held = append(w.held, e)
		return nil
	}
	if w.cfg.Collect {
		w.res.Events = append(w.res.Events, e)
	}
	if w.r != nil {
		if err := w.r.Emit(e); err != nil {
			return &SinkError{Err: err}
		}
	}
	return nil
}

// emitGlobal emits a report-level band.
func (w *report) emitGlobal(bd *program.Band) error {
	e, err := w.global(bd)
	if err != nil {
		return err
	}
	return w.Emit(e)
}

// flush writes what the buffer holds.
func (w *report) flush() error {
	if w.bw != nil && w.bw.Buffered() > 0 {
		if err := w.bw.Flush(); err != nil {
			return &SinkError{Err: err}
		}
	}
	return nil
}

// end writes a report header with totals before every event it held, then
// the summary and the report footer.
func (w *report) end() error {
	m := w.p.m
	if h := m.RepHeader; h != nil && len(h.Aggs) > 0 {
		w.hold = false
		held := w.held
		w.held = nil
		if err := w.emitGlobal(h); err != nil {
			return err
		}
		for _, e := range held {
			if err := w.Emit(e); err != nil {
				return err
			}
		}
	}
	for _, bd := range []*program.Band{m.Summary, m.RepFooter} {
		if bd != nil {
			if err := w.emitGlobal(bd); err != nil {
				return err
			}
		}
	}
	return nil
}

// close writes the run's totals (res.Totals) at the end of the report.
func (w *report) close() error {
	w.closed = true
	if w.r != nil {
		if err := w.r.End(&w.res.Totals); err != nil {
			return &SinkError{Err: err}
		}
	}
	return nil
}

// incomplete ends the report of a run that failed with err, as a report
// that stops early: what was written stays, and the renderer marks the end
// in its format's own way (render.Totals.Incomplete). A report that had not
// begun (the executors that aggregate first begin late) begins, so that the
// output is never left empty or cut in the middle of a document. Nothing
// is written when the output itself failed.
func (w *report) incomplete(err error) {
	var se *SinkError
	if w.bw == nil || w.closed || errors.As(err, &se) {
		return
	}
	w.closed = true
	if !w.begun && w.begin() != nil {
		return
	}
	if w.r != nil {
		w.r.End(&render.Totals{Incomplete: incompleteReason(err)}) // a failure to write shows when the buffer is flushed
	}
}

// incompleteReason says why a run's report stops early.
func incompleteReason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return err.Error()
}

// done flushes the buffer when the run returns: a failure to write is the
// run's error unless it has one. A run that failed (or was interrupted)
// after it set out to write its report ends it as incomplete.
func (w *report) done(err *error) {
	if *err != nil {
		w.incomplete(*err)
	}
	if w.bw != nil {
		if ferr := w.bw.Flush(); ferr != nil && *err == nil {
			*err = &SinkError{Err: ferr}
		}
	}
}
