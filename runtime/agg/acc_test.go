package agg

import (
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

func TestMinMax(t *testing.T) {
	d1, d2 := value.NewDate(2024, 1, 2), value.NewDate(2023, 12, 31)
	t1 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in       []any
		min, max string
	}{
		{nil, "nil", "nil"},
		{[]any{nil}, "nil", "nil"},
		{[]any{int64(3), nil, int64(-2), int64(7)}, "int:-2", "int:7"},
		{[]any{dec("1.50"), dec("-0.25"), dec("10")}, "decimal:-0.25", "decimal:10"},
		{[]any{1.5, 0.5, -3.0}, "float:-3", "float:1.5"},
		{[]any{int64(2), dec("1.5"), 3.5}, "decimal:1.5", "float:3.5"},
		{[]any{"pear", "apple", "zoo"}, "string:apple", "string:zoo"},
		{[]any{d1, d2}, "date:2023-12-31", "date:2024-01-02"},
		{[]any{t1, t1.Add(-time.Hour)}, "timestamp:2024-05-01T09:00:00Z", "timestamp:2024-05-01T10:00:00Z"},
		{[]any{true, false}, "bool:false", "bool:true"},
		// Equal values of different representations: the canonical one
		// (lowest kind, then the larger decimal scale) wins in any order.
		{[]any{1.0, int64(1), dec("1.0")}, "int:1", "int:1"},
		{[]any{dec("1.5"), dec("1.50")}, "decimal:1.50", "decimal:1.50"},
		{[]any{dec("1.50"), dec("1.5")}, "decimal:1.50", "decimal:1.50"},
		{[]any{math.NaN(), 1.0}, "float:NaN", "float:1"},
		{[]any{1.0, math.NaN()}, "float:NaN", "float:1"},
		{[]any{0.0, math.Copysign(0, -1)}, "float:-0", "float:-0"},
		{[]any{math.Copysign(0, -1), 0.0}, "float:-0", "float:-0"},
	} {
		if got := resultOf(t, Min, 0, c.in...); got != c.min {
			t.Errorf("MIN(%v) = %s, want %s", c.in, got, c.min)
		}
		if got := resultOf(t, Max, 0, c.in...); got != c.max {
			t.Errorf("MAX(%v) = %s, want %s", c.in, got, c.max)
		}
	}
	if err := addAll(t, New(Min, 0), "a").Add(int64(1)); err == nil || err.Error() != "MIN: cannot compare int with string" {
		t.Errorf("MIN of string and int: %v", err)
	}
	if err := New(Max, 0).Add(map[string]any{}); err == nil || !strings.Contains(err.Error(), "MAX of record value") {
		t.Errorf("MAX of record: %v", err)
	}
	if err := addAll(t, New(Max, 0), int64(1)).Add(map[string]any{}); err == nil || !strings.Contains(err.Error(), "MAX of record value") {
		t.Errorf("MAX of record after int: %v", err)
	}
	if err := New(Min, 0).Merge(New(Max, 0)); err == nil {
		t.Error("MIN merged with MAX")
	}
	a := addAll(t, New(Min, 0), int64(1))
	a.Reset()
	if a.Result() != nil {
		t.Error("Reset")
	}
}

func TestCanonCmp(t *testing.T) {
	for _, c := range []struct {
		a, b any
		want int
	}{
		{nil, nil, 0}, {nil, int64(1), -1}, {int64(1), nil, 1},
		{int64(1), int64(2), -1}, {int64(1), 1.0, -1}, {1.0, int64(1), 1},
		{dec("1.50"), dec("1.5"), -1}, {dec("1.5"), dec("1.5"), 0},
		{"a", int64(1), 1}, {int64(1), "a", -1},
		{map[string]any{"a": 1}, map[string]any{"a": 2}, -1},
		{time.Unix(0, 0).UTC(), time.Unix(0, 0).In(time.FixedZone("X", 3600)), -1},
		{true, true, 0},
	} {
		if got := canonCmp(c.a, c.b); got != c.want {
			t.Errorf("canonCmp(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestFirstLast(t *testing.T) {
	if got := resultOf(t, First, 0, nil, "a", "b", nil); got != "string:a" {
		t.Errorf("FIRST = %s", got)
	}
	if got := resultOf(t, Last, 0, nil, "a", "b", nil); got != "string:b" {
		t.Errorf("LAST = %s", got)
	}
	if got := resultOf(t, First, 0); got != "nil" {
		t.Errorf("FIRST() = %s", got)
	}
	// Sequenced: the lowest (highest) sequence number wins, in any order.
	f, l := New(First, 0), New(Last, 0)
	for _, x := range []struct {
		v   any
		seq int64
	}{{"c", 7}, {"a", 2}, {nil, 1}, {"d", 9}, {nil, 10}, {"b", 5}} {
		_ = f.(Sequenced).AddAt(x.v, x.seq)
		_ = l.(Sequenced).AddAt(x.v, x.seq)
	}
	if f.Result() != "a" || l.Result() != "d" {
		t.Errorf("sequenced FIRST, LAST = %v, %v", f.Result(), l.Result())
	}
	// Positional merges: the argument's input follows the receiver's.
	a, b := addAll(t, New(First, 0), "x"), addAll(t, New(First, 0), "y")
	_ = a.Merge(b)
	if a.Result() != "x" {
		t.Errorf("merged FIRST = %v", a.Result())
	}
	a, b = addAll(t, New(Last, 0), "x"), addAll(t, New(Last, 0), "y")
	_ = a.Merge(b)
	if a.Result() != "y" {
		t.Errorf("merged LAST = %v", a.Result())
	}
	a, b = New(First, 0), addAll(t, New(First, 0), "y")
	_ = a.Merge(b)
	_ = a.Merge(New(First, 0))
	if a.Result() != "y" {
		t.Errorf("merged into empty FIRST = %v", a.Result())
	}
	// Sequenced merges compare sequence numbers.
	s1, s2 := New(Last, 0), New(Last, 0)
	_ = s1.(Sequenced).AddAt("late", 10)
	_ = s2.(Sequenced).AddAt("early", 3)
	_ = s1.Merge(s2)
	if s1.Result() != "late" {
		t.Errorf("sequenced merge LAST = %v", s1.Result())
	}
	if err := New(First, 0).Merge(New(Last, 0)); err == nil {
		t.Error("FIRST merged with LAST")
	}
	s1.Reset()
	if s1.Result() != nil {
		t.Error("Reset")
	}
}

func TestCountDistinctExact(t *testing.T) {
	got := resultOf(t, CountDistinct, 0, int64(1), 1.0, dec("1.00"), nil, "1", "a", "a",
		value.Date(1), dec("2.50"), dec("2.5"), 2.5, true, time.Unix(5, 0), time.Unix(5, 0).In(time.FixedZone("X", 60)))
	// {1, "1", "a", date, 2.5, true, instant}
	if got != "int:7" {
		t.Errorf("COUNT_DISTINCT = %s", got)
	}
	if got := resultOf(t, CountDistinct, 0); got != "int:0" {
		t.Errorf("COUNT_DISTINCT() = %s", got)
	}
	if err := New(CountDistinct, 0).Merge(New(Mode, 0)); err == nil {
		t.Error("mismatched merge")
	}
}

// The sketch COUNT_DISTINCT switches to stays within its documented error
// (0.81% standard error; 3σ here), and merging sketches and sets in any
// combination gives the same estimate as one pass.
func TestCountDistinctSketch(t *testing.T) {
	ns := []int{DistinctExactCap + 1, 50_000, 300_000}
	if raceEnabled {
		ns = ns[:2]
	}
	for _, n := range ns {
		a := New(CountDistinct, 0)
		for i := 0; i < n; i++ {
			_ = a.Add(int64(i) * 7919)
			_ = a.Add(int64(i) * 7919) // duplicates do not count
		}
		est := a.Result().(int64)
		if rel := math.Abs(float64(est)-float64(n)) / float64(n); rel > 3*0.0081 {
			t.Errorf("n=%d: estimate %d (error %.2f%%)", n, est, 100*rel)
		}
	}
	// Strings and decimals hash too.
	a := New(CountDistinct, 0)
	for i := 0; i < 40_000; i++ {
		_ = a.Add(fmt.Sprintf("customer-%d", i))
		_ = a.Add(value.NewDecimal(int64(i), 2))
	}
	if est := a.Result().(int64); math.Abs(float64(est)-80_000)/80_000 > 0.025 {
		t.Errorf("strings and decimals: %d", est)
	}

	mk := func(lo, hi int) Accumulator {
		a := New(CountDistinct, 0)
		for i := lo; i < hi; i++ {
			_ = a.Add(int64(i))
		}
		return a
	}
	whole := mk(0, 30_000).Result()
	for _, parts := range [][2][2]int{
		{{0, 5000}, {5000, 30_000}},     // set + sketch
		{{0, 25_000}, {25_000, 30_000}}, // sketch + set
		{{0, 15_000}, {15_000, 30_000}}, // sketch + sketch
		{{0, 6000}, {6000, 30_000}},
	} {
		a := mk(parts[0][0], parts[0][1])
		if err := a.Merge(mk(parts[1][0], parts[1][1])); err != nil {
			t.Fatal(err)
		}
		if a.Result() != whole {
			t.Errorf("merge %v = %v, one pass %v", parts, a.Result(), whole)
		}
	}
	a = mk(0, 6000)
	_ = a.Merge(mk(3000, 9000))
	if a.Result() != int64(9000) {
		t.Errorf("exact union = %v", a.Result())
	}
	_ = a.Merge(mk(9000, 12000)) // the union passes the cap
	if got := a.Result(); got != mk(0, 12000).Result() {
		t.Errorf("union over the cap = %v", got)
	}
	a.Reset()
	if a.Result() != int64(0) {
		t.Error("Reset")
	}
	if hllSigma(1) != math.Inf(1) || hllTau(0) != 0 || hllTau(1) != 0 || !(hllTau(0.5) > 0 && hllTau(0.5) < 1) {
		t.Error("estimator edge cases")
	}
}

func TestVariance(t *testing.T) {
	data := []int64{2, 4, 4, 4, 5, 5, 7, 9}
	var ints, decs, floats []any
	for _, x := range data {
		ints = append(ints, x)
		decs = append(decs, value.NewDecimal(x*100, 2))
		floats = append(floats, float64(x))
	}
	for _, in := range [][]any{ints, decs, floats} {
		for f, want := range map[Func]float64{VarPop: 4, StddevPop: 2, VarSamp: 32.0 / 7, StddevSamp: math.Sqrt(32.0 / 7)} {
			if got := addAll(t, New(f, 0), in...).Result(); got != want {
				t.Errorf("%v(%v) = %v, want %v", f, in, got, want)
			}
		}
	}
	if got := resultOf(t, VarSamp, 0, int64(3)); got != "nil" {
		t.Errorf("VARIANCE of one = %s", got)
	}
	if got := resultOf(t, VarPop, 0, int64(3), nil); got != "float:0" {
		t.Errorf("VARIANCE_POP of one = %s", got)
	}
	if got := resultOf(t, StddevPop, 0); got != "nil" {
		t.Errorf("STDDEV_POP of none = %s", got)
	}
	if got := resultOf(t, VarPop, 0, 1.0, math.Inf(1)); got != "float:NaN" {
		t.Errorf("VARIANCE_POP with inf = %s", got)
	}
	if got := resultOf(t, VarPop, 0, 1e200, 1.0); got != "float:NaN" {
		t.Errorf("VARIANCE_POP with overflowing square = %s", got)
	}
	// Large offsets, tiny spread: the naive formula cancels catastrophically;
	// exact sums give the correctly rounded variance.
	r := rand.New(rand.NewSource(3))
	for trial := 0; trial < 20; trial++ {
		var in []any
		var xs []*big.Rat
		for i := 0; i < 200; i++ {
			var v any
			switch trial % 3 {
			case 0:
				v = 1e9 + r.Float64()
			case 1:
				v = int64(4e9) + int64(r.Intn(100)) // squares overflow int64
			default:
				v = value.NewDecimal(1e12+int64(r.Intn(1000)), 3)
			}
			in = append(in, v)
			xs = append(xs, toRat(v))
		}
		want := exactVariance(xs, true)
		if got := addAll(t, New(VarSamp, 0), in...).Result(); got != want {
			t.Errorf("trial %d: VARIANCE = %v, exact %v", trial, got, want)
		}
	}
	if err := New(VarPop, 0).Merge(New(VarSamp, 0)); err == nil {
		t.Error("mismatched merge")
	}
	if err := New(StddevPop, 0).Add("x"); err == nil {
		t.Error("STDDEV of a string accepted")
	}
	a := addAll(t, New(VarPop, 0), 1.0, 2.0)
	a.Reset()
	if a.Result() != nil {
		t.Error("Reset")
	}
}

func toRat(v any) *big.Rat {
	switch x := v.(type) {
	case int64:
		return new(big.Rat).SetInt64(x)
	case float64:
		return new(big.Rat).SetFloat64(x)
	case value.Decimal:
		r, _ := new(big.Rat).SetString(x.String())
		return r
	}
	panic(v)
}

// exactVariance is the two-pass definition in rationals.
func exactVariance(xs []*big.Rat, sample bool) float64 {
	n := new(big.Rat).SetInt64(int64(len(xs)))
	mean := new(big.Rat)
	for _, x := range xs {
		mean.Add(mean, x)
	}
	mean.Quo(mean, n)
	ss := new(big.Rat)
	for _, x := range xs {
		d := new(big.Rat).Sub(x, mean)
		ss.Add(ss, d.Mul(d, d))
	}
	if sample {
		n.Sub(n, big.NewRat(1, 1))
	}
	f, _ := ss.Quo(ss, n).Float64()
	return f
}

func TestQuantileExact(t *testing.T) {
	ints := func(xs ...int64) []any {
		out := make([]any, len(xs))
		for i, x := range xs {
			out[i] = x
		}
		return out
	}
	for _, c := range []struct {
		f    Func
		p    float64
		in   []any
		want string
	}{
		{Median, 0, nil, "nil"},
		{Median, 0, []any{nil}, "nil"},
		{Median, 0, ints(3, 1, 2), "decimal:2"},
		{Median, 0, ints(4, 1, 3, 2), "decimal:2.5"},
		{Median, 0, append(ints(5), nil), "decimal:5"},
		{Percentile, 0.9, ints(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), "decimal:9.1"},
		{Percentile, 0, ints(5, 3, 9), "decimal:3"},
		{Percentile, 1, ints(5, 3, 9), "decimal:9"},
		{Percentile, 0.25, ints(1, 2), "decimal:1.25"},
		{Percentile, 1.0 / 3, ints(0, 1), "decimal:0.333333"},
		{Median, 0, []any{dec("1.00"), dec("2.00")}, "decimal:1.5"},
		{Median, 0, []any{dec("1.50"), dec("1.5"), dec("1.50")}, "decimal:1.5"},
		{Median, 0, []any{dec("1.25"), int64(2)}, "decimal:1.625"},
		{Median, 0, []any{1.0, int64(2), dec("4")}, "float:2"},
		{Median, 0, []any{1.0, 2.0}, "float:1.5"},
		{Percentile, 0.5, []any{math.NaN(), 1.0, 2.0}, "float:1"},
	} {
		if got := resultOf(t, c.f, c.p, c.in...); got != c.want {
			t.Errorf("%v(%v, %v) = %s, want %s", c.f, c.in, c.p, got, c.want)
		}
	}
	if err := New(Median, 0).Add("x"); err == nil {
		t.Error("MEDIAN of a string accepted")
	}
	if err := New(Median, 0).Merge(New(Percentile, 0.5)); err == nil {
		t.Error("MEDIAN merged with PERCENTILE")
	}
	if err := New(Percentile, 0.2).Merge(New(Percentile, 0.5)); err == nil {
		t.Error("percentiles of different p merged")
	}
	// p is clamped.
	if got := resultOf(t, Percentile, 7, int64(1), int64(2)); got != "decimal:2" {
		t.Errorf("PERCENTILE p=7 = %s", got)
	}
	a := addAll(t, New(Median, 0), int64(1))
	a.Reset()
	if a.Result() != nil {
		t.Error("Reset")
	}
}

// Past QuantileExactCap values the sketch's estimate stays within its
// relative accuracy of the exact quantile.
func TestQuantileSketch(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	gens := map[string]func() float64{
		"uniform":     func() float64 { return r.Float64() * 1000 },
		"lognormal":   func() float64 { return math.Exp(r.NormFloat64() * 3) },
		"negative":    func() float64 { return -r.Float64()*500 - 1 },
		"signed":      func() float64 { return r.NormFloat64() * 100 },
		"with zeros":  func() float64 { return float64(r.Intn(3)) * r.Float64() },
		"wide ranges": func() float64 { return math.Pow(10, r.Float64()*17-6) },
	}
	for name, gen := range gens {
		xs := make([]float64, 50_000)
		if raceEnabled {
			xs = xs[:QuantileExactCap+5000]
		}
		for i := range xs {
			xs[i] = gen()
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		for _, p := range []float64{0, 0.01, 0.25, 0.5, 0.9, 0.99, 1} {
			a := New(Percentile, p)
			for _, x := range xs {
				_ = a.Add(x)
			}
			got := a.Result().(float64)
			rk := p * float64(len(xs)-1)
			lo := sorted[int(rk)]
			hi := sorted[min(int(rk)+1, len(xs)-1)]
			// Within α of the values at the two bracketing ranks.
			tol := SketchRelativeAccuracy * max(math.Abs(lo), math.Abs(hi))
			if got < min(lo, hi)-tol-1e-12 || got > max(lo, hi)+tol+1e-12 {
				t.Errorf("%s p=%v: sketch %v, exact between %v and %v", name, p, got, lo, hi)
			}
		}
	}
	// Decimal and int input: the estimate is a decimal at the input's scale.
	a, b := New(Median, 0), New(Median, 0)
	for i := 0; i < 20_001; i++ {
		_ = a.Add(value.NewDecimal(int64(i), 2))
		_ = b.Add(int64(i))
	}
	if d, ok := a.Result().(value.Decimal); !ok || math.Abs(d.Float64()-100) > 1 || d.Scale() > 2 {
		t.Errorf("decimal median sketch = %v", a.Result())
	}
	if d, ok := b.Result().(value.Decimal); !ok || math.Abs(d.Float64()-10000) > 100 || d.Scale() != 0 {
		t.Errorf("int median sketch = %v", b.Result())
	}
	// Specials.
	s := New(Percentile, 0)
	for i := 0; i < QuantileExactCap+10; i++ {
		_ = s.Add(float64(i))
	}
	_ = s.Add(math.NaN())
	_ = s.Add(math.Inf(-1))
	_ = s.Add(math.Inf(1))
	if v := s.Result().(float64); !math.IsNaN(v) {
		t.Errorf("p=0 with NaN = %v", v)
	}
	sk := &sketch{}
	for _, x := range []float64{math.NaN(), math.Inf(-1), -2, 0, 3, math.Inf(1)} {
		sk.add(x)
	}
	var got []string
	for k := uint64(0); k < 7; k++ {
		got = append(got, fmt.Sprintf("%.2g", sk.at(k)))
	}
	if strings.Join(got, " ") != "NaN -Inf -2 0 3 +Inf +Inf" {
		t.Errorf("sketch ranks = %v", got)
	}
	if v := sk.quantile(1); v != math.Inf(1) {
		t.Errorf("max = %v", v)
	}
	if v := (&sketch{}).quantile(0.5); !math.IsNaN(v) {
		t.Errorf("empty sketch = %v", v)
	}
	empty := &sketch{}
	empty.add(math.NaN())
	sk2 := &sketch{}
	sk2.merge(empty)
	if sk2.n != 1 || sk2.ranged {
		t.Error("merging a NaN-only sketch")
	}
	if got := addAll(t, New(Median, 0)).Result(); got != nil {
		t.Errorf("empty = %v", got)
	}
}

// Merging exact samples and sketches in every combination gives the result
// of one pass.
func TestQuantileMerge(t *testing.T) {
	mk := func(lo, hi int, scale int32) Accumulator {
		a := New(Percentile, 0.37)
		for i := lo; i < hi; i++ {
			if scale < 0 {
				_ = a.Add(float64(i) / 7)
			} else {
				_ = a.Add(value.NewDecimal(int64(i*7919%20011), scale))
			}
		}
		return a
	}
	for _, scale := range []int32{-1, 2} {
		whole := show(mk(0, 16_000, scale).Result())
		for _, cut := range []int{0, 3000, 8000, 13_000, 16_000} {
			a := mk(0, cut, scale)
			if err := a.Merge(mk(cut, 16_000, scale)); err != nil {
				t.Fatal(err)
			}
			if got := show(a.Result()); got != whole {
				t.Errorf("scale %d cut %d: merged %s, one pass %s", scale, cut, got, whole)
			}
		}
	}
}

// The sketch keeps at most SketchMaxBins buckets per sign, folding the
// smallest magnitudes, and its state depends only on the values.
func TestSketchBins(t *testing.T) {
	var b bins
	for i := 0; i < 3*SketchMaxBins; i += 3 {
		b.add(i, 1)
	}
	b.add(-50, 2) // below the window: folded into its bottom
	if len(b.c) > SketchMaxBins || b.total() != SketchMaxBins+2 {
		t.Errorf("len %d, total %d", len(b.c), b.total())
	}
	if top := b.offset + len(b.c) - 1; top != 3*(SketchMaxBins-1) {
		t.Errorf("top %d", top)
	}
	// The same values in the opposite order give the same window.
	var c bins
	c.add(-50, 2)
	for i := 3 * (SketchMaxBins - 1); i >= 0; i -= 3 {
		c.add(i, 1)
	}
	if c.offset != b.offset || !slices.Equal(c.c, b.c) {
		t.Errorf("order changed the bins: %d/%d", c.offset, b.offset)
	}
	var m bins
	m.merge(&b)
	if !slices.Equal(m.c, b.c) {
		t.Error("merge into empty")
	}
	// Huge and tiny magnitudes in one sketch still give a bounded state.
	s := &sketch{}
	for i := -300; i <= 300; i++ {
		s.add(math.Pow(10, float64(i)))
		s.add(-math.Pow(10, float64(i)))
	}
	if len(s.pos.c) > SketchMaxBins || len(s.neg.c) > SketchMaxBins {
		t.Errorf("bins %d %d", len(s.pos.c), len(s.neg.c))
	}
	if v := s.at(s.n - 1); math.Abs(v/1e300-1) > SketchRelativeAccuracy {
		t.Errorf("top value %v", v)
	}
}

func TestMode(t *testing.T) {
	for _, c := range []struct {
		in   []any
		want string
	}{
		{nil, "nil"},
		{[]any{nil, nil}, "nil"},
		{[]any{"a", "b", "b", nil, nil, nil, "c"}, "string:b"},
		{[]any{"b", "a"}, "string:a"}, // tie: smallest
		{[]any{1.0, int64(2), int64(1), int64(2), dec("1.00")}, "int:1"},
		{[]any{dec("2.5"), dec("2.50"), int64(7)}, "decimal:2.50"},
	} {
		if got := resultOf(t, Mode, 0, c.in...); got != c.want {
			t.Errorf("MODE(%v) = %s, want %s", c.in, got, c.want)
		}
	}
	a, b := addAll(t, New(Mode, 0), "x", "y"), addAll(t, New(Mode, 0), "y", 1.5)
	if err := a.Merge(b); err != nil || a.Result() != "y" {
		t.Errorf("merged MODE = %v, %v", a.Result(), err)
	}
	if err := a.Merge(New(Sum, 0)); err == nil {
		t.Error("mismatched merge")
	}
	a.Reset()
	if a.Result() != nil {
		t.Error("Reset")
	}
}

func TestNewPanicsOnInvalidFunc(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	New(Func(0), 0)
}

func TestMergeMismatch(t *testing.T) {
	for f := Func(1); f < numFuncs; f++ {
		other := New(Mode, 0)
		if f == Mode {
			other = New(Sum, 0)
		}
		if err := New(f, 0.5).Merge(other); err == nil {
			t.Errorf("%v merged with %T", f, other)
		}
	}
}

func TestHashKey(t *testing.T) {
	seen := map[uint64]any{}
	for _, v := range []any{nil, int64(1), int64(-1), "1", "", true, false, value.Date(1), 1.5,
		time.Unix(1, 0), time.Unix(1, 1), dec("1.25"), dec("123456789012345678901234567890"),
		map[string]any{"a": int64(1)}, math.NaN(), math.Inf(1)} {
		h := hashKey(groupKey(v))
		if prev, dup := seen[h]; dup {
			t.Errorf("hash collision between %v and %v", prev, v)
		}
		seen[h] = v
	}
	if hashKey(groupKey(int64(2))) != hashKey(groupKey(dec("2.00"))) || hashKey(groupKey(2.0)) != hashKey(groupKey(int64(2))) {
		t.Error("equal numbers hash differently")
	}
	if groupKey(7) != "int:7" {
		t.Errorf("unnormalised key = %v", groupKey(7))
	}
}

func TestPartition(t *testing.T) {
	if Partition(nil, 4) != 0 || Partition([]any{"x"}, 1) != 0 {
		t.Error("trivial partitions")
	}
	counts := make([]int, 4)
	for i := 0; i < 4000; i++ {
		p := Partition([]any{int64(i), "ignored"}, 4)
		counts[p]++
		if p != Partition([]any{dec(fmt.Sprintf("%d.00", i))}, 4) {
			t.Fatalf("%d and %d.00 in different partitions", i, i)
		}
	}
	for _, c := range counts {
		if c < 800 || c > 1200 {
			t.Errorf("unbalanced partitions %v", counts)
		}
	}
	// Fixed function of the key: the same in every process.
	if Partition([]any{"East"}, 1000) != int(0xd105a623fce4acaf%1000) || hashKey("East") != 0xd105a623fce4acaf {
		t.Errorf("hash of East = %#x", hashKey("East"))
	}
}
