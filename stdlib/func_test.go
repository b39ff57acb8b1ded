package stdlib

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// callCase is one call of a built-in function: the arguments, and either
// the result or a substring of the error.
type callCase struct {
	fn   string
	args []any
	want any
	err  string
}

func dec(s string) value.Decimal { return value.MustDecimal(s) }

func date(s string) value.Date {
	d, err := value.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	est = time.FixedZone("EST", -5*3600)
	// ts is a timestamp in UTC; tsEST is late on 31 March in New York,
	// already 1 April in UTC.
	ts    = time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	tsEST = time.Date(2024, 3, 31, 22, 0, 0, 0, est)
	rec   = map[string]any{"a": int64(1)}
)

// same reports whether got is want: the same kind and value, decimals with
// the same scale, timestamps at the same instant in the same zone.
func same(got, want any) bool {
	if value.KindOf(got) != value.KindOf(want) {
		return false
	}
	switch w := want.(type) {
	case value.Decimal:
		return got.(value.Decimal).String() == w.String()
	case float64:
		g := got.(float64)
		return g == w || (math.IsNaN(g) && math.IsNaN(w))
	case time.Time:
		g := got.(time.Time)
		return g.Equal(w) && g.Location().String() == w.Location().String()
	case map[string]any:
		return value.String(got) == value.String(want)
	}
	return got == want
}

func runCases(t *testing.T, cases []callCase) {
	t.Helper()
	for _, c := range cases {
		f, ok := Lookup(c.fn)
		if !ok {
			t.Errorf("no function %q", c.fn)
			continue
		}
		got, err := f.Call(c.args...)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s%v = %#v, %v; want error containing %q", c.fn, c.args, got, err, c.err)
			} else if !strings.HasPrefix(err.Error(), c.fn+": ") {
				t.Errorf("%s%v: error %q does not name the function", c.fn, c.args, err)
			}
			continue
		}
		if err != nil || !same(got, c.want) {
			t.Errorf("%s%v = %#v (%s), %v; want %#v (%s)", c.fn, c.args, got, value.KindOf(got), err, c.want, value.KindOf(c.want))
		}
	}
}

// allCases gathers every table, for the tests that check all functions.
func allCases() []callCase {
	return slices.Concat(numberCases, convertCases, stringCases, dateCases, nilCases)
}

func TestLookupAll(t *testing.T) {
	all := All()
	if len(all) != len(registry) {
		t.Fatalf("All() has %d functions, registry %d", len(all), len(registry))
	}
	for i, f := range all {
		if i > 0 && all[i-1].Name >= f.Name {
			t.Errorf("All() not sorted: %s before %s", all[i-1].Name, f.Name)
		}
		if g, ok := Lookup(f.Name); !ok || g != f {
			t.Errorf("Lookup(%q) = %v, %v", f.Name, g, ok)
		}
		if g, ok := Lookup(strings.ToUpper(f.Name)); !ok || g != f {
			t.Errorf("Lookup(%q) = %v, %v", strings.ToUpper(f.Name), g, ok)
		}
	}
	if _, ok := Lookup("no_such_function"); ok {
		t.Error("Lookup found no_such_function")
	}
	want := []string{
		"abs", "add_days", "add_months", "bool", "ceil", "coalesce", "concat", "contains", "date", "date_trunc",
		"day", "day_of_year", "days_between", "decimal", "ends_with", "float", "floor", "format_date", "greatest",
		"if_nil", "int", "is_nil", "least", "left", "len", "lower", "ltrim", "make_date", "mod", "month", "nullif",
		"pad_left", "pad_right", "parse_date", "pow", "quarter", "replace", "right", "round", "rtrim", "sign",
		"split_part", "sqrt", "starts_with", "string", "substr", "trim", "trunc", "upper", "weekday", "year",
	}
	var names []string
	for _, f := range all {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, want) {
		t.Errorf("functions = %q\nwant        %q", names, want)
	}
}

func TestRegisterRejectsDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("register accepted a duplicate name")
		}
	}()
	register(value.DefaultMaxBytes, numberFuncs, numberFuncs)
}

// TestMetadata checks what docs and the REPL show for every function.
func TestMetadata(t *testing.T) {
	for _, f := range All() {
		switch {
		case f.Name == "" || strings.ToLower(f.Name) != f.Name || strings.ContainsAny(f.Name, " -"):
			t.Errorf("%q is not lower_snake_case", f.Name)
		case f.Doc == "" || strings.Contains(f.Doc, "\n") || !strings.HasSuffix(f.Doc, "."):
			t.Errorf("%s: Doc %q is not one sentence on one line", f.Name, f.Doc)
		case !strings.HasPrefix(f.Sig, f.Name+"(") || !strings.Contains(f.Sig, ") "):
			t.Errorf("%s: Sig %q does not look like name(params) result", f.Name, f.Sig)
		case f.MinArgs < 1 || (f.MaxArgs >= 0 && f.MaxArgs < f.MinArgs):
			t.Errorf("%s: bad arity %d..%d", f.Name, f.MinArgs, f.MaxArgs)
		case f.Check == nil || f.Call == nil:
			t.Errorf("%s: missing Check or Call", f.Name)
		}
		// The signature lists MaxArgs parameters (or MinArgs+1 for variadic).
		params := strings.Count(f.Sig[:strings.Index(f.Sig, ")")], ",") + 1
		if want := f.MaxArgs; (want >= 0 && params != want) || (want < 0 && params != f.MinArgs+1) {
			t.Errorf("%s: Sig %q has %d parameters, arity %d..%d", f.Name, f.Sig, params, f.MinArgs, f.MaxArgs)
		}
	}
}

// TestEveryFunctionTested makes sure each function has a successful case
// and a case that fails in the tables.
func TestEveryFunctionTested(t *testing.T) {
	ok, failed := map[string]bool{}, map[string]bool{}
	for _, c := range allCases() {
		if c.err == "" && c.want != nil {
			ok[c.fn] = true
		}
		if c.err != "" {
			failed[c.fn] = true
		}
	}
	for _, f := range All() {
		if !ok[f.Name] {
			t.Errorf("%s has no successful case", f.Name)
		}
		if !failed[f.Name] {
			t.Errorf("%s has no error case", f.Name)
		}
	}
}

// TestCheckAgreesWithCall runs Check on the kinds of every sample call's
// arguments: a call that succeeds must produce the kind Check reports (or
// nil), and one rejected with an *ArgError must be rejected by Check too.
func TestCheckAgreesWithCall(t *testing.T) {
	for _, c := range allCases() {
		f, _ := Lookup(c.fn)
		kinds := kindsOf(c.args)
		k, checkErr := f.Check(kinds)
		got, err := f.Call(c.args...)
		var ae *ArgError
		switch {
		case checkErr != nil:
			if err == nil || err.Error() != checkErr.Error() {
				t.Errorf("%s%v: Check%v fails with %q, Call gives %v, %v", c.fn, c.args, kinds, checkErr, got, err)
			}
		case errors.As(err, &ae):
			t.Errorf("%s%v: Call fails with %q but Check%v = %s", c.fn, c.args, err, kinds, k)
		case err != nil:
			// A run-time error (overflow, bad text…) of a well-typed call.
		case got == nil:
			if k == value.KindNil {
				continue
			}
		case k == value.KindNil:
			t.Errorf("%s%v = %v, but Check%v says always nil", c.fn, c.args, got, kinds)
		case k != value.KindAny && value.KindOf(got) != k:
			t.Errorf("%s%v = %v (%s), but Check%v = %s", c.fn, c.args, got, value.KindOf(got), kinds, k)
		}
	}
}

// TestNilPropagation checks that, except for the functions documented to
// see nils, a nil anywhere gives nil, statically and at run time.
func TestNilPropagation(t *testing.T) {
	nilIn := map[string]bool{"coalesce": true, "if_nil": true, "nullif": true, "is_nil": true,
		"concat": true, "greatest": true, "least": true}
	seen := map[string]bool{}
	for _, c := range allCases() {
		if c.err != "" || seen[c.fn] || nilIn[c.fn] {
			continue
		}
		seen[c.fn] = true
		f, _ := Lookup(c.fn)
		for i := range c.args {
			args := slices.Clone(c.args)
			args[i] = nil
			if got, err := f.Call(args...); got != nil || err != nil {
				t.Errorf("%s%v = %v, %v; want nil", c.fn, args, got, err)
			}
			if k, err := f.Check(kindsOf(args)); k != value.KindNil || err != nil {
				t.Errorf("Check %s%v = %s, %v; want nil", c.fn, kindsOf(args), k, err)
			}
		}
	}
	for name := range nilIn {
		if _, ok := Lookup(name); !ok {
			t.Errorf("no function %s", name)
		}
	}
}

// TestArgKinds passes a record, which no function but string, concat and
// the nil functions accepts, in every position of every sample call.
func TestArgKinds(t *testing.T) {
	takesAny := map[string]bool{"string": true, "concat": true, "coalesce": true, "if_nil": true, "is_nil": true}
	seen := map[string]bool{}
	for _, c := range allCases() {
		if c.err != "" || seen[c.fn] || takesAny[c.fn] {
			continue
		}
		seen[c.fn] = true
		f, _ := Lookup(c.fn)
		for i := range c.args {
			args := slices.Clone(c.args)
			args[i] = rec
			_, err := f.Call(args...)
			var ae *ArgError
			if !errors.As(err, &ae) || ae.Func != c.fn || ae.Arg != i+1 || ae.Got != value.KindRecord {
				t.Errorf("%s with a record as argument %d: %v, want an ArgError", c.fn, i+1, err)
			}
			if _, err := f.Check(kindsOf(args)); err == nil || !strings.Contains(err.Error(), "is record, want") {
				t.Errorf("Check %s with a record as argument %d: %v", c.fn, i+1, err)
			}
		}
	}
	// Unknown Go types are rejected at run time but admitted statically.
	f, _ := Lookup("upper")
	if _, err := f.Call([]any{"x"}); err == nil || err.Error() != "upper: argument 1 is any, want string" {
		t.Errorf("upper([x]) error = %v", err)
	}
	if k, err := f.Check([]value.Kind{value.KindAny}); k != value.KindString || err != nil {
		t.Errorf("Check upper(any) = %s, %v", k, err)
	}
}

func TestArity(t *testing.T) {
	for _, c := range []struct {
		fn   string
		n    int
		want string
	}{
		{"round", 0, "round: takes 1 to 2 arguments, got 0 (round(x number, places int = 0) number)"},
		{"round", 3, "round: takes 1 to 2 arguments, got 3"},
		{"upper", 2, "upper: takes 1 argument, got 2"},
		{"make_date", 2, "make_date: takes 3 arguments, got 2"},
		{"coalesce", 0, "coalesce: takes at least 1 argument, got 0"},
	} {
		f, _ := Lookup(c.fn)
		args := make([]any, c.n)
		if _, err := f.Call(args...); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s with %d args: %v, want %q", c.fn, c.n, err, c.want)
		}
		var fe *Error
		_, err := f.Check(make([]value.Kind, c.n))
		if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Check %s with %d args: %v, want %q", c.fn, c.n, err, c.want)
		}
	}
}

func TestCheckKinds(t *testing.T) {
	const (
		n   = value.KindNil
		i   = value.KindInt
		fl  = value.KindFloat
		d   = value.KindDecimal
		s   = value.KindString
		b   = value.KindBool
		dt  = value.KindDate
		tm  = value.KindTime
		r   = value.KindRecord
		any = value.KindAny
	)
	for _, c := range []struct {
		fn   string
		args []value.Kind
		want value.Kind
		err  string
	}{
		{fn: "round", args: []value.Kind{d, i}, want: d},
		{fn: "round", args: []value.Kind{i}, want: i},
		{fn: "round", args: []value.Kind{fl}, want: fl},
		{fn: "round", args: []value.Kind{n}, want: n},
		{fn: "round", args: []value.Kind{any, i}, want: any},
		{fn: "round", args: []value.Kind{d, n}, want: n},
		{fn: "round", args: []value.Kind{s}, err: "round: argument 1 is string, want number"},
		{fn: "round", args: []value.Kind{d, d}, err: "round: argument 2 is decimal, want int"},
		{fn: "abs", args: []value.Kind{dt}, err: "abs: argument 1 is date, want number"},
		{fn: "mod", args: []value.Kind{i, d}, want: d},
		{fn: "mod", args: []value.Kind{i, i}, want: i},
		{fn: "mod", args: []value.Kind{fl, d}, want: fl},
		{fn: "mod", args: []value.Kind{i, any}, want: any},
		{fn: "mod", args: []value.Kind{n, i}, want: n},
		{fn: "sqrt", args: []value.Kind{i}, want: fl},
		{fn: "sign", args: []value.Kind{d}, want: i},
		{fn: "greatest", args: []value.Kind{i, d, i}, want: d},
		{fn: "greatest", args: []value.Kind{i, any}, want: any},
		{fn: "greatest", args: []value.Kind{n, n}, want: n},
		{fn: "greatest", args: []value.Kind{n, s}, want: s},
		{fn: "least", args: []value.Kind{dt, tm}, want: tm},
		{fn: "least", args: []value.Kind{b, b}, want: b},
		{fn: "greatest", args: []value.Kind{i, s}, err: "greatest: argument 2 is string, want number like argument 1"},
		{fn: "least", args: []value.Kind{n, dt, i}, err: "least: argument 3 is int, want date or timestamp like argument 2"},
		{fn: "greatest", args: []value.Kind{r}, err: "greatest: argument 1 is record, want number, string, bool, date or timestamp"},
		{fn: "coalesce", args: []value.Kind{n, i}, want: i},
		{fn: "coalesce", args: []value.Kind{i, d, n}, want: d},
		{fn: "coalesce", args: []value.Kind{r, r}, want: r},
		{fn: "coalesce", args: []value.Kind{s, b}, err: "coalesce: argument 2 is bool, want string like argument 1"},
		{fn: "if_nil", args: []value.Kind{n, d}, want: d},
		{fn: "nullif", args: []value.Kind{n, i}, want: n},
		{fn: "nullif", args: []value.Kind{i, n}, want: i},
		{fn: "nullif", args: []value.Kind{i, d}, want: i},
		{fn: "nullif", args: []value.Kind{any, d}, want: any},
		{fn: "nullif", args: []value.Kind{s, i}, err: "nullif: argument 2 is int, want string like argument 1"},
		{fn: "is_nil", args: []value.Kind{n}, want: b},
		{fn: "concat", args: []value.Kind{n, i, r}, want: s},
		{fn: "string", args: []value.Kind{n}, want: n},
		{fn: "string", args: []value.Kind{r}, want: s},
		{fn: "upper", args: []value.Kind{r}, err: "upper: argument 1 is record, want string"},
		{fn: "int", args: []value.Kind{dt}, err: "int: argument 1 is date, want number, string or bool"},
		{fn: "decimal", args: []value.Kind{s, i}, want: d},
		{fn: "date", args: []value.Kind{tm}, want: dt},
		{fn: "date_trunc", args: []value.Kind{s, dt}, want: dt},
		{fn: "date_trunc", args: []value.Kind{s, tm}, want: tm},
		{fn: "date_trunc", args: []value.Kind{s, any}, want: any},
		{fn: "date_trunc", args: []value.Kind{dt, s}, err: "date_trunc: argument 1 is date, want string"},
		{fn: "add_months", args: []value.Kind{tm, i}, want: tm},
		{fn: "year", args: []value.Kind{s}, err: "year: argument 1 is string, want date or timestamp"},
		{fn: "days_between", args: []value.Kind{dt, tm}, want: i},
	} {
		f, _ := Lookup(c.fn)
		got, err := f.Check(c.args)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Check %s%v = %s, %v; want error %q", c.fn, c.args, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Check %s%v = %s, %v; want %s", c.fn, c.args, got, err, c.want)
		}
	}
}

func TestCallNormalizesArguments(t *testing.T) {
	f, _ := Lookup("substr")
	args := []any{"hello", 2, int32(3)} // Go ints, as expr literals are
	got, err := f.Call(args...)
	if err != nil || got != "ell" {
		t.Errorf("substr(hello, 2, 3) = %v, %v", got, err)
	}
	if _, ok := args[1].(int); !ok {
		t.Error("Call modified its caller's arguments")
	}
	f, _ = Lookup("round")
	if got, err := f.Call(float32(2.5)); err != nil || got != 3.0 {
		t.Errorf("round(float32 2.5) = %v, %v", got, err)
	}
}

func TestErrorsUnwrap(t *testing.T) {
	f, _ := Lookup("mod")
	_, err := f.Call(int64(1), int64(0))
	var fe *Error
	if !errors.Is(err, value.ErrDivByZero) || !errors.As(err, &fe) || fe.Func != "mod" {
		t.Errorf("mod(1, 0) error = %#v", err)
	}
	f, _ = Lookup("abs")
	if _, err := f.Call(int64(math.MinInt64)); !errors.Is(err, value.ErrOverflow) {
		t.Errorf("abs(MinInt64) error = %v", err)
	}
}
