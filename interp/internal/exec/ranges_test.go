package exec

import (
	"testing"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/stretchr/testify/assert"
)

// Ranges meet when each ends where the next begins; one that read past
// the next one's beginning read a record that began before it, so the
// next began inside a record, and the run gives way.
func TestRangesMeet(t *testing.T) {
	at := func(off int64) stream.Position { return stream.Position{Key: []any{off, int64(1), int64(0)}} }
	s := &rangesSource{ranges: []*fileRange{{at: at(100)}, {begin: 100, at: at(180)}, {begin: 180, at: at(300)}}}
	s.meet()
	assert.Empty(t, s.note())

	s = &rangesSource{ranges: []*fileRange{{at: at(100)}, {begin: 100, at: at(190)}, {begin: 180, at: at(300)}}}
	s.meet()
	assert.Equal(t, "range 3 of 3 began inside a record (a quoted field holding a newline)", s.note())
}
