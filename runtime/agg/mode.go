package agg

// modeAcc is MODE: the most frequent non-nil value (value.HashKey equality),
// ties going to the canonically smallest value; each key is represented by
// its canonically smallest form (1 before 1.0). Its memory grows with the
// number of distinct values in the group (one map entry each): unlike
// COUNT_DISTINCT and the percentiles there is no bounded sketch that would
// still give the exact mode, so reports over high-cardinality columns should
// prefer COUNT_DISTINCT or PERCENTILE.
type modeAcc struct {
	m map[any]*modeEntry
}

type modeEntry struct {
	rep any
	n   int64
}

func (a *modeAcc) Add(v any) error {
	if v == nil {
		return nil
	}
	a.add(v, 1)
	return nil
}

func (a *modeAcc) add(v any, n int64) {
	if a.m == nil {
		a.m = make(map[any]*modeEntry)
	}
	k := groupKey(v)
	e := a.m[k]
	if e == nil {
		a.m[k] = &modeEntry{rep: v, n: n}
		return
	}
	e.n += n
	if canonCmp(v, e.rep) < 0 {
		e.rep = v
	}
}

func (a *modeAcc) Result() any {
	var best *modeEntry
	for _, e := range a.m {
		if best == nil || e.n > best.n || (e.n == best.n && canonCmp(e.rep, best.rep) < 0) {
			best = e
		}
	}
	if best == nil {
		return nil
	}
	return best.rep
}

func (a *modeAcc) Reset() { a.m = nil }

func (a *modeAcc) Merge(o Accumulator) error {
	b, ok := o.(*modeAcc)
	if !ok {
		return mergeMismatch(a, o)
	}
	for _, e := range b.m {
		a.add(e.rep, e.n)
	}
	return nil
}
