package exec

import (
	"errors"
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/interp/internal/band"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// The memory limit (RunConfig.MemoryLimit) is kept by the pipeline's
// breaker: at the limit it pauses the input. That frees only the records in
// flight; groups stay. So every part of a run that holds memory beyond its
// records says how much: the builder (its engines' groups, the sort buffer)
// in its AggregateStatus, the CSV scanner's and SQLite's sources through
// stream.MemoryHolder. With nothing in flight and the limit still reached,
// the pipeline fails with a *stream.MemoryError naming them, which
// memoryLimitError turns into a *program.LimitError with advice.

// HeldMemory reports the scanner's tables: their groups and what their
// slices take. It runs between fetches, when no reader is reading.
func (s *scanSource) HeldMemory() stream.Held {
	tables := s.parts
	if tables == nil {
		tables = []*scanTable{s.table}
		for _, r := range s.ranges {
			tables = append(tables, r.table)
		}
		if s.partner != nil {
			tables = append(tables, s.partner.table)
		}
	}
	var groups, bytes int64
	for _, t := range tables {
		groups += int64(t.index.Len())
		bytes += t.bytes()
	}
	if s.groups != nil {
		bytes += int64(cap(s.groups.refs)) * 8
	}
	return stream.Held{Bytes: bytes, What: band.HeldGroups("the CSV scanner's aggregation state", groups, "", bytes)}
}

// bytes returns what the table's slices take.
func (t *scanTable) bytes() int64 {
	n := t.index.Bytes()
	n += int64(len(t.state)) * blockGroups * int64(t.sp.Stride) * 8
	return n + int64(cap(t.order))*4
}

// HeldMemory reports the result rows of the push-down's statements that
// are in memory: the current range's and those of ranges run ahead.
func (s *pdSource) HeldMemory() stream.Held {
	n, bytes := int64(len(s.buf))+s.ahead.Load(), s.bufBytes+s.aheadBytes.Load()
	if n == 0 {
		return stream.Held{}
	}
	return stream.Held{Bytes: bytes, What: fmt.Sprintf("SQLite's partial results: %s rows, ~%s", band.CountText(n), program.MiBText(bytes))}
}

// recordsBytes estimates the memory of recs: their slices, boxed values
// and strings.
func recordsBytes(recs []value.Record) int64 {
	var n int64
	for _, r := range recs {
		n += band.RecordBytes(len(r))
		for _, v := range r {
			if s, ok := v.(string); ok {
				n += int64(len(s))
			}
		}
	}
	return n
}

// memoryLimitError turns the pipeline's memory failure into a *program.LimitError
// that says what holds the memory and what to do; nil for other errors.
func (p *Runner) memoryLimitError(err error) *program.LimitError {
	var me *stream.MemoryError
	if !errors.As(err, &me) {
		return nil
	}
	le := &program.LimitError{Limit: "memory limit", Value: me.Usage, Max: me.Limit, Where: p.m.Name, Unit: "bytes"}
	var what []string
	for _, h := range me.Held {
		what = append(what, h.What)
	}
	if len(what) == 0 {
		return le
	}
	le.Held = strings.Join(what, "; ")
	sorted := "declare the source `sorted by` its group keys"
	if p.m.Source != nil && p.m.Source.Kind == "sqlite" {
		sorted = "index the SQLite table on the group keys"
	}
	if p.m.NeedSort {
		le.Hint = "pausing the input cannot free it: " + sorted + ", so that the records need not be held " +
			"for the detail band, or give the run a larger memory limit"
		return le
	}
	le.Hint = "pausing the input cannot free it: lower max_groups (records past it are rejected and counted), " +
		"give the run a larger memory limit, or " + sorted + ", so that each group is closed as the next begins"
	return le
}
