package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/interp/internal/plan"
)

// Issue 15 item 10 (a sibling, on_error fail): the scanner reads ranges of
// the file at once, and a later range may meet its bad record first; the
// parallel strategy's workers meet errors after the pipeline has moved on.
// The run still fails with the first error of the file, under every
// strategy, whatever the workers (so the ranges) and the chunk size.
func TestFirstErrorAcrossRanges(t *testing.T) {
	t.Parallel() // its own data and programs
	var rows []string
	for i := range 400 {
		switch i {
		case 150, 390:
			rows = append(rows, fmt.Sprintf("%c,x%d,1", 'a'+i%3, i))
		default:
			rows = append(rows, fmt.Sprintf("%c,%d,%d", 'a'+i%3, i, i%7))
		}
	}
	dir := fixture.CSV(t, "k,x,n", rows...)
	tune := plan.DefaultTuning()
	tune.MinRange, tune.RangeJudge = 1, 4
	const bad = `t.csv:152: column "x": invalid int "x150"`
	for _, tc := range []struct{ script, want string }{
		{"group k { footer { k, c: COUNT(), s: SUM(x) } }", bad},
		{"summary { c: COUNT(), s: SUM(x) }", bad},
		{"let r = 100 / (x - 200)\ngroup k { group n { footer { n, s: SUM(r) } } }", bad},
		{"let r = 100 / (x - 100)\ngroup k { group n { footer { n, s: SUM(r) } } }", "t.rpt:2:13: record 101: let r: division by zero"},
		{"group k { group n { footer { n, s: SUM(n == 3 ? k : x) } } }", `t.rpt:2:36: SUM(n == 3 ? k : x): SUM of string value "a" is not allowed (SUM takes int, decimal or float)`},
	} {
		prog, err := Compile(context.Background(), "t.rpt", []byte("source csv(\"t.csv\") { x: int }\n"+tc.script), &Options{Dir: dir})
		require.NoError(t, err)
		prog.tune = tune
		ran := map[Strategy]int{}
		for _, s := range Strategies {
			for _, w := range []int{1, 2, 3} {
				for _, c := range []int{1, 7, 1000} {
					res, err := prog.Run(context.Background(), &RunConfig{Strategy: s, Workers: w, ChunkSize: c})
					if _, ok := err.(*StrategyError); ok {
						continue
					}
					ran[s]++
					require.EqualError(t, err, tc.want, "%s, %d workers, chunks of %d", s, w, c)
					if s == StrategyScan {
						// The scanner falls back naming the first bad record.
						require.True(t, strings.HasPrefix(res.FellBack, "scan: a bad record ("+bad+")"), res.FellBack)
					}
				}
			}
		}
		t.Logf("%s: runs per strategy %v", tc.script, ran)
	}
}
