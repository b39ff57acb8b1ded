// Package exec plans and executes a run of a compiled program: the plan
// value (PlanRun: the strategy and why, the fall back, the resolved
// settings, the opened source), and the executors that carry it out — the
// pipeline, parallel aggregation, the CSV scanner and the SQLite push-down
// (with SQLite's SQL dialect) — writing every strategy's events through
// one report writer.
package exec

import (
	"io"
	"time"

	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// Settings are a run's RunConfig as the planner and executors read it
// (RunConfig converts to it: the fields are the same).
type Settings struct {
	Params      map[string]string
	Values      map[string]any
	Output      io.Writer
	Format      Format
	Color       bool
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
}

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

// DefaultSortBuffer is the default of RunConfig.SortBuffer.
const DefaultSortBuffer = 1_000_000

// NewRunner returns the planner and executors of a compiled program.
func NewRunner(m *program.Program, in *input.Opener, tune Tuning, faultIn string) *Runner {
	return &Runner{m: m, in: in, tune: tune, faultIn: faultIn}
}
