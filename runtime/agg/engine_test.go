package agg

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

func TestPercentOfTotal(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		cfg := Config{Sorted: sorted,
			Levels: []Level{
				{Name: "territory", Specs: []Spec{{Func: Sum, Arg: argAmount}, {Func: PercentOfTotal, Arg: argAmount}}},
				{Name: "customer", Specs: []Spec{{Func: PercentOfTotal, Arg: argAmount}, {Func: PercentOfTotal, Arg: argQty}}},
			},
			Global: []Spec{{Func: PercentOfTotal, Arg: argAmount}, {Func: Sum, Arg: argAmount}}}
		s := &sink{}
		e := NewEngine(s.config(cfg))
		for i, r := range sales() {
			_ = e.Add(r.keys, r.args)
			if i == 1 {
				// Running shares: Acme is all of East so far.
				cur, ok := e.Current(1, nil)
				if !ok || showAll(cur) != "decimal:100 decimal:100" {
					t.Errorf("running share %v", cur)
				}
				if g, _ := e.Current(-1, nil); show(g[0]) != "decimal:100" {
					t.Errorf("global running share %v", g)
				}
			}
		}
		if err := e.Finish(); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"L1 [string:East string:Acme] n=2 | decimal:92.93163384 decimal:36.363636",
			"L1 [string:East string:Bolt] n=1 | decimal:7.06836616 decimal:63.636364",
			"L0 [string:East] n=3 | decimal:215.75 decimal:35.03857085",
			"L1 [string:North string:Crux] n=2 | decimal:100 decimal:100",
			"L1 [string:North string:Dyna] n=1 | decimal:0 nil",
			"L0 [string:North] n=3 | decimal:300.00 decimal:48.72107186",
			"L1 [string:West string:Echo] n=2 | decimal:100 decimal:76.923077",
			"L1 [string:West string:Fern] n=2 | decimal:0 decimal:23.076923",
			"L0 [string:West] n=4 | decimal:100.00 decimal:16.24035729",
		}
		if got := s.lines(); !slices.Equal(got, want) {
			t.Errorf("got\n%s", strings.Join(got, "\n"))
		}
		if got := showAll(e.Global()); got != "decimal:100 decimal:615.75" {
			t.Errorf("global %s", got)
		}
	})
}

// PERCENT_OF_TOTAL at the inner level only holds back that level's groups
// until their parent closes; emission order is unchanged.
func TestPercentOfTotalInnerLevelStreams(t *testing.T) {
	s := &sink{}
	var closedBefore []int
	cfg := s.config(Config{Sorted: true, Levels: []Level{
		{Name: "territory", Specs: []Spec{{Func: Count, Arg: -1}}},
		{Name: "customer", Specs: []Spec{{Func: PercentOfTotal, Arg: argQty}}},
	}})
	e := NewEngine(cfg)
	for _, r := range sales() {
		_ = e.Add(r.keys, r.args)
		closedBefore = append(closedBefore, len(s.groups))
	}
	_ = e.Finish()
	// East's three groups come out when North starts (record 3), North's
	// when West starts (record 6).
	if fmt.Sprint(closedBefore) != "[0 0 0 3 3 3 6 6 6 6]" || len(s.groups) != 9 {
		t.Errorf("emitted after each record: %v", closedBefore)
	}
	if got := groupLine(s.groups[0]); got != "L1 [string:East string:Acme] n=2 | decimal:36.363636" {
		t.Errorf("got %s", got)
	}
	// A float share is a float.
	s2 := &sink{}
	e2 := NewEngine(s2.config(Config{Levels: []Level{{Specs: []Spec{{Func: PercentOfTotal, Arg: 0}}}}}))
	_ = e2.Add([]any{"a"}, []any{1.0})
	_ = e2.Add([]any{"b"}, []any{3.0})
	_ = e2.Finish()
	if got := fmt.Sprint(s2.lines()); got != "[L0 [string:a] n=1 | float:25 L0 [string:b] n=1 | float:75]" {
		t.Errorf("float shares %s", got)
	}
}

func TestUnsortedInput(t *testing.T) {
	e := NewEngine(Config{Sorted: true, Levels: []Level{{Name: "t", Specs: []Spec{{Func: Count, Arg: -1}}}}})
	for _, k := range []string{"a", "b"} {
		if err := e.Add([]any{k}, nil); err != nil {
			t.Fatal(err)
		}
	}
	err := e.Add([]any{"a"}, nil)
	if !errors.Is(err, ErrUnsorted) || err.Error() != `input is not sorted by the group keys: level "t": key "a" after "b"` {
		t.Fatalf("got %v", err)
	}
	if err2 := e.Add([]any{"c"}, nil); err2 != err {
		t.Errorf("error not sticky: %v", err2)
	}
	if e.Finish() != err {
		t.Error("Finish after the error")
	}
	// A deeper key may restart under a new parent.
	e = NewEngine(Config{Sorted: true, Levels: []Level{{}, {}}})
	for _, k := range [][]any{{"a", "z"}, {"b", "a"}, {"b", "b"}} {
		if err := e.Add(k, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Global: []Spec{{Func: 0}}}, "agg: global spec #1: unknown function Func(0)"},
		{Config{Global: []Spec{{Func: Sum, Arg: -1}}}, "agg: global spec #1: SUM needs an argument (Arg is -1)"},
		{Config{Global: []Spec{{Func: Count, Arg: -2}}}, "agg: global spec #1: COUNT needs an argument (Arg is -2)"},
		{Config{Levels: []Level{{Name: "x", Specs: []Spec{{Func: Count, Arg: -1}, {Func: Percentile, Arg: 0, Param: 2}}}}},
			`agg: level 0 ("x") spec #2: PERCENTILE: p must be between 0 and 1, got 2`},
		{Config{Levels: []Level{{Name: "x", MaxGroups: -1}}}, `agg: level 0 ("x"): negative MaxGroups -1`},
	} {
		err := c.cfg.Validate()
		if err == nil || err.Error() != c.want {
			t.Errorf("Validate = %v, want %s", err, c.want)
		}
		e := NewEngine(c.cfg)
		if e.Add(nil, nil) == nil || e.Finish() == nil {
			t.Error("engine with a bad config accepted a record")
		}
	}
	if (Config{}).Validate() != nil {
		t.Error("the zero Config is valid")
	}
}

func TestEngineMisuse(t *testing.T) {
	cfg := Config{Levels: []Level{{Specs: []Spec{{Func: Sum, Arg: 2}}}}}
	e := NewEngine(cfg)
	if err := e.Add(nil, []any{1, 2, 3}); err == nil || err.Error() != "agg: record has 0 keys, want 1" {
		t.Errorf("got %v", err)
	}
	if err := e.Add([]any{"k"}, []any{nil}); err == nil || err.Error() != "agg: record has 1 argument values, the aggregates use index 2" {
		t.Errorf("got %v", err)
	}
	if err := e.Add([]any{"k"}, []any{nil, nil, int64(1)}); err != nil {
		t.Fatal(err)
	}
	if err := e.AddSeq(5, []any{"k"}, []any{nil, nil, int64(1)}); err == nil {
		t.Error("AddSeq after Add")
	}
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := e.Finish(); !errors.Is(err, ErrFinished) {
		t.Errorf("second Finish: %v", err)
	}
	if err := e.Add([]any{"k"}, []any{nil, nil, nil}); !errors.Is(err, ErrFinished) {
		t.Errorf("Add after Finish: %v", err)
	}
	if _, ok := e.Current(0, nil); ok {
		t.Error("Current after Finish")
	}
	e = NewEngine(cfg)
	_ = e.AddSeq(1, []any{"k"}, []any{nil, nil, int64(1)})
	if err := e.Add([]any{"k"}, []any{nil, nil, int64(1)}); err == nil {
		t.Error("Add after AddSeq")
	}
}

func TestOnCloseError(t *testing.T) {
	boom := errors.New("sink closed")
	for _, sorted := range []bool{true, false} {
		calls := 0
		e := NewEngine(Config{Sorted: sorted, Levels: []Level{{Specs: []Spec{{Func: Count, Arg: -1}}}},
			OnClose: func(*Group) error { calls++; return boom }})
		_ = e.Add([]any{"a"}, nil)
		err := e.Add([]any{"b"}, nil) // streaming: closes "a"
		if sorted && !errors.Is(err, boom) {
			t.Errorf("streaming Add: %v", err)
		}
		if err := e.Finish(); !errors.Is(err, boom) {
			t.Errorf("sorted=%v Finish: %v", sorted, err)
		}
		if calls != 1 {
			t.Errorf("OnClose called %d times after failing", calls)
		}
	}
	// An error while flushing held-back groups stops too.
	e := NewEngine(Config{Sorted: true, Levels: []Level{{}, {Specs: []Spec{{Func: PercentOfTotal, Arg: 0}}}},
		OnClose: func(*Group) error { return boom }})
	_ = e.Add([]any{"a", "x"}, []any{int64(1)})
	_ = e.Add([]any{"a", "y"}, []any{int64(1)})
	if err := e.Add([]any{"b", "x"}, []any{int64(1)}); !errors.Is(err, boom) {
		t.Errorf("flush error %v", err)
	}
}

func TestMinMaxIncomparableInEngine(t *testing.T) {
	e := NewEngine(Config{Levels: []Level{{Name: "t", Specs: []Spec{{Func: Max, Arg: 0}}}}})
	_ = e.Add([]any{"a"}, []any{int64(1)})
	err := e.Add([]any{"a"}, []any{"x"})
	var se *SpecError
	if !errors.As(err, &se) || se.Func != Max || err.Error() != `group "t" aggregate #1: MAX: cannot compare string with int` {
		t.Errorf("got %v", err)
	}
	if err := e.Add([]any{"a"}, []any{int64(2)}); err != nil {
		t.Errorf("engine stopped after a record error: %v", err)
	}
}

func TestGroupKeys(t *testing.T) {
	strategies(t, func(t *testing.T, sorted bool) {
		t0 := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
		recs := []rec{
			{keys: []any{nil}, args: []any{int64(1)}},
			{keys: []any{int64(1)}, args: []any{int64(1)}},
			{keys: []any{1.0}, args: []any{int64(1)}},
			{keys: []any{dec("1.00")}, args: []any{int64(1)}},
			{keys: []any{dec("2.5")}, args: []any{int64(1)}},
			{keys: []any{"a"}, args: []any{int64(1)}},
			{keys: []any{value.Date(3)}, args: []any{int64(1)}},
			{keys: []any{t0}, args: []any{int64(1)}},
			{keys: []any{t0.In(time.FixedZone("X", 7200))}, args: []any{int64(1)}},
		}
		s, _ := run(t, Config{Sorted: sorted, Levels: []Level{{Specs: []Spec{{Func: Count, Arg: -1}}}}}, recs, 3)
		want := []string{
			"L0 [nil] n=1 | int:1",
			"L0 [int:1] n=3 | int:3",
			"L0 [decimal:2.5] n=1 | int:1",
			"L0 [string:a] n=1 | int:1",
			"L0 [date:1970-01-04] n=1 | int:1",
			"L0 [timestamp:2024-01-01T12:00:00Z] n=2 | int:2",
		}
		if got := s.lines(); !slices.Equal(got, want) {
			t.Errorf("got %q", got)
		}
	})
}

func TestCurrent(t *testing.T) {
	e := NewEngine(Config{Levels: []Level{{MaxGroups: 1, Specs: []Spec{{Func: RunningSum, Arg: 0}}}, {Specs: []Spec{{Func: RunningCount, Arg: -1}}}}})
	if _, ok := e.Current(0, nil); ok {
		t.Error("a current group before any record")
	}
	_ = e.Add([]any{"a", "x"}, []any{int64(2)})
	_ = e.Add([]any{"a", "x"}, []any{int64(3)})
	cur, ok := e.Current(0, []any{"prefix"})
	if !ok || showAll(cur) != "string:prefix int:5" {
		t.Errorf("Current = %v", cur)
	}
	_ = e.Add([]any{"b", "x"}, []any{int64(3)}) // rejected: the limit is 1
	if _, ok := e.Current(0, nil); ok {
		t.Error("Current of a rejected record")
	}
	if _, ok := e.Current(1, nil); ok {
		t.Error("Current of a rejected record at a deeper level")
	}
}

func TestMergeErrors(t *testing.T) {
	cfg := Config{Levels: []Level{{Specs: []Spec{{Func: Sum, Arg: 0}}}}}
	e := NewEngine(cfg)
	if err := e.Merge(e); err == nil {
		t.Error("merged into itself")
	}
	if err := e.Merge(NewEngine(Config{Sorted: true, Levels: cfg.Levels})); err == nil {
		t.Error("merged a streaming engine")
	}
	if err := e.Merge(NewEngine(Config{Levels: []Level{{Specs: []Spec{{Func: Avg, Arg: 0}}}}})); err == nil {
		t.Error("merged a different configuration")
	}
	if err := e.Merge(NewEngine(Config{Levels: []Level{{MaxGroups: 3, Specs: cfg.Levels[0].Specs}}})); err == nil {
		t.Error("merged a different limit")
	}
	if err := e.Merge(NewEngine(Config{})); err == nil {
		t.Error("merged a different number of levels")
	}
	o := NewEngine(cfg)
	_ = o.Add([]any{"a"}, []any{int64(1)})
	if err := e.Merge(o); err != nil {
		t.Fatal(err)
	}
	if err := o.Add([]any{"a"}, []any{int64(1)}); !errors.Is(err, ErrFinished) {
		t.Errorf("merged engine still usable: %v", err)
	}
	if err := e.Merge(o); !errors.Is(err, ErrFinished) {
		t.Errorf("merged a consumed engine: %v", err)
	}
	_ = e.Finish()
	if err := e.Merge(NewEngine(cfg)); !errors.Is(err, ErrFinished) {
		t.Errorf("merged into a finished engine: %v", err)
	}
	bad := NewEngine(Config{Global: []Spec{{Func: Sum, Arg: -1}}})
	if err := NewEngine(Config{}).Merge(bad); err == nil {
		t.Error("merged an invalid engine")
	}
}

// Partitioned workers whose union passes a group limit: Merge keeps the
// groups that came first, counts the rest as rejected and fires the event.
func TestMergeEnforcesLimits(t *testing.T) {
	var recs []rec
	for i := 0; i < 40; i++ {
		recs = append(recs, rec{keys: []any{int64(i % 10), int64(i % 3)}, args: []any{int64(i)}})
	}
	cfg := Config{Levels: []Level{
		{Name: "a", MaxGroups: 6, Specs: []Spec{{Func: Sum, Arg: 0}, {Func: First, Arg: 0}}},
		{Name: "b", Specs: []Spec{{Func: Count, Arg: -1}}}},
		Global: []Spec{{Func: Sum, Arg: 0}, {Func: Last, Arg: 0}}}
	want := engineLines(t, cfg, recs, true)
	s := &sink{}
	engines := []*Engine{NewEngine(s.config(cfg)), NewEngine(s.config(cfg))}
	for i, r := range recs {
		_ = engines[Partition(r.keys, 2)].AddSeq(int64(i), r.keys, r.args)
	}
	if len(s.events) != 0 {
		t.Fatalf("no worker reached the limit alone: %v", s.events)
	}
	if err := engines[1].Merge(engines[0]); err != nil {
		t.Fatal(err)
	}
	e := engines[1]
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	got := append(s.lines(), showAll(e.Global()), fmt.Sprint(e.Rejected(0), e.Rejected(1), e.Groups(0), e.Groups(1)))
	if !slices.Equal(got, want) {
		t.Errorf("merged:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(s.events) != 1 || s.events[0].Name != "a" || s.events[0].Keys != nil || e.Rejected(0) != 16 {
		t.Errorf("events %+v, rejected %d", s.events, e.Rejected(0))
	}
}

// Non-sequenced engines merge as if o's input followed e's, also when e is
// empty and o was sequenced.
func TestMergeModes(t *testing.T) {
	cfg := Config{Global: []Spec{{Func: First, Arg: 0}, {Func: Last, Arg: 0}}}
	a, b := NewEngine(cfg), NewEngine(cfg)
	_ = a.Add(nil, []any{"a1"})
	_ = b.Add(nil, []any{"b1"})
	_ = b.Add(nil, []any{"b2"})
	_ = a.Merge(b)
	if got := showAll(a.Global()); got != "string:a1 string:b2" {
		t.Errorf("got %s", got)
	}
	empty, seq := NewEngine(cfg), NewEngine(cfg)
	_ = seq.AddSeq(10, nil, []any{"x"})
	_ = empty.Merge(seq)
	other := NewEngine(cfg)
	_ = other.AddSeq(3, nil, []any{"y"})
	_ = empty.Merge(other)
	if got := showAll(empty.Global()); got != "string:y string:x" || empty.Records() != 2 {
		t.Errorf("got %s", got)
	}
	_ = empty.Merge(NewEngine(cfg)) // an empty engine changes nothing
	if got := showAll(empty.Global()); got != "string:y string:x" {
		t.Errorf("got %s", got)
	}
}

func TestSpecErrorText(t *testing.T) {
	e := &SpecError{Level: 1, Name: "customer", Spec: 0, Func: Sum, Err: errors.New("boom")}
	if e.Error() != `group "customer" aggregate #1: boom` || e.Unwrap().Error() != "boom" {
		t.Error(e)
	}
	if EventKind(9).String() != "EventKind(9)" {
		t.Error("EventKind string")
	}
}
