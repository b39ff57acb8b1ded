package agg

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Merge folds o into e: the global aggregates, the rejected counts and
// every group merge, and o is finished (later calls on it return
// ErrFinished). Both engines must use the hash strategy, have the same
// configuration shape and not be finished.
//
// The result is exactly that of one engine fed e's input followed by o's
// (or, when both were fed with AddSeq, the union of their inputs in
// sequence order), byte for byte after Finish: the accumulators' states are
// exact and order-independent, FIRST and LAST follow the sequence numbers,
// and a group's key is the one of its earliest record.
//
// Group limits are re-applied to the union: at each level the groups whose
// first records came first are kept, and the records of the others (and of
// their subgroups) are counted as rejected. This reproduces one engine
// exactly when each group was fed to a single engine (as [Partition]
// ensures) and the limit of at most one level is reached. Otherwise a
// worker may have rejected records that one engine would have kept — of a
// group another worker created earlier, or of a deeper group whose slot a
// later-dropped group took — and those records are lost to their groups
// (still counted in the totals and in Rejected).
//
// Workers fed by [Partition] never share a group, so their engines merge
// with no group-level combining at all; only the global aggregates combine
// partial states.
func (e *Engine) Merge(o *Engine) error {
	switch {
	case e == o:
		return errors.New("agg: cannot merge an engine into itself")
	case e.err != nil:
		return e.err
	case o.err != nil:
		return o.err
	case e.cfg.Sorted || o.cfg.Sorted:
		return errors.New("agg: Merge needs the hash strategy (Config.Sorted false)")
	case !sameShape(e, o):
		return errors.New("agg: cannot merge engines with different configurations")
	}
	shift := int64(0)
	if !(e.sequenced && o.sequenced) {
		shift = e.seq // o's records follow e's
	}
	if err := mergeAccs(e.global, o.global, &e.gplan); err != nil {
		return err
	}
	e.global.count += o.global.count
	if err := e.mergeChildren(e.global, o.global, shift); err != nil {
		return err
	}
	for L := range e.levels {
		e.rejected[L] += o.rejected[L]
		e.fired[L] = e.fired[L] || o.fired[L]
	}
	if e.sequenced && o.sequenced {
		e.seq = max(e.seq, o.seq)
	} else {
		e.seq += o.seq
	}
	switch {
	case o.records == 0: // e's mode stands
	case e.records == 0:
		e.sequenced = o.sequenced
	default:
		e.sequenced = e.sequenced && o.sequenced
	}
	e.records += o.records
	clear(e.last)
	e.enforceLimits()
	o.err = ErrFinished
	o.global, o.pending = nil, nil
	return nil
}

func sameShape(e, o *Engine) bool {
	if len(e.levels) != len(o.levels) || !slices.Equal(e.gplan.specs, o.gplan.specs) {
		return false
	}
	for i := range e.levels {
		if !slices.Equal(e.levels[i].specs, o.levels[i].specs) || e.levels[i].max != o.levels[i].max {
			return false
		}
	}
	return true
}

func mergeAccs(g, o *gstate, p *plan) error {
	if err := g.merge(o, p); err != nil {
		return fmt.Errorf("agg: merging: %w", err)
	}
	return nil
}

// mergeChildren merges o's subgroups into g's: shared groups combine,
// the others move over.
func (e *Engine) mergeChildren(g, o *gstate, shift int64) error {
	var err error
	o.kids().each(func(oc *gstate) {
		if err != nil {
			return
		}
		gc := g.kids().get(oc.hkey())
		if gc == nil {
			g.childMap().put(oc.hkey(), oc)
			e.adopt(oc, g, shift)
			return
		}
		if err = mergeAccs(gc, oc, &e.levels[gc.level]); err != nil {
			return
		}
		gc.count += oc.count
		if f := oc.first + shift; f < gc.first {
			gc.first, gc.key = f, oc.key
		}
		err = e.mergeChildren(gc, oc, shift)
	})
	if m := o.kids(); m != nil {
		*m = childMap{}
	}
	return err
}

// adopt moves a subtree from another engine under parent.
func (e *Engine) adopt(g, parent *gstate, shift int64) {
	g.parent = parent
	g.first += shift
	e.ngroups[g.level]++
	e.keyBytes[g.level] += keySize(g.key)
	g.kids().each(func(c *gstate) { e.adopt(c, g, shift) })
}

// enforceLimits drops, level by level, the groups past each limit in order
// of their first record.
func (e *Engine) enforceLimits() {
	for L := range e.levels {
		limit := e.levels[L].max
		if e.ngroups[L] <= limit {
			continue
		}
		var gs []*gstate
		e.collect(e.global, L, &gs)
		slices.SortFunc(gs, func(a, b *gstate) int { return cmp.Compare(a.first, b.first) })
		for _, g := range gs[limit:] {
			g.parent.kids().del(g.hkey())
			e.drop(g)
		}
		if !e.fired[L] {
			e.fire(L, nil)
		}
	}
}

func (e *Engine) collect(g *gstate, L int, out *[]*gstate) {
	g.kids().each(func(c *gstate) {
		if int(c.level) == L {
			*out = append(*out, c)
		} else {
			e.collect(c, L, out)
		}
	})
}

// drop counts a dropped group's records as rejected at its level and, for
// those its subgroups held, at theirs.
func (e *Engine) drop(g *gstate) {
	e.rejected[g.level] += g.count
	e.ngroups[g.level]--
	e.keyBytes[g.level] -= keySize(g.key)
	g.kids().each(e.drop)
}
