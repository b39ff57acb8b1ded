package interp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp/internal/fixture"
)

// Issue 15 item 12: a script confined to Options.FS reads only the
// database its source names. SQLite's ATTACH (and VACUUM INTO, which
// attaches) would open any path on the host, creating a missing one;
// PRAGMA database_list shows where the database is. Every statement but a
// read of the opened database is refused, at compile time and at run time.
func TestSQLiteQueryConfined(t *testing.T) {
	t.Parallel() // its own data and programs
	dir := fixture.SQLite(t, "CREATE TABLE t (k TEXT, v INTEGER)", "INSERT INTO t VALUES ('a', 1), ('b', 2)")
	outside := fixture.SQLite(t, "CREATE TABLE secret (pw TEXT)", "INSERT INTO secret VALUES ('hunter2')")
	other := filepath.Join(outside, "s.db")
	missing := filepath.Join(outside, "created.db")
	for _, q := range []string{
		"ATTACH '" + other + "' AS o; SELECT pw FROM o.secret",
		"SELECT k FROM t; ATTACH '" + missing + "' AS m",
		"ATTACH '" + missing + "' AS m",
		"VACUUM INTO '" + missing + "'",
		"SELECT file FROM pragma_database_list",
		"SELECT count(*) FROM pragma_database_list()",
		"SELECT * FROM PRAGMA_Compile_Options",
		"PRAGMA database_list",
		"SELECT k FROM t; PRAGMA query_only = 0",
		"SELECT k FROM t; CREATE TEMP TABLE x (a)",
		"SELECT k FROM t; DETACH temp",
		"SELECT name FROM temp.sqlite_master",
	} {
		for _, opts := range []*Options{{FS: os.DirFS(dir)}, {FS: os.DirFS(dir), Dir: dir}} {
			script := "source sqlite(\"s.db\", query: `" + q + "`)\nsummary { n: COUNT() }\n"
			// Refused by Compile, as the query is prepared: a pragma's
			// table-valued function too, whose pragma runs only as the
			// statement steps (it used to pass Compile and fail the run
			// after four retries).
			_, err := Compile(context.Background(), "t.rpt", []byte(script), opts)
			require.Error(t, err, q)
			require.True(t, strings.HasPrefix(err.Error(), "t.rpt:1:8: "), err.Error())
			require.NotContains(t, err.Error(), outside, q)
			require.Contains(t, err.Error(), "not allowed", q)
			_, statErr := os.Stat(missing)
			require.True(t, os.IsNotExist(statErr), "%s created %s", q, missing)
		}
	}
}

// Issue 15 item 12: Compile prepares a query to learn its columns and
// never runs it (a script could otherwise learn a bit of data from whether
// Compile fails, and a slow query would make Compile slow). The query
// below prepares but fails as it runs.
func TestSQLiteQueryNotRunAtCompile(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE TABLE t (k TEXT, v INTEGER)", "INSERT INTO t VALUES ('a', 1)")
	script := "source sqlite(\"s.db\", query: `SELECT k, abs(-9223372036854775807 - v) AS x FROM t`)\nsummary { n: COUNT() }\n"
	prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
	require.NoError(t, err)
	_, err = prog.Run(context.Background(), &RunConfig{Output: &bytes.Buffer{}, Format: "csv"})
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "integer overflow"), err.Error())
}
