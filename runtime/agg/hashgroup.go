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
		g := e.last[L]
		if g == nil || g.parent != parent || g.hkey() != hk { // not the previous record's group
			g = parent.kids().get(hk)
		}
		if g == nil {
			p := &e.levels[L]
			if e.ngroups[L] >= p.max {
				e.reject(L, keys)
				return nil
			}
			g = p.newState(parent)
			g.setKey(internKey(k), hk)
			g.first = seq
			parent.childMap().put(g.hkey(), g) // the interned key: the map pins no record
			e.ngroups[L]++
			e.keyBytes[L] += keySize(k)
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
	m := p.kids()
	if m == nil {
		return nil
	}
	kids := make([]*gstate, 0, m.len())
	m.each(func(c *gstate) { kids = append(kids, c) })
	*m = childMap{}
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

// kids returns g's subgroups (nil: none).
func (g *gstate) kids() *childMap {
	if g.x == nil {
		return nil
	}
	return &g.x.kids
}

// childMap returns g's subgroups, made if needed.
func (g *gstate) childMap() *childMap { return &g.extra().kids }

// childMap maps group keys to subgroups, with maps specialised for the
// common key kinds (no interface hashing for int and string keys). get,
// del and each take a nil *childMap as empty.
type childMap struct {
	ints  map[int64]*gstate
	strs  map[string]*gstate
	other map[any]*gstate
}

func (m *childMap) get(hk any) *gstate {
	if m == nil {
		return nil
	}
	switch k := hk.(type) {
	case int64:
		return m.ints[k]
	case string:
		return m.strs[k]
	}
	return m.other[hk]
}

func (m *childMap) put(hk any, g *gstate) {
	switch k := hk.(type) {
	case int64:
		if m.ints == nil {
			m.ints = make(map[int64]*gstate)
		}
		m.ints[k] = g
	case string:
		if m.strs == nil {
			m.strs = make(map[string]*gstate)
		}
		m.strs[k] = g
	default:
		if m.other == nil {
			m.other = make(map[any]*gstate)
		}
		m.other[hk] = g
	}
}

func (m *childMap) del(hk any) {
	switch k := hk.(type) {
	case int64:
		delete(m.ints, k)
	case string:
		delete(m.strs, k)
	default:
		delete(m.other, hk)
	}
}

func (m *childMap) len() int { return len(m.ints) + len(m.strs) + len(m.other) }

// each calls f for every subgroup, in no particular order.
func (m *childMap) each(f func(*gstate)) {
	if m == nil {
		return
	}
	for _, g := range m.ints {
		f(g)
	}
	for _, g := range m.strs {
		f(g)
	}
	for _, g := range m.other {
		f(g)
	}
}
