package eval

import (
	"github.com/expr-lang/expr/ast"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// fastIn compiles x in [literals…] (where territory in ["North", "East"]):
// nil when x is nil, else whether x equals an element, as the VM's __in
// decides it; a list of strings only is a set. Any other list (not written
// out, or holding more than literals) stays on the VM.
func fastIn(xn, listn ast.Node, slot func(string) int, maxBytes int64, call Func) (program.FastFn, bool) {
	arr, ok := listn.(*ast.ArrayNode)
	if !ok {
		return nil, false
	}
	list := make([]any, len(arr.Nodes))
	strs := map[string]bool{}
	for i, n := range arr.Nodes {
		v, ok := literal(n)
		if !ok {
			return nil, false
		}
		list[i] = v
		if s, ok := v.(string); ok {
			strs[s] = true
		}
	}
	x, ok := BuildFast(xn, slot, maxBytes, call)
	if !ok {
		return nil, false
	}
	onlyStrings := countStrings(list) == len(list)
	return func(rec value.Record) (any, error) {
		v, err := x(rec)
		if err != nil || v == nil {
			return nil, err
		}
		if s, ok := v.(string); ok && onlyStrings {
			return strs[s], nil
		}
		for _, e := range list {
			if value.Equal(e, v) {
				return true, nil
			}
		}
		return false, nil
	}, true
}

func countStrings(list []any) int {
	n := 0
	for _, e := range list {
		if _, ok := e.(string); ok {
			n++
		}
	}
	return n
}

// literal returns the value of a literal element of a list: a string,
// number, bool or nil as written, or a negated number.
func literal(n ast.Node) (any, bool) {
	switch lit := n.(type) {
	case *ast.StringNode:
		return lit.Value, true
	case *ast.IntegerNode:
		return value.Normalize(lit.Value), true
	case *ast.FloatNode:
		return value.Normalize(lit.Value), true
	case *ast.BoolNode:
		return lit.Value, true
	case *ast.NilNode:
		return nil, true
	case *ast.ConstantNode: // a number the checker made exact
		return value.Normalize(lit.Value), true
	case *ast.UnaryNode:
		if lit.Operator == "-" {
			return negated(lit.Node)
		}
	case *ast.CallNode:
		if id, ok := lit.Callee.(*ast.IdentifierNode); ok && id.Value == "__neg" && len(lit.Arguments) == 1 {
			return negated(lit.Arguments[0])
		}
	}
	return nil, false
}

// negated returns the negation of a literal number.
func negated(n ast.Node) (any, bool) {
	v, ok := literal(n)
	if !ok || v == nil {
		return nil, false
	}
	neg, err := value.Neg(v)
	return neg, err == nil
}
