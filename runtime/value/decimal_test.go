package value

import "testing"

func TestDecimalBasics(t *testing.T) {
	for _, c := range []struct{ a, b, sum, prod string }{
		{"1.10", "2.205", "3.305", "2.42550"},
		{"-0.5", "0.25", "-0.25", "-0.125"},
		{"9223372036854775807", "1", "9223372036854775808", "9223372036854775807"},
	} {
		a, b := MustDecimal(c.a), MustDecimal(c.b)
		if got := a.Add(b).String(); got != c.sum {
			t.Errorf("%s+%s = %s, want %s", c.a, c.b, got, c.sum)
		}
		if got := a.Mul(b).String(); got != c.prod {
			t.Errorf("%s*%s = %s, want %s", c.a, c.b, got, c.prod)
		}
	}
	if got := MustDecimal("2.345").Round(2).String(); got != "2.35" {
		t.Errorf("round = %s", got)
	}
	if got := MustDecimal("-2.345").Round(2).String(); got != "-2.35" {
		t.Errorf("round = %s", got)
	}
	if got := MustDecimal("2.344").Round(2).String(); got != "2.34" {
		t.Errorf("round = %s", got)
	}
	q, _ := MustDecimal("10").Div(MustDecimal("3"))
	if q.String() != "3.333333" {
		t.Errorf("10/3 = %s", q)
	}
}

func TestCheckedInt64(t *testing.T) {
	const big = 1 << 62
	for _, tc := range []struct {
		a, b      int64
		sum, prod bool
	}{{3, 4, true, true}, {big, big, false, false}, {-big, -big, true, false}, {1 << 31, 1 << 31, true, true}, {-1, -(1 << 63), false, false}, {0, -(1 << 63), true, true}} {
		if s, ok := AddInt64(tc.a, tc.b); ok != tc.sum || (ok && s != tc.a+tc.b) {
			t.Errorf("AddInt64(%d, %d) = %d, %v", tc.a, tc.b, s, ok)
		}
		if p, ok := MulInt64(tc.a, tc.b); ok != tc.prod || (ok && p != tc.a*tc.b) {
			t.Errorf("MulInt64(%d, %d) = %d, %v", tc.a, tc.b, p, ok)
		}
	}
	if c, ok := NewDecimal(-125, 2).Coef(); c != -125 || !ok {
		t.Errorf("Coef %d %v", c, ok)
	}
	if _, ok := MustDecimal("123456789012345678901234567890").Coef(); ok {
		t.Error("a big coefficient fits an int64")
	}
}
