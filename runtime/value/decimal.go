package value

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Decimal is an exact decimal number: coefficient × 10^-scale. The
// coefficient lives in an int64 while it fits (the fast path) and moves to a
// big.Int when an operation would overflow, so sums never drift and never
// wrap. The zero value is 0. Decimals are immutable values.
type Decimal struct {
	coef  int64
	big   *big.Int // the coefficient when it does not fit coef; never mutated
	scale int32
}

// MaxScale is the largest scale a Decimal keeps; longer fractions are
// rounded (half away from zero) to it.
const MaxScale = 30

// DivScale is the number of fraction digits a quotient keeps beyond the
// larger scale of its operands: 10 / 3 = 3.333333, 10.00 / 3 = 3.33333333.
const DivScale = 6

// ErrOverflow reports an integer result that does not fit in int64.
var ErrOverflow = errors.New("integer overflow")

// ErrFloatOverflow reports a float result too large for float64 (it
// would be an infinity) made of finite numbers.
var ErrFloatOverflow = errors.New("float overflow")

// ErrNaN reports a float result that is not a number (an infinity minus
// an infinity, zero times an infinity) made of numbers.
var ErrNaN = errors.New("result is not a number")

// ErrDivByZero reports a division or modulo by zero.
var ErrDivByZero = errors.New("division by zero")

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

var bigTen = big.NewInt(10)

func newBigFromUint(u uint64) *big.Int { return new(big.Int).SetUint64(u) }

func bigPow10(n int32) *big.Int {
	if int(n) < len(pow10) {
		return big.NewInt(pow10[n])
	}
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

// NewDecimal returns coef × 10^-scale.
func NewDecimal(coef int64, scale int32) Decimal {
	if scale < 0 {
		return DecimalFromBig(big.NewInt(coef), scale)
	}
	return Decimal{coef: coef, scale: scale}
}

// DecimalFromInt returns i as a decimal with scale 0.
func DecimalFromInt(i int64) Decimal { return Decimal{coef: i} }

// DecimalFromBig returns coef × 10^-scale; a negative scale multiplies.
func DecimalFromBig(coef *big.Int, scale int32) Decimal {
	c := new(big.Int).Set(coef)
	if scale < 0 {
		c.Mul(c, bigPow10(-scale))
		scale = 0
	}
	return fromBig(c, scale)
}

// fromBig takes ownership of c and moves back to the fast path when it fits.
func fromBig(c *big.Int, scale int32) Decimal {
	if c.IsInt64() {
		return Decimal{coef: c.Int64(), scale: scale}
	}
	return Decimal{big: c, scale: scale}
}

// DecimalFromFloat converts f using the shortest decimal representation
// that round-trips (so 0.1 becomes 0.1, not 0.1000000000000000055…),
// rounded to MaxScale fraction digits: for computations that round anyway.
// Values read or converted use DecimalFromFloatExact.
func DecimalFromFloat(f float64) (Decimal, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Decimal{}, errors.New("cannot convert " + strconv.FormatFloat(f, 'g', -1, 64) + " to decimal")
	}
	return parseDecimal(strconv.FormatFloat(f, 'f', -1, 64), true)
}

// DecimalFromFloatExact is DecimalFromFloat for a value read or converted:
// a float whose shortest form has non-zero digits past MaxScale (1e-40) is
// an ErrScale error rather than rounded.
func DecimalFromFloatExact(f float64) (Decimal, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Decimal{}, errors.New("cannot convert " + strconv.FormatFloat(f, 'g', -1, 64) + " to decimal")
	}
	d, err := parseDecimal(strconv.FormatFloat(f, 'f', -1, 64), false)
	if err != nil {
		return Decimal{}, fmt.Errorf("%w: float %s", ErrScale, strconv.FormatFloat(f, 'g', -1, 64))
	}
	return d, nil
}

// ErrScale reports a number that a decimal cannot hold exactly: non-zero
// digits past MaxScale fraction digits.
var ErrScale = errors.New("more than 30 fraction digits (a decimal keeps 30)")

// ParseDecimal parses an optional sign, digits, an optional fraction and an
// optional exponent: "12", "-0.50", "1.5e3". The scale is the number of
// fraction digits written (less the exponent). Non-zero digits past
// MaxScale fraction digits are an ErrScale error: the number is not
// rounded to fit (zeros there are dropped).
func ParseDecimal(s string) (Decimal, error) { return parseDecimal(s, false) }

// parseDecimal is ParseDecimal, rounding to MaxScale when round is set.
func parseDecimal(s string, round bool) (Decimal, error) {
	orig := s
	if s == "" {
		return Decimal{}, errors.New("invalid decimal \"\"")
	}
	neg := false
	switch s[0] {
	case '+':
		s = s[1:]
	case '-':
		neg = true
		s = s[1:]
	}
	exp := int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.ParseInt(s[i+1:], 10, 32)
		if err != nil || i == 0 {
			return Decimal{}, errors.New("invalid decimal " + strconv.Quote(orig))
		}
		exp = e
		s = s[:i]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	if intPart == "" && frac == "" {
		return Decimal{}, errors.New("invalid decimal " + strconv.Quote(orig))
	}
	digits := len(intPart) + len(frac)
	scale := int64(len(frac)) - exp
	var d Decimal
	if digits <= 18 {
		var c int64
		for _, part := range [2]string{intPart, frac} {
			for i := 0; i < len(part); i++ {
				ch := part[i]
				if ch < '0' || ch > '9' {
					return Decimal{}, errors.New("invalid decimal " + strconv.Quote(orig))
				}
				c = c*10 + int64(ch-'0')
			}
		}
		if neg {
			c = -c
		}
		if scale >= 0 && scale <= MaxScale {
			return Decimal{coef: c, scale: int32(scale)}, nil
		}
		d = Decimal{coef: c}
	} else {
		for _, part := range [2]string{intPart, frac} {
			for i := 0; i < len(part); i++ {
				if part[i] < '0' || part[i] > '9' {
					return Decimal{}, errors.New("invalid decimal " + strconv.Quote(orig))
				}
			}
		}
		c, ok := new(big.Int).SetString(intPart+frac, 10)
		if !ok {
			return Decimal{}, errors.New("invalid decimal " + strconv.Quote(orig))
		}
		if neg {
			c.Neg(c)
		}
		d = fromBig(c, 0)
		if scale >= 0 && scale <= MaxScale {
			d.scale = int32(scale)
			return d, nil
		}
	}
	if scale < 0 {
		if scale < -1000 {
			return Decimal{}, errors.New("decimal exponent out of range in " + strconv.Quote(orig))
		}
		return DecimalFromBig(d.bigCoef(), int32(scale)), nil
	}
	if scale > 1000 {
		return Decimal{}, errors.New("decimal exponent out of range in " + strconv.Quote(orig))
	}
	d.scale = int32(scale)
	r := d.Round(MaxScale)
	if !round && !r.Equal(d) {
		return Decimal{}, fmt.Errorf("decimal %s has %w", strconv.Quote(shortText(orig)), ErrScale)
	}
	return r, nil
}

// MustDecimal is ParseDecimal for constants; it panics on bad input.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Scale returns the number of digits after the decimal point.
func (d Decimal) Scale() int32 { return d.scale }

func (d Decimal) bigCoef() *big.Int {
	if d.big != nil {
		return d.big
	}
	return big.NewInt(d.coef)
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	if d.big != nil {
		return d.big.Sign()
	}
	switch {
	case d.coef < 0:
		return -1
	case d.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether d == 0.
func (d Decimal) IsZero() bool { return d.Sign() == 0 }

// rescale returns the coefficient of d at a larger scale s, in int64 when it fits.
func (d Decimal) rescale(s int32) (int64, bool) {
	if d.big != nil {
		return 0, false
	}
	k := s - d.scale
	if k == 0 {
		return d.coef, true
	}
	if int(k) >= len(pow10) {
		return 0, d.coef == 0
	}
	hi, lo := bits.Mul64(uint64(abs64(d.coef)), uint64(pow10[k]))
	if hi != 0 || lo > math.MaxInt64 || d.coef == math.MinInt64 {
		return 0, false
	}
	if d.coef < 0 {
		return -int64(lo), true
	}
	return int64(lo), true
}

func (d Decimal) rescaleBig(s int32) *big.Int {
	c := new(big.Int).Set(d.bigCoef())
	if k := s - d.scale; k > 0 {
		c.Mul(c, bigPow10(k))
	}
	return c
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Add returns d + e exactly.
func (d Decimal) Add(e Decimal) Decimal {
	s := max(d.scale, e.scale)
	if a, ok := d.rescale(s); ok {
		if b, ok := e.rescale(s); ok {
			if r, ok := addInt64(a, b); ok {
				return Decimal{coef: r, scale: s}
			}
		}
	}
	return fromBig(new(big.Int).Add(d.rescaleBig(s), e.rescaleBig(s)), s)
}

// Neg returns -d.
func (d Decimal) Neg() Decimal {
	if d.big == nil && d.coef != math.MinInt64 {
		return Decimal{coef: -d.coef, scale: d.scale}
	}
	return fromBig(new(big.Int).Neg(d.bigCoef()), d.scale)
}

// Sub returns d - e exactly.
func (d Decimal) Sub(e Decimal) Decimal { return d.Add(e.Neg()) }

// Mul returns d × e exactly (the scale is the sum of the scales, capped at
// MaxScale by rounding).
func (d Decimal) Mul(e Decimal) Decimal {
	s := d.scale + e.scale
	var r Decimal
	if d.big == nil && e.big == nil {
		if p, ok := mulInt64(d.coef, e.coef); ok {
			r = Decimal{coef: p, scale: s}
		} else {
			r = fromBig(new(big.Int).Mul(big.NewInt(d.coef), big.NewInt(e.coef)), s)
		}
	} else {
		r = fromBig(new(big.Int).Mul(d.bigCoef(), e.bigCoef()), s)
	}
	if s > MaxScale {
		return r.Round(MaxScale)
	}
	return r
}

// Quo returns d / e rounded half away from zero to scale digits. A negative
// scale rounds to a multiple of 10^-scale (the result has scale 0).
func (d Decimal) Quo(e Decimal, scale int32) (Decimal, error) {
	if e.IsZero() {
		return Decimal{}, ErrDivByZero
	}
	// d/e = (cd/10^sd) / (ce/10^se); result coef = cd*10^(scale+se-sd) / ce.
	num := new(big.Int).Set(d.bigCoef())
	den := new(big.Int).Set(e.bigCoef())
	if k := scale + e.scale - d.scale; k > 0 {
		num.Mul(num, bigPow10(k))
	} else if k < 0 {
		den.Mul(den, bigPow10(-k))
	}
	q := divRound(num, den)
	if scale < 0 {
		return fromBig(q.Mul(q, bigPow10(-scale)), 0), nil
	}
	return fromBig(q, scale), nil
}

// divRound returns num/den rounded half away from zero.
func divRound(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Sign() != 0 {
		r2 := new(big.Int).Abs(r)
		r2.Lsh(r2, 1)
		if r2.Cmp(new(big.Int).Abs(den)) >= 0 {
			if (num.Sign() < 0) != (den.Sign() < 0) {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	return q
}

// Div returns d / e with the language's quotient scale
// (max(d.Scale(), e.Scale()) + DivScale).
func (d Decimal) Div(e Decimal) (Decimal, error) {
	return d.Quo(e, min(max(d.scale, e.scale)+DivScale, MaxScale))
}

// Mod returns the remainder of d / e truncated toward zero (sign of d).
func (d Decimal) Mod(e Decimal) (Decimal, error) {
	if e.IsZero() {
		return Decimal{}, ErrDivByZero
	}
	s := max(d.scale, e.scale)
	r := new(big.Int).Rem(d.rescaleBig(s), e.rescaleBig(s))
	return fromBig(r, s), nil
}

// Round returns d rounded half away from zero to scale fraction digits.
// A scale at or above d's returns d unchanged.
func (d Decimal) Round(scale int32) Decimal {
	if scale < 0 {
		scale = 0
	}
	if scale >= d.scale {
		return d
	}
	k := d.scale - scale
	if d.big == nil && int(k) < len(pow10) {
		p := pow10[k]
		q, r := d.coef/p, d.coef%p
		if abs64(r) >= p-abs64(r) {
			if d.coef < 0 {
				q--
			} else {
				q++
			}
		}
		return Decimal{coef: q, scale: scale}
	}
	return fromBig(divRound(d.bigCoef(), bigPow10(k)), scale)
}

// Truncate drops fraction digits beyond scale (toward zero).
func (d Decimal) Truncate(scale int32) Decimal {
	if scale < 0 {
		scale = 0
	}
	if scale >= d.scale {
		return d
	}
	k := d.scale - scale
	return fromBig(new(big.Int).Quo(d.bigCoef(), bigPow10(k)), scale)
}

// Rescale returns d with exactly scale fraction digits (rounding if fewer).
func (d Decimal) Rescale(scale int32) Decimal {
	if scale < d.scale {
		return d.Round(scale)
	}
	if c, ok := d.rescale(scale); ok {
		return Decimal{coef: c, scale: scale}
	}
	return fromBig(d.rescaleBig(scale), scale)
}

// Reduced returns d without trailing fraction zeros (1.50 → 1.5, 2.00 → 2).
func (d Decimal) Reduced() Decimal {
	if d.big == nil {
		for d.scale > 0 && d.coef%10 == 0 {
			d.coef /= 10
			d.scale--
		}
		return d
	}
	c := new(big.Int).Set(d.big)
	r := new(big.Int)
	q := new(big.Int)
	s := d.scale
	for s > 0 {
		q.QuoRem(c, bigTen, r)
		if r.Sign() != 0 {
			break
		}
		c, q = q, c
		s--
	}
	return fromBig(c, s)
}

// Cmp compares d and e: -1, 0 or +1.
func (d Decimal) Cmp(e Decimal) int {
	s := max(d.scale, e.scale)
	if a, ok := d.rescale(s); ok {
		if b, ok := e.rescale(s); ok {
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
	}
	return d.rescaleBig(s).Cmp(e.rescaleBig(s))
}

// Equal reports whether d and e denote the same number (1.5 == 1.50).
func (d Decimal) Equal(e Decimal) bool { return d.Cmp(e) == 0 }

// Int64 returns d as an int64 when d is integral and fits.
func (d Decimal) Int64() (int64, bool) {
	r := d.Reduced()
	if r.scale != 0 || r.big != nil {
		return 0, false
	}
	return r.coef, true
}

// Float64 returns the float64 nearest to d (an infinity when d is beyond
// the range of float64; see Float64Checked).
func (d Decimal) Float64() float64 {
	f, _ := strconv.ParseFloat(d.String(), 64)
	return f
}

// Float64Checked returns the float64 nearest to d, or an ErrFloatOverflow
// error when d is beyond the range of float64.
func (d Decimal) Float64Checked() (float64, error) {
	f := d.Float64()
	if math.IsInf(f, 0) {
		return 0, fmt.Errorf("%w: decimal %s", ErrFloatOverflow, shortText(d.String()))
	}
	return f, nil
}

// shortText cuts a long number's text for a message.
func shortText(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:20] + "…" + s[len(s)-10:] + " (" + strconv.Itoa(len(s)) + " characters)"
}

// String renders d exactly with its scale: "-12.50".
func (d Decimal) String() string {
	var digits string
	neg := false
	if d.big != nil {
		digits = d.big.String()
	} else {
		digits = strconv.FormatInt(d.coef, 10)
	}
	if digits[0] == '-' {
		neg = true
		digits = digits[1:]
	}
	if d.scale > 0 {
		if n := int(d.scale) - len(digits) + 1; n > 0 {
			digits = strings.Repeat("0", n) + digits
		}
		i := len(digits) - int(d.scale)
		digits = digits[:i] + "." + digits[i:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// MarshalJSON renders d as a JSON number, exactly.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(d.String()), nil }

// Coef returns the coefficient (d is coef × 10^-Scale) when it fits an
// int64.
func (d Decimal) Coef() (int64, bool) { return d.coef, d.big == nil }

// Big returns the coefficient as a new big.Int and the scale.
func (d Decimal) Big() (*big.Int, int32) { return new(big.Int).Set(d.bigCoef()), d.scale }

// addInt64 adds with overflow detection.
func addInt64(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) == (b > 0) {
		return c, true
	}
	return c, false
}

// subInt64 subtracts with overflow detection.
func subInt64(a, b int64) (int64, bool) {
	c := a - b
	if (c < a) == (b > 0) {
		return c, true
	}
	return c, false
}

// mulInt64 multiplies with overflow detection.
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

// AddInt64 returns a+b and whether it did not overflow.
func AddInt64(a, b int64) (int64, bool) { return addInt64(a, b) }

// MulInt64 returns a×b and whether it did not overflow.
func MulInt64(a, b int64) (int64, bool) {
	if uint64(a)+1<<31 < 1<<32 && uint64(b)+1<<31 < 1<<32 {
		return a * b, true // both within ±2^31
	}
	return mulInt64(a, b)
}
