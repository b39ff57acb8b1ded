package agg

import (
	"math"
	"slices"

	"github.com/reportsh/reportsh/runtime/value"
)

// QuantileExactCap is the number of values MEDIAN and PERCENTILE keep per
// group to answer exactly (at most 80 KB of ints or floats, 240 KB of
// decimals). Past it the group switches to a quantile sketch (see
// [SketchRelativeAccuracy]), so memory stays bounded whatever the input.
const QuantileExactCap = 10_000

// quantAcc is MEDIAN and PERCENTILE(x, p), the continuous percentile (SQL's
// PERCENTILE_CONT): with the non-nil values sorted and r = p·(n−1), the
// value at rank ⌊r⌋ plus (r − ⌊r⌋) times the step to the next rank.
//
// Exact mode computes r from the shortest decimal form of p, so
// PERCENTILE(x, 0.9) over ints and decimals is an exact Decimal, rounded
// only when the interpolation needs more than the input's largest scale plus
// value.DivScale digits. A float anywhere in the input makes the result a
// float64. Decimal results have trailing zeros removed (like AVG), so equal
// values written with different scales give the same result. In sketch mode
// the result is the sketch's estimate (within α of the exact value when the
// two ranks' values share a sign), rounded for int and decimal input to the
// largest scale seen.
type quantAcc struct {
	f        Func
	p        float64
	ints     []int64
	smalls   []smallDec      // the decimals whose coefficients fit in 64 bits
	decs     []value.Decimal // the others
	floats   []float64
	sk       *sketch
	maxScale int32
	hasFloat bool
	hasDec   bool
}

// smallDec is a decimal whose coefficient fits in 64 bits: without the
// big.Int pointer a value.Decimal carries, a list of them holds no pointer,
// so the collector never scans it, and takes two thirds of the memory.
type smallDec struct {
	c int64
	s int32
}

func (d smallDec) dec() value.Decimal { return value.NewDecimal(d.c, d.s) }

// quantFirstCap is the capacity of a group's first list: most groups of a
// report with many groups have a few values, and growing a list from one
// value (1, 2, 4, 8) copies it each time.
const quantFirstCap = 4

func newQuantile(f Func, p float64) *quantAcc { return &quantAcc{f: f, p: p} }

func (a *quantAcc) count() int { return len(a.ints) + len(a.smalls) + len(a.decs) + len(a.floats) }

func (a *quantAcc) Add(v any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		if a.sk != nil {
			a.sk.add(float64(x))
		} else {
			if a.ints == nil {
				a.ints = make([]int64, 0, quantFirstCap)
			}
			a.ints = append(a.ints, x)
		}
	case value.Decimal:
		a.hasDec = true
		a.maxScale = max(a.maxScale, x.Scale())
		if a.sk != nil {
			a.sk.add(x.Float64())
		} else if c, ok := x.Coef(); ok && x.Scale() >= 0 {
			if a.smalls == nil {
				a.smalls = make([]smallDec, 0, quantFirstCap)
			}
			a.smalls = append(a.smalls, smallDec{c, x.Scale()})
		} else {
			a.decs = append(a.decs, x)
		}
	case float64:
		a.hasFloat = true
		if a.sk != nil {
			a.sk.add(x)
		} else {
			a.floats = append(a.floats, x)
		}
	default:
		return checkKind(a.f, v)
	}
	if a.sk == nil && a.count() > QuantileExactCap {
		a.toSketch()
	}
	return nil
}

func (a *quantAcc) toSketch() {
	a.sk = new(sketch)
	for _, x := range a.ints {
		a.sk.add(float64(x))
	}
	for _, x := range a.smalls {
		a.sk.add(x.dec().Float64())
	}
	for _, x := range a.decs {
		a.sk.add(x.Float64())
	}
	for _, x := range a.floats {
		a.sk.add(x)
	}
	a.ints, a.smalls, a.decs, a.floats = nil, nil, nil, nil
}

func (a *quantAcc) Reset() { *a = quantAcc{f: a.f, p: a.p} }

func (a *quantAcc) Merge(o Accumulator) error {
	b, ok := o.(*quantAcc)
	if !ok || b.f != a.f || b.p != a.p {
		return mergeMismatch(a, o)
	}
	a.hasFloat = a.hasFloat || b.hasFloat
	a.hasDec = a.hasDec || b.hasDec
	a.maxScale = max(a.maxScale, b.maxScale)
	if b.sk != nil && a.sk == nil {
		a.toSketch()
	}
	if a.sk != nil {
		if b.sk != nil {
			a.sk.merge(b.sk)
			return nil
		}
		for _, x := range b.ints {
			a.sk.add(float64(x))
		}
		for _, x := range b.smalls {
			a.sk.add(x.dec().Float64())
		}
		for _, x := range b.decs {
			a.sk.add(x.Float64())
		}
		for _, x := range b.floats {
			a.sk.add(x)
		}
		return nil
	}
	a.ints = append(a.ints, b.ints...)
	a.smalls = append(a.smalls, b.smalls...)
	a.decs = append(a.decs, b.decs...)
	a.floats = append(a.floats, b.floats...)
	if a.count() > QuantileExactCap {
		a.toSketch()
	}
	return nil
}

func (a *quantAcc) Result() any {
	if a.sk != nil {
		v := a.sk.quantile(a.p)
		if a.hasFloat {
			return v
		}
		d, err := value.DecimalFromFloat(v)
		if err != nil {
			return nil
		}
		return d.Round(a.maxScale).Reduced()
	}
	n := a.count()
	if n == 0 {
		return nil
	}
	if a.hasFloat {
		return a.floatResult(n)
	}
	// Exact: ints and decimals as decimals, sorted (in place: the state is
	// a multiset).
	var xs []value.Decimal
	if len(a.ints) == 0 && len(a.smalls) == 0 {
		xs = a.decs
	} else {
		xs = make([]value.Decimal, 0, n)
		xs = append(xs, a.decs...)
		for _, x := range a.smalls {
			xs = append(xs, x.dec())
		}
		for _, x := range a.ints {
			xs = append(xs, value.DecimalFromInt(x))
		}
	}
	slices.SortFunc(xs, value.Decimal.Cmp)
	pd, err := value.DecimalFromFloat(a.p)
	if err != nil {
		return nil
	}
	r := pd.Mul(value.DecimalFromInt(int64(n - 1)))
	lo := r.Truncate(0)
	i, _ := lo.Int64()
	frac := r.Sub(lo)
	v := xs[i]
	if !frac.IsZero() && int(i)+1 < n {
		step := xs[i+1].Sub(v)
		v = v.Add(frac.Mul(step)).Round(min(a.maxScale+value.DivScale, value.MaxScale))
	}
	return v.Reduced()
}

func (a *quantAcc) floatResult(n int) any {
	xs := make([]float64, 0, n)
	xs = append(xs, a.floats...)
	for _, x := range a.ints {
		xs = append(xs, float64(x))
	}
	for _, x := range a.smalls {
		xs = append(xs, x.dec().Float64())
	}
	for _, x := range a.decs {
		xs = append(xs, x.Float64())
	}
	slices.Sort(xs)
	r := a.p * float64(n-1)
	lo := math.Floor(r)
	v := xs[int(lo)]
	if frac := r - lo; frac > 0 && int(lo)+1 < n {
		v += frac * (xs[int(lo)+1] - v)
	}
	return v
}
