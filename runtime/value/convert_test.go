package value

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		k    Kind
		in   string
		want any
		err  string
	}{
		{k: KindString, in: "", want: ""},
		{k: KindString, in: " x ", want: " x "},
		{k: KindInt, in: "", want: nil},
		{k: KindDecimal, in: "", want: nil},
		{k: KindDate, in: "", want: nil},
		{k: KindAny, in: "", want: nil},
		{k: KindInt, in: "12", want: int64(12)},
		{k: KindInt, in: "-12", want: int64(-12)},
		{k: KindInt, in: "1_000", want: int64(1000)},
		{k: KindInt, in: "99999999999999999999", err: `integer "99999999999999999999" out of range`},
		{k: KindInt, in: "abc", err: `invalid int "abc"`},
		{k: KindInt, in: "1.5", err: `invalid int "1.5"`},
		{k: KindDecimal, in: "1.50", want: dec("1.50")},
		{k: KindDecimal, in: "x", err: `invalid decimal "x"`},
		{k: KindFloat, in: "1.5", want: 1.5},
		{k: KindFloat, in: "1e3", want: 1000.0},
		{k: KindFloat, in: "x", err: `invalid float "x"`},
		{k: KindBool, in: "Yes", want: true},
		{k: KindBool, in: "t", want: true},
		{k: KindBool, in: "1", want: true},
		{k: KindBool, in: "FALSE", want: false},
		{k: KindBool, in: "n", want: false},
		{k: KindBool, in: "0", want: false},
		{k: KindBool, in: "maybe", err: `invalid bool "maybe"`},
		{k: KindDate, in: "2024-02-29", want: NewDate(2024, 2, 29)},
		{k: KindDate, in: "2024-02-30", err: `invalid date "2024-02-30"`},
		{k: KindDate, in: "2024-03-01T10:00:00Z", want: NewDate(2024, 3, 1)},
		{k: KindDate, in: "2024-03-01 23:30:00", want: NewDate(2024, 3, 1)},
		{k: KindDate, in: "2024-03-01T25:00:00", err: "invalid date"},
		{k: KindTime, in: "2024-03-01T10:30:00Z", want: ts},
		{k: KindTime, in: "2024-03-01T10:30", want: ts},
		{k: KindTime, in: "2024-03-01 10:30:00", want: ts},
		{k: KindTime, in: "2024-03-01 12:30:00+02:00", want: ts},
		{k: KindTime, in: "2024-03-01T10:30:00.000Z", want: ts},
		{k: KindTime, in: "yesterday", err: `invalid timestamp "yesterday"`},
		{k: KindAny, in: "12", want: int64(12)},
		{k: KindAny, in: "1.5", want: dec("1.5")},
		{k: KindAny, in: "x", want: "x"},
		{k: KindRecord, in: "x", err: `cannot parse "x" as record`},
	} {
		got, err := Parse(c.k, c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%s, %q) = %v, %v; want error %q", c.k, c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || !same(got, c.want) {
			t.Errorf("Parse(%s, %q) = %#v, %v; want %#v", c.k, c.in, got, err, c.want)
		}
	}
}

func TestInferKind(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Kind
	}{
		{"", KindNil},
		{"12", KindInt},
		{"-5", KindInt},
		{"0", KindInt},
		{"007", KindString},
		{"99999999999999999999", KindString},
		{"1.5", KindDecimal},
		{"-.5", KindDecimal},
		{"+2.", KindDecimal},
		{"00.5", KindDecimal},
		{".", KindString},
		{"1.2.3", KindString},
		{"1-2.3", KindString},
		{"1e5", KindString},
		{"2024-01-02", KindDate},
		{"2024-13-02", KindString},
		{"2024-01-02T10:00:00Z", KindTime},
		{"2024-01-02 10:00:00", KindTime},
		{"2024-01-0x 10:00", KindString},
		{"true", KindBool},
		{"false", KindBool},
		{"True", KindString},
		{"hello", KindString},
	} {
		if got := InferKind(c.in); got != c.want {
			t.Errorf("InferKind(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want any
	}{
		{"", nil},
		{"12", int64(12)},
		{"1.50", dec("1.50")},
		{"2024-01-02", NewDate(2024, 1, 2)},
		{"true", true},
		{"007", "007"},
	} {
		if got := Infer(c.in); !same(got, c.want) {
			t.Errorf("Infer(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestUnify(t *testing.T) {
	for _, c := range []struct{ a, b, want Kind }{
		{KindInt, KindInt, KindInt},
		{KindNil, KindDate, KindDate},
		{KindBool, KindNil, KindBool},
		{KindInt, KindDecimal, KindDecimal},
		{KindDecimal, KindInt, KindDecimal},
		{KindInt, KindFloat, KindFloat},
		{KindFloat, KindDecimal, KindFloat},
		{KindDate, KindTime, KindTime},
		{KindTime, KindDate, KindTime},
		{KindInt, KindString, KindString},
		{KindDate, KindInt, KindString},
		{KindBool, KindInt, KindString},
		{KindAny, KindAny, KindAny},
	} {
		if got := Unify(c.a, c.b); got != c.want {
			t.Errorf("Unify(%s, %s) = %s, want %s", c.a, c.b, got, c.want)
		}
	}
}

func TestConvert(t *testing.T) {
	d := NewDate(2024, 3, 1)
	for _, c := range []struct {
		in   any
		k    Kind
		want any
		err  string
	}{
		{in: nil, k: KindInt, want: nil},
		{in: nil, k: KindString, want: nil},
		{in: int64(1), k: KindAny, want: int64(1)},
		{in: 5, k: KindInt, want: int64(5)}, // normalised
		{in: int32(5), k: KindAny, want: int64(5)},
		{in: "12", k: KindInt, want: int64(12)},
		{in: " 12", k: KindInt, err: `invalid int " 12"`},
		{in: "", k: KindInt, want: nil},
		{in: "1.5", k: KindDecimal, want: dec("1.5")},
		{in: "x", k: KindString, want: "x"},
		{in: int64(5), k: KindString, want: "5"},
		{in: dec("1.50"), k: KindString, want: "1.50"},
		{in: d, k: KindString, want: "2024-03-01"},
		{in: int64(5), k: KindDecimal, want: dec("5")},
		{in: 1.5, k: KindDecimal, want: dec("1.5")},
		{in: math.NaN(), k: KindDecimal, err: "cannot convert NaN to decimal"},
		{in: true, k: KindDecimal, err: "cannot convert bool true to decimal"},
		{in: dec("1.25"), k: KindFloat, want: 1.25},
		{in: int64(5), k: KindFloat, want: 5.0},
		{in: "x", k: KindFloat, err: `invalid float "x"`},
		{in: true, k: KindFloat, err: "cannot convert bool true to float"},
		{in: dec("2.00"), k: KindInt, want: int64(2)},
		{in: dec("2.5"), k: KindInt, err: "cannot convert decimal 2.5 to int"},
		{in: dec("9223372036854775808"), k: KindInt, err: "cannot convert decimal 9223372036854775808 to int"},
		{in: 3.0, k: KindInt, want: int64(3)},
		{in: -9223372036854775808.0, k: KindInt, want: int64(math.MinInt64)},
		{in: 3.5, k: KindInt, err: "cannot convert float 3.5 to int"},
		{in: 1e19, k: KindInt, err: "cannot convert float 10000000000000000000 to int"},
		{in: 9223372036854775808.0, k: KindInt, err: "cannot convert float 9223372036854776000 to int"},
		{in: math.NaN(), k: KindInt, err: "cannot convert float NaN to int"},
		{in: math.Inf(1), k: KindInt, err: "cannot convert float +Inf to int"},
		{in: true, k: KindInt, want: int64(1)},
		{in: false, k: KindInt, want: int64(0)},
		{in: d, k: KindInt, err: "cannot convert date 2024-03-01 to int"},
		{in: int64(1), k: KindBool, want: true},
		{in: int64(0), k: KindBool, want: false},
		{in: int64(2), k: KindBool, err: "cannot convert int 2 to bool"},
		{in: dec("1"), k: KindBool, err: "cannot convert decimal 1 to bool"},
		{in: "yes", k: KindBool, want: true},
		{in: ts, k: KindDate, want: d},
		{in: time.Date(2024, 3, 1, 23, 0, 0, 0, time.FixedZone("X", -5*3600)), k: KindDate, want: d},
		{in: "2024-03-01", k: KindDate, want: d},
		{in: true, k: KindDate, err: "cannot convert bool true to date"},
		{in: d, k: KindTime, want: d.Time()},
		{in: int64(1), k: KindTime, err: "cannot convert int 1 to timestamp"},
		{in: int64(1), k: KindRecord, err: "cannot convert int 1 to record"},
	} {
		got, err := Convert(c.in, c.k)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Convert(%v, %s) = %v, %v; want error %q", c.in, c.k, got, err, c.err)
			}
			continue
		}
		if err != nil || !same(got, c.want) {
			t.Errorf("Convert(%#v, %s) = %#v, %v; want %#v", c.in, c.k, got, err, c.want)
		}
	}
}

func TestString(t *testing.T) {
	for _, c := range []struct {
		in   any
		want string
	}{
		{nil, ""},
		{"x", "x"},
		{int64(-5), "-5"},
		{1.5, "1.5"},
		{1e21, "1000000000000000000000"},
		{dec("1.50"), "1.50"},
		{true, "true"},
		{NewDate(1969, 12, 31), "1969-12-31"},
		{time.Date(2024, 3, 1, 10, 30, 0, 0, time.FixedZone("", 3600)), "2024-03-01T10:30:00+01:00"},
		{map[string]any{"a": int64(1)}, "map[a:1]"},
		{[]int{1}, "[1]"},
	} {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%#v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	got, err := ParseTime("2024-03-01T10:30:00.5+01:00")
	if err != nil || !got.Equal(time.Date(2024, 3, 1, 9, 30, 0, 5e8, time.UTC)) {
		t.Errorf("ParseTime = %v, %v", got, err)
	}
}
