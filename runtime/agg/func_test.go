package agg

import (
	"errors"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

func TestFuncByName(t *testing.T) {
	for _, c := range []struct {
		name string
		want Func
	}{
		{"sum", Sum}, {"SUM", Sum}, {"Count", Count}, {"avg", Avg}, {"average", Avg},
		{"min", Min}, {"max", Max}, {"first", First}, {"last", Last},
		{"count_distinct", CountDistinct}, {"stddev", StddevSamp}, {"stddev_samp", StddevSamp},
		{"stddev_pop", StddevPop}, {"variance", VarSamp}, {"var_samp", VarSamp},
		{"variance_pop", VarPop}, {"var_pop", VarPop}, {"median", Median},
		{"percentile", Percentile}, {"mode", Mode}, {"running_sum", RunningSum},
		{"running_count", RunningCount}, {"running_avg", RunningAvg},
		{"percent_of_total", PercentOfTotal},
	} {
		got, ok := FuncByName(c.name)
		if !ok || got != c.want {
			t.Errorf("FuncByName(%q) = %v, %v; want %v", c.name, got, ok, c.want)
		}
	}
	if _, ok := FuncByName("SUMM"); ok {
		t.Error("SUMM found")
	}
	names := Names()
	if len(names) < 20 || !strings.Contains(strings.Join(names, ","), "PERCENT_OF_TOTAL") {
		t.Errorf("Names() = %v", names)
	}
	for f := Func(1); f < numFuncs; f++ {
		if !f.Valid() || strings.HasPrefix(f.String(), "Func(") {
			t.Errorf("%d: %v", f, f)
		}
		if g, ok := FuncByName(f.String()); !ok || (g != f && f != CountStar) {
			t.Errorf("round trip %v → %v", f, g)
		}
	}
	if Func(0).Valid() || Func(0).String() != "Func(0)" || Func(99).Valid() {
		t.Error("invalid funcs")
	}
}

func TestArityAndParams(t *testing.T) {
	for _, c := range []struct {
		f      Func
		lo, hi int
	}{{Count, 0, 1}, {CountStar, 0, 0}, {RunningCount, 0, 1}, {Percentile, 2, 2}, {Sum, 1, 1}, {Median, 1, 1}} {
		if lo, hi := Arity(c.f); lo != c.lo || hi != c.hi {
			t.Errorf("Arity(%v) = %d, %d", c.f, lo, hi)
		}
	}
	if !HasParam(Percentile) || HasParam(Median) {
		t.Error("HasParam")
	}
	if CheckParam(Percentile, 0.9) != nil || CheckParam(Sum, 7) != nil {
		t.Error("valid params refused")
	}
	if err := CheckParam(Percentile, 1.5); err == nil || err.Error() != "PERCENTILE: p must be between 0 and 1, got 1.5" {
		t.Errorf("CheckParam(1.5) = %v", err)
	}
}

// Non-numeric fields named in numeric aggregates are refused at compile
// time with a clear error; at run time a value of the wrong kind is refused
// the same way (TestScenarioA08Runtime).
// Scenario A08
func TestResultKind(t *testing.T) {
	K := func(k value.Kind) value.Kind { return k }
	for _, c := range []struct {
		f    Func
		arg  value.Kind
		want value.Kind
		err  string
	}{
		{Sum, value.KindInt, K(value.KindInt), ""},
		{Sum, value.KindDecimal, K(value.KindDecimal), ""},
		{Sum, value.KindFloat, K(value.KindFloat), ""},
		{Sum, value.KindAny, K(value.KindAny), ""},
		{Sum, value.KindNil, K(value.KindNil), ""},
		{Sum, value.KindString, 0, "SUM of string is not allowed (SUM takes int, decimal or float)"},
		{Avg, value.KindBool, 0, "AVG of bool is not allowed (AVG takes int, decimal or float)"},
		{StddevSamp, value.KindDate, 0, "STDDEV of date is not allowed (STDDEV takes int, decimal or float)"},
		{Median, value.KindString, 0, "MEDIAN of string is not allowed (MEDIAN takes int, decimal or float)"},
		{Min, value.KindRecord, 0, "MIN of record is not allowed (MIN takes numbers, strings, bools, dates or timestamps)"},
		{Avg, value.KindInt, K(value.KindDecimal), ""},
		{RunningAvg, value.KindFloat, K(value.KindFloat), ""},
		{Median, value.KindInt, K(value.KindDecimal), ""},
		{Percentile, value.KindFloat, K(value.KindFloat), ""},
		{PercentOfTotal, value.KindInt, K(value.KindDecimal), ""},
		{VarPop, value.KindInt, K(value.KindFloat), ""},
		{StddevPop, value.KindAny, K(value.KindFloat), ""},
		{Min, value.KindString, K(value.KindString), ""},
		{Max, value.KindDate, K(value.KindDate), ""},
		{First, value.KindRecord, K(value.KindRecord), ""},
		{Mode, value.KindString, K(value.KindString), ""},
		{Count, value.KindNil, K(value.KindInt), ""},
		{Count, value.KindString, K(value.KindInt), ""},
		{CountStar, value.KindNil, K(value.KindInt), ""},
		{CountDistinct, value.KindDate, K(value.KindInt), ""},
		{RunningCount, value.KindAny, K(value.KindInt), ""},
	} {
		got, err := ResultKind(c.f, c.arg)
		if c.err != "" {
			var ke *KindError
			if err == nil || err.Error() != c.err || !errors.As(err, &ke) || ke.Func != c.f {
				t.Errorf("ResultKind(%v, %v) error = %v, want %q", c.f, c.arg, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ResultKind(%v, %v) = %v, %v; want %v", c.f, c.arg, got, err, c.want)
		}
	}
	if _, err := ResultKind(Func(0), value.KindInt); err == nil {
		t.Error("ResultKind of invalid func")
	}
}

func TestKindErrorRuntime(t *testing.T) {
	err := New(Sum, 0).Add("abc")
	if err == nil || err.Error() != `SUM of string value "abc" is not allowed (SUM takes int, decimal or float)` {
		t.Errorf("got %v", err)
	}
	err = New(Avg, 0).Add(42) // a Go int, not normalised
	if err == nil || err.Error() != "AVG of any value of Go type int is not allowed (AVG takes int, decimal or float)" {
		t.Errorf("got %v", err)
	}
	long := strings.Repeat("x", 60)
	if err := New(VarSamp, 0).Add(long); err == nil || !strings.Contains(err.Error(), `"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."`) {
		t.Errorf("got %v", err)
	}
	if err := New(Median, 0).Add(true); err == nil || !strings.Contains(err.Error(), "MEDIAN of bool value true") {
		t.Errorf("got %v", err)
	}
}
