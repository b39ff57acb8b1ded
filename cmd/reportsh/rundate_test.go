package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The run date is the run's start, unless SOURCE_DATE_EPOCH fixes it (a
// document made again byte for byte); a malformed value is ignored.
func TestRunDate(t *testing.T) {
	start := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	t.Setenv("SOURCE_DATE_EPOCH", "")
	assert.Equal(t, start, runDate(start))
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	assert.Equal(t, time.Unix(1700000000, 0).UTC(), runDate(start))
	t.Setenv("SOURCE_DATE_EPOCH", "soon")
	assert.Equal(t, start, runDate(start))
}
