package agg

// close turns a complete group's state into a Group and emits it, or holds
// it back while PERCENT_OF_TOTAL shares wait for an enclosing total.
//
// A group at level k with PERCENT_OF_TOTAL needs its parent's total, known
// only when the parent closes; so the closed groups of the shallowest such
// level h, and of every level below it, are held until their level h-1
// ancestor closes (until Finish for h = 0) and are then emitted in the
// order they closed, before that ancestor. Emission order is thus the same
// with or without PERCENT_OF_TOTAL; the cost is memory for the held groups'
// results (not their states).
func (e *Engine) close(g *gstate) error {
	p := &e.levels[g.level]
	level := int(g.level)
	// One allocation for the keys and the results.
	buf := make([]any, level+1+len(p.specs))
	grp := &Group{Level: level, Keys: buf[: level+1 : level+1], Results: buf[level+1:], Count: g.count}
	for s := g; s != nil && s.level >= 0; s = s.parent {
		grp.Keys[s.level] = s.key
	}
	for i := range p.specs {
		grp.Results[i] = g.result(p, i)
	}
	e.fillWaiting(g)
	if len(p.pot) > 0 {
		x := g.parent.extra()
		x.waiting = append(x.waiting, grp)
	}
	if level >= e.hold {
		e.pending = append(e.pending, grp)
		return nil
	}
	if level == e.hold-1 {
		if err := e.flush(); err != nil {
			return err
		}
	}
	return e.emit(grp)
}

// fillWaiting completes the PERCENT_OF_TOTAL shares of g's closed children
// with g's totals.
func (e *Engine) fillWaiting(g *gstate) {
	if g.x == nil || len(g.x.waiting) == 0 {
		return
	}
	p := &e.gplan
	if g.level >= 0 {
		p = &e.levels[g.level]
	}
	totals := make([]any, len(p.hidden))
	for j := range p.hidden {
		totals[j] = g.hiddenTotal(p, j)
	}
	for _, c := range g.x.waiting {
		for _, r := range e.levels[c.Level].pot {
			c.Results[r.spec] = PercentOf(c.Results[r.spec], totals[r.hidden])
		}
	}
	clear(g.x.waiting)
	g.x.waiting = g.x.waiting[:0]
}

// flush emits the held-back groups.
func (e *Engine) flush() error {
	for i, grp := range e.pending {
		e.pending[i] = nil
		if err := e.emit(grp); err != nil {
			e.pending = e.pending[:0]
			return err
		}
	}
	e.pending = e.pending[:0]
	return nil
}

func (e *Engine) emit(grp *Group) error {
	if e.cfg.OnClose == nil {
		return nil
	}
	return e.cfg.OnClose(grp)
}
