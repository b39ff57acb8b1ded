package value

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestCompare(t *testing.T) {
	d := NewDate(2024, 3, 1)
	for _, c := range []struct {
		a, b any
		want int
		err  string
	}{
		{a: int64(1), b: int64(2), want: -1},
		{a: int64(2), b: int64(1), want: 1},
		{a: int64(1), b: dec("1.00"), want: 0},
		{a: dec("1.5"), b: int64(1), want: 1},
		{a: dec("99999999999999999999"), b: int64(math.MaxInt64), want: 1},
		{a: int64(1), b: 1.5, want: -1},
		{a: dec("0.1"), b: 0.1, want: 0},
		{a: 2.0, b: int64(2), want: 0},
		{a: math.Inf(-1), b: dec("-99999999999999999999"), want: -1},
		{a: "a", b: "b", want: -1},
		{a: "b", b: "b", want: 0},
		{a: false, b: true, want: -1},
		{a: true, b: true, want: 0},
		{a: true, b: false, want: 1},
		{a: d, b: d + 1, want: -1},
		{a: d, b: d.Time(), want: 0},
		{a: d, b: ts, want: -1},
		{a: ts, b: d, want: 1},
		{a: ts, b: ts.Add(time.Second), want: -1},
		{a: d, b: "2024-03-01", want: 0},
		{a: d, b: "2024-02-29", want: 1},
		{a: "2024-02-29", b: d, want: -1},
		{a: "soon", b: d, err: "cannot compare string with date"},
		{a: d, b: "soon", err: "cannot compare date with string"},
		{a: int64(1), b: "1", err: "cannot compare int with string"},
		{a: "1", b: int64(1), err: "cannot compare string with int"},
		{a: true, b: int64(1), err: "cannot compare bool with int"},
		{a: ts, b: "2024-03-01", err: "cannot compare timestamp with string"},
		{a: rec, b: rec, err: "cannot compare record with record"},
		{a: d, b: int64(1), err: "cannot compare date with int"},
	} {
		got, err := Compare(c.a, c.b)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Compare(%v, %v) = %d, %v; want error %q", c.a, c.b, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Compare(%v, %v) = %d, %v; want %d", c.a, c.b, got, err, c.want)
		}
	}
}

func TestEqualLess(t *testing.T) {
	for _, c := range []struct {
		a, b        any
		equal, less bool
	}{
		{nil, nil, true, false},
		{nil, int64(1), false, true},
		{int64(1), nil, false, false},
		{int64(1), dec("1.0"), true, false},
		{int64(1), 1.0, true, false},
		{int64(1), int64(2), false, true},
		{"a", "a", true, false},
		{int64(1), "1", false, true}, // incomparable: ordered by kind
		{"1", int64(1), false, false},
		{true, Date(0), false, true},
	} {
		if got := Equal(c.a, c.b); got != c.equal {
			t.Errorf("Equal(%v, %v) = %v", c.a, c.b, got)
		}
		if got := Less(c.a, c.b); got != c.less {
			t.Errorf("Less(%v, %v) = %v", c.a, c.b, got)
		}
	}
}

func TestHashKey(t *testing.T) {
	groups := [][]any{
		{int64(1), dec("1"), dec("1.0"), dec("1.00"), 1.0},
		{dec("1.5"), dec("1.50"), 1.5},
		{dec("0.1"), dec("0.10"), 0.1},
		{int64(0), dec("0.000"), 0.0, math.Copysign(0, -1)},
		{dec("100000000000000000000"), dec("100000000000000000000.00"), 1e20},
		{dec("-9223372036854775808"), int64(math.MinInt64), -9223372036854775808.0},
		// A float keys as its shortest decimal form, not its exact binary value.
		{dec("9223372036854776000"), 9223372036854775808.0},
		{dec("12345678901234567890.5"), dec("12345678901234567890.50")},
		{"x"},
		{Date(5)},
		{true},
	}
	for i, g := range groups {
		k := HashKey(g[0])
		for _, v := range g[1:] {
			if HashKey(v) != k {
				t.Errorf("HashKey(%#v) = %#v, want %#v like %v", v, HashKey(v), k, g[0])
			}
		}
		for j, h := range groups {
			if i != j && HashKey(h[0]) == k {
				t.Errorf("HashKey(%v) == HashKey(%v)", h[0], g[0])
			}
		}
	}
	// 2^63 as a float is not MaxInt64.
	if HashKey(9223372036854775808.0) == HashKey(int64(math.MaxInt64)) {
		t.Error("HashKey(2^63) collides with MaxInt64")
	}
	if k, ok := HashKey(math.NaN()).(float64); !ok || !math.IsNaN(k) {
		t.Errorf("HashKey(NaN) = %v", HashKey(math.NaN()))
	}
	if HashKey(math.Inf(1)) != math.Inf(1) {
		t.Errorf("HashKey(+Inf) = %v", HashKey(math.Inf(1)))
	}
	if HashKey(map[string]any{"a": int64(1)}) != HashKey(map[string]any{"a": int64(1)}) {
		t.Error("HashKey of equal records differ")
	}
}
