package eval

import (
	"github.com/expr-lang/expr/ast"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// fastError is an error of a fast expression at rune offset from.
type fastError struct {
	from int
	err  error
}

func (e *fastError) Error() string { return e.err.Error() }

var fastArith = map[string]value.Op{
	"__add": value.OpAdd, "__sub": value.OpSub, "__mul": value.OpMul, "__div": value.OpDiv, "__mod": value.OpMod,
}

var fastCmp = map[string]func(int) bool{
	"__lt": func(c int) bool { return c < 0 }, "__le": func(c int) bool { return c <= 0 },
	"__gt": func(c int) bool { return c > 0 }, "__ge": func(c int) bool { return c >= 0 },
}

// Func resolves the name a call has in the expression (the function's
// registered name, such as __f_format_date) to the function the VM would
// call, or reports false for one the fast path must leave to the VM.
type Func func(name string) (func(args ...any) (any, error), bool)

// BuildFast compiles n to a program.FastFn, or reports false when n has a node the
// fast path does not handle (it then runs on the VM). slot maps a field
// name to its record slot, or -1; maxBytes bounds the values it builds
// (resolved, see value.MaxBytes), as the VM's operators do; call resolves
// the functions it may call directly (nil: none).
func BuildFast(n ast.Node, slot func(string) int, maxBytes int64, call Func) (program.FastFn, bool) {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		i := slot(x.Value)
		if i < 0 {
			return nil, false
		}
		return func(rec value.Record) (any, error) { return rec[i], nil }, true
	case *ast.ConstantNode:
		v := value.Normalize(x.Value)
		return func(value.Record) (any, error) { return v, nil }, true
	case *ast.StringNode:
		v := x.Value
		return func(value.Record) (any, error) { return v, nil }, true
	case *ast.BoolNode:
		v := x.Value
		return func(value.Record) (any, error) { return v, nil }, true
	case *ast.NilNode:
		return func(value.Record) (any, error) { return nil, nil }, true
	case *ast.ConditionalNode:
		c, ok1 := BuildFast(x.Cond, slot, maxBytes, call)
		a, ok2 := BuildFast(x.Exp1, slot, maxBytes, call)
		b, ok3 := BuildFast(x.Exp2, slot, maxBytes, call)
		if !ok1 || !ok2 || !ok3 {
			return nil, false
		}
		return func(rec value.Record) (any, error) {
			v, err := c(rec)
			if err != nil {
				return nil, err
			}
			if t, _ := v.(bool); t { // the condition is __truthy(…): a bool
				return a(rec)
			}
			return b(rec)
		}, true
	case *ast.CallNode:
		id, ok := x.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, false
		}
		if id.Value == "__in" && len(x.Arguments) == 2 {
			return fastIn(x.Arguments[0], x.Arguments[1], slot, maxBytes, call)
		}
		args := make([]program.FastFn, len(x.Arguments))
		for i, a := range x.Arguments {
			if args[i], ok = BuildFast(a, slot, maxBytes, call); !ok {
				return nil, false
			}
		}
		from := x.Location().From
		if op, ok := fastArith[id.Value]; ok && len(args) == 2 {
			l, r := args[0], args[1]
			return func(rec value.Record) (any, error) {
				a, b, err := both(l, r, rec)
				if err != nil {
					return nil, err
				}
				v, err := value.ArithMax(op, a, b, maxBytes)
				if err != nil {
					return nil, &fastError{from, err}
				}
				return v, nil
			}, true
		}
		if test, ok := fastCmp[id.Value]; ok && len(args) == 2 {
			l, r := args[0], args[1]
			return func(rec value.Record) (any, error) {
				a, b, err := both(l, r, rec)
				if err != nil {
					return nil, err
				}
				if a == nil || b == nil {
					return nil, nil
				}
				c, err := value.Compare(a, b)
				if err != nil {
					return nil, &fastError{from, err}
				}
				return test(c), nil
			}, true
		}
		if len(args) == 1 && (id.Value == "__truthy" || id.Value == "__not" || id.Value == "__neg") {
			arg, name := args[0], id.Value
			return func(rec value.Record) (any, error) {
				v, err := arg(rec)
				if err != nil {
					return nil, err
				}
				var out any
				switch name {
				case "__truthy":
					out, err = Truthy(v)
				case "__not":
					if v == nil {
						return nil, nil
					}
					var b bool
					b, err = Truthy(v)
					out = !b
				default:
					out, err = value.Neg(v)
				}
				if err != nil {
					return nil, &fastError{from, err}
				}
				return out, nil
			}, true
		}
		if fn, ok := callee(call, id.Value); ok {
			if vary, ok := oneVarying(x.Arguments); ok {
				return memoDateCall(fn, args, vary, from), true
			}
			return fastCall(fn, args, from), true
		}
		if (id.Value == "__eq" || id.Value == "__ne") && len(args) == 2 {
			l, r, eq := args[0], args[1], id.Value == "__eq"
			return func(rec value.Record) (any, error) {
				a, b, err := both(l, r, rec)
				if err != nil {
					return nil, err
				}
				return value.Equal(a, b) == eq, nil
			}, true
		}
	}
	return nil, false
}

// callee resolves name through call, if any.
func callee(call Func, name string) (func(args ...any) (any, error), bool) {
	if call == nil {
		return nil, false
	}
	return call(name)
}

// fastCall calls fn with its arguments evaluated left to right, as the VM
// does; fn's error is positioned at the call, as the VM positions it.
func fastCall(fn func(args ...any) (any, error), args []program.FastFn, from int) program.FastFn {
	return func(rec value.Record) (any, error) {
		vals := make([]any, len(args))
		for i, a := range args {
			v, err := a(rec)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		v, err := fn(vals...)
		if err != nil {
			return nil, &fastError{from, err}
		}
		return v, nil
	}
}

// both evaluates the operands of a binary operator, left first.
func both(l, r program.FastFn, rec value.Record) (any, any, error) {
	a, err := l(rec)
	if err != nil {
		return nil, nil, err
	}
	b, err := r(rec)
	if err != nil {
		return nil, nil, err
	}
	return a, b, nil
}
