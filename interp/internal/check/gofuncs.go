package check

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
	"github.com/reportsh/reportsh/stdlib"
)

// goFunc wraps a typed Go function (see Options.Functions) as a function
// scripts can call. The function's parameters and result must be of types the language knows:
// string, bool, int, int64, float64, value.Decimal, value.Date, time.Time,
// or any (which accepts every value, nil included). It may return a second
// result of type error. Calls are checked at compile time against the
// parameter types; at run time a nil argument to a typed parameter makes
// the result nil, as for the built-in functions. Variadic functions take
// their extra arguments with the element type.
func goFunc(name, doc string, fn any) (*stdlib.Func, error) {
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func {
		return nil, fmt.Errorf("function %s: %T is not a function", name, fn)
	}
	if name == "" || strings.HasPrefix(name, "__") {
		return nil, fmt.Errorf("function: invalid name %q", name)
	}
	in := make([]value.Kind, t.NumIn())
	for i := range in {
		pt := t.In(i)
		if t.IsVariadic() && i == t.NumIn()-1 {
			pt = pt.Elem()
		}
		k, ok := goKind(pt)
		if !ok {
			return nil, fmt.Errorf("function %s: parameter %d has type %s, which scripts cannot pass", name, i+1, pt)
		}
		in[i] = k
	}
	if t.NumOut() < 1 || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errorType) {
		return nil, fmt.Errorf("function %s: want one result, optionally followed by an error", name)
	}
	out, ok := goKind(t.Out(0))
	if !ok {
		return nil, fmt.Errorf("function %s: result type %s is not a type scripts know", name, t.Out(0))
	}
	minArgs, maxArgs := len(in), len(in)
	if t.IsVariadic() {
		minArgs, maxArgs = len(in)-1, -1
	}
	paramType := func(i int) reflect.Type {
		if t.IsVariadic() && i >= t.NumIn()-1 {
			return t.In(t.NumIn() - 1).Elem()
		}
		return t.In(i)
	}
	kindAt := func(i int) value.Kind {
		if i >= len(in) {
			return in[len(in)-1]
		}
		return in[i]
	}
	var sig strings.Builder
	sig.WriteString(name + "(")
	for i, k := range in {
		if i > 0 {
			sig.WriteString(", ")
		}
		sig.WriteString(k.String())
		if t.IsVariadic() && i == len(in)-1 {
			sig.WriteString("...")
		}
	}
	sig.WriteString(") " + out.String())
	f := &stdlib.Func{Name: name, Doc: doc, Sig: sig.String(), MinArgs: minArgs, MaxArgs: maxArgs}
	f.Check = func(args []value.Kind) (value.Kind, error) {
		for i, k := range args {
			want := kindAt(i)
			if want == value.KindAny || k == value.KindAny || k == value.KindNil || k == want || convertible(k, want) {
				continue
			}
			return value.KindAny, fmt.Errorf("%s: argument %d is %s, want %s", name, i+1, k, want)
		}
		return out, nil
	}
	f.Call = func(args ...any) (any, error) {
		vals := make([]reflect.Value, len(args))
		for i, a := range args {
			a = value.Normalize(a)
			pt := paramType(i)
			k := kindAt(i)
			if a == nil {
				if k != value.KindAny {
					return nil, nil // SQL semantics: nil in, nil out
				}
				vals[i] = reflect.Zero(pt)
				continue
			}
			if k != value.KindAny {
				c, err := value.Convert(a, k)
				if err != nil {
					return nil, fmt.Errorf("%s: argument %d: %w", name, i+1, err)
				}
				a = c
			}
			rv := reflect.ValueOf(a)
			if !rv.Type().AssignableTo(pt) {
				if !rv.Type().ConvertibleTo(pt) {
					return nil, fmt.Errorf("%s: argument %d: cannot use %s as %s", name, i+1, value.KindOf(a), pt)
				}
				rv = rv.Convert(pt)
			}
			vals[i] = rv
		}
		res := v.Call(vals)
		if len(res) == 2 && !res[1].IsNil() {
			return nil, res[1].Interface().(error)
		}
		return value.Normalize(res[0].Interface()), nil
	}
	return f, nil
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// goKind maps a Go type to the language's kind.
func goKind(t reflect.Type) (value.Kind, bool) {
	switch t {
	case reflect.TypeOf(value.Decimal{}):
		return value.KindDecimal, true
	case reflect.TypeOf(value.Date(0)):
		return value.KindDate, true
	case reflect.TypeOf(time.Time{}):
		return value.KindTime, true
	}
	switch t.Kind() {
	case reflect.String:
		return value.KindString, true
	case reflect.Bool:
		return value.KindBool, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return value.KindInt, true
	case reflect.Float32, reflect.Float64:
		return value.KindFloat, true
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return value.KindAny, true
		}
	}
	return value.KindNil, false
}

// convertible reports the static conversions a typed Go parameter accepts:
// an int where a decimal or float is wanted, a decimal where a float is.
func convertible(from, to value.Kind) bool {
	switch to {
	case value.KindDecimal:
		return from == value.KindInt
	case value.KindFloat:
		return from == value.KindInt || from == value.KindDecimal
	case value.KindTime:
		return from == value.KindDate
	}
	return false
}

// goFuncs turns Options.Functions into checked functions, sorted by name.
func goFuncs(m map[string]any) ([]*stdlib.Func, error) {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*stdlib.Func
	var errs []error
	for _, n := range names {
		if f, ok := m[n].(*stdlib.Func); ok {
			if f.Name != n {
				errs = append(errs, fmt.Errorf("function %s: the *stdlib.Func is named %q", n, f.Name))
				continue
			}
			out = append(out, f)
			continue
		}
		f, err := goFunc(n, "", m[n])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, f)
	}
	return out, errors.Join(errs...)
}
