package plan

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/source"
)

// A run's skipped records, counted and described.

// maxWarnings bounds the skipped-record messages kept in the totals.
const maxWarnings = 10

// SkipLog counts the records a run skips and keeps the messages of the
// first maxWarnings in input order. It is safe for concurrent use: the
// source notes its bad records as it reads them, the stage's workers note
// the records whose evaluation failed later and in any order, so the notes
// arrive out of input order (how far depends on chunk size and workers);
// each says where its record stands, and the log keeps the first by that.
type SkipLog struct {
	mu   sync.Mutex
	kept []skipNote // the first notes in input order, sorted
	// bad holds DataError.Offset of every bad record the source skipped,
	// sorted (8 bytes each): how many came before a record that failed
	// later tells that record's number in the source.
	bad    []int64
	n      atomic.Int64
	OnSkip func(error) // RunConfig.OnSkip
}

// skipNote is one skipped record: a bad one comes after offset good
// records, in the order the source met it (seq); one that failed in a
// later stage is the good record at offset, after the bad records before it.
type skipNote struct {
	offset int64
	failed bool
	seq    int
	err    error
}

func (a skipNote) before(b skipNote) bool {
	if a.offset != b.offset {
		return a.offset < b.offset
	}
	if a.failed != b.failed {
		return !a.failed
	}
	return a.seq < b.seq
}

// NoteBad records a bad record the source skipped.
func (l *SkipLog) NoteBad(de *source.DataError) {
	l.mu.Lock()
	i := sort.Search(len(l.bad), func(i int) bool { return l.bad[i] > de.Offset })
	l.bad = slices.Insert(l.bad, i, de.Offset) // at the end: the source reads in order
	l.keep(skipNote{offset: de.Offset, seq: len(l.bad), err: de})
	l.mu.Unlock()
	l.count(de)
}

// NoteFailed records a good record of the source, at stream offset
// offset, that a later stage skipped; errAt makes its error given its
// 1-based number among all the source's records. The source noted every
// bad record before it by then: it met them before returning it.
func (l *SkipLog) NoteFailed(offset int64, errAt func(record int64) error) {
	l.mu.Lock()
	before := sort.Search(len(l.bad), func(i int) bool { return l.bad[i] > offset })
	err := errAt(offset + 1 + int64(before))
	l.keep(skipNote{offset: offset, failed: true, err: err})
	l.mu.Unlock()
	l.count(err)
}

// keep inserts a note among the first maxWarnings, if it is one of them.
func (l *SkipLog) keep(n skipNote) {
	i := sort.Search(len(l.kept), func(i int) bool { return n.before(l.kept[i]) })
	if i >= maxWarnings {
		return
	}
	l.kept = slices.Insert(l.kept, i, n)
	if len(l.kept) > maxWarnings {
		l.kept = l.kept[:maxWarnings]
	}
}

func (l *SkipLog) count(err error) {
	l.n.Add(1)
	if l.OnSkip != nil {
		l.OnSkip(err)
	}
}

// Total sets the totals' skip count and appends the warnings.
func (l *SkipLog) Total(t *render.Totals) {
	t.Skipped = l.n.Load()
	l.mu.Lock()
	for _, n := range l.kept {
		t.Warnings = append(t.Warnings, "skipped: "+n.err.Error())
	}
	l.mu.Unlock()
	if t.Skipped > maxWarnings {
		t.Warnings = append(t.Warnings, fmt.Sprintf("… and %d more skipped records", t.Skipped-maxWarnings))
	}
}

// FileError names the file of a data error as the script wrote it. A
// lookup's error names the lookup's file already.
func FileError(m *program.Program, de *source.DataError) *source.DataError {
	c := *de
	for _, l := range m.Lookups {
		if l.Source != nil && l.Source.Path == de.File {
			return &c
		}
	}
	if m.Source != nil && m.Source.Path != "" {
		c.File = m.Source.Path
	}
	return &c
}
