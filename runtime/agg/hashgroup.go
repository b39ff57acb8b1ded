package agg

import "slices"

// The hash strategy: every group lives in its parent's children map (the
// level-0 groups in the global state's), keyed by groupKey, until Finish
// emits them in key order. Memory is bounded by the levels' group limits.

func (e *Engine) addHash(seq int64, keys, args []any) error {
	parent := e.global
	for L := range e.levels {
		k := keys[L]
		hk := groupKey(k)
		g := parent.children[hk]
		if g == nil {
			p := &e.levels[L]
			if e.ngroups[L] >= p.max {
				e.reject(L, keys)
				return nil
			}
			g = e.newState(p, parent)
			g.key, g.hk, g.first = internKey(k), hk, seq
			if parent.children == nil {
				parent.children = make(map[any]*gstate)
			}
			parent.children[hk] = g
			e.ngroups[L]++
		}
		if err := e.feed(g, &e.levels[L], seq, args); err != nil {
			return err
		}
		e.last[L] = g
		parent = g
	}
	return nil
}

// emitChildren closes p's subgroups depth-first in ascending key order:
// each group's children before the group, as the streaming strategy does
// over sorted input.
func (e *Engine) emitChildren(p *gstate) error {
	kids := make([]*gstate, 0, len(p.children))
	for _, c := range p.children {
		kids = append(kids, c)
	}
	p.children = nil
	slices.SortFunc(kids, func(a, b *gstate) int { return canonCmp(a.key, b.key) })
	for i, c := range kids {
		if err := e.emitChildren(c); err != nil {
			return err
		}
		if err := e.close(c); err != nil {
			return err
		}
		kids[i] = nil
	}
	return nil
}
