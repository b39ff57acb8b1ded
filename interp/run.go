package interp

import (
	"context"
	"io"
	"runtime/debug"
	"time"

	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/render"
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
	// markdown, html, pdf.
	Format Format
	// Color enables ANSI emphasis in text output.
	Color bool
	// Page sets the pdf format's page size, orientation and margins.
	Page render.PageOptions
	// OnError overrides the script's on_error: OnErrorSkip or OnErrorFail.
	OnError OnError
	// ChunkSize is the number of records fetched per source call (default 1000).
	ChunkSize int
	// MemoryLimit is the pipeline's memory limit in bytes (0: none),
	// measured on the live heap. At the limit the input pauses until usage
	// drops; when it cannot drop (nothing is left in flight and the run's
	// groups or sort buffer hold the memory) the run fails within about a
	// second with a *LimitError that says what holds it and how to avoid
	// it (max_groups, a larger limit, input sorted by the group keys). The
	// values the records build (let steps, computed keys and aggregate
	// arguments) count as they are built, until the records are through:
	// at the limit the run fails with a *LimitError naming them.
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
	// SortBuffer bounds the records a detail band holds in memory until
	// their groups close: over input not sorted by its group keys, or with
	// PERCENT_OF_TOTAL in the grouping (default 1,000,000). Past it the run
	// fails with a *LimitError that says how to avoid buffering: declare the
	// source sorted, or index the SQLite table.
	SortBuffer int
	// RunDate is the date and time the report shows as its run date (the
	// document formats' headers and page bands); the zero time shows none,
	// which keeps the output the same from run to run. The CLI sets it to
	// the time the run starts.
	RunDate time.Time
}

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
	// IgnoredKeys says, for each JSON lines file of the report (its source,
	// then its lookups) that ignored keys, which keys it ignored (first met
	// after the records its columns were inferred from) and in how many
	// records, and which declared keys no record had; each is also a
	// warning in Totals. Empty when every key was read.
	IgnoredKeys []IgnoredKeys
	// PageHeader and PageFooter are the report's page bands (page_header,
	// page_footer) with the run's parameters, title and run date in them,
	// as paged formats receive them in render.Meta; nil when the script
	// declares none. PageTemplate.Text fills in the page numbers.
	PageHeader, PageFooter *render.PageTemplate
}

// IgnoredKeys is what a JSON lines file did not read of its records' keys:
// see Result.IgnoredKeys.
type IgnoredKeys = source.IgnoredKeys

// KeyCount is an ignored key and the number of records that had it.
type KeyCount = source.KeyCount

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
	pl, err := p.planner().PlanRun(ctx, plan.Settings(rc))
	if err != nil {
		return nil, err
	}
	defer pl.Close()
	out, err := r.Execute(ctx, pl)
	return (*Result)(out), err // exec.Result has Result's fields
}
