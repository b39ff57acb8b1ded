package interp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/band"
	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
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

// maxWarnings bounds the skipped-record messages kept in the totals.
const maxWarnings = 10

// skipLog counts the records a run skips and keeps the first maxWarnings
// messages. It is safe for concurrent use.
type skipLog struct {
	mu       sync.Mutex
	warnings []string
	n        atomic.Int64
	onSkip   func(error) // RunConfig.OnSkip
}

// note records a skipped record.
func (l *skipLog) note(err error) {
	l.n.Add(1)
	l.mu.Lock()
	if len(l.warnings) < maxWarnings {
		l.warnings = append(l.warnings, "skipped: "+err.Error())
	}
	l.mu.Unlock()
	if l.onSkip != nil {
		l.onSkip(err)
	}
}

// total sets the totals' skip count and appends the warnings.
func (l *skipLog) total(t *render.Totals) {
	t.Skipped = l.n.Load()
	l.mu.Lock()
	t.Warnings = append(t.Warnings, l.warnings...)
	l.mu.Unlock()
	if t.Skipped > maxWarnings {
		t.Warnings = append(t.Warnings, fmt.Sprintf("… and %d more skipped records", t.Skipped-maxWarnings))
	}
}

// streamFirstChunk is the first fetch of a report whose rows stream out as
// their records are read: its first rows are out after that many records
// rather than a whole chunk (measured: the first row of a 1M-row detail
// report 11.2 ms after exec with the first chunk of 1000, 8.0 ms with 50;
// from the start of Run to the first write, medians of 10 cold runs, 1.18
// ms with 64, 0.78 with 4). Fetches double from there up to the chunk
// size.
const streamFirstChunk = 4

// firstChunk is the pipeline's FirstChunk: small when the report streams
// detail rows, else none (an aggregate report writes nothing until the end).
func (p *Program) firstChunk() int {
	if p.m.Detail != nil && !p.m.NeedSort {
		return streamFirstChunk
	}
	return 0
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
	pl, err := p.planRun(ctx, rc)
	if err != nil {
		return nil, err
	}
	defer pl.close()
	return p.execute(ctx, pl)
}

// execute runs the plan's strategy, and the strategy it falls back to if
// it gives way, having written nothing.
func (p *Program) execute(ctx context.Context, pl *runPlan) (*Result, error) {
	var fellBack string
	for {
		var res *Result
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
func (p *Program) execParallel(ctx context.Context, pl *runPlan) (*Result, string, error) {
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
func (p *Program) replay(res *Result, pl *runPlan, end bool) (*Result, error) {
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

func formatOf(rc RunConfig) string {
	if rc.Format == "" {
		return string(FormatText)
	}
	return string(rc.Format)
}

// meta describes the report to a renderer.
func (p *Program) meta(params map[string]any) *render.Meta {
	meta := &render.Meta{Title: p.m.Title, Bands: p.m.Bands, Source: p.m.Name}
	for _, pd := range p.m.Params {
		meta.Params = append(meta.Params, render.Param{Name: pd.Name, Value: params[pd.Name]})
	}
	return meta
}

// run is one pass over the input with the settings of rc (the plan's or
// a copy); aggWorkers > 1 splits the aggregation among that many
// goroutines.
func (p *Program) run(ctx context.Context, pl *runPlan, rc RunConfig, aggWorkers int) (res *Result, err error) {
	params := pl.params
	skip := pl.onError == "skip"
	start := time.Now()

	skips := &skipLog{onSkip: rc.OnSkip}
	noteSkip := skips.note

	// A sink that keeps no record lets the source reuse their slots.
	var recycle *source.Recycler
	if !p.m.NeedSort && p.m.Detail == nil && aggWorkers <= 1 {
		recycle = source.NewRecycler()
	}
	src, cleanup, err := p.in.Open(p.m.Source, input.Options{Params: params, Extra: p.m.Width - p.m.NSource, Skip: skip, Unused: p.m.Unused,
		OnSkip: func(e *source.DataError) { noteSkip(p.dataError(e)) }, Recycle: recycle})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", program.PosString(p.m.Source.Pos), err)
	}
	defer cleanup()
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	lookups, err := p.in.OpenLookups(p.m, params, &closers)
	if err != nil {
		src.Close()
		return nil, err
	}

	var fetched atomic.Int64 // records fetched, for Progress
	if rc.Progress != nil {
		var read func() (int64, int64, bool)
		var stop func() error
		ctx, read, stop = p.progressFunc(ctx, src, &fetched)
		defer func() { err = cmp.Or(err, stop()) }()
		rc.Progress(read)
	}
	w := p.newReport(rc, params)
	res = w.res
	defer w.done(&err)
	b := band.New(p.m, p.guard(), w, params, aggWorkers)
	defer b.Close()
	b.SortLimit = pl.sortBuffer
	w.global = b.GlobalEvent
	if err := w.begin(); err != nil {
		src.Close()
		return nil, err
	}

	stage := eval.Stage(p.m, params, skip, pl.workers)
	pipe := stream.Pipeline[value.Record]{
		Source:  src,
		Lookups: lookups,
		Stages:  []stream.Stage[value.Record]{stage},
		Sink: func(ctx context.Context, batch []value.Record) error {
			if err := b.AddBatch(batch); err != nil {
				return err
			}
			if err := w.flush(); err != nil {
				return err
			}
			if len(batch) > 0 {
				recycle.Done(batch[len(batch)-1])
			}
			return nil
		},
		SinkStatus: b.Status,
		// Closing the groups is part of the pipeline, so its errors fail it
		// and its final rejection counts reach the registry.
		SinkEnd: func(context.Context) error { recycle.End(); return b.Finish() },
		Options: stream.Options{Name: p.m.Title, ChunkSize: rc.ChunkSize, FirstChunk: p.firstChunk(), MemoryLimit: rc.MemoryLimit,
			Registry: rc.Registry, Observer: p.observer(rc.Observer, &fetched, noteSkip)},
	}
	snap, err := runPipeline(ctx, pipe, rc.OnStart)
	res.Snapshot = snap
	if errors.Is(err, band.ErrInexact) {
		return res, band.ErrInexact
	}
	if err != nil {
		return res, p.runError(err)
	}
	if err := w.end(); err != nil {
		return res, err
	}
	p.totals(&res.Totals, snap.Counters.RecordsIn+skippedBySource(src), b, skips, start)
	return res, w.close()
}

// observer counts the records fetched (for Progress) and notes the
// records a stage skipped under on_error skip, besides the caller's
// observer.
func (p *Program) observer(caller stream.Observer, fetched *atomic.Int64, noteSkip func(error)) stream.Observer {
	return stream.Observers(caller, stream.ObserverFunc(func(ev stream.Event) {
		if cf, ok := ev.(stream.ChunkFetched); ok {
			fetched.Add(int64(cf.Records))
		}
		if rf, ok := ev.(stream.RecordFailed); ok {
			noteSkip(p.runError(&stream.RecordError{Stage: rf.Stage, Offset: rf.Offset, Err: rf.Err}))
		}
	}))
}

// totals sets a pipeline run's totals: records read, rejected by group
// limits (by level, with a warning each), skipped, and the time taken.
func (p *Program) totals(t *render.Totals, read int64, b *band.Builder, skips *skipLog, start time.Time) {
	t.RecordsRead = read
	t.Rejected = b.Rejected
	if len(p.m.Groupings) > 0 {
		for l, lv := range p.m.Groupings[0].Levels {
			if n := b.Engines[0].Rejected(l); n > 0 {
				t.RejectedByLevel = append(t.RejectedByLevel, render.LevelCount{Level: l, Group: lv.Name, Count: n})
				t.Warnings = append(t.Warnings, fmt.Sprintf("group %s reached max_groups %d: %d records rejected", lv.Name, lv.MaxGroups, n))
			}
		}
	}
	skips.total(t)
	t.Elapsed = time.Since(start)
}

func skippedBySource(src input.RecordSource) int64 {
	if s, ok := src.(interface{ Skipped() int64 }); ok {
		return s.Skipped()
	}
	return 0
}

// SinkError reports that the output could not be written.
type SinkError struct{ Err error }

func (e *SinkError) Error() string { return "writing the report: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *SinkError) Unwrap() error { return e.Err }

// runError unwraps the pipeline's wrapping of errors the interpreter made.
func (p *Program) runError(err error) error {
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

// bindParams merges defaults, text values and typed values, checking types
// and that every required parameter is set.
func (p *Program) bindParams(rc RunConfig) (map[string]any, error) {
	out := map[string]any{}
	declared := map[string]*program.Param{}
	for _, pd := range p.m.Params {
		declared[pd.Name] = pd
		if pd.HasDefault {
			out[pd.Name] = pd.Default
		}
	}
	names := make([]string, 0, len(declared))
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	for name, text := range rc.Params {
		pd, ok := declared[name]
		if !ok {
			return nil, &ParamError{Name: name, Msg: "unknown parameter" + check.SuggestOrList(name, names)}
		}
		v, err := check.ParseParamText(pd.Kind, text)
		if err != nil {
			return nil, &ParamError{Name: name, Msg: err.Error()}
		}
		out[name] = v
	}
	for name, v := range rc.Values {
		pd, ok := declared[name]
		if !ok {
			return nil, &ParamError{Name: name, Msg: "unknown parameter" + check.SuggestOrList(name, names)}
		}
		cv, err := value.Convert(v, pd.Kind)
		if err != nil {
			return nil, &ParamError{Name: name, Msg: err.Error()}
		}
		out[name] = cv
	}
	for _, pd := range p.m.Params {
		if _, ok := out[pd.Name]; !ok {
			return nil, &ParamError{Name: pd.Name, Required: true, Declared: program.PosString(pd.Pos),
				Msg: fmt.Sprintf("required parameter not set (declared at %s)", program.PosString(pd.Pos))}
		}
	}
	return out, nil
}

// ParamError reports a bad or missing parameter.
type ParamError struct {
	Name string
	Msg  string
	// Required is set when the error is a required parameter with no value.
	Required bool
	// Declared is the position of the param statement ("file:line:col").
	Declared string
}

func (e *ParamError) Error() string { return "param " + e.Name + ": " + e.Msg }

// dataError names the file of a data error as the script wrote it.
func (p *Program) dataError(de *source.DataError) *source.DataError {
	c := *de
	if p.m.Source != nil && p.m.Source.Path != "" {
		c.File = p.m.Source.Path
	}
	return &c
}

// progressFunc reports how much of src has been read: bytes for files that
// know their size, rows for a SQLite table whose count runs in the
// background. stop ends and waits for that count, and returns its panic:
// the run's context, which progressFunc returns, is then cancelled with it.
func (p *Program) progressFunc(ctx context.Context, src input.RecordSource, fetched *atomic.Int64) (_ context.Context, read func() (int64, int64, bool), stop func() error) {
	if f, ok := src.(interface{ Progress() (int64, int64) }); ok {
		return ctx, func() (int64, int64, bool) {
			read, size := f.Progress()
			return read, size, size > 0
		}, func() error { return nil }
	}
	var total atomic.Int64
	total.Store(-1)
	stop = func() error { return nil }
	if c, ok := src.(interface {
		Count(context.Context) (int64, error)
	}); ok && p.m.Source.Table != "" {
		var fail context.CancelCauseFunc
		ctx, fail = context.WithCancelCause(ctx)
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		var perr error
		go func() {
			defer close(done)
			perr = p.protect("progress count", func() error {
				if n, err := c.Count(cctx); err == nil {
					total.Store(n)
				}
				return nil
			})
			if perr != nil {
				fail(perr) // the run stops
			}
		}()
		stop = func() error { cancel(); <-done; fail(nil); return perr }
	}
	return ctx, func() (int64, int64, bool) {
		t := total.Load()
		return fetched.Load(), t, t > 0
	}, stop
}

// runPipeline runs pl to the end, handing its handle to onStart first.
func runPipeline(ctx context.Context, pl stream.Pipeline[value.Record], onStart func(*stream.Handle)) (stream.Snapshot, error) {
	if onStart == nil {
		return stream.Run(ctx, pl)
	}
	h, err := stream.Start(ctx, pl)
	if err != nil {
		return stream.Snapshot{}, err
	}
	onStart(h)
	return h.Wait()
}
