package check

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/input"
)

const linearCSV = "id,territory,amount\n1,East,2.5\n2,West,4\n"

// scriptShapes make scripts of n repeated parts, each of a shape that once
// made checking quadratic.
var scriptShapes = map[string]func(n int) string{
	"lets": func(n int) string { // every let's environment held every name before it
		var b strings.Builder
		b.WriteString("let x0 = amount\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "let x%d = x%d + 1\n", i, i-1)
		}
		return b.String() + "summary { n: COUNT() }\n"
	},
	// Each part's position was counted from the band's start: time, not
	// allocations, so TestCheckBigScripts and BenchmarkCheckTemplate show it.
	"template": func(n int) string {
		return "summary `" + strings.Repeat("{COUNT()} ", n) + "`\n"
	},
	"params and groups": func(n int) string { // each band copied every param
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "param p%d: int = %d\n", i, i)
		}
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "group amount + p%d as g%d { footer { g%d, n: COUNT() } }\n", i, i, i)
		}
		return b.String()
	},
	"errors": func(n int) string { // each error sorted and weighed every name
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "let x%d = y%d + 1\n", i, i)
		}
		return b.String()
	},
	"aggregates in one expression": func(n int) string { // each aggregate's position counted from the start
		return "summary { x: 0" + strings.Repeat(" + SUM(amount) + 1.5", n) + " }\n"
	},
}

func compileShape(t testing.TB, body string) error {
	t.Helper()
	in := &input.Opener{FS: fstest.MapFS{"s.csv": {Data: []byte(linearCSV)}}}
	src := "source csv(\"s.csv\")\n" + body
	_, err := Compile(context.Background(), "big.rpt", []byte(src), Config{}, in)
	return err
}

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Issue 15 item 17: checking a script takes time linear in its size. The
// work is measured as bytes allocated (not time) at sizes n, 2n and 4n:
// linear work grows by the same step each time the size doubles (after the
// fixed cost), quadratic work by four times the step.
func TestCheckWorkIsLinear(t *testing.T) {
	const n = 100
	for name, shape := range scriptShapes {
		t.Run(name, func(t *testing.T) {
			var work [3]uint64
			for i, size := range []int{n, 2 * n, 4 * n} {
				body := shape(size)
				work[i] = allocated(func() { _ = compileShape(t, body) })
			}
			step1, step2 := float64(work[1]-work[0]), float64(work[2]-work[1])
			t.Logf("bytes allocated at sizes %d, %d, %d: %v", n, 2*n, 4*n, work)
			require.Less(t, step2, 3*step1, "work %v: doubling the script more than doubles the extra work", work)
		})
	}
}

// Issue 15 item 17: a script of 20,000 lets (about 400 KB) and a text band
// of 20,000 aggregates check in one pass each: smoke tests (no timing is
// asserted) of shapes that took minutes when checking was quadratic.
func TestCheckBigScripts(t *testing.T) {
	n := 20000
	if raceEnabled {
		n = 2000
	}
	require.NoError(t, compileShape(t, scriptShapes["lets"](n)))
	require.NoError(t, compileShape(t, scriptShapes["template"](n)))
}

// BenchmarkCheckLets measures checking a script of 5,000 lets.
func BenchmarkCheckLets(b *testing.B) {
	body := scriptShapes["lets"](5000)
	for b.Loop() {
		if err := compileShape(b, body); err != nil {
			b.Fatal(err)
		}
	}
}

// Issue 15 item 17: past maxErrors errors checking stops, saying so.
func TestCheckStopsAfterTooManyErrors(t *testing.T) {
	err := compileShape(t, scriptShapes["errors"](3*maxErrors))
	var list grammar.ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list, maxErrors+1)
	require.Equal(t, "big.rpt:102:12: too many errors (100): checking stops here", list[maxErrors].Error())
}

// Issue 15 item 17: suggestions weigh names of similar length only, and
// none for a name too long to weigh cheaply (the edit distance is quadratic
// in the names' length: two 20,000-character names took a second).
func TestSuggestBounded(t *testing.T) {
	require.Equal(t, ` (did you mean "amount"?)`, suggest("amout", []string{"id", "amount", "a_much_longer_name"}))
	long := strings.Repeat("a", maxSuggested+1)
	require.Empty(t, suggest(long+"b", []string{long + "c"}))
}

// BenchmarkCheckTemplate measures checking a text band of 5,000 aggregates.
func BenchmarkCheckTemplate(b *testing.B) {
	body := scriptShapes["template"](5000)
	for b.Loop() {
		if err := compileShape(b, body); err != nil {
			b.Fatal(err)
		}
	}
}
