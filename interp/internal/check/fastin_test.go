package check

import (
	"errors"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/stretchr/testify/require"
)

// x in [literals…] runs on the fast path and gives what the VM gives, for
// every field of every kind and every value of the fuzz's records: nil for
// a nil x, a set of strings, lists of numbers, mixed lists, nil elements,
// repeated elements.
func TestFastInAgreesWithVM(t *testing.T) {
	fields := fzFields()
	funcs, names, slots, slotNames, slotOf := fzEnv(fields)
	lists := []string{`["abc", "x", "abc"]`, `["ABC"]`, `[1, 2, 7]`, `[0, -1, 10.0]`, `[2.5, 1.5, 0.1]`, `["abc", 7, nil]`,
		`[nil]`, `[true]`, `[false, "x"]`, `["2024-03-01"]`, `[9223372036854775807, 1e18]`}
	base := lexer.Position{Filename: "f.rpt", Line: 3, Column: 9, Offset: 30}
	ran := 0
	for _, fd := range fields {
		for _, list := range lists {
			text := fd.name + " in " + list
			var errs grammar.ErrorList
			c := &exprCompiler{errs: &errs, funcs: funcs}
			e := c.compile(text, base, &scope{what: "let", names: names, aggs: aggForbidden})
			if e == nil {
				continue // the checker refuses the comparison
			}
			fast, ok := eval.BuildFast(e.Node, slotOf, fzMaxBytes, funcs.fastCall)
			require.True(t, ok, "%s: not on the fast path", text)
			for _, v := range fd.vals {
				rec := make(value.Record, len(fields))
				for i, f := range fields {
					rec[i] = f.vals[0]
				}
				rec[slotOf(fd.name)] = v
				ev := &eval.Evaluator{Env: map[string]any{}, Names: slotNames, Load: slots}
				ev.LoadRecord(rec)
				want, werr := ev.Eval(e, "let x")
				got, gerr := fast(rec)
				require.Equal(t, werr == nil, gerr == nil, "%s over %v: fast %v, VM %v", text, v, gerr, werr)
				var ee *eval.Error
				if werr != nil && !errors.As(werr, &ee) {
					t.Fatalf("%s: %v", text, werr)
				}
				require.True(t, fzSame(got, want), "%s over %s %v: fast %v, VM %v", text, value.KindOf(v), value.String(v), got, want)
				ran++
			}
		}
	}
	require.Greater(t, ran, 200)
}
