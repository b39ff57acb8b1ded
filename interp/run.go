package interp

import (
	"context"
	"errors"
	"io"
	"runtime/debug"
	"time"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/band"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
)

// RunConfig configures one run of a Program. The zero value is valid: the
// report is collected into the Result only, with the script's defaults.
type RunConfig struct {
	// Params are parameter values as text (as on the command line: "2024-06-01"),
	// parsed by each parameter's declared type.
	Params map[string]string
	// Values are typed parameter values (int, int64, float64, string, bool,
	// value.Decimal, value.Date, time.Time); they override Params.
	Values map[string]any
	// Output receives the rendered report; nil renders nothing (use the
	// Result).
	Output io.Writer
	// Format is the output format: text (default), csv, json, jsonl,
	// markdown, html.
	Format Format
	// Color enables ANSI emphasis in text output.
	Color bool
	// OnError overrides the script's on_error: OnErrorSkip or OnErrorFail.
	OnError OnError
	// ChunkSize is the number of records fetched per source call (default 1000).
	ChunkSize int
	// MemoryLimit is the pipeline's memory limit in bytes (0: none),
	// measured on the live heap. At the limit the input pauses until usage
	// drops; when it cannot drop (nothing is left in flight and the run's
	// groups or sort buffer hold the memory) the run fails within about a
	// second with a *LimitError that says what holds it and how to avoid
	// it (max_groups, a larger limit, input sorted by the group keys).
	MemoryLimit int64
	// Timeout bounds the whole run (0: none).
	Timeout time.Duration
	// Registry tracks the run's pipeline; nil uses a private registry.
	Registry *stream.Registry
	// Observer receives the pipeline's telemetry events.
	Observer stream.Observer
	// OnSkip is called for every record skipped under on_error skip.
	OnSkip func(error)
	// Collect keeps every band event in Result.Events.
	Collect bool
	// Workers is the number of goroutines that evaluate the per-record
	// expressions (where, let, group keys, aggregate arguments) of each
	// batch; the output is identical whatever the number. Default: the
	// number of CPUs (GOMAXPROCS).
	Workers int
	// OnStart, when set, is called once the pipeline is registered and
	// running, with its handle: the run's registry ID, a live Snapshot of
	// status and counters, and Pause, Resume and Cancel. It must not block.
	OnStart func(h *stream.Handle)
	// Progress, when set, is called once, after the source is opened and
	// before its first fetch, with a function reporting how much of the
	// source has been read: done of total in the source's unit (bytes of
	// file for csv and jsonl, rows for a SQLite table, counted in the
	// background). ok is false while the total is unknown. The function is
	// cheap and safe for concurrent use.
	Progress func(read func() (done, total int64, ok bool))
	// Strategy asks for a strategy (see [Strategy]); the zero value,
	// StrategyAuto, lets the planner choose. A strategy that cannot run the
	// report makes Run return a *StrategyError. Every strategy writes the
	// same output; this is for comparing them and for tests.
	Strategy Strategy
	// SortBuffer bounds the records held in memory when a detail band needs
	// input sorted by its group keys and the source is not (default
	// 1,000,000). Past it the run fails with a *LimitError that says how to
	// avoid buffering: declare the source sorted, or index the SQLite table.
	SortBuffer int
}

// DefaultSortBuffer is the default of RunConfig.SortBuffer.
const DefaultSortBuffer = 1_000_000

// Result is what a run produced, for programs that post-process.
type Result struct {
	// Title is the report's title.
	Title string
	// Events are the band events in report order (with RunConfig.Collect).
	Events []*render.Event
	// Totals are the run's counters as printed at the end of the report.
	Totals render.Totals
	// Snapshot is the pipeline's final registry snapshot.
	Snapshot stream.Snapshot
	// Strategy is the strategy that computed the report; the plan's (see
	// [Program.Explain]) unless it fell back.
	Strategy Strategy
	// FellBack says why the planned strategy gave way to Strategy during
	// the run ("scan: a value with more fraction digits …"); empty when it
	// did not.
	FellBack string
}

// Run executes the report. It is safe to call concurrently on one Program.
//
// The run's plan is chosen first, as [Program.Explain] prints it: the
// strategy (see [Strategy]), the workers, and what the run turns into when
// its source's partial states cannot be trusted. Whatever the strategy,
// worker count or chunk size, the output is the same, byte for byte.
func (p *Program) Run(ctx context.Context, cfg *RunConfig) (res *Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, &PanicError{Script: p.m.Name, Part: "run", Value: v, Stack: debug.Stack()}
		}
	}()
	var rc RunConfig
	if cfg != nil {
		rc = *cfg
	}
	if rc.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, rc.Timeout)
		defer cancel()
	}
	r := p.runner()
	pl, err := r.planRun(ctx, settings(rc))
	if err != nil {
		return nil, err
	}
	defer pl.close()
	out, err := r.execute(ctx, pl)
	return (*Result)(out), err
}

// execute runs the plan's strategy, and the strategy it falls back to if
// it gives way, having written nothing.
func (p *runner) execute(ctx context.Context, pl *runPlan) (*result, error) {
	var fellBack string
	for {
		var res *result
		var note string
		var err error
		switch pl.strategy {
		case StrategyPushdown, StrategyPushdownRaw:
			push := pl.push
			pl.push = nil // the run's source closes it
			res, note, err = push.run(ctx, pl)
			push.done()
		case StrategyScan:
			res, note, err = p.execScan(ctx, pl)
			pl.scan = nil
		case StrategyParallel:
			res, note, err = p.execParallel(ctx, pl)
		default:
			res, err = p.run(ctx, pl, pl.cfg, 0)
		}
		if note == "" {
			if res != nil {
				res.Strategy, res.FellBack = pl.strategy, fellBack
			}
			return res, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if fellBack != "" {
			fellBack += "; "
		}
		fellBack += pl.strategy.String() + ": " + note
		pl.strategy, pl.fallback = pl.fallback, StrategyPipeline
	}
}

// execParallel runs the pipeline with the aggregation split among the
// workers, collecting the events, and renders them once the merge is
// done. When more than one level reached its group limit the merge could
// differ from one worker's: it falls back, having written nothing.
func (p *runner) execParallel(ctx context.Context, pl *runPlan) (*result, string, error) {
	pc := pl.cfg
	pc.Output, pc.Collect = nil, true
	res, err := p.run(ctx, pl, pc, pl.workers)
	if errors.Is(err, band.ErrInexact) {
		return nil, "more than one level reached its group limit: the groups kept could differ from one worker's", nil
	}
	if err != nil {
		// Render what one worker would have written before failing.
		if res != nil {
			if _, rerr := p.replay(res, pl, false); rerr != nil {
				return res, "", rerr
			}
		}
		return res, "", err
	}
	res, err = p.replay(res, pl, true)
	return res, "", err
}

// replay renders the events a collecting run gathered; end says whether
// the run completed (a failed run's output has no totals).
func (p *runner) replay(res *result, pl *runPlan, end bool) (*result, error) {
	rc, params := pl.cfg, pl.params
	if rc.Output != nil {
		r, err := render.New(formatOf(rc), rc.Output, render.Options{Color: rc.Color})
		if err != nil {
			return nil, err
		}
		if err := r.Begin(p.meta(params)); err != nil {
			return res, &SinkError{Err: err}
		}
		for _, e := range res.Events {
			if err := r.Emit(e); err != nil {
				return res, &SinkError{Err: err}
			}
		}
		if !end {
			return res, nil
		}
		if err := r.End(&res.Totals); err != nil {
			return res, &SinkError{Err: err}
		}
	}
	if !rc.Collect {
		res.Events = nil
	}
	return res, nil
}

func formatOf(rc settings) string {
	if rc.Format == "" {
		return string(FormatText)
	}
	return string(rc.Format)
}

// meta describes the report to a renderer.
func (p *runner) meta(params map[string]any) *render.Meta {
	meta := &render.Meta{Title: p.m.Title, Bands: p.m.Bands, Source: p.m.Name}
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
func (p *runner) runError(err error) error {
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
		return &EvalError{Pos: grammar.At(p.m.Source.SortedPos), What: "sorted by", Err: err}
	}
	var re *stream.RecordError
	if errors.As(err, &re) {
		var ee *EvalError
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
func (p *runner) dataError(de *source.DataError) *source.DataError {
	c := *de
	if p.m.Source != nil && p.m.Source.Path != "" {
		c.File = p.m.Source.Path
	}
	return &c
}
