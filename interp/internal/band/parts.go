package band

import (
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// Part aggregates the records of one part of the input (a byte range of
// the file) in engines of its own, on the goroutine that reads the part;
// the builder merges the parts in input order at the end (MergeParts).
// Records are numbered within the whole input (Add's seq), so FIRST and
// LAST and the groups' keys follow the input as one engine's would.
type Part struct {
	b       *Builder
	global  *agg.Engine
	engines []*agg.Engine
	keys    []any
}

// NewPart returns an empty part of the builder's report. Every grouping
// must aggregate by hash (not one streaming over sorted input).
func (b *Builder) NewPart() *Part {
	pt := &Part{b: b, global: agg.NewEngine(agg.Config{Global: b.m.Global})}
	for _, gr := range b.m.Groupings {
		cfg := agg.Config{}
		for _, lv := range gr.Levels {
			cfg.Levels = append(cfg.Levels, agg.Level{Name: lv.Name, MaxGroups: lv.MaxGroups, Specs: lv.Specs})
		}
		pt.engines = append(pt.engines, agg.NewEngine(cfg))
	}
	return pt
}

// Add aggregates a transformed record, the input's seq-th (in any
// numbering that follows the input). rec is not kept.
func (pt *Part) Add(seq int64, rec value.Record) error {
	p := pt.b.m
	args := rec[p.ArgBase:p.Width]
	if len(p.Global) > 0 {
		if err := pt.global.AddSeq(seq, nil, args); err != nil {
			return pt.b.specError(-1, err)
		}
	}
	for gi, gr := range p.Groupings {
		keys := pt.keys[:0]
		for _, lv := range gr.Levels {
			keys = append(keys, rec[lv.KeySlot])
		}
		pt.keys = keys
		if err := pt.engines[gi].AddSeq(seq, keys, args); err != nil {
			return pt.b.specError(gi, err)
		}
	}
	return nil
}

// Limited reports whether a group level of the part reached its
// max_groups: which groups the whole input keeps then depends on the
// other parts' records, so the parts cannot be merged exactly.
func (pt *Part) Limited() bool {
	for gi, gr := range pt.b.m.Groupings {
		for l := range gr.Levels {
			if pt.engines[gi].Rejected(l) > 0 {
				return true
			}
		}
	}
	return false
}

// Groups returns the groups the part holds, over every level and grouping.
func (pt *Part) Groups() int {
	n := 0
	for gi, gr := range pt.b.m.Groupings {
		for l := range gr.Levels {
			n += pt.engines[gi].Groups(l)
		}
	}
	return n
}

// MergeParts merges the parts, in input order, into the builder's engines,
// before Finish. It returns ErrInexact when a part, or the union, reached
// a group limit: the groups kept could differ from one engine's.
func (b *Builder) MergeParts(parts []*Part) error {
	for _, pt := range parts {
		if pt.Limited() {
			return ErrInexact
		}
		if err := b.Global.Merge(pt.global); err != nil {
			return b.specError(-1, err)
		}
		for gi, e := range pt.engines {
			if err := b.Engines[gi].Merge(e); err != nil {
				return b.specError(gi, err)
			}
		}
	}
	for gi, gr := range b.m.Groupings {
		for l := range gr.Levels {
			if b.Engines[gi].Rejected(l) > 0 {
				return ErrInexact
			}
		}
	}
	return nil
}
