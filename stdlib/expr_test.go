package stdlib

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/reportsh/reportsh/runtime/value"
)

// exprOptions registers every function the way the interpreter does.
func exprOptions(extra ...expr.Option) []expr.Option {
	var opts []expr.Option
	for _, f := range All() {
		opts = append(opts, expr.Function(f.Name, f.Call))
	}
	return append(opts, extra...)
}

func runExpr(src string, env map[string]any, extra ...expr.Option) (any, error) {
	prog, err := expr.Compile(src, exprOptions(append(extra, expr.Env(env))...)...)
	if err != nil {
		return nil, err
	}
	return vm.Run(prog, env)
}

// TestExprOverridesBuiltins checks that a function registered with
// expr.Function replaces an expr builtin of the same name without
// expr.DisableBuiltin: each expression below gives a different result (or
// an error) with expr's own builtin.
func TestExprOverridesBuiltins(t *testing.T) {
	env := map[string]any{"x": dec("2.345"), "n": nil, "s": " héllo "}
	for _, c := range []struct {
		src  string
		want any
	}{
		{`len(n)`, nil},                            // builtin: invalid argument for len
		{`len("héllo")`, int64(5)},                 // builtin: int
		{`upper(n)`, nil},                          // builtin: cannot use nil as argument
		{`trim(n)`, nil},                           // builtin: not enough arguments
		{`lower(n)`, nil},                          // builtin: cannot use nil as argument
		{`abs(-3)`, int64(3)},                      // builtin: int
		{`round(x, 2)`, dec("2.35")},               // builtin: expected 1 argument
		{`floor(x)`, dec("2")},                     // builtin: invalid argument (value.Decimal)
		{`ceil(x)`, dec("3")},                      // builtin: invalid argument (value.Decimal)
		{`int("12")`, int64(12)},                   // builtin: int
		{`string(n)`, nil},                         // builtin: "<nil>"
		{`date("2024-03-01")`, date("2024-03-01")}, // builtin: time.Time
		{`concat("a", n, 1)`, "a1"},                // builtin: cannot concat string
		{`replace("a-b", "", "+")`, "a-b"},         // builtin: "+a+-+b+"
	} {
		for _, disable := range []bool{false, true} {
			var extra []expr.Option
			if disable {
				extra = append(extra, expr.DisableAllBuiltins())
			}
			got, err := runExpr(c.src, env, extra...)
			if err != nil || !same(got, c.want) {
				t.Errorf("%s (builtins disabled: %v) = %#v, %v; want %#v", c.src, disable, got, err, c.want)
			}
		}
	}
	// ::name still reaches expr's builtin unless it is disabled.
	if got, err := runExpr(`::abs(-3)`, env); err != nil || got != 3 {
		t.Errorf("::abs(-3) = %#v, %v; want the builtin's int 3", got, err)
	}
	if got, err := runExpr(`::abs(-3)`, env, expr.DisableBuiltin("abs")); err != nil || got != int64(3) {
		t.Errorf("::abs(-3) with abs disabled = %#v, %v; want int64 3", got, err)
	}
}

// TestExprCallsEveryFunction runs every sample call through expr, with the
// arguments bound to variables, and compares it with a direct Call: the
// variadic func(...any) (any, error) form works for every function and
// every argument count, including counts above three (expr's OpCallN).
func TestExprCallsEveryFunction(t *testing.T) {
	for _, c := range allCases() {
		f, _ := Lookup(c.fn)
		env := map[string]any{}
		names := make([]string, len(c.args))
		for i, a := range c.args {
			names[i] = fmt.Sprintf("a%d", i)
			env[names[i]] = a
		}
		src := c.fn + "(" + strings.Join(names, ", ") + ")"
		got, err := runExpr(src, env)
		if c.fn == "contains" {
			// expr's lexer reads contains as an operator (s contains sub).
			if err == nil || !strings.Contains(err.Error(), `unexpected token Operator("contains")`) {
				t.Errorf("%s: %v, %v; want a syntax error", src, got, err)
			}
			continue
		}
		want, wantErr := f.Call(c.args...)
		if wantErr != nil {
			var fe *Error
			var ae *ArgError
			if err == nil || !strings.HasPrefix(err.Error(), wantErr.Error()) || !(errors.As(err, &fe) || errors.As(err, &ae)) {
				t.Errorf("%s with %v = %v, %v; want error %q", src, c.args, got, err, wantErr)
			}
			continue
		}
		if err != nil || !same(got, want) {
			t.Errorf("%s with %v = %#v, %v; want %#v", src, c.args, got, err, want)
		}
	}
}

// TestExprLiterals checks calls with expr's own literals (Go int, float64),
// which Call normalises.
func TestExprLiterals(t *testing.T) {
	for _, c := range []struct {
		src  string
		want any
	}{
		{`substr("hello", 2, 3)`, "ell"},
		{`round(2.675, 2)`, 2.68},
		{`greatest(1, 5, 3, 4, 2)`, int64(5)},
		{`coalesce(nil, nil, nil, nil, 7)`, int64(7)},
		{`concat("a", "b", "c", "d", "e", "f")`, "abcdef"},
		{`make_date(2024, 2, 29)`, date("2024-02-29")},
		{`pad_left(string(42), 5, "0")`, "00042"},
		{`is_nil(nullif(0, 0.0))`, true},
		{`"hello" contains "ell"`, true},
	} {
		got, err := runExpr(c.src, map[string]any{})
		if err != nil || !same(got, c.want) {
			t.Errorf("%s = %#v, %v; want %#v", c.src, got, err, c.want)
		}
	}
	_, err := runExpr(`upper(1)`, map[string]any{})
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Got != value.KindInt {
		t.Errorf("upper(1) error = %v, want an *ArgError through expr's error", err)
	}
}
