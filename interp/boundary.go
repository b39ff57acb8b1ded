package interp

import (
	"io"
	"time"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// settings are a run's RunConfig as the planner and executors read it
// (RunConfig converts to it: the fields are the same).
type settings struct {
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
