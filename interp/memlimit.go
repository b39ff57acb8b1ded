package interp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/agg"
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
// memoryLimitError turns into a *LimitError with advice.

// groupBytes estimates the memory one group of an aggregation engine holds
// with specs aggregates, besides the bytes of a string key: about 100
// bytes for the group, its key and its place in its parent's map, and 25
// per aggregate (measured on 400,000 groups of one level with 11-byte
// keys: 131 B each with COUNT, 171 with COUNT and SUM, 213 with four
// aggregates). Aggregates whose state grows with the values (MODE,
// distinct counts, PERCENTILE) hold more.
func groupBytes(specs int) int64 { return 100 + 25*int64(specs) }

// recordBytes estimates the memory of a record of width slots held in
// memory: the slice and a boxed value per slot.
func recordBytes(width int) int64 { return 24 + 32*int64(width) }

// held reports the memory the builder holds: the groups of its engines,
// or of its parallel workers' until they merge, and the records of its
// sort buffer.
func (b *builder) held() stream.Held {
	var groups, bytes int64
	for gi, gr := range b.p.m.Groupings {
		for l, lv := range gr.Levels {
			n, kb := b.engines[gi].Held(l)
			groups += int64(n)
			bytes += int64(n)*groupBytes(len(lv.Specs)) + kb
		}
	}
	var what []string
	if groups > 0 {
		what = append(what, heldGroups("aggregation state", groups, "", bytes))
	}
	if b.par != nil {
		if g, by := b.par.held(); g > 0 {
			what = append(what, heldGroups("aggregation state", g, fmt.Sprintf(" on %d workers", len(b.par.workers)), by))
			bytes += by
		}
	}
	if n := int64(len(b.buffered)); n > 0 {
		rb := n * recordBytes(b.p.m.Width)
		bytes += rb
		what = append(what, fmt.Sprintf("sort buffer: %s records, ~%s", countText(n), program.MiBText(rb)))
	}
	return stream.Held{Bytes: bytes, What: strings.Join(what, "; ")}
}

// held sums the groups the workers' engines hold and their estimated
// memory, as last recorded by the workers.
func (pa *parAgg) held() (groups, bytes int64) {
	for _, w := range pa.workers {
		groups += w.groups.Load()
		bytes += w.bytes.Load()
	}
	return groups, bytes
}

// record publishes the groups the worker's engine holds, for held.
func (w *aggWorker) record() {
	var groups, bytes int64
	for l, c := range w.cost {
		n, kb := w.eng.Held(l)
		groups += int64(n)
		bytes += int64(n)*c + kb
	}
	w.groups.Store(groups)
	w.bytes.Store(bytes)
}

// levelCosts returns groupBytes for each level of cfg.
func levelCosts(cfg agg.Config) []int64 {
	out := make([]int64, len(cfg.Levels))
	for l, lv := range cfg.Levels {
		out[l] = groupBytes(len(lv.Specs))
	}
	return out
}

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
	return stream.Held{Bytes: bytes, What: heldGroups("the CSV scanner's aggregation state", groups, "", bytes)}
}

// bytes returns what the table's slices take.
func (t *scanTable) bytes() int64 {
	n := t.index.Bytes()
	n += int64(len(t.state)) * blockGroups * int64(t.sp.stride) * 8
	return n + int64(cap(t.order))*4
}

// HeldMemory reports the result rows of the push-down's statements that
// are in memory: the current range's and those of ranges run ahead.
func (s *pdSource) HeldMemory() stream.Held {
	n, bytes := int64(len(s.buf))+s.ahead.Load(), s.bufBytes+s.aheadBytes.Load()
	if n == 0 {
		return stream.Held{}
	}
	return stream.Held{Bytes: bytes, What: fmt.Sprintf("SQLite's partial results: %s rows, ~%s", countText(n), program.MiBText(bytes))}
}

// recordsBytes estimates the memory of recs: their slices, boxed values
// and strings.
func recordsBytes(recs []value.Record) int64 {
	var n int64
	for _, r := range recs {
		n += recordBytes(len(r))
		for _, v := range r {
			if s, ok := v.(string); ok {
				n += int64(len(s))
			}
		}
	}
	return n
}

// memoryLimitError turns the pipeline's memory failure into a *LimitError
// that says what holds the memory and what to do; nil for other errors.
func (p *Program) memoryLimitError(err error) *LimitError {
	var me *stream.MemoryError
	if !errors.As(err, &me) {
		return nil
	}
	le := &LimitError{Limit: "memory limit", Value: me.Usage, Max: me.Limit, Where: p.m.Name, Unit: "bytes"}
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
			"for sorting, or give the run a larger memory limit"
		return le
	}
	le.Hint = "pausing the input cannot free it: lower max_groups (records past it are rejected and counted), " +
		"give the run a larger memory limit, or " + sorted + ", so that each group is closed as the next begins"
	return le
}

// heldGroups describes n groups (where they are, if where is set) taking
// about bytes.
func heldGroups(what string, n int64, where string, bytes int64) string {
	return fmt.Sprintf("%s: %s groups%s, ~%s", what, countText(n), where, program.MiBText(bytes))
}

// countText writes n with thousands separators: 400,123.
func countText(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
