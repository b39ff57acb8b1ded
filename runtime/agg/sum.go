package agg

import (
	"math/big"

	"github.com/reportsh/reportsh/runtime/value"
)

// sumState is an exact running total kept per numeric family, so that no
// input order or split can change the answer:
//
//   - ints add into an int64 (the fast path); on overflow the int64 spills
//     into dec and restarts, so an int total never wraps;
//   - decimals add into dec, exactly (value.Decimal moves from its int64
//     coefficient to big.Int by itself when needed);
//   - floats add into an exact Shewchuk sum.
//
// The result's kind is that of the widest family seen: int (an integral
// Decimal when the total leaves int64), decimal (scale = the largest scale
// added), or float (the exact total of everything, rounded once).
type sumState struct {
	i        int64
	dec      value.Decimal
	fs       fsum
	n        int64 // non-nil values added
	hasDec   bool
	hasFloat bool
}

func (s *sumState) addInt(x int64) {
	r := s.i + x
	if (r > s.i) != (x > 0) { // overflow: spill the old total
		s.dec = s.dec.Add(value.DecimalFromInt(s.i))
		r = x
	}
	s.i = r
	s.n++
}

func (s *sumState) addDec(x value.Decimal) {
	s.dec = s.dec.Add(x)
	s.hasDec = true
	s.n++
}

func (s *sumState) addFloat(x float64) {
	s.fs.add(x)
	s.hasFloat = true
	s.n++
}

// add adds a number; other kinds are a KindError for f.
func (s *sumState) add(f Func, v any) error {
	switch x := v.(type) {
	case nil:
	case int64:
		s.addInt(x)
	case value.Decimal:
		s.addDec(x)
	case float64:
		s.addFloat(x)
	default:
		return checkKind(f, v)
	}
	return nil
}

func (s *sumState) merge(o *sumState) {
	if o.i != 0 {
		n := s.n
		s.addInt(o.i)
		s.n = n
	}
	s.dec = s.dec.Add(o.dec)
	s.fs.merge(&o.fs)
	s.n += o.n
	s.hasDec = s.hasDec || o.hasDec
	s.hasFloat = s.hasFloat || o.hasFloat
}

func (s *sumState) reset() {
	fs := s.fs
	fs.reset()
	*s = sumState{fs: fs}
}

// exact returns the int and decimal part of the total.
func (s *sumState) exact() value.Decimal {
	if s.i == 0 {
		return s.dec
	}
	return s.dec.Add(value.DecimalFromInt(s.i))
}

// rat returns the exact finite total as a rational.
func (s *sumState) rat() *big.Rat {
	r := s.fs.rat()
	return r.Add(r, decimalRat(s.exact()))
}

// float returns the total rounded once to float64.
func (s *sumState) float() float64 {
	if f, ok := s.fs.special(); ok {
		return f
	}
	if s.i == 0 && s.dec.IsZero() {
		return s.fs.value()
	}
	return ratFloat(s.rat())
}

// result returns the total, or nil when nothing was added.
func (s *sumState) result() any {
	switch {
	case s.n == 0:
		return nil
	case s.hasFloat:
		return s.float()
	case s.hasDec:
		return s.exact()
	case s.dec.IsZero():
		return s.i
	}
	t := s.exact()
	if i, ok := t.Int64(); ok {
		return i
	}
	return t
}

func decimalRat(d value.Decimal) *big.Rat {
	c, scale := d.Big()
	r := new(big.Rat).SetInt(c)
	if scale > 0 {
		r.Quo(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	}
	return r
}

func ratFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}

// sumAcc is SUM, RUNNING_SUM and PERCENT_OF_TOTAL's numerator.
type sumAcc struct {
	f Func
	s sumState
}

func (a *sumAcc) Add(v any) error { return a.s.add(a.f, v) }
func (a *sumAcc) Result() any     { return a.s.result() }
func (a *sumAcc) Reset()          { a.s.reset() }

func (a *sumAcc) Merge(o Accumulator) error {
	b, ok := o.(*sumAcc)
	if !ok {
		return mergeMismatch(a, o)
	}
	a.s.merge(&b.s)
	return nil
}

// avgAcc is AVG and RUNNING_AVG: the exact total over the count. Ints and
// decimals give a Decimal rounded half away from zero to the largest input
// scale plus value.DivScale digits, trailing zeros removed; floats give the
// exact total rounded once, divided by the count.
type avgAcc struct {
	f Func
	s sumState
}

func (a *avgAcc) Add(v any) error { return a.s.add(a.f, v) }
func (a *avgAcc) Reset()          { a.s.reset() }

func (a *avgAcc) Merge(o Accumulator) error {
	b, ok := o.(*avgAcc)
	if !ok {
		return mergeMismatch(a, o)
	}
	a.s.merge(&b.s)
	return nil
}

func (a *avgAcc) Result() any {
	s := &a.s
	switch {
	case s.n == 0:
		return nil
	case s.hasFloat:
		if f, ok := s.fs.special(); ok {
			return f
		}
		if s.i == 0 && s.dec.IsZero() {
			return s.fs.value() / float64(s.n)
		}
		r := s.rat()
		return ratFloat(r.Quo(r, new(big.Rat).SetInt64(s.n)))
	}
	t := s.exact()
	q, _ := t.Quo(value.DecimalFromInt(s.n), min(max(t.Scale(), 0)+value.DivScale, value.MaxScale))
	return q.Reduced()
}

// PercentOf returns 100 × part / total, the value of PERCENT_OF_TOTAL: nil
// when either is nil or total is zero; a float64 when either is a float;
// otherwise an exact Decimal rounded half away from zero to the larger scale
// of the two plus value.DivScale digits, trailing zeros removed. Values that
// are not numbers give nil.
func PercentOf(part, total any) any {
	if part == nil || total == nil {
		return nil
	}
	_, pf := part.(float64)
	_, tf := total.(float64)
	if pf || tf {
		p, ok1 := value.ToFloat(part)
		t, ok2 := value.ToFloat(total)
		if !ok1 || !ok2 || t == 0 {
			return nil
		}
		return 100 * p / t
	}
	p, ok1 := value.ToDecimal(part)
	t, ok2 := value.ToDecimal(total)
	if !ok1 || !ok2 || t.IsZero() {
		return nil
	}
	scale := min(max(p.Scale(), t.Scale())+value.DivScale, value.MaxScale)
	q, _ := p.Mul(value.DecimalFromInt(100)).Quo(t, scale)
	return q.Reduced()
}
