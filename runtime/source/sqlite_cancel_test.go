package source

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	msqlite "modernc.org/sqlite"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// started is called by the SQL function reportsh_started(), which tests
// put where a statement starts the work that never ends.
var started struct {
	mu sync.Mutex
	f  func()
}

func init() {
	// Registered before any test opens a connection.
	readDriver.MustRegisterScalarFunction("reportsh_started", 0, func(*msqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		started.mu.Lock()
		f := started.f
		started.mu.Unlock()
		if f != nil {
			f()
		}
		return int64(0), nil
	})
}

// onStarted makes reportsh_started() call f once, for the test's duration.
func onStarted(t *testing.T, f func()) {
	var once sync.Once
	started.mu.Lock()
	started.f = func() { once.Do(f) }
	started.mu.Unlock()
	t.Cleanup(func() {
		started.mu.Lock()
		started.f = nil
		started.mu.Unlock()
	})
}

// endless counts up for ever; rows for which the condition holds are
// returned (x is the count).
func endless(cond string) string {
	return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE " + cond
}

// Issue 15 item 14: a statement that computes a row for ever ends when the
// fetch's context does, whether it is computing the first row (the
// driver's own interrupt) or a later one (database/sql's rows.Next, which
// the driver does not interrupt: a run ignored Ctrl-C, --stall-timeout and
// RunConfig.Timeout for minutes). The context is cancelled from inside the
// statement, once it is under way.
func TestSQLiteInterruptsRows(t *testing.T) {
	path := salesDB(t, 3)
	for _, tc := range []struct{ name, query string }{
		{"first row", endless("(x = 1 AND reportsh_started()) OR x < 0")},
		{"second row", endless("x = 1 OR (x = 2 AND reportsh_started()) OR x < 0")},
		{"ordered", endless("x = 1 OR (x = 2 AND reportsh_started()) OR x < 0")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := SQLiteConfig{Query: tc.query}
			if tc.name == "ordered" {
				cfg.OrderBy = []string{"x"} // sorted: every row is computed before the first
			}
			s := openSQLite(t, path, cfg)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			onStarted(t, cancel)
			_, err := s.Fetch(ctx, stream.Position{}, 1)
			require.ErrorIs(t, err, context.Canceled)
			// The source is usable again: the next fetch runs the
			// statement afresh.
			ctx2, cancel2 := context.WithCancel(context.Background())
			defer cancel2()
			onStarted(t, cancel2)
			_, err = s.Fetch(ctx2, stream.Position{}, 1)
			require.ErrorIs(t, err, context.Canceled)
		})
	}
}

// Issue 15 item 14: the statements of the aggregation push-down
// (SQLite.QueryContext) end with their context as well.
func TestSQLiteQueryContextInterrupts(t *testing.T) {
	s := openSQLite(t, salesDB(t, 3), SQLiteConfig{Table: "sales"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	onStarted(t, cancel)
	rows, err := s.QueryContext(ctx, endless("x = 1 OR (x = 2 AND reportsh_started()) OR x < 0"))
	require.NoError(t, err)
	require.True(t, rows.Next())
	require.False(t, rows.Next())
	require.Error(t, rows.Err())
	require.NoError(t, rows.Close())
	// The connection went back to the pool uninterrupted.
	rows, err = s.QueryContext(context.Background(), "SELECT COUNT(*) FROM sales")
	require.NoError(t, err)
	require.True(t, rows.Next())
	require.NoError(t, rows.Close())
}

// Issue 15 item 14: the handle the interrupter needs is where the driver
// keeps it (a new version of modernc.org/sqlite that moved it would leave
// rows uninterruptible).
func TestSQLiteHandle(t *testing.T) {
	s := openSQLite(t, salesDB(t, 1), SQLiteConfig{Table: "sales"})
	conn, err := s.db.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	require.NotZero(t, newInterrupter(conn).handle)
	require.Zero(t, sqliteHandle(struct{ db uintptr }{1}))
	require.Zero(t, sqliteHandle(nil))
}

// Issue 15 item 14: opening a query source prepares it and never runs it,
// so a query that never returns a row opens at once; its first fetch ends
// with the context.
func TestSQLiteQueryOpensWithoutRunning(t *testing.T) {
	path := salesDB(t, 3)
	s, err := OpenSQLiteContext(context.Background(), path, SQLiteConfig{Query: endless("x < 0 OR reportsh_started() > 0")})
	require.NoError(t, err)
	defer s.Close()
	require.Equal(t, "x:any", kinds(s.Schema()))
	ctx, cancel := context.WithCancel(context.Background())
	onStarted(t, cancel)
	_, err = s.Fetch(ctx, stream.Position{}, 10)
	require.ErrorIs(t, err, context.Canceled)

	// A context that has ended ends the opening.
	done, stop := context.WithCancel(context.Background())
	stop()
	_, err = OpenSQLiteContext(done, path, SQLiteConfig{Table: "sales"})
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	_ = value.KindAny
}
