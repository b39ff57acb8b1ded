package value

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

// dec parses a test constant.
func dec(s string) Decimal { return MustDecimal(s) }

// fast reports whether d is on the int64 fast path.
func fast(d Decimal) bool { return d.big == nil }

var parseDecimalTests = []struct {
	in      string
	want    string // String() of the result; "" with err set for an error
	scale   int32
	onBig   bool // the coefficient needs a big.Int
	wantErr string
}{
	{in: "0", want: "0"},
	{in: "12", want: "12"},
	{in: "-0.50", want: "-0.50", scale: 2},
	{in: "+1.5", want: "1.5", scale: 1},
	{in: "-0", want: "0"},
	{in: ".5", want: "0.5", scale: 1},
	{in: "5.", want: "5"},
	{in: "-.25", want: "-0.25", scale: 2},
	{in: "1.5e3", want: "1500"},
	{in: "1.50E-1", want: "0.150", scale: 3},
	{in: "1e0", want: "1"},
	{in: "1e+2", want: "100"},
	{in: "-1e-3", want: "-0.001", scale: 3},
	{in: "2.5e1", want: "25"},
	{in: "123456789012345678", want: "123456789012345678"},
	{in: "1234567890123456789", want: "1234567890123456789"},
	{in: "9223372036854775807", want: "9223372036854775807"},
	{in: "-9223372036854775808", want: "-9223372036854775808"},
	{in: "9223372036854775808", want: "9223372036854775808", onBig: true},
	{in: "-99999999999999999999.5", want: "-99999999999999999999.5", scale: 1, onBig: true},
	{in: "12345678901234567890e-5", want: "123456789012345.67890", scale: 5, onBig: true},
	{in: "1234567890123456789e-5", want: "12345678901234.56789", scale: 5},
	{in: "1e25", want: "1" + strings.Repeat("0", 25), onBig: true},
	{in: "1234567890123456789012e2", want: "123456789012345678901200", onBig: true},
	{in: "0.000000000000000000000000000001", want: "0.000000000000000000000000000001", scale: 30},
	// Beyond MaxScale the fraction is rounded half away from zero.
	// Issue 15 item 11: digits past MaxScale are an error, not rounded
	// away silently; zeros there lose nothing and are dropped.
	{in: "1e-31", wantErr: "more than 30 fraction digits"},
	{in: "5e-31", wantErr: "more than 30 fraction digits"},
	{in: "-5e-31", wantErr: "more than 30 fraction digits"},
	{in: "0.1234567890123456789012345678905", wantErr: `decimal "0.1234567890123456789012345678905" has more than 30 fraction digits`},
	{in: "1e-1000", wantErr: "more than 30 fraction digits"},
	{in: "1.5" + strings.Repeat("0", 40), want: "1.5" + strings.Repeat("0", 29), scale: 30, onBig: true},
	{in: "0e-1000", want: "0." + strings.Repeat("0", 30), scale: 30},
	{in: "1e1000", want: "1" + strings.Repeat("0", 1000), onBig: true},
	// Invalid input.
	{in: "", wantErr: `invalid decimal ""`},
	{in: "+", wantErr: "invalid decimal"},
	{in: "-", wantErr: "invalid decimal"},
	{in: ".", wantErr: "invalid decimal"},
	{in: "e5", wantErr: "invalid decimal"},
	{in: "-e5", wantErr: "invalid decimal"},
	{in: ".e5", wantErr: "invalid decimal"},
	{in: "1e", wantErr: "invalid decimal"},
	{in: "1e+", wantErr: "invalid decimal"},
	{in: "1e5.5", wantErr: "invalid decimal"},
	{in: "1e99999999999", wantErr: "invalid decimal"},
	{in: "1.2.3", wantErr: "invalid decimal"},
	{in: "abc", wantErr: `invalid decimal "abc"`},
	{in: "1a", wantErr: "invalid decimal"},
	{in: " 1", wantErr: "invalid decimal"},
	{in: "1 ", wantErr: "invalid decimal"},
	{in: "1_000", wantErr: "invalid decimal"},
	{in: "0x10", wantErr: "invalid decimal"},
	{in: "--1", wantErr: "invalid decimal"},
	{in: "+-1", wantErr: "invalid decimal"},
	{in: "12345678901234567890a", wantErr: "invalid decimal"},
	{in: "1234567890123456789.0x", wantErr: "invalid decimal"},
	{in: "1e-1001", wantErr: "exponent out of range"},
	{in: "1e1001", wantErr: "exponent out of range"},
	{in: "123456789012345678901e-1001", wantErr: "exponent out of range"},
	{in: "123456789012345678901e1001", wantErr: "exponent out of range"},
}

func TestParseDecimal(t *testing.T) {
	for _, c := range parseDecimalTests {
		d, err := ParseDecimal(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("ParseDecimal(%q) = %v, %v; want error containing %q", c.in, d, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", c.in, err)
			continue
		}
		if got := d.String(); got != c.want {
			t.Errorf("ParseDecimal(%q) = %s, want %s", c.in, got, c.want)
		}
		if d.Scale() != c.scale {
			t.Errorf("ParseDecimal(%q).Scale() = %d, want %d", c.in, d.Scale(), c.scale)
		}
		if fast(d) == c.onBig {
			t.Errorf("ParseDecimal(%q): on big = %v, want %v", c.in, !fast(d), c.onBig)
		}
	}
}

func TestMustDecimalPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDecimal(\"x\") did not panic")
		}
	}()
	MustDecimal("x")
}

func TestDecimalConstructors(t *testing.T) {
	for _, c := range []struct {
		name string
		d    Decimal
		want string
	}{
		{"zero value", Decimal{}, "0"},
		{"NewDecimal", NewDecimal(1234, 2), "12.34"},
		{"NewDecimal small", NewDecimal(5, 3), "0.005"},
		{"NewDecimal negative small", NewDecimal(-5, 3), "-0.005"},
		{"NewDecimal negative scale", NewDecimal(12, -2), "1200"},
		{"NewDecimal MinInt64", NewDecimal(math.MinInt64, 20), "-0.09223372036854775808"},
		{"DecimalFromInt", DecimalFromInt(-7), "-7"},
		{"DecimalFromBig", DecimalFromBig(big.NewInt(-15), 1), "-1.5"},
		{"DecimalFromBig negative scale", DecimalFromBig(big.NewInt(15), -3), "15000"},
		{"DecimalFromBig huge", DecimalFromBig(new(big.Int).Lsh(big.NewInt(1), 70), 0), "1180591620717411303424"},
	} {
		if got := c.d.String(); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
	// DecimalFromBig copies its argument.
	b := big.NewInt(5)
	d := DecimalFromBig(b, 0)
	b.SetInt64(6)
	if d.String() != "5" {
		t.Errorf("DecimalFromBig aliases its argument: %s", d)
	}
}

func TestDecimalFromFloat(t *testing.T) {
	for _, c := range []struct {
		f       float64
		want    string
		wantErr bool
	}{
		{0.1, "0.1", false},
		{-2.5, "-2.5", false},
		{0, "0", false},
		{1e21, "1000000000000000000000", false},
		{1.0 / 3, "0.3333333333333333", false},
		{5e-324, "0." + strings.Repeat("0", 30), false},
		{math.NaN(), "", true},
		{math.Inf(1), "", true},
		{math.Inf(-1), "", true},
	} {
		d, err := DecimalFromFloat(c.f)
		if c.wantErr {
			if err == nil {
				t.Errorf("DecimalFromFloat(%v) = %s, want error", c.f, d)
			}
			continue
		}
		if err != nil || d.String() != c.want {
			t.Errorf("DecimalFromFloat(%v) = %s, %v; want %s", c.f, d, err, c.want)
		}
	}
}

// binaryDecimalTests cover Add, Sub and Mul on both paths.
var binaryDecimalTests = []struct {
	op        string
	a, b      string
	want      string
	resultBig bool
}{
	{"+", "1.10", "2.205", "3.305", false},
	{"+", "-0.5", "0.25", "-0.25", false},
	{"+", "9223372036854775807", "1", "9223372036854775808", true},
	{"+", "-9223372036854775808", "-1", "-9223372036854775809", true},
	{"+", "9223372036854775808", "-1", "9223372036854775807", false}, // back from big
	{"+", "99999999999999999999", "-99999999999999999999", "0", false},
	{"+", "922337203685477580.7", "0.01", "922337203685477580.71", true}, // rescale overflows
	{"+", "1", "0.0000000000000000000001", "1.0000000000000000000001", true},
	{"+", "0", "0.0000000000000000000001", "0.0000000000000000000001", false},
	{"+", "-9223372036854775808", "0.1", "-9223372036854775807.9", true},
	{"-", "1", "0.001", "0.999", false},
	{"-", "-9223372036854775808", "1", "-9223372036854775809", true},
	{"-", "0", "-9223372036854775808", "9223372036854775808", true},
	{"-", "9223372036854775808", "1", "9223372036854775807", false},
	{"-", "1.5", "1.50", "0.00", false},
	{"*", "1.10", "2.205", "2.42550", false},
	{"*", "-0.5", "0.25", "-0.125", false},
	{"*", "9223372036854775807", "1", "9223372036854775807", false},
	{"*", "9223372036854775807", "2", "18446744073709551614", true},
	{"*", "-1", "-9223372036854775808", "9223372036854775808", true},
	{"*", "18446744073709551616", "0.5", "9223372036854775808.0", true},
	{"*", "18446744073709551616", "0", "0", false},
	{"*", "0", "18446744073709551616", "0", false},
	{"*", "0.000000000000001", "0.0000000000000005", "0.000000000000000000000000000001", false},
	{"*", "0.000000000000001", "-0.0000000000000004", "0." + strings.Repeat("0", 30), false},
	{"*", "3", "-4", "-12", false},
}

func TestDecimalAddSubMul(t *testing.T) {
	for _, c := range binaryDecimalTests {
		a, b := dec(c.a), dec(c.b)
		var got Decimal
		switch c.op {
		case "+":
			got = a.Add(b)
		case "-":
			got = a.Sub(b)
		case "*":
			got = a.Mul(b)
		}
		if got.String() != c.want {
			t.Errorf("%s %s %s = %s, want %s", c.a, c.op, c.b, got, c.want)
		}
		if fast(got) == c.resultBig {
			t.Errorf("%s %s %s: on big = %v, want %v", c.a, c.op, c.b, !fast(got), c.resultBig)
		}
	}
}

func TestDecimalNeg(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"1.5", "-1.5"},
		{"-1.5", "1.5"},
		{"0", "0"},
		{"-9223372036854775808", "9223372036854775808"},
		{"9223372036854775808", "-9223372036854775808"}, // back to the fast path
		{"123456789012345678901", "-123456789012345678901"},
	} {
		if got := dec(c.in).Neg(); got.String() != c.want {
			t.Errorf("-(%s) = %s, want %s", c.in, got, c.want)
		}
	}
	if !fast(dec("9223372036854775808").Neg()) {
		t.Error("-(2^63) should fit the fast path")
	}
}

func TestDecimalQuoDiv(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		scale int32 // for Quo; -100 means Div
		want  string
		err   error
	}{
		{"10", "3", -100, "3.333333", nil},
		{"10.00", "3", -100, "3.33333333", nil},
		{"2", "3", -100, "0.666667", nil},
		{"-2", "3", -100, "-0.666667", nil},
		{"1", "-8", -100, "-0.125000", nil},
		{"100000000000000000000", "4", -100, "25000000000000000000.000000", nil},
		{"0.0000000000000000000000000001", "3", -100, "0.000000000000000000000000000033", nil},
		{"1", "0", -100, "", ErrDivByZero},
		{"1", "0.00", -100, "", ErrDivByZero},
		{"1", "3", 2, "0.33", nil},
		{"5", "2", 0, "3", nil},
		{"-5", "2", 0, "-3", nil},
		{"5", "-2", 0, "-3", nil},
		{"-5", "-2", 0, "3", nil},
		{"7", "2.5", 1, "2.8", nil},
		{"1.000", "8", 1, "0.1", nil}, // the denominator is scaled up
		{"1234", "1", -2, "1200", nil},
		{"1250", "1", -2, "1300", nil},
		{"-1250", "1", -2, "-1300", nil},
		{"1", "3", -1, "0", nil},
		{"9", "0", 2, "", ErrDivByZero},
	} {
		var got Decimal
		var err error
		if c.scale == -100 {
			got, err = dec(c.a).Div(dec(c.b))
		} else {
			got, err = dec(c.a).Quo(dec(c.b), c.scale)
		}
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s / %s: err = %v, want %v", c.a, c.b, err, c.err)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("%s / %s (scale %d) = %s, %v; want %s", c.a, c.b, c.scale, got, err, c.want)
		}
		if got.Scale() < 0 {
			t.Errorf("%s / %s: negative scale %d", c.a, c.b, got.Scale())
		}
	}
}

func TestDecimalMod(t *testing.T) {
	for _, c := range []struct {
		a, b, want string
		err        error
	}{
		{"10", "3", "1", nil},
		{"-10", "3", "-1", nil},
		{"10", "-3", "1", nil},
		{"5.5", "2", "1.5", nil},
		{"0.7", "0.25", "0.20", nil},
		{"99999999999999999999", "7", "1", nil},
		{"1", "0", "", ErrDivByZero},
	} {
		got, err := dec(c.a).Mod(dec(c.b))
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s %% %s: err = %v, want %v", c.a, c.b, err, c.err)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("%s %% %s = %s, %v; want %s", c.a, c.b, got, err, c.want)
		}
	}
}

func TestDecimalRoundTruncateRescale(t *testing.T) {
	for _, c := range []struct {
		op    string
		in    string
		scale int32
		want  string
	}{
		{"round", "2.345", 2, "2.35"},
		{"round", "-2.345", 2, "-2.35"},
		{"round", "2.344", 2, "2.34"},
		{"round", "2.5", 0, "3"},
		{"round", "-2.5", 0, "-3"},
		{"round", "2.4999", 0, "2"},
		{"round", "1.5", 3, "1.5"},
		{"round", "12.5", -1, "13"},
		{"round", "12345678901234567890.5", 0, "12345678901234567891"},
		{"round", "-12345678901234567890.5", 0, "-12345678901234567891"},
		{"round", "0.00000000000000000000005", 0, "0"},
		{"round", "0.5000000000000000000001", 0, "1"},
		{"round", "9.9999999999999999999", 2, "10.00"},
		{"round", "-92233720368547758.08", 1, "-92233720368547758.1"},
		{"round", "92233720368547758.07", 0, "92233720368547758"},
		{"trunc", "2.349", 2, "2.34"},
		{"trunc", "-2.349", 2, "-2.34"},
		{"trunc", "2.349", 5, "2.349"},
		{"trunc", "2.349", -1, "2"},
		{"trunc", "99999999999999999999.99", 0, "99999999999999999999"},
		{"rescale", "1.5", 3, "1.500"},
		{"rescale", "1.555", 2, "1.56"},
		{"rescale", "1.5", 1, "1.5"},
		{"rescale", "9223372036854775807", 2, "9223372036854775807.00"},
		{"rescale", "99999999999999999999", 1, "99999999999999999999.0"},
		{"rescale", "0", 25, "0." + strings.Repeat("0", 25)},
		{"rescale", "1", 20, "1." + strings.Repeat("0", 20)},
	} {
		d := dec(c.in)
		var got Decimal
		switch c.op {
		case "round":
			got = d.Round(c.scale)
		case "trunc":
			got = d.Truncate(c.scale)
		case "rescale":
			got = d.Rescale(c.scale)
		}
		if got.String() != c.want {
			t.Errorf("%s(%s, %d) = %s, want %s", c.op, c.in, c.scale, got, c.want)
		}
	}
	if got := NewDecimal(math.MinInt64, 2).Round(1).String(); got != "-92233720368547758.1" {
		t.Errorf("round(MinInt64e-2, 1) = %s", got)
	}
}

func TestDecimalReduced(t *testing.T) {
	for _, c := range []struct {
		in, want string
		onBig    bool
	}{
		{"1.50", "1.5", false},
		{"2.00", "2", false},
		{"0.000", "0", false},
		{"100", "100", false},
		{"-0.10", "-0.1", false},
		{"100000000000000000000.000", "100000000000000000000", true},
		{"9223372036854775807.000", "9223372036854775807", false},
		{"-12345678901234567890.10", "-12345678901234567890.1", true},
		{"12345678901234567890", "12345678901234567890", true},
	} {
		got := dec(c.in).Reduced()
		if got.String() != c.want || fast(got) == c.onBig {
			t.Errorf("Reduced(%s) = %s (big %v), want %s (big %v)", c.in, got, !fast(got), c.want, c.onBig)
		}
	}
}

func TestDecimalCmp(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1", "1.00", 0},
		{"1.5", "1.49", 1},
		{"-1", "1", -1},
		{"99999999999999999999", "1", 1},
		{"-99999999999999999999", "1", -1},
		{"1", "99999999999999999999", -1},
		{"9223372036854775807", "9223372036854775807.5", -1},
		{"12345678901234567890.5", "12345678901234567890.50", 0},
		{"0", "-0.000", 0},
	} {
		a, b := dec(c.a), dec(c.b)
		if got := a.Cmp(b); got != c.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := b.Cmp(a); got != -c.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", c.b, c.a, got, -c.want)
		}
		if a.Equal(b) != (c.want == 0) {
			t.Errorf("Equal(%s, %s) = %v", c.a, c.b, a.Equal(b))
		}
	}
}

func TestDecimalSignInt64Float64(t *testing.T) {
	for _, c := range []struct {
		in    string
		sign  int
		i     int64
		isInt bool
		f     float64
	}{
		{"12", 1, 12, true, 12},
		{"12.00", 1, 12, true, 12},
		{"12.5", 1, 0, false, 12.5},
		{"-0.1", -1, 0, false, -0.1},
		{"0.00", 0, 0, true, 0},
		{"9223372036854775808", 1, 0, false, 9223372036854775808},
		{"-9223372036854775808", -1, math.MinInt64, true, -9223372036854775808},
		{"-99999999999999999999", -1, 0, false, -1e20},
		{"92233720368547758080.0", 1, 0, false, 92233720368547758080},
		{"1e25", 1, 0, false, 1e25},
	} {
		d := dec(c.in)
		if d.Sign() != c.sign || d.IsZero() != (c.sign == 0) {
			t.Errorf("Sign(%s) = %d, IsZero = %v", c.in, d.Sign(), d.IsZero())
		}
		i, ok := d.Int64()
		if ok != c.isInt || i != c.i {
			t.Errorf("Int64(%s) = %d, %v; want %d, %v", c.in, i, ok, c.i, c.isInt)
		}
		if f := d.Float64(); f != c.f {
			t.Errorf("Float64(%s) = %v, want %v", c.in, f, c.f)
		}
	}
}

func TestDecimalBigAndJSON(t *testing.T) {
	c, s := dec("-12.50").Big()
	if c.String() != "-1250" || s != 2 {
		t.Errorf("Big() = %s, %d", c, s)
	}
	c.SetInt64(0) // must not alias
	d := dec("99999999999999999999.9")
	c, _ = d.Big()
	c.SetInt64(0)
	if d.String() != "99999999999999999999.9" {
		t.Errorf("Big() aliases the coefficient: %s", d)
	}
	b, err := json.Marshal(map[string]any{"x": dec("-12.50"), "y": dec("1e20")})
	if err != nil || string(b) != `{"x":-12.50,"y":100000000000000000000}` {
		t.Errorf("json = %s, %v", b, err)
	}
}
