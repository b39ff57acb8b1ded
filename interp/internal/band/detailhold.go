package band

import (
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// Detail rows whose group closes after its records are read. Over input
// not sorted by the group keys the engine groups by hash and closes every
// group at the end of the input; with PERCENT_OF_TOTAL in a footer it
// holds closed groups until the enclosing total is known. Either way a
// detail row printed as its record arrives would come before its group's
// header and footer, and the engine must still see the records in input
// order (FIRST, LAST, which groups max_groups keeps). So the records are
// held by group, after the engines took them, and each group's rows are
// evaluated and printed, in input order, when the engine closes the group
// (CloseGroup), between its header and its footer.

// detailStore holds the records of the detail band by group path.
type detailStore struct {
	root  detailNode
	n     int    // records held
	bytes int64  // what the held records' strings and long decimals take, for held
	why   string // what holds them, for the sort buffer's error
}

// detailNode is one group's held records (innermost level) or subgroups,
// keyed by agg.GroupKey, so that the engine's groups and the store's agree.
type detailNode struct {
	kids map[any]*detailNode
	recs []value.Record
}

// newDetailStore returns the store of p's detail band, or nil when its
// rows are printed as the records arrive (see program.Program.DetailWaits).
func newDetailStore(p *program.Program) *detailStore {
	why := p.DetailWaits()
	if why == "" {
		return nil
	}
	return &detailStore{why: why}
}

// holdDetail keeps a record accepted at every level for its group's
// detail rows.
func (b *Builder) holdDetail(keys []any, rec value.Record) error {
	s := b.details
	if s.n >= b.SortLimit {
		return &program.LimitError{Limit: "sort buffer (" + s.why + ")",
			Value: int64(s.n + 1), Max: int64(b.SortLimit), Where: b.m.Name}
	}
	node := &s.root
	for _, k := range keys {
		hk := agg.GroupKey(k)
		next := node.kids[hk]
		if next == nil {
			if node.kids == nil {
				node.kids = map[any]*detailNode{}
			}
			next = &detailNode{}
			node.kids[hk] = next
		}
		node = next
	}
	node.recs = append(node.recs, rec)
	s.n++
	for _, v := range rec {
		s.bytes += value.Size(v)
	}
	return nil
}

// releaseDetail prints the detail rows of a closing innermost group (its
// path is open), or forgets a closing outer group's node (its subgroups
// closed before it).
func (b *Builder) releaseDetail(g *agg.Group) error {
	node := b.details.take(g.Keys[:g.Level+1])
	if node == nil || g.Level < len(b.m.Groupings[0].Levels)-1 {
		return nil
	}
	for _, acc := range b.running {
		acc.Reset() // running aggregates restart in every innermost group
	}
	b.details.n -= len(node.recs)
	for i, rec := range node.recs {
		for _, v := range rec {
			b.details.bytes -= value.Size(v)
		}
		node.recs[i] = nil
		if err := b.ended(); err != nil {
			return err
		}
		if err := b.detailRow(rec); err != nil {
			return err
		}
	}
	return nil
}

// take removes and returns the node of a group path (nil: none held).
func (s *detailStore) take(keys []any) *detailNode {
	parent := &s.root
	for i, k := range keys {
		hk := agg.GroupKey(k)
		node := parent.kids[hk]
		if node == nil {
			return nil
		}
		if i == len(keys)-1 {
			delete(parent.kids, hk)
			return node
		}
		parent = node
	}
	return nil
}
