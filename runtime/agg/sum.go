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
//   - floats add into an exact Shewchuk sum, an [fsum] that the owner of
//     the state keeps apart (made by the first float) and passes to the
//     methods that need it: an Engine keeps its groups' float parts in a
//     column of their block that exists only once a float arrives, so the
//     state of the common int and decimal sums is 40 bytes.
//
// The result's kind is that of the widest family seen: int (an integral
// Decimal when the total leaves int64), decimal (scale = the largest scale
// added), or float (the exact total of everything, rounded once).
type sumState struct {
	i   int64
	dec value.Decimal
	n   uint64 // non-nil values added × sumOne, | sumHasDec | sumHasFloat
}

// The flags and the unit of sumState.n.
const (
	sumHasDec   uint64 = 1 << iota // a decimal was added
	sumHasFloat                    // a float was added
	sumOne                         // one value
	sumFlags    = sumOne - 1
)

// count returns the number of non-nil values added.
func (s *sumState) count() int64 { return int64(s.n / sumOne) }

func (s *sumState) hasDec() bool   { return s.n&sumHasDec != 0 }
func (s *sumState) hasFloat() bool { return s.n&sumHasFloat != 0 }

func (s *sumState) addInt(x int64) {
	r := s.i + x
	if (r > s.i) != (x > 0) { // overflow: spill the old total
		s.dec = s.dec.Add(value.DecimalFromInt(s.i))
		r = x
	}
	s.i = r
	s.n += sumOne
}

func (s *sumState) addDec(x value.Decimal) {
	s.dec = s.dec.Add(x)
	s.n = (s.n + sumOne) | sumHasDec
}

// addFloat adds x to the float part fs.
func (s *sumState) addFloat(fs *fsum, x float64) {
	fs.add(x)
	s.n = (s.n + sumOne) | sumHasFloat
}

// add adds a number, a float to *fs (made if nil); nil is skipped and
// other kinds are a KindError for f.
func (s *sumState) add(f Func, v any, fs **fsum) error {
	switch x := v.(type) {
	case nil:
	case int64:
		s.addInt(x)
	case value.Decimal:
		s.addDec(x)
	case float64:
		if *fs == nil {
			*fs = new(fsum)
		}
		s.addFloat(*fs, x)
	default:
		return checkKind(f, v)
	}
	return nil
}

// merge adds o's int and decimal parts, count and flags; the caller merges
// the float parts.
func (s *sumState) merge(o *sumState) {
	if o.i != 0 {
		n := s.n
		s.addInt(o.i)
		s.n = n
	}
	s.dec = s.dec.Add(o.dec)
	s.n += o.n &^ sumFlags
	s.n |= o.n & sumFlags
}

// exact returns the int and decimal part of the total.
func (s *sumState) exact() value.Decimal {
	if s.i == 0 {
		return s.dec
	}
	return s.dec.Add(value.DecimalFromInt(s.i))
}

// rat returns the exact finite total as a rational.
func (s *sumState) rat(fs *fsum) *big.Rat {
	r := fs.rat()
	return r.Add(r, decimalRat(s.exact()))
}

// float returns the total rounded once to float64.
func (s *sumState) float(fs *fsum) float64 {
	if f, ok := fs.special(); ok {
		return f
	}
	if s.i == 0 && s.dec.IsZero() {
		return fs.value()
	}
	return ratFloat(s.rat(fs))
}

// result returns the total, or nil when nothing was added; fs is the
// float part (nil: none).
func (s *sumState) result(fs *fsum) any {
	switch {
	case s.n == 0:
		return nil
	case s.hasFloat():
		return s.float(fs)
	case s.hasDec():
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

// avg returns the mean of a sum state (fs is its float part): for ints and decimals the exact
// total over the count as a Decimal rounded half away from zero to the
// largest input scale plus value.DivScale digits, trailing zeros removed;
// for floats the exact total rounded once, divided by the count.
func (s *sumState) avg(fs *fsum) any {
	switch {
	case s.n == 0:
		return nil
	case s.hasFloat():
		if f, ok := fs.special(); ok {
			return f
		}
		n := s.count()
		if s.i == 0 && s.dec.IsZero() {
			return fs.value() / float64(n)
		}
		r := s.rat(fs)
		return ratFloat(r.Quo(r, new(big.Rat).SetInt64(n)))
	}
	return DecimalAvg(s.exact(), s.count())
}

// DecimalAvg is AVG of n exact values whose total is t: t / n rounded half
// away from zero to t's scale plus value.DivScale digits, trailing zeros
// removed. It is exported for callers that obtain exact totals elsewhere
// (a SQLite statement) and must average them as the engine does. The common case — the
// scaled total fits in an int64 — is computed without big.Int.
func DecimalAvg(t value.Decimal, n int64) value.Decimal {
	scale := min(max(t.Scale(), 0)+value.DivScale, value.MaxScale)
	if scale < int32(len(pow10)) {
		// t × 10^scale is the integer coefficient of t at scale+t.Scale();
		// it is t's coefficient × 10^(scale - t.Scale()).
		if c, ok := t.Mul(value.DecimalFromInt(pow10[scale])).Int64(); ok {
			q, r := c/n, c%n
			if r < 0 {
				r = -r
			}
			if r >= n-r { // half away from zero
				if c < 0 {
					q--
				} else {
					q++
				}
			}
			return value.NewDecimal(q, scale).Reduced()
		}
	}
	q, _ := t.Quo(value.DecimalFromInt(n), scale)
	return q.Reduced()
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

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
