package plan

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/source"
)

// Issue 15 item 10: the log keeps the first skipped records in input order
// however their notes arrive (the source notes bad records as it reads,
// the stage's workers note failures later and in any order), and numbers a
// failed record among all the source's records.
func TestSkipLogInputOrder(t *testing.T) {
	bad := func(l *SkipLog, offset, line int64) {
		l.NoteBad(&source.DataError{File: "f.csv", Line: line, Offset: offset, Err: errors.New("bad")})
	}
	failed := func(l *SkipLog, offset int64) {
		l.NoteFailed(offset, func(record int64) error { return fmt.Errorf("record %d failed", record) })
	}
	// The file: bad (record 1), good 0 (record 2) fails, bad, bad
	// (records 3, 4), good 1 and 2, good 3 (record 7) fails, bad (record 8).
	var onSkip []string
	l := &SkipLog{OnSkip: func(err error) { onSkip = append(onSkip, err.Error()) }}
	bad(l, 0, 2)
	bad(l, 1, 4)
	bad(l, 1, 5)
	bad(l, 4, 9) // the source reads ahead of the stage
	failed(l, 3) // a worker meets a later record first
	failed(l, 0)
	var tot render.Totals
	l.Total(&tot)
	assert.Equal(t, int64(6), tot.Skipped)
	assert.Equal(t, []string{
		"skipped: f.csv:2: bad", "skipped: record 2 failed", "skipped: f.csv:4: bad",
		"skipped: f.csv:5: bad", "skipped: record 7 failed", "skipped: f.csv:9: bad",
	}, tot.Warnings)
	assert.Equal(t, []string{"f.csv:2: bad", "f.csv:4: bad", "f.csv:5: bad", "f.csv:9: bad", "record 7 failed", "record 2 failed"},
		onSkip, "OnSkip hears each as it is noted, numbered as in the totals")

	// Only the first maxWarnings are kept, whichever arrive first.
	l = &SkipLog{}
	for i := int64(2*maxWarnings) - 1; i >= 0; i-- {
		failed(l, i)
	}
	tot = render.Totals{}
	l.Total(&tot)
	assert.Len(t, tot.Warnings, maxWarnings+1)
	assert.Equal(t, "skipped: record 1 failed", tot.Warnings[0])
	assert.Equal(t, fmt.Sprintf("skipped: record %d failed", maxWarnings), tot.Warnings[maxWarnings-1])
	assert.Equal(t, fmt.Sprintf("… and %d more skipped records", maxWarnings), tot.Warnings[maxWarnings])
}
