package interp

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/runtime/stream"
)

// endlessQuery never returns a row: it counts up for ever.
const endlessQuery = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0"

// Issue 15 item 14: a slow SQLite query made Compile (and so `check`) and
// Explain take as long as the query, and a run ignored its context and
// RunConfig.Timeout while SQLite computed. Compile and Explain only
// prepare the query; a run ends with its context.
func TestSQLiteSlowQueryCancels(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE TABLE t (k TEXT)")
	script := "source sqlite(\"s.db\", query: `" + endlessQuery + "`)\nsummary { n: COUNT() }\n"
	prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
	require.NoError(t, err)
	_, err = prog.Explain(context.Background(), nil)
	require.NoError(t, err)

	for _, st := range []Strategy{StrategyAuto, StrategyPipeline} {
		// Cancelled once the pipeline runs: the fetch is then under way,
		// or about to be.
		ctx, cancel := context.WithCancel(context.Background())
		obs := stream.ObserverFunc(func(ev stream.Event) {
			if _, ok := ev.(stream.PipelineStarted); ok {
				cancel()
			}
		})
		_, err = prog.Run(ctx, &RunConfig{Output: &bytes.Buffer{}, Format: "csv", Observer: obs, Strategy: st, Workers: 2})
		require.ErrorIs(t, err, context.Canceled, "strategy %s", st)
		cancel()
	}
	// The deadline of RunConfig.Timeout ends the run the same way.
	_, err = prog.Run(context.Background(), &RunConfig{Output: &bytes.Buffer{}, Format: "csv", Timeout: time.Millisecond})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// Issue 15 item 14: Compile reads a few rows of a table to infer the types
// of undeclared columns; over a view that computes for ever, the deadline
// of Compile's context ends it with the context's error.
func TestSQLiteCompileCancels(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE VIEW v AS "+endlessQuery)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	_, err := Compile(ctx, "t.rpt", []byte("source sqlite(\"s.db\", table: \"v\")\nsummary { n: COUNT() }\n"), &Options{Dir: dir})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}
