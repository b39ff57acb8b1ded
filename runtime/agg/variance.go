package agg

import (
	"math"
	"math/big"

	"github.com/reportsh/reportsh/runtime/value"
)

// varAcc is VARIANCE, VARIANCE_POP, STDDEV and STDDEV_POP.
//
// Rather than Welford's update (stable, but whose merged state — Chan et
// al. — differs in the last bits from one pass over the same input), it
// keeps three exact quantities: n, Σx and Σx², each an exact sum per family
// (ints and decimals exactly, floats with Shewchuk partials; a float's
// square is split exactly into two floats with a fused multiply-add). The
// variance (nΣx² − (Σx)²) / (n(n−1)) is then evaluated in exact rational
// arithmetic and rounded once, so it has none of the naive formula's
// cancellation, is correctly rounded, and cannot depend on input order or
// on how the input was split. The cost is a big.Rat computation per Result.
// Squares below ~1e-300 underflow and squares of decimals beyond
// value.MaxScale digits are rounded; both are far outside money data.
//
// The result is a float64; the sample forms need two values (else nil),
// the population forms one.
type varAcc struct {
	f        Func
	s1, s2   sumState
	fs1, fs2 *fsum // the float parts of s1 and s2
}

func (a *varAcc) Add(v any) error {
	switch x := v.(type) {
	case nil:
	case int64:
		a.s1.addInt(x)
		if sq, ok := mulInt64(x, x); ok {
			a.s2.addInt(sq)
		} else {
			d := value.DecimalFromInt(x)
			a.s2.addDec(d.Mul(d))
		}
	case value.Decimal:
		a.s1.addDec(x)
		a.s2.addDec(x.Mul(x))
	case float64:
		if a.fs1 == nil {
			a.fs1, a.fs2 = new(fsum), new(fsum)
		}
		a.s1.addFloat(a.fs1, x)
		hi := x * x
		a.s2.addFloat(a.fs2, hi)
		if !math.IsInf(hi, 0) && !math.IsNaN(hi) {
			a.fs2.add(math.FMA(x, x, -hi))
		}
	default:
		return checkKind(a.f, v)
	}
	return nil
}

func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if (c < 0) != ((a < 0) != (b < 0)) || c/b != a {
		return c, false
	}
	return c, true
}

func (a *varAcc) Reset() {
	a.s1, a.s2 = sumState{}, sumState{}
	a.fs1.reset()
	a.fs2.reset()
}

func (a *varAcc) Merge(o Accumulator) error {
	b, ok := o.(*varAcc)
	if !ok || b.f != a.f {
		return mergeMismatch(a, o)
	}
	a.s1.merge(&b.s1)
	a.s2.merge(&b.s2)
	mergeFloats(&a.fs1, b.fs1)
	mergeFloats(&a.fs2, b.fs2)
	return nil
}

func (a *varAcc) Result() any {
	n := a.s1.count()
	pop := a.f == VarPop || a.f == StddevPop
	if n == 0 || (!pop && n < 2) {
		return nil
	}
	if _, ok := a.fs1.special(); ok {
		return math.NaN()
	}
	if _, ok := a.fs2.special(); ok {
		return math.NaN() // a square overflowed: the variance is not finite
	}
	bn := new(big.Rat).SetInt64(n)
	s1 := a.s1.rat(a.fs1)
	num := new(big.Rat).Mul(bn, a.s2.rat(a.fs2))
	num.Sub(num, s1.Mul(s1, s1))
	den := new(big.Rat).SetInt64(n)
	if pop {
		den.Mul(den, bn)
	} else {
		den.Mul(den, new(big.Rat).SetInt64(n-1))
	}
	v := ratFloat(num.Quo(num, den))
	if v < 0 {
		v = 0 // only after an underflowed square
	}
	if a.f == StddevSamp || a.f == StddevPop {
		return math.Sqrt(v)
	}
	return v
}
