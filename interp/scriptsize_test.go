package interp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// Issue 15 item 17: Options.MaxScriptSize bounds the script Compile takes
// (checking time grows with it), with a default; a longer script is a
// *LimitError positioned at the first byte past the limit.
func TestMaxScriptSize(t *testing.T) {
	fsys := fstest.MapFS{"s.csv": {Data: []byte(smallCSV)}}
	compile := func(src string, max int) error {
		_, err := Compile(context.Background(), "x.rpt", []byte(src), &Options{FS: fsys, MaxScriptSize: max})
		return err
	}
	script := "source csv(\"s.csv\")\nsummary { n: COUNT() }\n" // 43 bytes
	require.NoError(t, compile(script, len(script)))

	err := compile(script, 30)
	var le *LimitError
	require.True(t, errors.As(err, &le), "%v", err)
	require.Equal(t, int64(len(script)), le.Value)
	require.Equal(t, int64(30), le.Max)
	require.Equal(t, "x.rpt:2:11", le.Where) // byte 30 is line 2, column 11
	require.Equal(t, "x.rpt:2:11: max script size in bytes exceeded (43 > 30)", err.Error())

	// The default limit applies to the zero Options; a negative one lifts it.
	big := script + "# " + strings.Repeat("x", DefaultMaxScriptSize) + "\n"
	err = compile(big, 0)
	require.True(t, errors.As(err, &le), "%v", err)
	require.Equal(t, int64(DefaultMaxScriptSize), le.Max)
	require.NoError(t, compile(big, -1))
}

// Issue 15 item 17 (a sibling, in planning): the scanner and the SQLite
// push-down inline lets into each expression that uses them, so a chain of
// lets each using the one before twice doubled the text at every step (30
// of them ran the host out of memory). An expression too long to inline
// stays off those strategies, and the report is still right.
func TestDoublingLetsAreNotInlined(t *testing.T) {
	var b strings.Builder
	b.WriteString("source csv(\"s.csv\") { amount: decimal }\nlet x0 = amount\n")
	const n = 20
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "let x%d = x%d + x%d\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "summary { s: SUM(x%d) }\n", n)
	out, res := mustRun(t, b.String(), map[string]string{"s.csv": smallCSV}, nil)
	require.Equal(t, "band,level,s\nsummary,,121362186.24\n", out) // 115.74 * 2^20
	require.NotEqual(t, StrategyScan, res.Strategy)

	p, err := compileFS(t, b.String(), map[string]string{"s.csv": smallCSV})
	require.NoError(t, err)
	pl, err := p.Explain(context.Background(), nil)
	require.NoError(t, err)
	require.Contains(t, fmt.Sprint(pl.Strategy.Declined), "too long")
}
