// Package exec carries out a run's plan (package plan): the pipeline,
// parallel aggregation, the CSV scanner's readers and tables, and the
// SQLite push-down's statements and Go aggregation, following the plan's
// fall back when a strategy gives way, and writing every strategy's events
// through one report writer.
package exec

import (
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
)

// result is what a run produced, as the executors build it (it converts
// to a Result: the fields are the same).
type result struct {
	Title    string
	Events   []*render.Event
	Totals   render.Totals
	Snapshot stream.Snapshot
	Strategy plan.Strategy
	FellBack string
	// IgnoredKeys is what the JSON lines sources did not read of their
	// records' keys (the main source's first, then the lookups'), for
	// those that ignored some.
	IgnoredKeys []source.IgnoredKeys
	// PageHeader and PageFooter are the page bands as the run evaluated
	// them (nil: not declared).
	PageHeader, PageFooter *render.PageTemplate
}

// Runner plans and executes the runs of a Program.
type Runner struct {
	m       *program.Program
	in      *input.Opener
	tune    plan.Tuning
	faultIn string
}

// NewRunner returns the planner and executors of a compiled program.
func NewRunner(m *program.Program, in *input.Opener, tune plan.Tuning, faultIn string) *Runner {
	return &Runner{m: m, in: in, tune: tune, faultIn: faultIn}
}
