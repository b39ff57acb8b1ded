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

// Issue 15 items 18 and 23: records past the record limit (one that is one
// long line, one whose unterminated quote runs over many lines, the last
// with no end before the end of the file) are reported and skipped alike by
// the pipeline and the scanner, whatever the workers, the ranges and the
// chunk size.
func TestTooLongRecordsSameForEveryStrategy(t *testing.T) {
	t.Parallel() // its own data and programs
	var rows []string
	for i := range 400 {
		switch i {
		case 100:
			rows = append(rows, "a,"+strings.Repeat("9", 100)+",1")
		case 200:
			rows = append(rows, `b,"1`)
		}
		rows = append(rows, fmt.Sprintf("%c,%d.5,%d", 'a'+i%3, i, i%7))
	}
	dir := fixture.CSV(t, "k,x,n", rows...)
	tune := plan.DefaultTuning()
	tune.MinRange, tune.RangeJudge = 1, 4
	for _, script := range []string{
		`source csv("t.csv") { x: decimal }
group k { footer { k, c: COUNT(), s: SUM(x * n), hi: MAX(x) } }`,
		`source csv("t.csv") { x: decimal }
summary { c: COUNT(), s: SUM(x) }`,
	} {
		prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir, MaxRecordBytes: 64})
		require.NoError(t, err)
		prog.tune = tune
		res := sameOutputProg(t, prog, RunConfig{OnError: OnErrorSkip}, RunConfig{OnError: OnErrorSkip, Workers: 2, ChunkSize: 3},
			RunConfig{OnError: OnErrorSkip, Workers: 2, ChunkSize: 1000})
		require.Equal(t, int64(2), res.Totals.Skipped)
		require.Equal(t, StrategyScan, res.Strategy, ran(res))
		for _, rc := range []RunConfig{{}, {Workers: 2, ChunkSize: 3}, {Strategy: StrategyPipeline}} {
			_, err := prog.Run(context.Background(), &rc)
			require.ErrorContains(t, err, "t.csv:102: record longer than 64 bytes")
		}
	}
}
