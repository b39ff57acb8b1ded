package stdlib_test

import (
	"fmt"

	"github.com/expr-lang/expr"

	"github.com/reportsh/reportsh/runtime/value"
	"github.com/reportsh/reportsh/stdlib"
)

func ExampleLookup() {
	f, _ := stdlib.Lookup("round")
	fmt.Println(f.Sig)

	k, _ := f.Check([]value.Kind{value.KindDecimal, value.KindInt})
	fmt.Println(k)
	_, err := f.Check([]value.Kind{value.KindString})
	fmt.Println(err)

	r, _ := f.Call(value.MustDecimal("2.345"), int64(2))
	fmt.Println(r)
	r, _ = f.Call(nil, int64(2))
	fmt.Println(r)
	// Output:
	// round(x number, places int = 0) number
	// decimal
	// round: argument 1 is string, want number
	// 2.35
	// <nil>
}

// Registering the functions with expr: each one takes precedence over an
// expr builtin of the same name.
func Example_expr() {
	var opts []expr.Option
	for _, f := range stdlib.All() {
		opts = append(opts, expr.Function(f.Name, f.Call))
	}
	env := map[string]any{"amount": value.MustDecimal("1234.565"), "note": nil}
	prog, err := expr.Compile(`concat(upper(note), round(amount, 2), " ", len("héllo"))`, append(opts, expr.Env(env))...)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := expr.Run(prog, env)
	fmt.Println(out, err)
	// Output: 1234.57 5 <nil>
}
