package agg

// cell is the Accumulator [New] returns for the hot aggregates — SUM,
// COUNT, AVG, MIN, MAX and their RUNNING_ and PERCENT_OF_TOTAL forms — on
// their own (an [Engine] keeps the same states column by column in its
// groups' blocks, see block.go, and updates them with the same helpers).
//
//   - SUM, RUNNING_SUM, PERCENT_OF_TOTAL (its numerator), AVG, RUNNING_AVG:
//     an exact sumState and its float part (see sum.go);
//   - COUNT(x), RUNNING_COUNT: n counts non-nil values; COUNT(): every value;
//   - MIN, MAX: cur, the extreme so far (see minmax.go).
type cell struct {
	f   Func
	n   int64
	s   sumState
	fs  *fsum
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
			c.n++
		}
		return nil
	case CountStar:
		c.n++
		return nil
	case Min, Max:
		return addMinMax(c.f, &c.cur, v)
	}
	return c.s.add(c.f, v, &c.fs)
}

func (c *cell) Result() any {
	switch c.f {
	case Count, RunningCount, CountStar:
		return c.n
	case Min, Max:
		return c.cur
	case Avg, RunningAvg:
		return c.s.avg(c.fs)
	}
	return c.s.result(c.fs)
}

func (c *cell) Merge(o Accumulator) error {
	d, ok := o.(*cell)
	if !ok || d.f != c.f {
		return mergeMismatch(c, o)
	}
	switch c.f {
	case Count, RunningCount, CountStar:
		c.n += d.n
		return nil
	case Min, Max:
		return addMinMax(c.f, &c.cur, d.cur)
	}
	c.s.merge(&d.s)
	mergeFloats(&c.fs, d.fs)
	return nil
}

func (c *cell) Reset() {
	c.n = 0
	c.s = sumState{}
	c.fs.reset()
	c.cur = nil
}

// mergeFloats merges the float part o of a sum into *fs (made if nil).
func mergeFloats(fs **fsum, o *fsum) {
	if o == nil {
		return
	}
	if *fs == nil {
		*fs = new(fsum)
	}
	(*fs).merge(o)
}
