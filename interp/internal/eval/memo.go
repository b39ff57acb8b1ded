package eval

import (
	"sync/atomic"

	"github.com/expr-lang/expr/ast"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// A call of a built-in function whose arguments are literals but one, a
// date (format_date(sale_date, "%Y-%m"), year(d), …), computes the same
// value for the same date: the values of the last dates met are kept, so
// a report of millions of records over a few thousand days computes (and
// allocates) each key a few thousand times. Built-in functions are pure;
// a host's functions are never called on the fast path.

// memoDates is the number of dates a call site remembers (one per slot of
// a direct-mapped table: day number modulo memoDates). Ten years of days
// fit.
const memoDates = 4096

// dateMemo is a date and the call's value for it.
type dateMemo struct {
	d value.Date
	v any
}

// oneVarying returns the index of the only argument that is not a literal.
func oneVarying(args []ast.Node) (int, bool) {
	vary := -1
	for i, a := range args {
		switch a.(type) {
		case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode, *ast.ConstantNode:
			continue
		}
		if vary >= 0 {
			return 0, false
		}
		vary = i
	}
	return vary, vary >= 0
}

// memoDateCall is fastCall for a call whose argument vary is its only one
// that is not a literal (evaluated once, before the literals, which cannot
// fail): when it is a date, the value is remembered. The
// table is shared by every run of the program (the function is pure), so
// its slots are swapped atomically; an error is never remembered.
func memoDateCall(fn func(args ...any) (any, error), args []program.FastFn, vary, from int) program.FastFn {
	table := make([]atomic.Pointer[dateMemo], memoDates)
	callWith := func(rec value.Record, v any) (any, error) {
		vals := make([]any, len(args))
		for i, a := range args {
			if i == vary {
				vals[i] = v
				continue
			}
			lit, err := a(rec) // a literal: no error
			if err != nil {
				return nil, err
			}
			vals[i] = lit
		}
		out, err := fn(vals...)
		if err != nil {
			return nil, &fastError{from, err}
		}
		return out, nil
	}
	return func(rec value.Record) (any, error) {
		v, err := args[vary](rec)
		if err != nil {
			return nil, err
		}
		d, ok := v.(value.Date)
		if !ok {
			return callWith(rec, v)
		}
		slot := &table[uint32(d)%memoDates]
		if m := slot.Load(); m != nil && m.d == d {
			return m.v, nil
		}
		out, err := callWith(rec, v)
		if err == nil {
			slot.Store(&dateMemo{d: d, v: out})
		}
		return out, err
	}
}
