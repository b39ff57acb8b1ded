package band

import (
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/stream"
)

// groupBytes estimates the memory one group of an aggregation engine holds
// with specs aggregates, besides the bytes of a string key: about 100
// bytes for the group, its key and its place in its parent's map, and 25
// per aggregate (measured on 400,000 groups of one level with 11-byte
// keys: 131 B each with COUNT, 171 with COUNT and SUM, 213 with four
// aggregates). Aggregates whose state grows with the values (MODE,
// distinct counts, PERCENTILE) hold more.
func groupBytes(specs int) int64 { return 100 + 25*int64(specs) }

// RecordBytes estimates the memory of a record of width slots held in
// memory: the slice and a boxed value per slot.
func RecordBytes(width int) int64 { return 24 + 32*int64(width) }

// held reports the memory the builder holds: the groups of its engines,
// or of its parallel workers' until they merge, and the records held for
// the detail band (the sort buffer) with the values they carry.
func (b *Builder) held() stream.Held {
	var groups, bytes int64
	for gi, gr := range b.m.Groupings {
		for l, lv := range gr.Levels {
			n, kb := b.Engines[gi].Held(l)
			groups += int64(n)
			bytes += int64(n)*groupBytes(len(lv.Specs)) + kb
		}
	}
	var what []string
	if b.details != nil && b.details.n > 0 {
		// First: the records grow with the input, the groups only up to
		// max_groups.
		n := int64(b.details.n)
		rb := n*RecordBytes(b.m.Width) + b.details.bytes
		bytes += rb
		what = append(what, fmt.Sprintf("sort buffer: %s records, ~%s", CountText(n), program.MiBText(rb)))
	}
	if groups > 0 {
		what = append(what, HeldGroups("aggregation state", groups, "", bytes))
	}
	if b.par != nil {
		if g, by := b.par.held(); g > 0 {
			what = append(what, HeldGroups("aggregation state", g, fmt.Sprintf(" on %d workers", len(b.par.workers)), by))
			bytes += by
		}
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

// HeldGroups describes n groups (where they are, if where is set) taking
// about bytes.
func HeldGroups(what string, n int64, where string, bytes int64) string {
	return fmt.Sprintf("%s: %s groups%s, ~%s", what, CountText(n), where, program.MiBText(bytes))
}

// CountText writes n with thousands separators: 400,123.
func CountText(n int64) string { return names.Thousands(n) }
