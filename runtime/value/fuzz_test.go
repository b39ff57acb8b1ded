package value

import (
	"errors"
	"math/big"
	"strings"
	"testing"
)

// rat returns d as an exact rational.
func rat(d Decimal) *big.Rat {
	c, s := d.Big()
	return new(big.Rat).SetFrac(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil))
}

// ulps returns r in units of 10^-MaxScale, and whether that is an integer
// (r has no non-zero digit past MaxScale).
func ulps(r *big.Rat) bool {
	u := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(MaxScale), nil)))
	return u.IsInt()
}

// FuzzDecimal checks that String round-trips through ParseDecimal, that
// parsing agrees exactly with math/big.Rat (issue 15 item 11: a number with
// non-zero digits past MaxScale is refused, never rounded), and that Add,
// Sub, Cmp and Mul agree with exact rational arithmetic.
func FuzzDecimal(f *testing.F) {
	for _, c := range parseDecimalTests {
		f.Add(c.in, "1")
	}
	for _, c := range binaryDecimalTests {
		f.Add(c.a, c.b)
	}
	f.Add("9223372036854775807", "-9223372036854775808")
	f.Add("0.1", "0.2")
	f.Add("0.1234567890123456789012345678901", "1.5"+strings.Repeat("0", 40))
	f.Fuzz(func(t *testing.T, a, b string) {
		x, err := ParseDecimal(a)
		if errors.Is(err, ErrScale) {
			if r, ok := new(big.Rat).SetString(a); ok && ulps(r) {
				t.Fatalf("ParseDecimal(%q) refuses a number of at most %d fraction digits: %v", a, MaxScale, err)
			}
		}
		if err != nil {
			return
		}
		checkParsed(t, a, x)
		y, err := ParseDecimal(b)
		if err != nil {
			return
		}
		checkParsed(t, b, y)
		rx, ry := rat(x), rat(y)
		if got, want := rat(x.Add(y)), new(big.Rat).Add(rx, ry); got.Cmp(want) != 0 {
			t.Fatalf("%s + %s = %s, want %s", x, y, x.Add(y), want.FloatString(int(max(x.Scale(), y.Scale()))))
		}
		if got, want := rat(x.Sub(y)), new(big.Rat).Sub(rx, ry); got.Cmp(want) != 0 {
			t.Fatalf("%s - %s = %s, want %s", x, y, x.Sub(y), want.FloatString(int(max(x.Scale(), y.Scale()))))
		}
		if !x.Add(y).Sub(y).Equal(x) {
			t.Fatalf("%s + %s - %s = %s", x, y, y, x.Add(y).Sub(y))
		}
		if got, want := x.Cmp(y), rx.Cmp(ry); got != want {
			t.Fatalf("Cmp(%s, %s) = %d, want %d", x, y, got, want)
		}
		if x.Scale()+y.Scale() <= MaxScale {
			if got, want := rat(x.Mul(y)), new(big.Rat).Mul(rx, ry); got.Cmp(want) != 0 {
				t.Fatalf("%s * %s = %s", x, y, x.Mul(y))
			}
		}
		if x.Equal(y) != (HashKey(x) == HashKey(y)) {
			t.Fatalf("Equal(%s, %s) = %v but HashKey %v, %v", x, y, x.Equal(y), HashKey(x), HashKey(y))
		}
	})
}

func checkParsed(t *testing.T, in string, d Decimal) {
	t.Helper()
	s := d.String()
	back, err := ParseDecimal(s)
	if err != nil || back.String() != s || back.Scale() != d.Scale() || !back.Equal(d) {
		t.Fatalf("ParseDecimal(%q) = %s, which re-parses as %s, %v", in, s, back, err)
	}
	if d.Scale() < 0 || d.Scale() > MaxScale {
		t.Fatalf("ParseDecimal(%q) has scale %d", in, d.Scale())
	}
	want, ok := new(big.Rat).SetString(in)
	if !ok {
		t.Fatalf("big.Rat rejects %q, ParseDecimal accepts it as %s", in, s)
	}
	if diff := new(big.Rat).Sub(rat(d), want); diff.Sign() != 0 {
		t.Fatalf("ParseDecimal(%q) = %s, off by %s", in, s, diff.FloatString(40))
	}
	r := d.Reduced()
	if !r.Equal(d) || HashKey(r) != HashKey(d) {
		t.Fatalf("Reduced(%s) = %s", d, r)
	}
	if i, ok := d.Int64(); ok && !DecimalFromInt(i).Equal(d) {
		t.Fatalf("Int64(%s) = %d", d, i)
	}
}
