package agg

import (
	"fmt"
	"sort"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// Func names an aggregate function. The zero Func is not a function.
type Func uint8

// The aggregate functions. [FuncByName] maps the names written in scripts
// (case-insensitively, with a few aliases) to these.
const (
	// Sum adds numbers: SUM(x).
	Sum Func = iota + 1
	// Count counts non-nil values: COUNT(x). Fed the record marker (an
	// [Engine] does so for Arg -1) it counts records, like [CountStar].
	Count
	// CountStar counts every value it is given, nil included: COUNT().
	CountStar
	// Avg is the arithmetic mean: AVG(x).
	Avg
	// Min is the smallest value: MIN(x).
	Min
	// Max is the largest value: MAX(x).
	Max
	// First is the first non-nil value in input order: FIRST(x).
	First
	// Last is the last non-nil value in input order: LAST(x).
	Last
	// CountDistinct counts distinct non-nil values: COUNT_DISTINCT(x).
	CountDistinct
	// StddevSamp is the sample standard deviation: STDDEV(x), STDDEV_SAMP(x).
	StddevSamp
	// StddevPop is the population standard deviation: STDDEV_POP(x).
	StddevPop
	// VarSamp is the sample variance: VARIANCE(x), VAR_SAMP(x).
	VarSamp
	// VarPop is the population variance: VARIANCE_POP(x), VAR_POP(x).
	VarPop
	// Median is the 50th percentile: MEDIAN(x).
	Median
	// Percentile is the p-th quantile, 0 ≤ p ≤ 1, interpolated linearly
	// between the two nearest ranks: PERCENTILE(x, p).
	Percentile
	// Mode is the most frequent non-nil value: MODE(x).
	Mode
	// RunningSum is SUM read after every record: RUNNING_SUM(x).
	RunningSum
	// RunningCount is COUNT read after every record: RUNNING_COUNT() or
	// RUNNING_COUNT(x).
	RunningCount
	// RunningAvg is AVG read after every record: RUNNING_AVG(x).
	RunningAvg
	// PercentOfTotal is 100 × SUM(x) of a group divided by SUM(x) of the
	// enclosing scope: PERCENT_OF_TOTAL(x).
	PercentOfTotal

	numFuncs = iota + 1 // one past the last Func
)

var funcNames = [numFuncs]string{
	Sum: "SUM", Count: "COUNT", CountStar: "COUNT", Avg: "AVG", Min: "MIN", Max: "MAX",
	First: "FIRST", Last: "LAST", CountDistinct: "COUNT_DISTINCT",
	StddevSamp: "STDDEV", StddevPop: "STDDEV_POP", VarSamp: "VARIANCE", VarPop: "VARIANCE_POP",
	Median: "MEDIAN", Percentile: "PERCENTILE", Mode: "MODE",
	RunningSum: "RUNNING_SUM", RunningCount: "RUNNING_COUNT", RunningAvg: "RUNNING_AVG",
	PercentOfTotal: "PERCENT_OF_TOTAL",
}

// aliases are the extra names FuncByName accepts.
var aliases = map[string]Func{
	"STDDEV_SAMP": StddevSamp, "VAR_SAMP": VarSamp, "VARIANCE_SAMP": VarSamp,
	"VAR_POP": VarPop, "AVERAGE": Avg,
}

var byName = func() map[string]Func {
	m := make(map[string]Func, numFuncs+len(aliases))
	for f := Func(1); f < numFuncs; f++ {
		if f != CountStar {
			m[funcNames[f]] = f
		}
	}
	for n, f := range aliases {
		m[n] = f
	}
	return m
}()

// String returns the function's name as written in scripts ("SUM"); both
// [Count] and [CountStar] are "COUNT".
func (f Func) String() string {
	if f > 0 && f < numFuncs {
		return funcNames[f]
	}
	return fmt.Sprintf("Func(%d)", f)
}

// Valid reports whether f is one of the defined functions.
func (f Func) Valid() bool { return f > 0 && f < numFuncs }

// FuncByName returns the function called name, case-insensitively. "COUNT"
// gives [Count] whatever its argument count: an [Engine] spec with Arg -1
// makes it count records. STDDEV_SAMP, VAR_SAMP, VARIANCE_SAMP, VAR_POP and
// AVERAGE are accepted as aliases.
func FuncByName(name string) (Func, bool) {
	f, ok := byName[strings.ToUpper(name)]
	return f, ok
}

// Names returns the canonical and alias names FuncByName accepts, sorted;
// a compiler can use them for "did you mean" suggestions.
func Names() []string {
	out := make([]string, 0, len(byName))
	for n := range byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Arity returns the smallest and largest number of arguments f takes in a
// script, counting PERCENTILE's p (see [HasParam]).
func Arity(f Func) (lo, hi int) {
	switch f {
	case Count, RunningCount:
		return 0, 1
	case CountStar:
		return 0, 0
	case Percentile:
		return 2, 2
	}
	return 1, 1
}

// HasParam reports whether f's last argument is a constant parameter
// rather than a per-record value (PERCENTILE's p), passed as [Spec].Param.
func HasParam(f Func) bool { return f == Percentile }

// CheckParam validates the parameter of f: PERCENTILE's p must lie in
// [0, 1]. Functions without a parameter accept anything.
func CheckParam(f Func, p float64) error {
	if HasParam(f) && !(p >= 0 && p <= 1) {
		return fmt.Errorf("%s: p must be between 0 and 1, got %v", f, p)
	}
	return nil
}

// Kind families the functions accept, as bit masks over value.Kind.
const (
	maskNumeric = 1<<value.KindInt | 1<<value.KindFloat | 1<<value.KindDecimal
	maskOrdered = maskNumeric | 1<<value.KindString | 1<<value.KindBool |
		1<<value.KindDate | 1<<value.KindTime
	maskAll = 1<<(value.KindAny+1) - 1
)

// accepts returns the mask of run-time kinds f accepts besides nil.
func accepts(f Func) uint32 {
	switch f {
	case Sum, Avg, StddevSamp, StddevPop, VarSamp, VarPop, Median, Percentile,
		RunningSum, RunningAvg, PercentOfTotal:
		return maskNumeric
	case Min, Max:
		return maskOrdered
	}
	return maskAll
}

func describeMask(m uint32) string {
	if m == maskNumeric {
		return "int, decimal or float"
	}
	return "numbers, strings, bools, dates or timestamps"
}

// ResultKind is the static type rule: the kind of f's result when its
// argument has static kind arg (value.KindNil for no argument, as in
// COUNT()). KindAny in means KindAny out (checked at run time). An argument
// f does not accept gives a [*KindError] naming the function and the type,
// e.g. "SUM of string is not allowed (SUM takes int, decimal or float)".
//
// One dynamic exception: an int SUM (or RUNNING_SUM, PERCENT_OF_TOTAL's
// numerator) whose total leaves the int64 range is an integral decimal.
func ResultKind(f Func, arg value.Kind) (value.Kind, error) {
	if !f.Valid() {
		return value.KindNil, fmt.Errorf("agg: unknown function %v", f)
	}
	switch f {
	case Count, CountStar, CountDistinct, RunningCount:
		return value.KindInt, nil
	}
	if arg == value.KindAny {
		if f == StddevSamp || f == StddevPop || f == VarSamp || f == VarPop {
			return value.KindFloat, nil
		}
		return value.KindAny, nil
	}
	if arg == value.KindNil {
		return value.KindNil, nil // an always-nil argument: the result is nil
	}
	if accepts(f)&(1<<arg) == 0 {
		return value.KindNil, &KindError{Func: f, Kind: arg}
	}
	switch f {
	case Avg, RunningAvg, Median, Percentile, PercentOfTotal:
		if arg == value.KindInt {
			return value.KindDecimal, nil
		}
	case StddevSamp, StddevPop, VarSamp, VarPop:
		return value.KindFloat, nil
	}
	return arg, nil
}

// KindError reports an argument of a kind a function does not accept: at
// compile time from [ResultKind] (Value unset), at run time from an
// accumulator's Add (Runtime set, Value the offending value).
type KindError struct {
	Func    Func
	Kind    value.Kind
	Runtime bool
	Value   any
}

func (e *KindError) Error() string {
	what := e.Kind.String()
	if e.Runtime {
		if e.Kind == value.KindAny {
			what = fmt.Sprintf("%s value of Go type %T", what, e.Value)
		} else {
			what = fmt.Sprintf("%s value %s", what, quoteValue(e.Value))
		}
	}
	return fmt.Sprintf("%s of %s is not allowed (%s takes %s)", e.Func, what, e.Func, describeMask(accepts(e.Func)))
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return fmt.Sprintf("%q", s)
	}
	return value.String(v)
}

// checkKind returns a run-time KindError when f does not accept v.
func checkKind(f Func, v any) error {
	k := value.KindOf(v)
	if k == value.KindNil || accepts(f)&(1<<k) != 0 {
		return nil
	}
	return &KindError{Func: f, Kind: k, Runtime: true, Value: v}
}
