package agg

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

// The A and S scenarios of shared/SCENARIOS.md that concern aggregation.
// Records are fed through the engine in batches, as the stream stage does.
// The "batch event" parts of S16 belong to runtime/stream: here the engine
// must expose the counts the stage puts into that event after each batch.

// Argument indexes of the sales records.
const (
	argAmount = 0 // decimal
	argQty    = 1 // int
	argNote   = 2 // string
)

func strategies(t *testing.T, f func(t *testing.T, sorted bool)) {
	for _, sorted := range []bool{false, true} {
		name := "hash"
		if sorted {
			name = "streaming"
		}
		t.Run(name, func(t *testing.T) { f(t, sorted) })
	}
}

// Scenarios S05, A01
func TestScenarioSumAcrossBatches(t *testing.T) {
	e := NewEngine(Config{Global: []Spec{{Func: Sum, Arg: argAmount}}})
	want := []string{"decimal:215.75", "decimal:515.75", "decimal:615.75"}
	recs := sales()
	for b, part := range [][]rec{recs[:3], recs[3:6], recs[6:]} {
		feedBatches(t, e, part, len(part), nil)
		if got := show(e.Global()[0]); got != want[b] {
			t.Errorf("after batch %d: SUM = %s, want %s", b, got, want[b])
		}
	}
	if err := e.Finish(); err != nil || show(e.Global()[0]) != "decimal:615.75" {
		t.Errorf("final SUM = %v, %v", e.Global(), err)
	}
}

// Scenarios S06, A02
func TestScenarioCountAcrossBatches(t *testing.T) {
	recs := make([]rec, 150)
	for i := range recs {
		recs[i] = rec{args: []any{int64(i)}}
	}
	cfg := Config{Global: []Spec{{Func: Count, Arg: -1}, {Func: CountStar, Arg: -1}, {Func: Count, Arg: 0}}}
	// Scenario S06: 150 records in 3 batches → 150.
	_, e := run(t, cfg, recs, 50)
	if got := showAll(e.Global()); got != "int:150 int:150 int:150" {
		t.Errorf("3 batches of 50: %s", got)
	}
	// Scenario A02: differently sized batches.
	e = NewEngine(cfg)
	for _, part := range [][]rec{recs[:10], recs[10:60], recs[60:]} {
		feedBatches(t, e, part, len(part), nil)
	}
	_ = e.Finish()
	if got := showAll(e.Global()); got != "int:150 int:150 int:150" || e.Records() != 150 {
		t.Errorf("batches of 10, 50, 90: %s", got)
	}
}

// Scenarios S07, A03
func TestScenarioAvgExact(t *testing.T) {
	_, e := run(t, Config{Global: []Spec{{Func: Avg, Arg: argAmount}, {Func: Avg, Arg: argQty}}}, sales(), 4)
	// 615.75 / 9 and 31 / 9, exact to the input scale + 6 digits.
	if got := showAll(e.Global()); got != "decimal:68.41666667 decimal:3.444444" {
		t.Errorf("AVG = %s", got)
	}
	// The result is exactly the rational 615.75/9 rounded to 8 places.
	exact := new(big.Rat).SetFrac64(61575, 900)
	if got := e.Global()[0].(value.Decimal); got.String() != exact.FloatString(8) {
		t.Errorf("AVG %s, exact %s", got, exact.FloatString(8))
	}
}

// Scenarios S08, A04, A05
func TestScenarioMinMax(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted,
			Levels: []Level{{Name: "territory", Specs: []Spec{{Func: Min, Arg: argAmount}, {Func: Max, Arg: argAmount}}}},
			Global: []Spec{{Func: Min, Arg: argAmount}, {Func: Max, Arg: argAmount}, {Func: Min, Arg: argQty}, {Func: Max, Arg: argQty}}}
		s, e := run(t, cfg, sales(), 3)
		// Scenario A04 and A05 across batches of 3.
		if got := showAll(e.Global()); got != "decimal:-10.00 decimal:300.00 int:-1 int:9" {
			t.Errorf("global MIN/MAX = %s", got)
		}
		if got := showAll(s.at(0, "North").Results); got != "decimal:0.00 decimal:300.00" {
			t.Errorf("North MIN/MAX = %s", got)
		}
	})
	// Strings and dates.
	recs := []rec{
		{args: []any{"pear", value.NewDate(2024, 3, 1)}},
		{args: []any{"apple", value.NewDate(2023, 1, 9)}},
		{args: []any{nil, nil}},
		{args: []any{"zucchini", value.NewDate(2024, 12, 31)}},
	}
	_, e := run(t, Config{Global: []Spec{{Func: Min, Arg: 0}, {Func: Max, Arg: 0}, {Func: Min, Arg: 1}, {Func: Max, Arg: 1}}}, recs, 1)
	if got := showAll(e.Global()); got != "string:apple string:zucchini date:2023-01-09 date:2024-12-31" {
		t.Errorf("strings and dates: %s", got)
	}
}

// Scenarios S09, A06
func TestScenarioRunningTotal(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted,
			Levels: []Level{{Name: "territory", Specs: []Spec{{Func: RunningSum, Arg: argAmount}, {Func: RunningCount, Arg: -1}, {Func: RunningAvg, Arg: argQty}}}},
			Global: []Spec{{Func: RunningSum, Arg: argAmount}}}
		e := NewEngine(cfg)
		var global, inGroup []string
		recs := sales()
		// Scenario A06: read after every record.
		for _, r := range recs {
			if err := e.Add(r.keys, r.args); err != nil {
				t.Fatal(err)
			}
			g, _ := e.Current(-1, nil)
			global = append(global, show(g[0]))
			l, ok := e.Current(0, nil)
			if !ok {
				t.Fatal("no current group")
			}
			inGroup = append(inGroup, showAll(l))
		}
		wantGlobal := []string{"120.50", "200.50", "215.75", "515.75", "515.75", "515.75", "558.17", "615.75", "605.75", "615.75"}
		for i, w := range wantGlobal {
			if global[i] != "decimal:"+w {
				t.Errorf("record %d: running total %s, want %s", i, global[i], w)
			}
		}
		if inGroup[3] != "decimal:300.00 int:1 decimal:2" || inGroup[9] != "decimal:100.00 int:4 decimal:3.25" {
			t.Errorf("running within groups: %v", inGroup)
		}
	})
	// Scenario S09: the running total seen after each batch.
	e := NewEngine(Config{Global: []Spec{{Func: RunningSum, Arg: argAmount}}})
	var perBatch []string
	feedBatches(t, e, sales(), 4, func(int) {
		g, _ := e.Current(-1, nil)
		perBatch = append(perBatch, show(g[0]))
	})
	if got := fmt.Sprint(perBatch); got != "[decimal:515.75 decimal:615.75 decimal:615.75]" {
		t.Errorf("after each batch: %s", got)
	}
}

// Scenario A07
func TestScenarioSeveralFields(t *testing.T) {
	cfg := Config{Global: []Spec{{Func: Sum, Arg: argAmount}, {Func: Sum, Arg: argQty}, {Func: Max, Arg: argQty}, {Func: Avg, Arg: argAmount}}}
	_, e := run(t, cfg, sales(), 7)
	if got := showAll(e.Global()); got != "decimal:615.75 int:31 int:9 decimal:68.41666667" {
		t.Errorf("got %s", got)
	}
}

// A non-numeric value reaching a numeric aggregate at run time (a column of
// type any) refuses the record with an error naming the function and the
// kind; nothing is half-applied and the engine goes on. The compile-time
// half is TestResultKind.
// Scenario A08
func TestScenarioA08Runtime(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted,
			Levels: []Level{{Name: "territory", Specs: []Spec{{Func: Count, Arg: -1}, {Func: Sum, Arg: 0}}}},
			Global: []Spec{{Func: Count, Arg: -1}, {Func: Max, Arg: 0}}}
		s := &sink{}
		e := NewEngine(s.config(cfg))
		_ = e.Add([]any{"East"}, []any{int64(5)})
		err := e.Add([]any{"East"}, []any{"n/a"})
		var se *SpecError
		var ke *KindError
		if !errors.As(err, &se) || !errors.As(err, &ke) || ke.Func != Sum || ke.Kind != value.KindString || se.Level != 0 || se.Spec != 1 {
			t.Fatalf("error = %v", err)
		}
		if err.Error() != `group "territory" aggregate #2: SUM of string value "n/a" is not allowed (SUM takes int, decimal or float)` {
			t.Errorf("message: %v", err)
		}
		if err := e.Add([]any{"East"}, []any{int64(7)}); err != nil {
			t.Fatal(err)
		}
		if err := e.Finish(); err != nil {
			t.Fatal(err)
		}
		if got := showAll(e.Global()); got != "int:2 int:7" {
			t.Errorf("global after refused record: %s", got)
		}
		if got := groupLine(s.groups[0]); got != "L0 [string:East] n=2 | int:2 int:12" {
			t.Errorf("group: %s", got)
		}
	})
	e := NewEngine(Config{Global: []Spec{{Func: Avg, Arg: 0}}})
	if err := e.Add(nil, []any{true}); err == nil || err.Error() != "report aggregate #1: AVG of bool value true is not allowed (AVG takes int, decimal or float)" {
		t.Errorf("global error: %v", err)
	}
}

// Scenarios S11, A09
func TestScenarioGroupByOne(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted, Levels: []Level{{Name: "territory", Specs: []Spec{{Func: Sum, Arg: argAmount}}}}}
		s, _ := run(t, cfg, sales(), 4)
		want := []string{
			"L0 [string:East] n=3 | decimal:215.75",
			"L0 [string:North] n=3 | decimal:300.00",
			"L0 [string:West] n=4 | decimal:100.00",
		}
		if got := s.lines(); !slices.Equal(got, want) {
			t.Errorf("got %q", got)
		}
	})
}

// Scenarios S12, A10
func TestScenarioGroupBySeveral(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted, Levels: []Level{
			{Name: "territory", Specs: []Spec{{Func: Sum, Arg: argAmount}}},
			{Name: "customer", Specs: []Spec{{Func: Sum, Arg: argAmount}}},
		}}
		s, _ := run(t, cfg, sales(), 4)
		want := []string{
			"L1 [string:East string:Acme] n=2 | decimal:200.50",
			"L1 [string:East string:Bolt] n=1 | decimal:15.25",
			"L0 [string:East] n=3 | decimal:215.75",
			"L1 [string:North string:Crux] n=2 | decimal:300.00",
			"L1 [string:North string:Dyna] n=1 | decimal:0.00",
			"L0 [string:North] n=3 | decimal:300.00",
			"L1 [string:West string:Echo] n=2 | decimal:100.00",
			"L1 [string:West string:Fern] n=2 | decimal:0.00",
			"L0 [string:West] n=4 | decimal:100.00",
		}
		if got := s.lines(); !slices.Equal(got, want) {
			t.Errorf("got %q", got)
		}
	})
}

// Scenarios A11, A17, A18, A19
func TestScenarioSeveralAggregatesPerGroup(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted, Levels: []Level{{Name: "territory", Specs: []Spec{
			{Func: Count, Arg: -1}, {Func: Count, Arg: argAmount}, {Func: Sum, Arg: argAmount},
			{Func: Avg, Arg: argAmount}, {Func: Min, Arg: argAmount}, {Func: Max, Arg: argAmount},
		}}}}
		s, _ := run(t, cfg, sales(), 2)
		// Scenario A11: six aggregates per group. Scenario A17: North's nil
		// amount is skipped by SUM/AVG/MIN/MAX. Scenario A18: COUNT(amount)
		// skips it, COUNT() does not. Scenario A19: its 0.00 counts in the
		// average (300.00 + 0.00) / 2.
		if got := groupLine(s.at(0, "North")); got != "L0 [string:North] n=3 | int:3 int:2 decimal:300.00 decimal:150 decimal:0.00 decimal:300.00" {
			t.Errorf("North: %s", got)
		}
		if got := groupLine(s.at(0, "West")); got != "L0 [string:West] n=4 | int:4 int:4 decimal:100.00 decimal:25 decimal:-10.00 decimal:57.58" {
			t.Errorf("West: %s", got)
		}
	})
}

// Scenario A17: a group whose values are all nil.
func TestScenarioAllNilGroup(t *testing.T) {
	recs := []rec{{keys: []any{"x"}, args: []any{nil}}, {keys: []any{"x"}, args: []any{nil}}}
	cfg := Config{Levels: []Level{{Specs: []Spec{{Func: Sum, Arg: 0}, {Func: Avg, Arg: 0}, {Func: Min, Arg: 0}, {Func: Max, Arg: 0}, {Func: Count, Arg: 0}, {Func: Count, Arg: -1}}}}}
	s, _ := run(t, cfg, recs, 1)
	if got := groupLine(s.groups[0]); got != "L0 [string:x] n=2 | nil nil nil nil int:0 int:2" {
		t.Errorf("got %s", got)
	}
}

// Scenario A12
func TestScenarioSparseGroups(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		recs := []rec{{keys: []any{"a-one"}, args: []any{int64(42)}}}
		for i := 1; i <= 1000; i++ {
			recs = append(recs, rec{keys: []any{"b-many"}, args: []any{int64(i)}})
		}
		cfg := Config{Sorted: sorted, Levels: []Level{{Specs: []Spec{{Func: Count, Arg: -1}, {Func: Sum, Arg: 0}, {Func: Avg, Arg: 0}, {Func: Median, Arg: 0}}}}}
		s, _ := run(t, cfg, recs, 64)
		want := []string{
			"L0 [string:a-one] n=1 | int:1 int:42 decimal:42 decimal:42",
			"L0 [string:b-many] n=1000 | int:1000 int:500500 decimal:500.5 decimal:500.5",
		}
		if got := s.lines(); !slices.Equal(got, want) {
			t.Errorf("got %q", got)
		}
	})
}

// Scenario A13
func TestScenarioGroupStateAcrossBatches(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted, Levels: []Level{{Specs: []Spec{{Func: Sum, Arg: argAmount}, {Func: Count, Arg: -1}}}}}
		s := &sink{}
		e := NewEngine(s.config(cfg))
		recs := sales()
		// West's four records arrive in two batches, with a check in between.
		feedBatches(t, e, recs[:7], 7, nil)
		if cur, _ := e.Current(0, nil); showAll(cur) != "decimal:42.42 int:1" {
			t.Errorf("West after batch 1: %s", showAll(cur))
		}
		feedBatches(t, e, recs[7:], 3, nil)
		_ = e.Finish()
		if got := groupLine(s.at(0, "West")); got != "L0 [string:West] n=4 | decimal:100.00 int:4" {
			t.Errorf("West: %s", got)
		}
	})
}

func keyedRecs(keys, perKey int) []rec {
	var recs []rec
	for k := 0; k < keys; k++ {
		for i := 0; i < perKey; i++ {
			recs = append(recs, rec{keys: []any{fmt.Sprintf("k%03d", k), "sub"}, args: []any{int64(1)}})
		}
	}
	return recs
}

// Scenario A14: max_groups 5 with 10 keys.
func TestScenarioMaxGroupsSmall(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted,
			Levels: []Level{{Name: "k", MaxGroups: 5, Specs: []Spec{{Func: Count, Arg: -1}}}, {Name: "sub", Specs: []Spec{{Func: Count, Arg: -1}}}},
			Global: []Spec{{Func: Count, Arg: -1}, {Func: Sum, Arg: 0}}}
		s, e := run(t, cfg, keyedRecs(10, 3), 4)
		if e.Groups(0) != 5 || e.Groups(1) != 5 || len(s.groups) != 10 {
			t.Errorf("groups %d, %d; emitted %d", e.Groups(0), e.Groups(1), len(s.groups))
		}
		if e.Rejected(0) != 15 || e.Rejected(1) != 15 {
			t.Errorf("rejected %d, %d; want 15 at both levels", e.Rejected(0), e.Rejected(1))
		}
		// Rejected records still count toward the report totals.
		if got := showAll(e.Global()); got != "int:30 int:30" {
			t.Errorf("global %s", got)
		}
		if s.at(0, "k004") == nil || s.at(0, "k005") != nil {
			t.Error("wrong groups kept")
		}
	})
}

// Scenario A15: the default limit is 10,000 groups.
func TestScenarioDefaultMaxGroups(t *testing.T) {
	recs := make([]rec, 10_001)
	for i := range recs {
		recs[i] = rec{keys: []any{int64(i)}, args: []any{int64(i)}}
	}
	strategies(t, func(t *testing.T, sorted bool) {
		s, e := run(t, Config{Sorted: sorted, Levels: []Level{{Name: "id", Specs: []Spec{{Func: Count, Arg: -1}}}}}, recs, 1000)
		if e.Groups(0) != DefaultMaxGroups || e.Groups(0) != 10_000 || e.Rejected(0) != 1 || len(s.groups) != 10_000 {
			t.Errorf("groups %d, rejected %d", e.Groups(0), e.Rejected(0))
		}
		if len(s.events) != 1 || s.events[0].Limit != 10_000 || showAll(s.events[0].Keys) != "int:10000" {
			t.Errorf("events %+v", s.events)
		}
	})
}

// Scenario A16
func TestScenarioEmptyBatches(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted, Levels: []Level{{Specs: []Spec{{Func: Sum, Arg: argAmount}}}},
			Global: []Spec{{Func: Sum, Arg: argAmount}, {Func: Count, Arg: -1}, {Func: Max, Arg: argQty}}}
		s := &sink{}
		e := NewEngine(s.config(cfg))
		recs := sales()
		batches := [][]rec{{}, recs[:5], {}, {}, recs[5:], {}}
		var states []string
		for _, b := range batches {
			before := showAll(e.Global())
			for _, r := range b {
				_ = e.Add(r.keys, r.args)
			}
			if len(b) == 0 && showAll(e.Global()) != before {
				t.Error("an empty batch changed the state")
			}
			states = append(states, showAll(e.Global()))
		}
		_ = e.Finish()
		if states[0] != "nil int:0 nil" || states[5] != "decimal:615.75 int:10 int:9" || len(s.groups) != 3 {
			t.Errorf("states %q, %d groups", states, len(s.groups))
		}
	})
}

// A million 2-decimal amounts sum exactly, checked against integer cents
// and math/big.
// Scenario A20
func TestScenarioMillionDecimals(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	r := rand.New(rand.NewSource(20))
	s := &sink{}
	e := NewEngine(s.config(Config{
		Levels: []Level{{Name: "g", Specs: []Spec{{Func: Sum, Arg: 0}}}},
		Global: []Spec{{Func: Sum, Arg: 0}, {Func: Avg, Arg: 0}}}))
	var cents int64
	exact := new(big.Int)
	groupCents := make([]int64, 10)
	keys := make([][]any, 10)
	for g := range keys {
		keys[g] = []any{int64(g)}
	}
	args := make([]any, 1)
	var floatSum float64
	for i := 0; i < n; i++ {
		c := r.Int63n(10_000_000) - 1_000_000 // -10,000.00 .. 89,999.99
		cents += c
		exact.Add(exact, big.NewInt(c))
		groupCents[i%10] += c
		floatSum += float64(c) / 100
		args[0] = value.NewDecimal(c, 2)
		if err := e.Add(keys[i%10], args); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	got := e.Global()[0].(value.Decimal)
	if want := value.NewDecimal(cents, 2); got.String() != want.String() || got.String() != value.DecimalFromBig(exact, 2).String() {
		t.Fatalf("SUM = %s, want %s", got, want)
	}
	for g, c := range groupCents {
		if got := show(s.groups[g].Results[0]); got != show(value.NewDecimal(c, 2)) {
			t.Errorf("group %d: %s, want %s", g, got, show(value.NewDecimal(c, 2)))
		}
	}
	avg, _ := new(big.Rat).SetFrac(exact, big.NewInt(int64(n)*100)).Float64()
	if math.Abs(e.Global()[1].(value.Decimal).Float64()-avg) > 1e-6 {
		t.Errorf("AVG %v vs %v", e.Global()[1], avg)
	}
	// Naive float addition drifts; the exact sum does not.
	t.Logf("exact %s, naive float %.2f", got, floatSum)
}

// Scenario A21: integer sums past int64 are promoted to an exact decimal.
func TestScenarioIntOverflow(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		recs := []rec{
			{keys: []any{"a"}, args: []any{int64(math.MaxInt64)}},
			{keys: []any{"a"}, args: []any{int64(math.MaxInt64)}},
			{keys: []any{"a"}, args: []any{int64(2)}},
			{keys: []any{"b"}, args: []any{int64(math.MinInt64)}},
			{keys: []any{"b"}, args: []any{int64(-1)}},
		}
		cfg := Config{Sorted: sorted, Levels: []Level{{Specs: []Spec{{Func: Sum, Arg: 0}, {Func: Avg, Arg: 0}, {Func: RunningSum, Arg: 0}}}},
			Global: []Spec{{Func: Sum, Arg: 0}}}
		s, e := run(t, cfg, recs, 2)
		want := new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(2))
		want.Add(want, big.NewInt(2))
		if got := groupLine(s.groups[0]); got != "L0 [string:a] n=3 | decimal:"+want.String()+" decimal:6148914691236517205.333333 decimal:"+want.String() {
			t.Errorf("a: %s", got)
		}
		if got := groupLine(s.groups[1]); got != "L0 [string:b] n=2 | decimal:-9223372036854775809 decimal:-4611686018427387904.5 decimal:-9223372036854775809" {
			t.Errorf("b: %s", got)
		}
		// Back in range: an int again, whatever the path to it.
		if got := show(e.Global()[0]); got != "int:9223372036854775807" {
			t.Errorf("global %s", got)
		}
	})
}

// Scenario A22: aggregates over an empty input.
func TestScenarioEmptyInput(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		var specs []Spec
		for f := Func(1); f < numFuncs; f++ {
			specs = append(specs, Spec{Func: f, Arg: 0, Param: 0.5})
		}
		specs = append(specs, Spec{Func: Count, Arg: -1})
		s, e := run(t, Config{Sorted: sorted, Global: specs, Levels: []Level{{Specs: specs}}}, nil, 1)
		// COUNT(x), COUNT(), COUNT_DISTINCT, RUNNING_COUNT are 0; all else nil.
		want := "nil int:0 int:0 nil nil nil nil nil int:0 nil nil nil nil nil nil nil nil int:0 nil nil int:0"
		if got := showAll(e.Global()); got != want {
			t.Errorf("empty input:\n got %s\nwant %s", got, want)
		}
		if len(s.groups) != 0 {
			t.Errorf("groups from nothing: %v", s.lines())
		}
	})
}

// allSpecs is every function over the random records' columns.
func allSpecs() []Spec {
	return []Spec{
		{Func: Sum, Arg: 0}, {Func: Sum, Arg: 1}, {Func: Sum, Arg: 2},
		{Func: Count, Arg: -1}, {Func: Count, Arg: 3}, {Func: CountStar, Arg: 0},
		{Func: Avg, Arg: 0}, {Func: Avg, Arg: 1}, {Func: Avg, Arg: 2},
		{Func: Min, Arg: 1}, {Func: Max, Arg: 2}, {Func: Min, Arg: 3}, {Func: Max, Arg: 4},
		{Func: First, Arg: 3}, {Func: Last, Arg: 1},
		{Func: CountDistinct, Arg: 3}, {Func: CountDistinct, Arg: 0},
		{Func: StddevSamp, Arg: 0}, {Func: StddevPop, Arg: 2}, {Func: VarSamp, Arg: 1}, {Func: VarPop, Arg: 0},
		{Func: Median, Arg: 1}, {Func: Percentile, Arg: 0, Param: 0.9}, {Func: Percentile, Arg: 2, Param: 0.1},
		{Func: Mode, Arg: 3}, {Func: RunningSum, Arg: 1}, {Func: RunningCount, Arg: -1}, {Func: RunningAvg, Arg: 0},
		{Func: PercentOfTotal, Arg: 1}, {Func: PercentOfTotal, Arg: 2},
	}
}

func allConfig(sorted bool, maxGroups int) Config {
	return Config{Sorted: sorted,
		Levels: []Level{{Name: "k0", MaxGroups: maxGroups, Specs: allSpecs()}, {Name: "k1", Specs: allSpecs()}},
		Global: allSpecs()}
}

// sortRecs sorts records by their keys (value.Less), stably.
func sortRecs(recs []rec) []rec {
	out := slices.Clone(recs)
	slices.SortStableFunc(out, func(a, b rec) int {
		for i := range a.keys {
			if c := canonCmp(a.keys[i], b.keys[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

// Every aggregate kind at once, with identical results whatever the batch
// size (1, 7, 1000), in both strategies.
// Scenarios A23, S10
func TestScenarioBatchSizes(t *testing.T) {
	n := 5000
	if raceEnabled {
		n = 2000
	}
	recs := sortRecs(randRecs(rand.New(rand.NewSource(23)), n, 12, 7))
	var want []string
	for _, sorted := range []bool{false, true} {
		for _, n := range []int{1, 7, 1000} {
			s, e := run(t, allConfig(sorted, 0), recs, n)
			got := append(s.lines(), showAll(e.Global()))
			if want == nil {
				want = got
				continue
			}
			if !slices.Equal(got, want) {
				t.Fatalf("sorted=%v batch %d differs:\n%s\nvs\n%s", sorted, n, diffLines(got, want), "")
			}
		}
	}
	// Scenario S10: spot-check the all-kinds global row against direct
	// computations.
	var cnt, cntNote int64
	var sumInt int64
	for _, r := range recs {
		cnt++
		if r.args[3] != nil {
			cntNote++
		}
		if v, ok := r.args[0].(int64); ok {
			sumInt += v
		}
	}
	g := want[len(want)-1]
	if prefix := fmt.Sprintf("int:%d ", sumInt); g[:len(prefix)] != prefix {
		t.Errorf("SUM: %s", g)
	}
	if want := fmt.Sprintf("int:%d int:%d int:%d", cnt, cntNote, cnt); !strings.Contains(g, want) {
		t.Errorf("counts %s not in %s", want, g)
	}
}

func diffLines(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("line %d:\n%s\n%s", i, a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

// Limit 100 with 150 keys → 100 groups, the other 50 keys' records rejected
// and counted, one event; the count is available after each batch for the
// stage's batch event.
// Scenarios S13, S14, S16
func TestScenarioMaxGroups100(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		s := &sink{}
		e := NewEngine(s.config(Config{Sorted: sorted,
			Levels: []Level{{Name: "customer", MaxGroups: 100, Specs: []Spec{{Func: Sum, Arg: 0}}}},
			Global: []Spec{{Func: Sum, Arg: 0}}}))
		recs := keyedRecs(150, 4) // 600 records, 4 per key
		var rejectedAfter []int64
		// Scenario S16: the rejected count after each batch of 100.
		feedBatches(t, e, recs, 100, func(int) { rejectedAfter = append(rejectedAfter, e.Rejected(0)) })
		if err := e.Finish(); err != nil {
			t.Fatal(err)
		}
		// Scenario S13.
		if len(s.groups) != 100 || e.Groups(0) != 100 || e.Rejected(0) != 200 {
			t.Errorf("%d groups, %d rejected", len(s.groups), e.Rejected(0))
		}
		if show(e.Global()[0]) != "int:600" {
			t.Errorf("global %v", e.Global())
		}
		if fmt.Sprint(rejectedAfter) != "[0 0 0 0 100 200]" {
			t.Errorf("rejected after each batch: %v", rejectedAfter)
		}
		// Scenario S14: one event, not one per rejected record.
		if len(s.events) != 1 || s.events[0].Kind != GroupLimitReached || s.events[0].Name != "customer" ||
			s.events[0].Limit != 100 || showAll(s.events[0].Keys) != "string:k100" || s.events[0].Kind.String() != "group-limit-reached" {
			t.Errorf("events %+v", s.events)
		}
	})
}

// Scenario S14: with limits at two levels, one event per level.
func TestScenarioEventPerLevel(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		var recs []rec
		for a := 0; a < 5; a++ {
			for b := 0; b < 5; b++ {
				for i := 0; i < 3; i++ {
					recs = append(recs, rec{keys: []any{int64(a), int64(b)}, args: []any{int64(1)}})
				}
			}
		}
		cfg := Config{Sorted: sorted, Levels: []Level{
			{Name: "a", MaxGroups: 3, Specs: []Spec{{Func: Count, Arg: -1}}},
			{Name: "b", MaxGroups: 7, Specs: []Spec{{Func: Count, Arg: -1}}}}}
		s, e := run(t, cfg, recs, 10)
		if len(s.events) != 2 || s.events[0].Name != "b" || s.events[1].Name != "a" {
			t.Errorf("events %+v", s.events)
		}
		// Level b: 7 groups (a=0: 5, a=1: 2), 18 records rejected there,
		// plus the 30 of a=3 and a=4 rejected at level a.
		if e.Groups(0) != 3 || e.Groups(1) != 7 || e.Rejected(0) != 30 || e.Rejected(1) != 54 {
			t.Errorf("groups %d %d rejected %d %d", e.Groups(0), e.Groups(1), e.Rejected(0), e.Rejected(1))
		}
		if got := groupLine(s.at(0, int64(1))); got != "L0 [int:1] n=15 | int:15" {
			t.Errorf("group a=1 counts all its records: %s", got)
		}
	})
}

// Several grouping configurations computed independently in one pass: one
// engine per configuration, fed the same records.
// Scenario S15
func TestScenarioSeveralConfigurations(t *testing.T) {
	byTerritory, byCustomer, summary := &sink{}, &sink{}, &sink{}
	engines := []*Engine{
		NewEngine(byTerritory.config(Config{Sorted: true, Levels: []Level{{Name: "territory", Specs: []Spec{{Func: Sum, Arg: argAmount}}}}})),
		NewEngine(byCustomer.config(Config{Levels: []Level{{Name: "customer", MaxGroups: 4, Specs: []Spec{{Func: Count, Arg: -1}}}}})),
		NewEngine(summary.config(Config{Global: []Spec{{Func: Sum, Arg: argQty}}})),
	}
	for _, r := range sales() {
		for i, e := range engines {
			keys := r.keys
			if i == 1 {
				keys = r.keys[1:] // grouped by customer alone
			}
			if err := e.Add(keys, r.args); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, e := range engines {
		if err := e.Finish(); err != nil {
			t.Fatal(err)
		}
	}
	if len(byTerritory.groups) != 3 || show(byTerritory.groups[0].Results[0]) != "decimal:215.75" {
		t.Errorf("by territory: %q", byTerritory.lines())
	}
	if len(byCustomer.groups) != 4 || engines[1].Rejected(0) != 4 || len(byCustomer.events) != 1 || len(byTerritory.events) != 0 {
		t.Errorf("by customer: %q, rejected %d", byCustomer.lines(), engines[1].Rejected(0))
	}
	if show(engines[2].Global()[0]) != "int:31" || len(summary.groups) != 0 {
		t.Errorf("summary: %v", engines[2].Global())
	}
}
