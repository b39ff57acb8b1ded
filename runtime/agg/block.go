package agg

import "github.com/reportsh/reportsh/runtime/value"

// Group states are laid out for memory: a hash engine may hold hundreds of
// thousands of them. A gstate holds what every group needs; the states of
// its aggregates live in its block, column by column (counters in a
// pointer-free []int64, sums in a []sumState, MIN and MAX values in an
// []any, the other functions behind the Accumulator interface), each group
// owning a fixed-size run of each column at its offset. A plan's groups
// are allocated a block at a time (doubling up to maxBlock), so a group
// costs no allocation of its own and no slice headers, only the bytes its
// functions need.

// maxBlock is the largest number of groups a block holds.
const maxBlock = 1024

// block holds the states of up to len(gs) groups of one plan. Group j's
// counters are words[j*nwords:(j+1)*nwords] (the plan's nwords), and so on
// for the other columns. fsums, the float parts of the sums, is made when
// the first float arrives, so that int and decimal sums carry no pointer
// for it.
type block struct {
	gs    []gstate
	words []int64
	sums  []sumState
	fsums []*fsum
	vals  []any
	other []Accumulator
	used  int // groups allocated
}

// gstate is the state of one group (or of the global scope, level -1).
// The pointer fields come first, so the collector scans only the start of
// it.
type gstate struct {
	key    any // interned first key seen
	parent *gstate
	x      *gextra // made on first use
	blk    *block  // the states of the aggregates
	count  int64
	first  int64 // sequence number of the group's first record
	level  int32
	off    int32 // index of the group in blk
}

// gextra is the part of a group state that few groups need: only groups
// with subgroups (hash strategy), with a key whose hash key differs from it
// (decimals, floats, timestamps) or with children waiting for their
// PERCENT_OF_TOTAL have one.
type gextra struct {
	kids    childMap // subgroups (hash strategy)
	hk      any      // groupKey(key), when it is not key itself
	waiting []*Group // closed children whose PERCENT_OF_TOTAL needs our totals
}

// extra returns g.x, made if needed.
func (g *gstate) extra() *gextra {
	if g.x == nil {
		g.x = new(gextra)
	}
	return g.x
}

// setKey sets the group's key (interned) and its hash key, as made by
// groupKey from the record's key.
func (g *gstate) setKey(key, hk any) {
	g.key = key
	switch key.(type) {
	case nil, int64, string, bool, value.Date:
		if g.x != nil {
			g.x.hk = nil
		}
		return
	}
	g.extra().hk = hk
}

// hkey returns the group's hash key: groupKey(g.key).
func (g *gstate) hkey() any {
	if g.x != nil && g.x.hk != nil {
		return g.x.hk
	}
	return g.key
}

// newState allocates the state of a new group of plan p.
func (p *plan) newState(parent *gstate) *gstate {
	b := p.blk
	if b == nil || b.used == len(b.gs) {
		n := 1
		if b != nil {
			n = min(2*len(b.gs), maxBlock)
		}
		b = &block{
			gs:    make([]gstate, n),
			words: make([]int64, n*p.nwords),
			sums:  make([]sumState, n*p.nsums),
			vals:  make([]any, n*p.nvals),
			other: make([]Accumulator, n*p.nother),
		}
		p.blk = b
	}
	g := &b.gs[b.used]
	*g = gstate{parent: parent, blk: b, level: int32(p.level), off: int32(b.used)}
	b.used++
	if p.nother > 0 {
		others := b.other[int(g.off)*p.nother:]
		for i, o := range p.ops[:len(p.specs)] {
			if o.kind == opOther {
				others[o.idx] = New(o.f, p.specs[i].Param)
			}
		}
	}
	return g
}

// fsum returns the float part of the block's sum k (nil: none).
func (b *block) fsum(k int) *fsum {
	if b.fsums == nil {
		return nil
	}
	return b.fsums[k]
}

// fsumAt returns where the float part of the block's sum k is kept.
func (b *block) fsumAt(k int) **fsum {
	if b.fsums == nil {
		b.fsums = make([]*fsum, len(b.sums))
	}
	return &b.fsums[k]
}
