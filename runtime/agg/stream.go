package agg

import "fmt"

// The streaming strategy (Config.Sorted): one reusable state per level. A
// record whose key at level L differs from the previous record's (with the
// same keys above) closes the open groups at L and deeper, innermost first,
// and opens a new group at L and below. Memory is one group per level, plus
// the groups PERCENT_OF_TOTAL holds back.

func (e *Engine) addSorted(seq int64, keys, args []any) error {
	changed := false
	parent := e.global
	for L := range e.levels {
		k := keys[L]
		hk := groupKey(k)
		p := &e.levels[L]
		if !changed && e.seen[L] && hk == e.lastHK[L] {
			if e.dead[L] {
				e.reject(L, keys)
				return nil
			}
			g := e.slots[L]
			if err := e.feed(g, p, seq, args); err != nil {
				return err
			}
			e.last[L] = g
			parent = g
			continue
		}
		if !changed {
			if e.seen[L] && canonCmp(k, e.lastKey[L]) < 0 {
				return fmt.Errorf("%w: level %q: key %s after %s", ErrUnsorted, p.name,
					quoteValue(k), quoteValue(e.lastKey[L]))
			}
			if err := e.closeFrom(L); err != nil {
				return err
			}
			changed = true
		}
		e.seen[L], e.lastHK[L], e.lastKey[L] = true, hk, internKey(k)
		if e.ngroups[L] >= p.max {
			e.dead[L] = true
			e.reject(L, keys)
			return nil
		}
		e.dead[L] = false
		g := e.slots[L]
		if g == nil {
			g = p.newState(parent)
			e.slots[L] = g
		} else {
			g.reset(p)
		}
		g.setKey(e.lastKey[L], hk)
		g.first, g.parent = seq, parent
		e.open[L] = true
		e.ngroups[L]++
		if err := e.feed(g, p, seq, args); err != nil {
			return err
		}
		e.last[L] = g
		parent = g
	}
	return nil
}

// closeFrom closes the open groups at level L and deeper, innermost first.
func (e *Engine) closeFrom(L int) error {
	for l := len(e.levels) - 1; l >= L; l-- {
		if e.open[l] {
			e.open[l] = false
			e.last[l] = nil
			if err := e.close(e.slots[l]); err != nil {
				return err
			}
		}
	}
	return nil
}
