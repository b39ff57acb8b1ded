package plan

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/source"
)

// A run's skipped records, counted and described.

// maxWarnings bounds the skipped-record messages kept in the totals.
const maxWarnings = 10

// SkipLog counts the records a run skips and keeps the first maxWarnings
// messages. It is safe for concurrent use.
type SkipLog struct {
	mu       sync.Mutex
	warnings []string
	n        atomic.Int64
	OnSkip   func(error) // RunConfig.OnSkip
}

// Note records a skipped record.
func (l *SkipLog) Note(err error) {
	l.n.Add(1)
	l.mu.Lock()
	if len(l.warnings) < maxWarnings {
		l.warnings = append(l.warnings, "skipped: "+err.Error())
	}
	l.mu.Unlock()
	if l.OnSkip != nil {
		l.OnSkip(err)
	}
}

// Total sets the totals' skip count and appends the warnings.
func (l *SkipLog) Total(t *render.Totals) {
	t.Skipped = l.n.Load()
	l.mu.Lock()
	t.Warnings = append(t.Warnings, l.warnings...)
	l.mu.Unlock()
	if t.Skipped > maxWarnings {
		t.Warnings = append(t.Warnings, fmt.Sprintf("… and %d more skipped records", t.Skipped-maxWarnings))
	}
}

// FileError names the file of a data error as the script wrote it.
func FileError(m *program.Program, de *source.DataError) *source.DataError {
	c := *de
	if m.Source != nil && m.Source.Path != "" {
		c.File = m.Source.Path
	}
	return &c
}
