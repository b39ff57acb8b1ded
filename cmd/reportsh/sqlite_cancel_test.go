package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// Issue 15 item 14: --stall-timeout (and so Ctrl-C, which cancels the same
// way) ends a run whose SQLite query computes for ever; `check` of such a
// script returns at once (the query is prepared, not run).
func TestStallTimeoutEndsSQLiteQuery(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (k TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	script := writeScript(t, dir, "slow.rpt", "source sqlite(\"s.db\", query: `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0`)\nsummary { n: COUNT() }\n")
	if code, _, stderr := runCLI(t, "check", script); code != 0 {
		t.Fatalf("check: exit %d: %s", code, stderr)
	}
	code, _, stderr := runCLI(t, "run", "--stall-timeout", "20ms", script)
	if code == 0 || !strings.Contains(stderr, "stall") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
