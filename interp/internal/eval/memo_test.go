package eval

import (
	"errors"
	"fmt"
	"testing"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A call whose arguments are literals but one date remembers its values by
// date: dates that share a slot of the table, values of other kinds and
// errors are computed every time, and give what an unremembered call gives.
func TestMemoDateCall(t *testing.T) {
	calls := 0
	fn := func(args ...any) (any, error) {
		calls++
		switch d := args[0].(type) {
		case value.Date:
			if d < 0 {
				return nil, errors.New("before 1970")
			}
			return fmt.Sprintf("%s/%v", d, args[1]), nil
		default:
			return fmt.Sprintf("%v/%v", d, args[1]), nil
		}
	}
	call := func(name string) (func(args ...any) (any, error), bool) { return fn, name == "f" }
	slot := func(name string) int {
		if name == "d" {
			return 0
		}
		return -1
	}
	tree, err := parser.Parse(`f(d, "x")`)
	require.NoError(t, err)
	fast, ok := BuildFast(tree.Node, slot, 1<<20, call)
	require.True(t, ok)

	for _, tc := range []struct {
		in    any
		want  any
		calls int // calls of fn so far
	}{
		{value.Date(10), "1970-01-11/x", 1},
		{value.Date(10), "1970-01-11/x", 1},             // remembered
		{value.Date(10 + memoDates), "1981-03-30/x", 2}, // the same slot, another date
		{value.Date(10), "1970-01-11/x", 3},
		{"text", "text/x", 4},
		{"text", "text/x", 5}, // not a date: not remembered
	} {
		got, err := fast(value.Record{tc.in})
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%v", tc.in)
		assert.Equal(t, tc.calls, calls, "%v", tc.in)
	}
	for i := 0; i < 2; i++ {
		_, err := fast(value.Record{value.Date(-5)})
		assert.ErrorContains(t, err, "before 1970")
	}
	assert.Equal(t, 7, calls, "an error is not remembered")

	// Only a call with one argument that is not a literal has a table.
	for text, want := range map[string]bool{`f(d, "x")`: true, `f("x", d)`: true, `f(d, d)`: false, `f("x")`: false, `f(d, 1, 2.5, true, nil)`: true} {
		tree, err = parser.Parse(text)
		require.NoError(t, err)
		_, ok = oneVarying(tree.Node.(*ast.CallNode).Arguments)
		assert.Equal(t, want, ok, text)
	}
}
