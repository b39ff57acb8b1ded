package interp

import (
	"github.com/reportsh/reportsh/interp/internal/exec"
	"github.com/reportsh/reportsh/interp/internal/plan"
)

// Strategy is how a run computes the report: the planner picks one at the
// start of every run (see [Program.Explain]), and [RunConfig.Strategy] can
// ask for one. Whatever the strategy, the output is byte for byte the
// same.
type Strategy = plan.Strategy

// The strategies.
const (
	// StrategyAuto lets the planner choose: push-down for a SQLite table,
	// the scanner for a CSV file, byte ranges for a CSV or JSON lines file
	// and several workers, parallel aggregation for a nested hash grouping
	// with several workers, else the pipeline. It is
	// RunConfig.Strategy's zero value; a Result never holds it.
	StrategyAuto = plan.StrategyAuto
	// StrategyPipeline reads every record through the stages (where, let,
	// keys, aggregate arguments) into the sink, which aggregates and
	// renders. It can run every report.
	StrategyPipeline = plan.StrategyPipeline
	// StrategyParallel is the pipeline with the aggregation split by the
	// level-0 key among the workers, merged when the input ends.
	StrategyParallel = plan.StrategyParallel
	// StrategyScan aggregates in the CSV scanner, from the cells' bytes,
	// without building records.
	StrategyScan = plan.StrategyScan
	// StrategyPushdown sends the aggregation to SQLite: one GROUP BY
	// statement per range of rowids.
	StrategyPushdown = plan.StrategyPushdown
	// StrategyPushdownRaw is the push-down whose ranges are read through
	// SQLite's C API and aggregated in Go as the rows arrive (when every
	// value can be checked as it is stored).
	StrategyPushdownRaw = plan.StrategyPushdownRaw
	// StrategyRanges reads a CSV or JSON lines file in byte ranges, one
	// per worker, each read, transformed and aggregated on a goroutine of
	// its own; the ranges' groups merge in input order at the end.
	StrategyRanges = plan.StrategyRanges
)

// Strategies are the strategies a run can use, in the order the planner
// considers them.
var Strategies = plan.Strategies

// ParseStrategy reads a strategy's name: auto, pipeline, parallel, scan,
// pushdown, pushdown-raw or ranges.
func ParseStrategy(name string) (Strategy, error) { return plan.ParseStrategy(name) }

// StrategyError reports that RunConfig.Strategy asked for a strategy that
// cannot run the report, and why.
type StrategyError = plan.StrategyError

// Format is an output format of RunConfig.Format.
type Format = plan.Format

// The output formats; the zero value is FormatText.
const (
	FormatText     = plan.FormatText
	FormatCSV      = plan.FormatCSV
	FormatJSON     = plan.FormatJSON
	FormatJSONL    = plan.FormatJSONL
	FormatMarkdown = plan.FormatMarkdown
	FormatHTML     = plan.FormatHTML
	FormatPDF      = plan.FormatPDF
	FormatXLSX     = plan.FormatXLSX
)

// OnError is what a run does with a record it cannot read or compute
// (RunConfig.OnError; the zero value keeps the script's on_error).
type OnError = plan.OnError

// The on_error modes.
const (
	// OnErrorFail fails the run at the first bad record.
	OnErrorFail = plan.OnErrorFail
	// OnErrorSkip skips bad records, counts them and reports the first ten.
	OnErrorSkip = plan.OnErrorSkip
)

// DefaultSortBuffer is the default of RunConfig.SortBuffer.
const DefaultSortBuffer = plan.DefaultSortBuffer

// ParamError reports a bad or missing parameter.
type ParamError = plan.ParamError

// SinkError reports that the output could not be written.
type SinkError = exec.SinkError
