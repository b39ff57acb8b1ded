package agg

import (
	"math"
	"math/big"
)

// fsum is an exact sum of float64 values: Shewchuk's adaptive-precision
// summation (the algorithm of Python's math.fsum). The exact sum is held as
// a short list of non-overlapping partials of increasing magnitude, so the
// rounded result is the float64 nearest to the true sum whatever the order
// of the inputs — which is what makes float sums merge to the same bits as
// one pass over all input. Compensated (Kahan/Neumaier) summation is
// accurate but not order-independent, so it cannot promise that.
//
// Infinities and NaNs are kept aside: the sum is NaN when a NaN or both
// infinities were added, else the infinity. A finite sum that overflows in
// the middle of the computation saturates to the infinity of its sign.
type fsum struct {
	partials             []float64
	nan, posInf, negInf  bool
	overflowPos, overNeg bool
}

func (s *fsum) add(x float64) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		switch {
		case math.IsNaN(x):
			s.nan = true
		case x > 0:
			s.posInf = true
		default:
			s.negInf = true
		}
		return
	}
	p := s.partials
	i := 0
	for _, y := range p {
		if math.Abs(x) < math.Abs(y) {
			x, y = y, x
		}
		hi := x + y
		if math.IsInf(hi, 0) {
			if hi > 0 {
				s.overflowPos = true
			} else {
				s.overNeg = true
			}
			return
		}
		lo := y - (hi - x)
		if lo != 0 {
			p[i] = lo
			i++
		}
		x = hi
	}
	s.partials = append(p[:i], x)
}

func (s *fsum) merge(o *fsum) {
	for _, x := range o.partials {
		s.add(x)
	}
	s.nan = s.nan || o.nan
	s.posInf = s.posInf || o.posInf
	s.negInf = s.negInf || o.negInf
	s.overflowPos = s.overflowPos || o.overflowPos
	s.overNeg = s.overNeg || o.overNeg
}

// reset empties the sum (a nil *fsum stays nil).
func (s *fsum) reset() {
	if s == nil {
		return
	}
	s.partials = s.partials[:0]
	s.nan, s.posInf, s.negInf, s.overflowPos, s.overNeg = false, false, false, false, false
}

// special returns the non-finite result, if any. A nil *fsum is an empty
// sum, for this and the other read methods.
func (s *fsum) special() (float64, bool) {
	if s == nil {
		return 0, false
	}
	pos, neg := s.posInf || s.overflowPos, s.negInf || s.overNeg
	switch {
	case s.nan || (pos && neg):
		return math.NaN(), true
	case pos:
		return math.Inf(1), true
	case neg:
		return math.Inf(-1), true
	}
	return 0, false
}

// value returns the sum correctly rounded to float64.
func (s *fsum) value() float64 {
	if s == nil {
		return 0
	}
	if f, ok := s.special(); ok {
		return f
	}
	p := s.partials
	n := len(p)
	if n == 0 {
		return 0
	}
	n--
	hi := p[n]
	lo := 0.0
	for n > 0 {
		x := hi
		y := p[n-1]
		n--
		hi = x + y
		yr := hi - x
		lo = y - yr
		if lo != 0 {
			break
		}
	}
	// Round half to even across the remaining partials.
	if n > 0 && ((lo < 0 && p[n-1] < 0) || (lo > 0 && p[n-1] > 0)) {
		y := lo * 2
		x := hi + y
		if yr := x - hi; y == yr {
			hi = x
		}
	}
	return hi
}

// rat returns the exact finite sum as a rational (specials are ignored).
func (s *fsum) rat() *big.Rat {
	r := new(big.Rat)
	if s == nil {
		return r
	}
	var t big.Rat
	for _, x := range s.partials {
		r.Add(r, t.SetFloat64(x))
	}
	return r
}
