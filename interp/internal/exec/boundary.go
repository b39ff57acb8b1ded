// Package exec plans and executes a run of a compiled program: the plan
// value (PlanRun: the strategy and why, the fall back, the resolved
// settings, the opened source), and the executors that carry it out — the
// pipeline, parallel aggregation, the CSV scanner and the SQLite push-down
// (with SQLite's SQL dialect) — writing every strategy's events through
// one report writer.
package exec

import (
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// result is what a run produced, as the executors build it (it converts
// to a Result: the fields are the same).
type result struct {
	Title    string
	Events   []*render.Event
	Totals   render.Totals
	Snapshot stream.Snapshot
	Strategy Strategy
	FellBack string
}

// Runner plans and executes the runs of a Program.
type Runner struct {
	m       *program.Program
	in      *input.Opener
	tune    Tuning
	faultIn string
}

// NewRunner returns the planner and executors of a compiled program.
func NewRunner(m *program.Program, in *input.Opener, tune Tuning, faultIn string) *Runner {
	return &Runner{m: m, in: in, tune: tune, faultIn: faultIn}
}
