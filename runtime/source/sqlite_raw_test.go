package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRawConn reads every storage class through a raw connection, with
// bound arguments, a statement run twice, and its errors.
func TestRawConn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%d") // the URI escapes these
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := makeDB(t, dir, "t.db", "CREATE TABLE t (i INTEGER, f REAL, s TEXT, b BLOB, n)",
		"INSERT INTO t VALUES (7, 1.5, 'héllo', x'00ff', NULL), (-3, -0.25, '', x'', NULL)")
	s := openSQLite(t, path, SQLiteConfig{Table: "t"})
	c, err := s.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const q = "SELECT i, f, s, b, n FROM t WHERE rowid >= ?1 AND rowid <= ?2 ORDER BY rowid"
	for round := 0; round < 2; round++ { // the second Query reuses the prepared statement
		rows, err := c.Query(context.Background(), q, 1, 2)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			i       int64
			f       float64
			s, b, n string
			null    bool
		}
		var got []row
		for rows.Next() {
			if rows.Type(0) != RawInt || rows.Type(1) != RawFloat || rows.Type(2) != RawText || rows.Type(3) != RawBlob || rows.Type(4) != RawNull {
				t.Errorf("types %d %d %d %d %d", rows.Type(0), rows.Type(1), rows.Type(2), rows.Type(3), rows.Type(4))
			}
			got = append(got, row{rows.Int64(0), rows.Float64(1), string(rows.Text(2)), string(rows.Blob(3)), string(rows.Text(4)), rows.Text(4) == nil})
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		want := []row{{7, 1.5, "héllo", "\x00\xff", "", true}, {-3, -0.25, "", "", "", true}}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("round %d: %+v, want %+v", round, got, want)
		}
	}
	rows, err := c.Query(context.Background(), q, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Query(context.Background(), q, 1, 1); !errors.Is(err, errRawBusy) {
		t.Errorf("a second Query while rows are open: %v", err)
	}
	if !rows.Next() || rows.Int64(0) != -3 || rows.Next() || rows.Next() {
		t.Error("one row, then the end, then the end again")
	}
	rows.Close()
	if _, err := c.Query(context.Background(), "SELECT nope FROM t"); err == nil || !strings.Contains(err.Error(), "no such column: nope") {
		t.Errorf("a bad statement: %v", err)
	}
	if _, err := c.Query(context.Background(), "SELECT i FROM t WHERE i = ?1", 1, 2); err == nil || !strings.Contains(err.Error(), "range") {
		t.Errorf("too many arguments: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	if err := c.Close(); err != nil {
		t.Error("a second Close:", err)
	}
}

// TestRawConnCancel: Next looks at the context every rawCheckRows rows.
func TestRawConnCancel(t *testing.T) {
	path := makeDB(t, t.TempDir(), "t.db", "CREATE TABLE t (x INT)")
	s := openSQLite(t, path, SQLiteConfig{Table: "t"})
	c, err := s.OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rows, err := c.Query(ctx, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) SELECT i FROM n", 3*rawCheckRows)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		if n++; n == 10 {
			cancel()
		}
	}
	if !errors.Is(rows.Err(), context.Canceled) || n != rawCheckRows-1 {
		t.Errorf("after %d rows: %v", n, rows.Err())
	}
	rows.Close()
	if rows.Next() {
		t.Error("Next after Close")
	}
}

// TestRawConnOpenError: a file that is not a database.
func TestRawConnOpenError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := openRaw(sqliteURI(path))
	if err == nil {
		// Opening is lazy in SQLite: the first statement finds out.
		defer c.Close()
		_, err = c.Query(context.Background(), "SELECT 1 FROM sqlite_master")
	}
	if err == nil || !strings.Contains(err.Error(), "not a database") {
		t.Errorf("got %v", err)
	}
	if _, err := openRaw("file:" + filepath.Join(t.TempDir(), "missing.db") + "?mode=ro"); err == nil {
		t.Error("a missing file opened")
	}
}
