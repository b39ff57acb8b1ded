// Package plan chooses, once at the start of a run, everything the run
// will do: the strategy and why (and why not the others), the resolved
// settings, the strategy it falls back to, and, for the strategies that
// aggregate in the source, the opened source and the work sent there — the
// SQL of SQLite's dialect (pushdown.go, pushdown_sqlite.go: the dialect
// seam is pdBackend) or the CSV scanner's plan (scanagg.go, scanwhere.go).
// Package exec carries the plan out; Explain prints it.
package plan

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"

	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
)

// Planner chooses the plans of a program's runs.
type Planner struct {
	m    *program.Program
	in   *input.Opener
	tune Tuning
}

// NewPlanner returns the planner of a compiled program whose sources in
// opens, with the executors' sizes tune.
func NewPlanner(m *program.Program, in *input.Opener, tune Tuning) *Planner {
	return &Planner{m: m, in: in, tune: tune}
}

// Plan is everything one run does, chosen once at its start by PlanRun:
// the strategy and why (and why not the others), the resolved settings,
// the strategy it turns into if its source's partial states cannot be
// trusted, and, for the strategies that aggregate in the source, the
// source it opened and the work it sends there. Run executes it and
// Explain prints it, so the two cannot disagree.
type Plan struct {
	Cfg      Settings // the caller's settings, as given
	Strategy Strategy
	why      string     // why strategy
	declined []declined // the strategies considered before it, and why not
	// Fallback is what the run turns into when strategy gives way mid-run
	// (a scan or a push-down meets a value it cannot take, a parallel
	// merge could differ); StrategyAuto when it cannot.
	Fallback Strategy

	// ParallelPays: the report's aggregation split among the workers by
	// key pays whatever its groups (two or more levels); with one level
	// the ranges give way to it only when they find many groups.
	ParallelPays bool

	Params     map[string]any
	OnError    string // "fail" or "skip"
	Workers    int
	SortBuffer int
	Tune       Tuning

	Push       *PdRun     // StrategyPushdown, StrategyPushdownRaw: the opened table
	pushWhyNot string     // why the table's aggregation cannot run in SQLite
	Scan       *scanStart // StrategyScan: the opened file
}

// declined is a strategy the planner did not choose, and why.
type declined struct {
	strategy Strategy
	why      string
}

// Tuning are the sizes the executors divide their work by. Compile sets
// the defaults; tests set small ones to reach the ranges with little data.
type Tuning struct {
	// RangeRows is the number of rows a push-down statement aims at: few
	// enough for SQLite's GROUP BY sort to stay in memory and for progress
	// and cancellation to be timely.
	RangeRows int64
	// MinRange is the least number of bytes of CSV worth a reader of its own.
	MinRange int64
	// RangeJudge is the number of records the scan's main reader reads
	// before it decides whether ranges pay.
	RangeJudge int64
	// GroupsPer: with more than a group per groupsPer records, the ranges'
	// tables would each hold most groups: the scan drops them.
	GroupsPer int64
	// Batch is the fewest records each reader of a scan or of the ranges
	// reads per fetch of the pipeline when RunConfig.ChunkSize is not set
	// (a fetch asks for the chunk size, 1,000 by default). Their fetches
	// return no record, and each round trip through the pipeline leaves
	// the cores idle for tens of microseconds: at a thousand records a
	// fetch that was a third of Q1 over 10M rows of CSV. A chunk size the
	// caller sets is kept.
	Batch int
	// Partners, if set, counts the partners scans start (for tests).
	Partners *atomic.Int64
}

// DefaultTuning returns the sizes measured to pay (docs/performance.md).
func DefaultTuning() Tuning {
	return Tuning{RangeRows: 1 << 16, MinRange: 4 << 20, RangeJudge: 1 << 14, GroupsPer: 8, Batch: 1 << 14}
}

// Close releases what the plan opened and the run did not take.
func (pl *Plan) Close() {
	if pl.Push != nil {
		pl.Push.Done()
		pl.Push = nil
	}
	if pl.Scan != nil {
		pl.Scan.Close()
		pl.Scan = nil
	}
}

// PlanRun resolves cfg's settings and chooses the strategy. It opens the
// source of a strategy that aggregates in the source, to plan the work
// sent there; the caller closes the plan.
func (p *Planner) PlanRun(ctx context.Context, cfg Settings) (*Plan, error) {
	pl := &Plan{Cfg: cfg, Tune: p.tune, OnError: p.m.OnError, Workers: cfg.Workers, SortBuffer: cfg.SortBuffer}
	if cfg.OnError != "" {
		if cfg.OnError != "skip" && cfg.OnError != "fail" {
			return nil, fmt.Errorf("on_error must be skip or fail, not %q", cfg.OnError)
		}
		pl.OnError = string(cfg.OnError)
	}
	if pl.Workers <= 0 {
		pl.Workers = runtime.GOMAXPROCS(0)
	}
	if pl.SortBuffer <= 0 {
		pl.SortBuffer = DefaultSortBuffer
	}
	if cfg.Strategy > StrategyRanges {
		return nil, fmt.Errorf("unknown strategy %v", cfg.Strategy)
	}
	params, err := p.bindParams(cfg)
	if err != nil {
		return nil, err
	}
	pl.Params = params
	pl.Fallback = StrategyPipeline
	if p.whyNotParallel(pl.Workers) == "" {
		pl.Fallback = StrategyParallel
	}
	if err := p.choose(ctx, pl); err != nil {
		pl.Close()
		return nil, err
	}
	if !pl.Strategy.carriers() && pl.Strategy != StrategyParallel && pl.Strategy != StrategyRanges {
		pl.Fallback = StrategyAuto
	}
	pl.ParallelPays = p.whyNotParallel(pl.Workers) == ""
	if pl.Strategy == StrategyRanges && p.whyNotSplit(pl.Workers) == "" {
		pl.Fallback = StrategyParallel // the ranges give way to it when they find many groups
	}
	if pl.Strategy == StrategyParallel {
		pl.Fallback = StrategyPipeline
	}
	return pl, nil
}

// choose considers the strategies in the order of Strategies and takes the
// first that can run the report (or the one cfg.Strategy asks for).
func (p *Planner) choose(ctx context.Context, pl *Plan) error {
	want := pl.Cfg.Strategy
	for _, s := range Strategies {
		if want != StrategyAuto && want != s {
			continue
		}
		why, whyNot, err := p.consider(ctx, pl, s)
		if err != nil {
			return err
		}
		if whyNot == "" {
			pl.Strategy, pl.why = s, why
			if want != StrategyAuto {
				pl.why = "asked for (RunConfig.Strategy); " + why
			}
			return nil
		}
		if want != StrategyAuto {
			return &StrategyError{Strategy: s, Why: whyNot}
		}
		pl.declined = append(pl.declined, declined{s, whyNot})
	}
	return fmt.Errorf("no strategy can run the report") // the pipeline always can
}

// StrategyError reports that RunConfig.Strategy asked for a strategy that
// cannot run the report.
type StrategyError struct {
	Strategy Strategy
	// Why says what in the report or its source rules the strategy out.
	Why string
}

func (e *StrategyError) Error() string {
	return fmt.Sprintf("strategy %s cannot run this report: %s", e.Strategy, e.Why)
}

// consider says why strategy s would run the report, or why not. A
// strategy that aggregates in the source opens it, and keeps it in pl when
// it can run.
func (p *Planner) consider(ctx context.Context, pl *Plan, s Strategy) (why, whyNot string, err error) {
	switch s {
	case StrategyPushdownRaw, StrategyPushdown:
		return p.considerPushdown(ctx, pl, s == StrategyPushdownRaw)
	case StrategyScan:
		return p.considerScan(ctx, pl)
	case StrategyRanges:
		return p.considerRanges(pl)
	case StrategyParallel:
		if whyNot := p.whyNotParallel(pl.Workers); whyNot != "" {
			return "", whyNot, nil
		}
		return fmt.Sprintf("a nested hash grouping and %d workers: each aggregates the groups of some level-0 keys", pl.Workers), "", nil
	}
	return "every report can run record by record", "", nil
}

// considerPushdown plans the push-down over the SQLite table (raw: read in
// Go as the rows arrive).
func (p *Planner) considerPushdown(ctx context.Context, pl *Plan, raw bool) (why, whyNot string, err error) {
	if whyNot := p.pushStatic(); whyNot != "" {
		return "", whyNot, nil
	}
	if pl.Push == nil && pl.pushWhyNot == "" {
		pd, whyNot, err := p.OpenPushdown(ctx, pl.Params)
		if err != nil {
			return "", "", fmt.Errorf("%s: %w", program.PosString(p.m.Source.Pos), err)
		}
		pl.Push, pl.pushWhyNot = pd, whyNot
	}
	if pl.pushWhyNot != "" {
		return "", pl.pushWhyNot, nil
	}
	pp := pl.Push.Pp
	if raw {
		if pp.Raw == nil {
			return "", pp.whyNotRaw, nil
		}
		return "every value the aggregates read can be checked as SQLite stores it: SQLite walks the table, Go aggregates", "", nil
	}
	pp.Raw = nil // the statement aggregates
	return "SQLite computes every aggregate of the report from the table", "", nil
}

// considerScan plans the aggregation in the CSV scanner.
func (p *Planner) considerScan(ctx context.Context, pl *Plan) (why, whyNot string, err error) {
	if whyNot := p.scanStatic(); whyNot != "" {
		return "", whyNot, nil
	}
	if pl.Cfg.OnSkip != nil {
		// OnSkip is called as records are skipped: a scan that fell back
		// would call it twice for them.
		return "", "RunConfig.OnSkip is set, and a scan that fell back would report skipped records twice", nil
	}
	st, whyNot, err := p.openScan(ctx, pl)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", program.PosString(p.m.Source.Pos), err)
	}
	if whyNot != "" {
		return "", whyNot, nil
	}
	pl.Scan = st
	return "the scanner computes every aggregate from the cells' bytes, without building records", "", nil
}

// whyNotParallel says why the aggregation is not split among workers; ""
// when it is. A single level rarely has enough groups for the split to pay
// for routing records between goroutines (measured: 8 territories ran 25%
// slower on two cores, territory > customer with 100k groups 20% faster).
func (p *Planner) whyNotParallel(workers int) string {
	if why := p.whyNotSplit(workers); why != "" {
		return why
	}
	if len(p.m.Groupings[0].Levels) < 2 {
		return "one group level: too few groups to pay for routing records among workers"
	}
	return ""
}

// whyNotSplit says why the aggregation cannot be split among workers by
// level-0 key, whether or not it would pay; "" when it can. With one
// level it pays only for many groups: the ranges give way to it when they
// find them.
func (p *Planner) whyNotSplit(workers int) string {
	switch {
	case workers < 2:
		return "one worker"
	case len(p.m.Groupings) != 1:
		if len(p.m.Groupings) == 0 {
			return "the report has no grouping"
		}
		return fmt.Sprintf("the report has %d top-level groupings", len(p.m.Groupings))
	case p.m.Groupings[0].Streaming:
		return "the input is sorted by the group keys: each group closes as the next begins"
	case p.m.Detail != nil:
		return "the report has a detail band, which prints the records in order"
	}
	return ""
}

// ScanFile is a file the scanner reads: CSV or JSON lines.
type ScanFile interface {
	input.RecordSource
	ScanRange(ctx context.Context, after stream.Position, limit int, until int64, fn func(*source.RawRecord) error) (next stream.Position, n int, done bool, bytes int64, err error)
	LineStart(off int64) (int64, error)
	At(off int64) stream.Position
	Progress() (read, size int64)
	Skipped() int64
}

// scanStart is the opened file of a scan and its plans.
type scanStart struct {
	Csv     ScanFile
	Pp      *PushPlan
	Sp      *ScanPlan
	Skips   *SkipLog
	cleanup func()
}

func (s *scanStart) Close() {
	s.Csv.Close()
	s.cleanup()
}

// openScan opens the CSV file and plans the scan; whyNot says why the
// scanner cannot aggregate the report.
func (p *Planner) openScan(ctx context.Context, pl *Plan) (*scanStart, string, error) {
	skips := &SkipLog{}
	rs, cleanup, err := p.in.Open(ctx, p.m.Source, input.Options{Params: pl.Params, Skip: pl.OnError == "skip", Unused: p.m.Unused,
		OnSkip: func(e *source.DataError) { skips.NoteBad(FileError(p.m, e)) }})
	if err != nil {
		return nil, "", err
	}
	csv, ok := rs.(ScanFile)
	if !ok {
		rs.Close()
		cleanup()
		return nil, "the source is not a CSV or JSON lines file", nil
	}
	if j, ok := rs.(*source.JSONL); ok {
		j.DecodeAlone() // the scan's readers keep the cores busy
	}
	pp, sp := p.PlanScan(csv.Schema(), pl.Params)
	if sp == nil {
		csv.Close()
		cleanup()
		return nil, pp.reason, nil
	}
	return &scanStart{Csv: csv, Pp: pp, Sp: sp, Skips: skips, cleanup: cleanup}, "", nil
}
