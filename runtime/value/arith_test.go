package value

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// same reports whether got is want: the same kind and, for decimals, the
// same digits and scale.
func same(got, want any) bool {
	if KindOf(got) != KindOf(want) {
		return false
	}
	switch w := want.(type) {
	case Decimal:
		return got.(Decimal).String() == w.String()
	case float64:
		g := got.(float64)
		return g == w || (math.IsNaN(g) && math.IsNaN(w))
	case time.Time:
		return got.(time.Time).Equal(w)
	}
	return got == want
}

var (
	ts  = time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	rec = map[string]any{"a": int64(1)}
)

func TestArith(t *testing.T) {
	const maxI, minI = int64(math.MaxInt64), int64(math.MinInt64)
	for _, c := range []struct {
		op      Op
		a, b    any
		want    any
		wantErr error  // errors.Is target
		errText string // or a substring of the message
	}{
		// nil propagates through every operator and kind.
		{op: OpAdd, a: nil, b: int64(1)},
		{op: OpSub, a: int64(1), b: nil},
		{op: OpMul, a: nil, b: nil},
		{op: OpDiv, a: dec("1.5"), b: nil},
		{op: OpMod, a: nil, b: 2.5},
		{op: OpAdd, a: "x", b: nil},
		{op: OpAdd, a: nil, b: Date(3)},
		{op: OpDiv, a: nil, b: int64(0)},
		{op: OpAdd, a: true, b: nil},
		// int op int.
		{op: OpAdd, a: int64(2), b: int64(3), want: int64(5)},
		{op: OpSub, a: int64(2), b: int64(3), want: int64(-1)},
		{op: OpMul, a: int64(3), b: int64(-4), want: int64(-12)},
		{op: OpAdd, a: maxI, b: int64(1), wantErr: ErrOverflow},
		{op: OpAdd, a: minI, b: int64(-1), wantErr: ErrOverflow},
		{op: OpAdd, a: maxI, b: minI, want: int64(-1)},
		{op: OpSub, a: minI, b: int64(1), wantErr: ErrOverflow},
		{op: OpSub, a: int64(1), b: minI, wantErr: ErrOverflow},
		{op: OpSub, a: int64(-1), b: minI, want: maxI},
		{op: OpSub, a: maxI, b: int64(-1), wantErr: ErrOverflow},
		{op: OpMul, a: maxI, b: int64(2), wantErr: ErrOverflow},
		{op: OpMul, a: minI, b: int64(-1), wantErr: ErrOverflow},
		{op: OpMul, a: int64(-1), b: minI, wantErr: ErrOverflow},
		{op: OpMul, a: int64(1 << 32), b: int64(1 << 31), wantErr: ErrOverflow},
		{op: OpMul, a: int64(0), b: minI, want: int64(0)},
		{op: OpMul, a: minI, b: int64(1), want: minI},
		{op: OpDiv, a: int64(6), b: int64(3), want: dec("2")}, // always an exact decimal
		{op: OpDiv, a: int64(0), b: int64(5), want: dec("0")},
		{op: OpDiv, a: int64(7), b: int64(2), want: dec("3.5")},
		{op: OpDiv, a: int64(-7), b: int64(2), want: dec("-3.5")},
		{op: OpDiv, a: int64(1), b: int64(4), want: dec("0.25")},
		{op: OpDiv, a: int64(1), b: int64(3), want: dec("0.333333")},
		{op: OpDiv, a: int64(2), b: int64(3), want: dec("0.666667")},
		{op: OpDiv, a: minI, b: int64(-1), want: dec("9223372036854775808")},
		{op: OpDiv, a: minI, b: int64(2), want: dec("-4611686018427387904")},
		{op: OpDiv, a: int64(1), b: int64(0), wantErr: ErrDivByZero},
		{op: OpMod, a: int64(7), b: int64(3), want: int64(1)},
		{op: OpMod, a: int64(-7), b: int64(3), want: int64(-1)},
		{op: OpMod, a: int64(7), b: int64(-1), want: int64(0)},
		{op: OpMod, a: minI, b: int64(-1), want: int64(0)},
		{op: OpMod, a: int64(5), b: int64(0), wantErr: ErrDivByZero},
		{op: Op("^"), a: int64(2), b: int64(3), errText: "cannot apply ^ to int and int"},
		// int or decimal with decimal.
		{op: OpAdd, a: int64(1), b: dec("0.5"), want: dec("1.5")},
		{op: OpSub, a: dec("0.5"), b: int64(1), want: dec("-0.5")},
		{op: OpMul, a: dec("2.5"), b: int64(2), want: dec("5.0")},
		{op: OpAdd, a: dec("0.10"), b: dec("0.2"), want: dec("0.30")},
		{op: OpAdd, a: maxI, b: dec("1"), want: dec("9223372036854775808")},
		{op: OpDiv, a: dec("1"), b: dec("4"), want: dec("0.25")},
		{op: OpDiv, a: dec("10.00"), b: int64(4), want: dec("2.5")},
		{op: OpDiv, a: int64(10), b: dec("4.0"), want: dec("2.5")},
		{op: OpDiv, a: dec("1"), b: dec("3"), want: dec("0.333333")},
		{op: OpDiv, a: dec("1"), b: int64(0), wantErr: ErrDivByZero},
		{op: OpDiv, a: int64(1), b: dec("0.0"), wantErr: ErrDivByZero},
		{op: OpMod, a: dec("5.5"), b: int64(2), want: dec("1.5")},
		{op: OpMod, a: dec("5.5"), b: dec("0"), wantErr: ErrDivByZero},
		{op: Op("^"), a: dec("1"), b: int64(2), errText: "cannot apply ^ to decimal and int"},
		// anything with a float.
		{op: OpAdd, a: 1.5, b: int64(1), want: 2.5},
		{op: OpSub, a: 3.0, b: int64(1), want: 2.0},
		{op: OpMul, a: int64(3), b: 2.0, want: 6.0},
		{op: OpDiv, a: int64(1), b: 4.0, want: 0.25},
		{op: OpAdd, a: dec("0.5"), b: 0.25, want: 0.75},
		{op: OpMul, a: 0.5, b: dec("3"), want: 1.5},
		{op: OpDiv, a: 1.0, b: 0.0, wantErr: ErrDivByZero},
		{op: OpDiv, a: 1.0, b: int64(0), wantErr: ErrDivByZero},
		{op: OpMod, a: 5.5, b: 2.0, want: 1.5},
		{op: OpMod, a: -5.5, b: int64(2), want: -1.5},
		{op: OpMod, a: 5.5, b: 0.0, wantErr: ErrDivByZero},
		{op: Op("^"), a: 1.0, b: 2.0, errText: "cannot apply ^ to float and float"},
		// strings.
		{op: OpAdd, a: "ab", b: "cd", want: "abcd"},
		{op: OpAdd, a: "", b: "", want: ""},
		{op: OpSub, a: "a", b: "b", errText: "cannot apply - to string and string"},
		{op: OpMul, a: "a", b: int64(3), errText: "cannot apply * to string and int"},
		{op: OpAdd, a: "a", b: int64(1), errText: "cannot apply + to string and int"},
		{op: OpAdd, a: int64(1), b: "a", errText: "cannot apply + to int and string"},
		{op: OpAdd, a: dec("1"), b: "a", errText: "cannot apply + to decimal and string"},
		// dates.
		{op: OpAdd, a: Date(10), b: int64(3), want: Date(13)},
		{op: OpSub, a: Date(10), b: int64(3), want: Date(7)},
		{op: OpAdd, a: Date(10), b: int64(-20), want: Date(-10)},
		{op: OpAdd, a: int64(3), b: Date(10), want: Date(13)},
		{op: OpSub, a: Date(10), b: Date(3), want: int64(7)},
		{op: OpSub, a: Date(3), b: Date(10), want: int64(-7)},
		{op: OpAdd, a: NewDate(2024, 2, 28), b: int64(1), want: NewDate(2024, 2, 29)},
		{op: OpAdd, a: Date(math.MaxInt32), b: int64(1), wantErr: ErrDateRange},
		{op: OpSub, a: Date(math.MinInt32), b: int64(1), wantErr: ErrDateRange},
		{op: OpAdd, a: Date(0), b: int64(1 << 32), wantErr: ErrDateRange},
		{op: OpAdd, a: Date(1), b: maxI, wantErr: ErrDateRange},
		{op: OpSub, a: Date(0), b: minI, wantErr: ErrDateRange},
		{op: OpAdd, a: int64(1 << 40), b: Date(0), wantErr: ErrDateRange},
		// Issue 15 item 11: dates stay within 0000-01-01 and 9999-12-31.
		{op: OpAdd, a: MaxDate, b: int64(1), wantErr: ErrDateRange},
		{op: OpAdd, a: int64(1), b: MaxDate, wantErr: ErrDateRange},
		{op: OpSub, a: MinDate, b: int64(1), wantErr: ErrDateRange},
		{op: OpSub, a: MaxDate, b: int64(-1), wantErr: ErrDateRange},
		{op: OpSub, a: MaxDate, b: MinDate, want: int64(MaxDate - MinDate)},
		{op: OpAdd, a: MinDate, b: int64(MaxDate - MinDate), want: MaxDate},
		{op: OpSub, a: MaxDate, b: int64(MaxDate - MinDate), want: MinDate},
		// Issue 15 item 11: a float overflow or NaN made of numbers is an
		// error; infinities and NaN from the operands pass through.
		{op: OpMul, a: 1e308, b: int64(10), wantErr: ErrFloatOverflow},
		{op: OpAdd, a: 1e308, b: 1e308, wantErr: ErrFloatOverflow},
		{op: OpSub, a: -1e308, b: 1e308, wantErr: ErrFloatOverflow},
		{op: OpDiv, a: 1e308, b: 1e-10, wantErr: ErrFloatOverflow},
		{op: OpAdd, a: MustDecimal("1e400"), b: 1.5, wantErr: ErrFloatOverflow},
		{op: OpAdd, a: math.Inf(1), b: 1.5, want: math.Inf(1)},
		{op: OpSub, a: math.Inf(1), b: math.Inf(1), wantErr: ErrNaN},
		{op: OpMul, a: math.Inf(1), b: 0.0, wantErr: ErrNaN},
		{op: OpMod, a: math.Inf(1), b: 2.0, wantErr: ErrNaN},
		{op: OpAdd, a: Date(1), b: Date(2), errText: "cannot apply + to date and date"},
		{op: OpSub, a: int64(3), b: Date(10), errText: "cannot apply - to int and date"},
		{op: OpMul, a: Date(1), b: int64(2), errText: "cannot apply * to date and int"},
		{op: OpAdd, a: Date(1), b: 1.5, errText: "cannot apply + to date and float"},
		{op: OpAdd, a: Date(1), b: dec("1"), errText: "cannot apply + to date and decimal"},
		{op: OpSub, a: Date(1), b: ts, errText: "cannot apply - to date and timestamp"},
		// other kinds.
		{op: OpAdd, a: true, b: int64(1), errText: "cannot apply + to bool and int"},
		{op: OpAdd, a: true, b: false, errText: "cannot apply + to bool and bool"},
		{op: OpAdd, a: ts, b: int64(1), errText: "cannot apply + to timestamp and int"},
		{op: OpAdd, a: rec, b: rec, errText: "cannot apply + to record and record"},
		{op: OpAdd, a: int64(1), b: []int{1}, errText: "cannot apply + to int and any"},
	} {
		got, err := Arith(c.op, c.a, c.b)
		switch {
		case c.wantErr != nil:
			if !errors.Is(err, c.wantErr) {
				t.Errorf("Arith(%v %s %v) = %v, %v; want error %v", c.a, c.op, c.b, got, err, c.wantErr)
			}
		case c.errText != "":
			var te *TypeError
			if err == nil || !strings.Contains(err.Error(), c.errText) {
				t.Errorf("Arith(%v %s %v) = %v, %v; want error %q", c.a, c.op, c.b, got, err, c.errText)
			} else if !errors.As(err, &te) {
				t.Errorf("Arith(%v %s %v): error %T is not a *TypeError", c.a, c.op, c.b, err)
			}
		default:
			if err != nil || !same(got, c.want) {
				t.Errorf("Arith(%v %s %v) = %#v (%s), %v; want %#v (%s)", c.a, c.op, c.b, got, KindOf(got), err, c.want, KindOf(c.want))
			}
		}
	}
}

func TestArithOverflowMessage(t *testing.T) {
	_, err := Arith(OpMul, int64(math.MaxInt64), int64(2))
	if err == nil || err.Error() != "integer overflow: 9223372036854775807 * 2" {
		t.Errorf("err = %v", err)
	}
}

func TestNeg(t *testing.T) {
	for _, c := range []struct {
		in, want any
		err      string
	}{
		{in: nil, want: nil},
		{in: int64(5), want: int64(-5)},
		{in: int64(math.MaxInt64), want: int64(-math.MaxInt64)},
		{in: int64(math.MinInt64), err: "integer overflow"},
		{in: dec("1.5"), want: dec("-1.5")},
		{in: dec("-9223372036854775808"), want: dec("9223372036854775808")},
		{in: 2.5, want: -2.5},
		{in: "x", err: "cannot negate string"},
		{in: Date(1), err: "cannot negate date"},
	} {
		got, err := Neg(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Neg(%v) = %v, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || !same(got, c.want) {
			t.Errorf("Neg(%v) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	_, err := Neg(int64(math.MinInt64))
	if !errors.Is(err, ErrOverflow) {
		t.Errorf("Neg(MinInt64) error %v is not ErrOverflow", err)
	}
}

func TestToDecimalToFloat(t *testing.T) {
	for _, c := range []struct {
		in    any
		dec   string
		decOK bool
		f     float64
		fOK   bool
	}{
		{int64(3), "3", true, 3, true},
		{dec("1.25"), "1.25", true, 1.25, true},
		{2.5, "", false, 2.5, true},
		{"1", "", false, 0, false},
		{nil, "", false, 0, false},
	} {
		d, ok := ToDecimal(c.in)
		if ok != c.decOK || (ok && d.String() != c.dec) {
			t.Errorf("ToDecimal(%v) = %s, %v", c.in, d, ok)
		}
		f, ok := ToFloat(c.in)
		if ok != c.fOK || f != c.f {
			t.Errorf("ToFloat(%v) = %v, %v", c.in, f, ok)
		}
	}
}
