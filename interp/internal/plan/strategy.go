package plan

import (
	"fmt"
	"io"
	"time"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// Strategy is how a run computes the report. The planner picks one at the
// start of every run (see [Program.Explain]); [RunConfig.Strategy] can ask
// for one. Whatever the strategy, the output is byte for byte the same.
type Strategy uint8

const (
	// StrategyAuto lets the planner choose: push-down for a SQLite table,
	// the scanner for a CSV file, byte ranges for a CSV or JSON lines file
	// and several workers, parallel aggregation for a nested hash grouping
	// with several workers, else the pipeline. It is
	// RunConfig.Strategy's zero value; a Result never holds it.
	StrategyAuto Strategy = iota
	// StrategyPipeline reads every record through the stages (where, let,
	// keys, aggregate arguments) into the sink, which aggregates and
	// renders. It can run every report.
	StrategyPipeline
	// StrategyParallel is the pipeline with the aggregation split by the
	// level-0 key among the workers, merged when the input ends.
	StrategyParallel
	// StrategyScan aggregates in the CSV scanner, from the cells' bytes,
	// without building records.
	StrategyScan
	// StrategyPushdown sends the aggregation to SQLite: one GROUP BY
	// statement per range of rowids.
	StrategyPushdown
	// StrategyPushdownRaw is the push-down whose ranges are read through
	// SQLite's C API and aggregated in Go as the rows arrive (when every
	// value can be checked as it is stored).
	StrategyPushdownRaw
	// StrategyRanges reads a CSV or JSON lines file in byte ranges, one
	// per worker, each read, transformed and aggregated on a goroutine of
	// its own; the ranges' groups merge in input order at the end.
	StrategyRanges
)

var strategyNames = [...]string{"auto", "pipeline", "parallel", "scan", "pushdown", "pushdown-raw", "ranges"}

// Strategies are the strategies a run can use, in the order the planner
// considers them.
var Strategies = []Strategy{StrategyPushdownRaw, StrategyPushdown, StrategyScan, StrategyRanges, StrategyParallel, StrategyPipeline}

// String returns the strategy's name as ParseStrategy reads it.
func (s Strategy) String() string {
	if int(s) < len(strategyNames) {
		return strategyNames[s]
	}
	return fmt.Sprintf("Strategy(%d)", s)
}

// ParseStrategy reads a strategy's name: auto, pipeline, parallel, scan,
// pushdown, pushdown-raw or ranges.
func ParseStrategy(name string) (Strategy, error) {
	for i, n := range strategyNames {
		if n == name {
			return Strategy(i), nil
		}
	}
	return 0, fmt.Errorf("unknown strategy %q (want one of auto, pipeline, parallel, scan, pushdown, pushdown-raw, ranges)", name)
}

// MarshalText returns the strategy's name.
func (s Strategy) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a strategy's name.
func (s *Strategy) UnmarshalText(b []byte) error {
	v, err := ParseStrategy(string(b))
	if err == nil {
		*s = v
	}
	return err
}

// carriers reports whether the strategy aggregates partial states that its
// source computed (the scanner's or SQLite's).
func (s Strategy) carriers() bool {
	return s == StrategyScan || s == StrategyPushdown || s == StrategyPushdownRaw
}

// Format is an output format of RunConfig.Format.
type Format string

// The output formats; the zero value is FormatText.
const (
	FormatText     Format = "text"
	FormatCSV      Format = "csv"
	FormatJSON     Format = "json"
	FormatJSONL    Format = "jsonl"
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
	FormatPDF      Format = "pdf"
	FormatXLSX     Format = "xlsx" // an Excel workbook (binary)
)

// OnError is what a run does with a record it cannot read or compute
// (RunConfig.OnError; the zero value keeps the script's on_error).
type OnError string

// The on_error modes.
const (
	// OnErrorFail fails the run at the first bad record.
	OnErrorFail OnError = "fail"
	// OnErrorSkip skips bad records, counts them and reports the first ten.
	OnErrorSkip OnError = "skip"
)

// Settings are a run's RunConfig as the planner and executors read it
// (RunConfig converts to it: the fields are the same).
type Settings struct {
	Params      map[string]string
	Values      map[string]any
	Output      io.Writer
	Format      Format
	Color       bool
	Page        render.PageOptions
	OnError     OnError
	ChunkSize   int
	MemoryLimit int64
	Timeout     time.Duration
	Registry    *stream.Registry
	Observer    stream.Observer
	OnSkip      func(error)
	Collect     bool
	Workers     int
	OnStart     func(h *stream.Handle)
	Progress    func(read func() (done, total int64, ok bool))
	Strategy    Strategy
	SortBuffer  int
	RunDate     time.Time
}

// DefaultSortBuffer is the default of RunConfig.SortBuffer.
const DefaultSortBuffer = 1_000_000
