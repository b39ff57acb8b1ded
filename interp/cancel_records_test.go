package interp

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp/internal/fixture"
)

// Issue 15 item 15: a run saw its context end only between batches of
// 1,000 records, so a slow per-record expression kept it going (a 1 s
// Timeout returned after 11.4 s). The context is now looked at before
// every record a stage transforms and every row a band writes: once it
// ends, at most a record per worker is still evaluated. slow cancels the
// run's context on its first call (the event) and counts the calls after.
func TestCancelSeenPerRecord(t *testing.T) {
	rows := make([]string, 3000)
	for i := range rows {
		rows[i] = fmt.Sprintf("k%04d,%d", i, i)
	}
	dir := fixture.CSV(t, "k,v", rows...)
	for _, tc := range []struct{ name, script string }{
		{"let", "let y = slow(v)\nsummary { s: SUM(y) }\n"},
		{"where", "where slow(v) >= 0\nsummary { n: COUNT() }\n"},
		{"detail", "detail { k, y: slow(v) }\n"},
		{"footers", "group k {\n  footer { k, y: slow(MIN(v)) }\n}\n"},
		{"sorted detail", "group k {\n  footer { k, n: COUNT() }\n}\ndetail { y: slow(v) }\n"},
	} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, workers), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var calls, after atomic.Int64
				slow := func(v int64) int64 {
					if calls.Add(1) == 1 {
						cancel()
					} else if ctx.Err() != nil {
						after.Add(1)
					}
					return v
				}
				prog, err := Compile(context.Background(), "t.rpt", []byte("source csv(\"t.csv\")\n"+tc.script),
					&Options{Dir: dir, Functions: map[string]any{"slow": slow}})
				require.NoError(t, err)
				_, err = prog.Run(ctx, &RunConfig{Output: &bytes.Buffer{}, Format: "csv", Workers: workers, Strategy: StrategyPipeline})
				require.ErrorIs(t, err, context.Canceled)
				require.LessOrEqual(t, after.Load(), int64(2*workers), "records evaluated after the context ended")
			})
		}
	}
}
