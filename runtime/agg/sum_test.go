package agg

import (
	"math"
	"math/big"
	"math/rand"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

func addAll(t testing.TB, a Accumulator, vs ...any) Accumulator {
	t.Helper()
	for _, v := range vs {
		if err := a.Add(v); err != nil {
			t.Fatalf("Add(%v): %v", v, err)
		}
	}
	return a
}

func resultOf(t testing.TB, f Func, p float64, vs ...any) string {
	t.Helper()
	return show(addAll(t, New(f, p), vs...).Result())
}

func TestSum(t *testing.T) {
	const max, min = math.MaxInt64, math.MinInt64
	for _, c := range []struct {
		name string
		in   []any
		want string
	}{
		{"empty", nil, "nil"},
		{"nils", []any{nil, nil}, "nil"},
		{"ints", []any{int64(1), nil, int64(2), int64(3)}, "int:6"},
		{"zero", []any{int64(0)}, "int:0"},
		// Scenario A21: overflow promotes to an exact decimal, never wraps.
		{"overflow up", []any{int64(max), int64(1)}, "decimal:9223372036854775808"},
		{"overflow down", []any{int64(min), int64(-1)}, "decimal:-9223372036854775809"},
		{"overflow and back", []any{int64(max), int64(1), int64(-2)}, "int:9223372036854775806"},
		{"many overflows", []any{int64(max), int64(max), int64(max), int64(max)}, "decimal:36893488147419103228"},
		{"decimals", []any{dec("1.10"), dec("2.205")}, "decimal:3.305"},
		{"decimal zero keeps scale", []any{dec("1.50"), dec("-1.50")}, "decimal:0.00"},
		{"int and decimal", []any{int64(1), dec("0.50")}, "decimal:1.50"},
		{"overflow then decimal", []any{int64(max), int64(max), dec("0.5")}, "decimal:18446744073709551614.5"},
		{"floats exactly", []any{0.1, 0.2, 0.3}, "float:0.6"},
		{"float cancellation", []any{1e100, 1.0, -1e100}, "float:1"},
		{"int and float", []any{int64(1), 0.5}, "float:1.5"},
		{"decimal and float, rounded once", []any{dec("0.1"), 0.2}, "float:0.3"},
		{"big int and float", []any{int64(max), int64(max), 0.5}, "float:18446744073709552000"},
		{"inf", []any{math.Inf(1), 1.0}, "float:+Inf"},
		{"-inf", []any{math.Inf(-1), int64(1)}, "float:-Inf"},
		{"inf-inf", []any{math.Inf(1), math.Inf(-1)}, "float:NaN"},
		{"nan", []any{math.NaN(), 1.0}, "float:NaN"},
		{"float overflow", []any{math.MaxFloat64, math.MaxFloat64}, "float:+Inf"},
		{"float overflow down", []any{-math.MaxFloat64, -math.MaxFloat64}, "float:-Inf"},
	} {
		for _, f := range []Func{Sum, RunningSum, PercentOfTotal} {
			if got := resultOf(t, f, 0, c.in...); got != c.want {
				t.Errorf("%s %v(%v) = %s, want %s", c.name, f, c.in, got, c.want)
			}
		}
	}
	if err := New(Sum, 0).Add(value.Date(3)); err == nil {
		t.Error("SUM of a date accepted")
	}
}

// fsum cases from CPython's test_math.testFsum.
func TestFsumRounding(t *testing.T) {
	p := math.Pow
	var harmonic []float64
	for n := 1; n <= 1000; n++ {
		harmonic = append(harmonic, 1/float64(n))
	}
	want, _ := new(big.Float).SetString("0x1.df11f45f4e61ap+2")
	wh, _ := want.Float64()
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{p(2, 53), -0.5, -p(2, -54)}, p(2, 53) - 1},
		{[]float64{p(2, 53), 1, p(2, -100)}, p(2, 53) + 2},
		{[]float64{p(2, 53) + 10, 1, p(2, -100)}, p(2, 53) + 12},
		{[]float64{p(2, 53) - 4, 0.5, p(2, -54)}, p(2, 53) - 3},
		{[]float64{1e16, 1, 1e-16}, 10000000000000002},
		{harmonic, wh},
		{nil, 0},
	} {
		var s fsum
		for _, x := range c.in {
			s.add(x)
		}
		if got := s.value(); got != c.want {
			t.Errorf("fsum(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

// The float sum is the exact sum correctly rounded, whatever the order.
func TestFsumExact(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for trial := 0; trial < 300; trial++ {
		n := 1 + r.Intn(60)
		xs := make([]float64, n)
		exact := new(big.Rat)
		for i := range xs {
			xs[i] = (r.Float64()*2 - 1) * math.Pow(2, float64(r.Intn(200)-100))
			if r.Intn(4) == 0 && i > 0 {
				xs[i] = -xs[r.Intn(i)] // cancellations
			}
			exact.Add(exact, new(big.Rat).SetFloat64(xs[i]))
		}
		want, _ := exact.Float64()
		var s fsum
		for _, x := range xs {
			s.add(x)
		}
		if got := s.value(); got != want {
			t.Fatalf("trial %d: fsum = %v, exact %v", trial, got, want)
		}
		r.Shuffle(n, func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		var s2 fsum
		for _, x := range xs {
			s2.add(x)
		}
		if s2.value() != want {
			t.Fatalf("trial %d: order changed the sum", trial)
		}
	}
}

func TestAvg(t *testing.T) {
	for _, c := range []struct {
		in   []any
		want string
	}{
		{nil, "nil"},
		{[]any{nil}, "nil"},
		{[]any{int64(1), int64(2)}, "decimal:1.5"},
		{[]any{int64(2), int64(2)}, "decimal:2"},
		{[]any{int64(1), int64(2), int64(2)}, "decimal:1.666667"},
		// Scenario A19: zeros count.
		{[]any{int64(0), int64(10), nil}, "decimal:5"},
		{[]any{dec("10.00"), dec("0.00"), dec("0.00")}, "decimal:3.33333333"},
		{[]any{dec("-1.00"), dec("-2.00")}, "decimal:-1.5"},
		{[]any{1.0, 2.0}, "float:1.5"},
		{[]any{int64(1), 2.0}, "float:1.5"},
		{[]any{dec("0.1"), 0.2, int64(3)}, "float:1.1"},
		{[]any{math.Inf(1), 1.0}, "float:+Inf"},
		{[]any{int64(math.MaxInt64), int64(math.MaxInt64)}, "decimal:9223372036854775807"},
	} {
		for _, f := range []Func{Avg, RunningAvg} {
			if got := resultOf(t, f, 0, c.in...); got != c.want {
				t.Errorf("%v(%v) = %s, want %s", f, c.in, got, c.want)
			}
		}
	}
	if err := New(Avg, 0).Add("x"); err == nil {
		t.Error("AVG of a string accepted")
	}
}

func TestPercentOf(t *testing.T) {
	for _, c := range []struct {
		part, total any
		want        string
	}{
		{int64(25), int64(100), "decimal:25"},
		{int64(1), int64(3), "decimal:33.333333"},
		{dec("10.00"), dec("30.00"), "decimal:33.33333333"},
		{dec("-5"), int64(20), "decimal:-25"},
		{1.5, int64(3), "float:50"},
		{int64(1), 4.0, "float:25"},
		{int64(1), int64(0), "nil"},
		{1.0, 0.0, "nil"},
		{nil, int64(3), "nil"},
		{int64(3), nil, "nil"},
		{"x", int64(3), "nil"},
		{1.0, "x", "nil"},
	} {
		if got := show(PercentOf(c.part, c.total)); got != c.want {
			t.Errorf("PercentOf(%v, %v) = %s, want %s", c.part, c.total, got, c.want)
		}
	}
}

func TestCount(t *testing.T) {
	if got := resultOf(t, Count, 0); got != "int:0" {
		t.Errorf("COUNT() of nothing = %s", got)
	}
	// Scenario A18: COUNT(x) skips nil, COUNT() counts every record.
	if got := resultOf(t, Count, 0, int64(1), nil, "x"); got != "int:2" {
		t.Errorf("COUNT(x) = %s", got)
	}
	if got := resultOf(t, CountStar, 0, int64(1), nil, "x"); got != "int:3" {
		t.Errorf("COUNT() = %s", got)
	}
	if got := resultOf(t, RunningCount, 0, nil, "x"); got != "int:1" {
		t.Errorf("RUNNING_COUNT = %s", got)
	}
	if err := New(Count, 0).Merge(New(CountStar, 0)); err == nil {
		t.Error("COUNT merged with COUNT()")
	}
	a := addAll(t, New(Count, 0), int64(1))
	a.Reset()
	if a.Result() != int64(0) {
		t.Error("Reset")
	}
}
