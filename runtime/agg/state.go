package agg

import "github.com/reportsh/reportsh/runtime/value"

// feed adds a record's values to the group's aggregates, in the order of
// the plan's specs and then of its hidden sums, stopping at the first
// error: the index of the failing op in plan.ops and the error.
func (g *gstate) feed(p *plan, sequenced bool, seq int64, args []any) (int, error) {
	g.count++
	ops := p.feed
	if len(ops) == 0 {
		return 0, nil
	}
	b, o := g.blk, int(g.off)
	// The group's runs start at these offsets in the block's columns.
	w0, s0, v0 := o*p.nwords, o*p.nsums, o*p.nvals
	for i := range ops {
		op := &ops[i]
		v := present
		if op.arg >= 0 {
			v = args[op.arg]
		}
		var err error
		switch op.kind {
		case opCount:
			if v != nil {
				b.words[w0+int(op.idx)]++
			}
		case opCountAll:
			b.words[w0+int(op.idx)]++
		case opSum, opAvg:
			k := s0 + int(op.idx)
			s := &b.sums[k]
			switch x := v.(type) { // sumState.add, with fsums made only for a float
			case nil:
			case int64:
				s.addInt(x)
			case value.Decimal:
				s.addDec(x)
			default:
				err = s.add(op.f, v, b.fsumAt(k))
			}
		case opMin, opMax:
			err = addMinMax(op.f, &b.vals[v0+int(op.idx)], v)
		default:
			a := b.other[o*p.nother+int(op.idx)]
			if op.seqd && sequenced {
				err = a.(Sequenced).AddAt(v, seq)
			} else {
				err = a.Add(v)
			}
		}
		if err != nil {
			return int(op.pos), err
		}
	}
	return 0, nil
}

// result returns the value of the plan's op i (a spec, or a hidden sum
// after them).
func (g *gstate) result(p *plan, i int) any {
	op := &p.ops[i]
	b, o := g.blk, int(g.off)
	switch op.kind {
	case opCount, opCountAll:
		return b.words[o*p.nwords+int(op.idx)]
	case opRecords:
		return g.count
	case opSumCount:
		return b.sums[o*p.nsums+int(op.idx)].count()
	case opSum:
		k := o*p.nsums + int(op.idx)
		return b.sums[k].result(b.fsum(k))
	case opAvg:
		k := o*p.nsums + int(op.idx)
		return b.sums[k].avg(b.fsum(k))
	case opMin, opMax:
		return b.vals[o*p.nvals+int(op.idx)]
	}
	return b.other[o*p.nother+int(op.idx)].Result()
}

// hiddenTotal returns the value of the plan's hidden sum j.
func (g *gstate) hiddenTotal(p *plan, j int) any {
	return g.result(p, len(p.specs)+j)
}

// merge folds the aggregates of o, a group of the same plan, into g's.
func (g *gstate) merge(o *gstate, p *plan) error {
	b, bo := g.blk, o.blk
	x, y := int(g.off), int(o.off)
	for i := range p.feed {
		op := &p.feed[i]
		var err error
		switch op.kind {
		case opCount, opCountAll:
			b.words[x*p.nwords+int(op.idx)] += bo.words[y*p.nwords+int(op.idx)]
		case opSum, opAvg:
			k, ko := x*p.nsums+int(op.idx), y*p.nsums+int(op.idx)
			b.sums[k].merge(&bo.sums[ko])
			if f := bo.fsum(ko); f != nil {
				mergeFloats(b.fsumAt(k), f)
			}
		case opMin, opMax:
			err = addMinMax(op.f, &b.vals[x*p.nvals+int(op.idx)], bo.vals[y*p.nvals+int(op.idx)])
		default:
			err = b.other[x*p.nother+int(op.idx)].Merge(bo.other[y*p.nother+int(op.idx)])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// reset empties a state for reuse by the next group (streaming).
func (g *gstate) reset(p *plan) {
	b, o := g.blk, int(g.off)
	clear(b.words[o*p.nwords : (o+1)*p.nwords])
	for k := o * p.nsums; k < (o+1)*p.nsums; k++ {
		b.sums[k] = sumState{}
		b.fsum(k).reset()
	}
	clear(b.vals[o*p.nvals : (o+1)*p.nvals])
	for _, a := range b.other[o*p.nother : (o+1)*p.nother] {
		a.Reset()
	}
	g.count = 0
}
