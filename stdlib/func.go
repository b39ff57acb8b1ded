package stdlib

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// Func describes one built-in function.
type Func struct {
	// Name is the function's name as called in scripts, lower_snake_case.
	Name string
	// Doc is one line for docs/language.md and REPL help.
	Doc string
	// Sig is the signature, e.g. "round(x number, places int = 0) number".
	Sig string
	// MinArgs and MaxArgs bound the number of arguments; MaxArgs -1 means
	// variadic.
	MinArgs, MaxArgs int
	// Check returns the result kind for the static argument kinds
	// (value.KindAny where unknown, value.KindNil for a nil literal), or an
	// *ArgError naming the argument and its kind. The kind is that of every
	// non-nil result; a nil result is always possible. KindNil means the
	// result is always nil (a nil literal reached a nil-propagating
	// argument); KindAny means it is known only at run time.
	Check func(args []value.Kind) (value.Kind, error)
	// Call evaluates the function. Arguments are canonical values (other Go
	// numeric types are normalised first) and so is the result. Errors are
	// *Error or *ArgError and name the function.
	Call func(args ...any) (any, error)
}

// Error is an error raised by a built-in function. It unwraps to the cause,
// so errors.Is(err, value.ErrOverflow) and value.ErrDivByZero work.
type Error struct {
	Func string // the function's name
	Err  error
}

// Error returns "name: cause".
func (e *Error) Error() string { return e.Func + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ArgError reports an argument of a kind the function does not accept, at
// check time or at run time.
type ArgError struct {
	Func string     // the function's name
	Arg  int        // 1-based position of the argument
	Got  value.Kind // the argument's kind
	Want string     // what the function accepts there, e.g. "string" or "number"
}

// Error returns e.g. "upper: argument 1 is int, want string".
func (e *ArgError) Error() string {
	return fmt.Sprintf("%s: argument %d is %s, want %s", e.Func, e.Arg, e.Got, e.Want)
}

// Limits are the bounds the built-in functions keep. The zero value
// applies the defaults.
type Limits struct {
	// MaxValueBytes bounds the size of a value a function builds: a
	// string's bytes, the digits of a decimal. A function whose result
	// would be larger returns an *Error whose cause is a *value.SizeError;
	// those whose result can be many times the size of their arguments
	// (concat, replace, pad_left, pad_right, format_date) check before
	// building it, the others (upper, string…) once it is built.
	// 0: value.DefaultMaxBytes; negative: no bound.
	MaxValueBytes int64
}

// AllWith returns every function, sorted by name, like All, with its
// checks bound to lim. The functions are new ones: the caller may keep and
// share them.
func AllWith(lim Limits) []*Func {
	m := register(value.MaxBytes(lim.MaxValueBytes), numberFuncs, convertFuncs, stringFuncs, dateFuncs, nilFuncs)
	return sorted(m)
}

// Lookup returns the function called name. Names are matched exactly, then
// case-insensitively (UPPER finds upper). The *Func is shared: do not modify
// it.
func Lookup(name string) (*Func, bool) {
	f, ok := registry[name]
	if !ok {
		f, ok = registry[strings.ToLower(name)]
	}
	return f, ok
}

// All returns every function, sorted by name.
// Their values are bounded by value.DefaultMaxBytes (see AllWith).
func All() []*Func { return sorted(registry) }

func sorted(m map[string]*Func) []*Func {
	out := make([]*Func, 0, len(m))
	for _, f := range m {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var registry = register(value.DefaultMaxBytes, numberFuncs, convertFuncs, stringFuncs, dateFuncs, nilFuncs)

// register builds every function of groups with its values bounded by
// maxBytes (resolved, see value.MaxBytes).
func register(maxBytes int64, groups ...[]spec) map[string]*Func {
	m := map[string]*Func{}
	for _, g := range groups {
		for i := range g {
			f := g[i].build(maxBytes)
			if _, dup := m[f.Name]; dup {
				panic("stdlib: duplicate function " + f.Name)
			}
			m[f.Name] = f
		}
	}
	return m
}

// kinds is a set of value kinds that an argument accepts, with the name used
// in error messages.
type kinds struct {
	set  uint16
	name string
}

func kindSet(name string, ks ...value.Kind) kinds {
	s := kinds{name: name}
	for _, k := range ks {
		s.set |= 1 << k
	}
	return s
}

// has reports whether a run-time value of kind k is accepted.
func (s kinds) has(k value.Kind) bool { return s.set&(1<<k) != 0 }

// admits reports whether a static kind k may be accepted: nil and unknown
// kinds are admitted everywhere, to be checked at run time.
func (s kinds) admits(k value.Kind) bool {
	return k == value.KindNil || k == value.KindAny || s.has(k)
}

var (
	tNumber = kindSet("number", value.KindInt, value.KindFloat, value.KindDecimal)
	tInt    = kindSet("int", value.KindInt)
	tString = kindSet("string", value.KindString)
	tBool   = kindSet("bool", value.KindBool)
	tDate   = kindSet("date or timestamp", value.KindDate, value.KindTime)
	tAny    = kindSet("any value", value.KindInt, value.KindFloat, value.KindDecimal, value.KindString,
		value.KindBool, value.KindDate, value.KindTime, value.KindRecord, value.KindAny)
	// tScalar is every kind that can be compared (greatest, coalesce…).
	tScalar = kindSet("number, string, bool, date or timestamp", value.KindInt, value.KindFloat,
		value.KindDecimal, value.KindString, value.KindBool, value.KindDate, value.KindTime)
)

// spec is the declaration of a function, from which build makes its Func.
type spec struct {
	name, sig, doc string
	min, max       int     // max -1: variadic
	params         []kinds // accepted kinds by position; the last repeats
	// nilIn makes call see nil arguments; otherwise any nil argument gives
	// a nil result without calling it.
	nilIn bool
	// result returns the result kind for argument kinds that each param
	// admits. Nil-propagation is applied after it.
	result func(name string, args []value.Kind) (value.Kind, error)
	// call evaluates the function on normalised arguments of accepted kinds.
	call func(args []any) (any, error)
	// grow, set instead of call by a function whose result can be much
	// larger than its arguments, evaluates it with the bound on the size of
	// one value (resolved, see value.MaxBytes), to check before building.
	grow func(args []any, maxBytes int64) (any, error)
}

func (s *spec) param(i int) kinds {
	if i < len(s.params) {
		return s.params[i]
	}
	return s.params[len(s.params)-1]
}

func (s *spec) arity(n int) error {
	if n >= s.min && (s.max < 0 || n <= s.max) {
		return nil
	}
	var want string
	switch {
	case s.max < 0:
		want = fmt.Sprintf("at least %d", s.min)
	case s.min == s.max:
		want = fmt.Sprint(s.min)
	default:
		want = fmt.Sprintf("%d to %d", s.min, s.max)
	}
	noun := "arguments"
	if want == "1" || want == "at least 1" {
		noun = "argument"
	}
	return &Error{Func: s.name, Err: fmt.Errorf("takes %s %s, got %d (%s)", want, noun, n, s.sig)}
}

func (s *spec) build(maxBytes int64) *Func {
	return &Func{
		Name: s.name, Doc: s.doc, Sig: s.sig, MinArgs: s.min, MaxArgs: s.max,
		Check: s.check,
		Call:  func(args ...any) (any, error) { return s.invoke(maxBytes, args) },
	}
}

func (s *spec) check(args []value.Kind) (value.Kind, error) {
	if err := s.arity(len(args)); err != nil {
		return value.KindAny, err
	}
	hasNil := false
	for i, k := range args {
		if p := s.param(i); !p.admits(k) {
			return value.KindAny, &ArgError{Func: s.name, Arg: i + 1, Got: k, Want: p.name}
		}
		hasNil = hasNil || k == value.KindNil
	}
	k, err := s.result(s.name, args)
	if err != nil {
		return value.KindAny, err
	}
	if hasNil && !s.nilIn {
		return value.KindNil, nil
	}
	return k, nil
}

func (s *spec) invoke(maxBytes int64, args []any) (any, error) {
	if err := s.arity(len(args)); err != nil {
		return nil, err
	}
	args = normalize(args)
	hasNil := false
	for i, a := range args {
		if a == nil {
			hasNil = true
			continue
		}
		if p := s.param(i); !p.has(value.KindOf(a)) {
			return nil, &ArgError{Func: s.name, Arg: i + 1, Got: value.KindOf(a), Want: p.name}
		}
	}
	if hasNil && !s.nilIn {
		return nil, nil
	}
	var r any
	var err error
	if s.grow != nil {
		r, err = s.grow(args, maxBytes)
	} else {
		r, err = s.call(args)
	}
	if err == nil {
		// Results no larger than a constant times the arguments (upper,
		// format_date, string…) are checked once built.
		err = value.CheckValue(r, maxBytes)
	}
	if err != nil {
		var ae *ArgError
		var fe *Error
		if errors.As(err, &ae) || errors.As(err, &fe) {
			return nil, err
		}
		return nil, &Error{Func: s.name, Err: err}
	}
	return r, nil
}

// normalize returns args with every value in canonical form, copying only
// when something changes (the caller's slice is never written).
func normalize(args []any) []any {
	var out []any
	for i, a := range args {
		if a == nil || value.KindOf(a) != value.KindAny {
			continue
		}
		n := value.Normalize(a)
		if value.KindOf(n) == value.KindAny {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = n
	}
	if out == nil {
		return args
	}
	return out
}

// returns is a result function for a fixed result kind.
func returns(k value.Kind) func(string, []value.Kind) (value.Kind, error) {
	return func(string, []value.Kind) (value.Kind, error) { return k, nil }
}

// sameAs is a result function giving the kind of argument i (KindAny when
// it is nil or unknown).
func sameAs(i int) func(string, []value.Kind) (value.Kind, error) {
	return func(_ string, args []value.Kind) (value.Kind, error) {
		if args[i] == value.KindNil {
			return value.KindAny, nil
		}
		return args[i], nil
	}
}

// unifyNumbers is the result kind of arithmetic on args: int, decimal or
// float by the widest argument.
func unifyNumbers(_ string, args []value.Kind) (value.Kind, error) {
	k := value.KindNil
	for _, a := range args {
		if a == value.KindAny {
			return value.KindAny, nil
		}
		k = value.Unify(k, a)
	}
	return k, nil
}

// family groups the kinds whose values mix in greatest, coalesce, nullif:
// numbers with numbers, dates with timestamps.
func family(k value.Kind) kinds {
	switch k {
	case value.KindInt, value.KindFloat, value.KindDecimal:
		return tNumber
	case value.KindDate, value.KindTime:
		return tDate
	case value.KindString:
		return tString
	case value.KindBool:
		return tBool
	}
	return kindSet(k.String(), k)
}

// unifyFamily returns the kind that holds every one of args (nil ignored):
// the widest number, or timestamp for dates with timestamps. It is an
// *ArgError when two arguments are of different families. KindNil means
// every argument was nil; KindAny that one was unknown.
func unifyFamily(name string, args []value.Kind) (value.Kind, error) {
	k, first := value.KindNil, 0
	unknown := false
	for i, a := range args {
		switch {
		case a == value.KindNil:
			continue
		case a == value.KindAny:
			unknown = true
			continue
		case k == value.KindNil:
			k, first = a, i
			continue
		}
		if f := family(k); !f.has(a) {
			return value.KindAny, &ArgError{Func: name, Arg: i + 1, Got: a,
				Want: fmt.Sprintf("%s like argument %d", f.name, first+1)}
		}
		k = value.Unify(k, a)
	}
	if unknown {
		return value.KindAny, nil
	}
	return k, nil
}

// kindsOf returns the kinds of run-time values.
func kindsOf(args []any) []value.Kind {
	ks := make([]value.Kind, len(args))
	for i, a := range args {
		ks[i] = value.KindOf(a)
	}
	return ks
}

// widen converts v to kind k (a wider number, or a date to a timestamp).
func widen(v any, k value.Kind) (any, error) {
	if v == nil || k == value.KindAny || k == value.KindNil || value.KindOf(v) == k {
		return v, nil
	}
	return value.Convert(v, k)
}
