package agg

// cell is the state of the hot aggregates — SUM, COUNT, AVG, MIN, MAX and
// their RUNNING_ and PERCENT_OF_TOTAL forms — as one concrete type, so that
// a group keeps all of them in a single array (one allocation, adjacent in
// memory) and the engine updates them with direct calls rather than through
// the Accumulator interface.
//
//   - SUM, RUNNING_SUM, PERCENT_OF_TOTAL (its numerator), AVG, RUNNING_AVG:
//     an exact sumState (see sum.go);
//   - COUNT(x), RUNNING_COUNT: s.n counts non-nil values; COUNT(): every value;
//   - MIN, MAX: cur, the extreme so far (see minmax.go).
type cell struct {
	f   Func
	s   sumState
	cur any
}

// isCell reports whether f's state is a cell.
func isCell(f Func) bool {
	switch f {
	case Sum, RunningSum, PercentOfTotal, Avg, RunningAvg, Count, CountStar, RunningCount, Min, Max:
		return true
	}
	return false
}

func (c *cell) Add(v any) error {
	switch c.f {
	case Count, RunningCount:
		if v != nil {
			c.s.n++
		}
		return nil
	case CountStar:
		c.s.n++
		return nil
	case Min, Max:
		return c.addMinMax(v)
	}
	return c.s.add(c.f, v)
}

func (c *cell) Result() any {
	switch c.f {
	case Count, RunningCount, CountStar:
		return c.s.n
	case Min, Max:
		return c.cur
	case Avg, RunningAvg:
		return c.s.avg()
	}
	return c.s.result()
}

func (c *cell) Merge(o Accumulator) error {
	d, ok := o.(*cell)
	if !ok || d.f != c.f {
		return mergeMismatch(c, o)
	}
	switch c.f {
	case Min, Max:
		return c.addMinMax(d.cur)
	}
	c.s.merge(&d.s)
	return nil
}

func (c *cell) Reset() {
	c.s.reset()
	c.cur = nil
}
