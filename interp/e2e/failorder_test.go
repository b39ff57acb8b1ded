package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/runtime/value"
)

// failRow is one record of the data of TestFirstErrorInInputOrder: k, a,
// b and s as they are written (JSON values: a string quoted).
type failRow struct{ k, a, b, s string }

// failRows returns n records (k cycles through three keys, in order
// unless unsorted, a is the record's number, b 1, s "s") with bad[i]
// changing record i (1-based).
func failRows(n int, bad map[int]func(*failRow)) []failRow {
	rows := make([]failRow, n)
	for i := range rows {
		rows[i] = failRow{k: string(rune('a' + i*3/n)), a: fmt.Sprint(i + 1), b: "1", s: `"s"`}
		if f := bad[i+1]; f != nil {
			f(&rows[i])
		}
	}
	return rows
}

// writeFailData writes rows as f.csv, f.jsonl and f.db (table t, where
// text that is not a number stays text) into dir.
func writeFailData(t *testing.T, dir string, rows []failRow) {
	t.Helper()
	var csvData, jsonData bytes.Buffer
	csvData.WriteString("k,a,b,s\n")
	for _, r := range rows {
		fmt.Fprintf(&csvData, "%s,%s,%s,%s\n", r.k, strings.Trim(r.a, `"`), strings.Trim(r.b, `"`), strings.Trim(r.s, `"`))
		fmt.Fprintf(&jsonData, `{"k":%q,"a":%s,"b":%s,"s":%s}`+"\n", r.k, r.a, r.b, r.s)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f.csv"), csvData.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f.jsonl"), jsonData.Bytes(), 0o644))
	db, err := sql.Open("sqlite", filepath.Join(dir, "f.db"))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE t (k TEXT, a INTEGER, b INTEGER, s TEXT)`)
	require.NoError(t, err)
	tx, err := db.Begin()
	require.NoError(t, err)
	for _, r := range rows {
		val := func(s string) any {
			if strings.HasPrefix(s, `"`) {
				return strings.Trim(s, `"`)
			}
			var n int64
			if _, err := fmt.Sscan(s, &n); err == nil {
				return n
			}
			return s
		}
		_, err = tx.Exec(`INSERT INTO t VALUES (?, ?, ?, ?)`, r.k, val(r.a), val(r.b), val(r.s))
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
}

// sameErrorEveryWay runs script under every strategy that can run it, with
// 1 and 2 workers and chunks of 1, 7 and 1000 records, and requires each
// run to fail with want.
func sameErrorEveryWay(t *testing.T, dir, script, want string) {
	t.Helper()
	sameErrorEveryWayOpts(t, &interp.Options{Dir: dir}, script, want)
}

func sameErrorEveryWayOpts(t *testing.T, opts *interp.Options, script, want string) {
	t.Helper()
	p, err := interp.Compile(context.Background(), "t.rpt", []byte(script), opts)
	require.NoError(t, err)
	ran := map[interp.Strategy]int{}
	for _, s := range interp.Strategies {
		for _, w := range []int{1, 2} {
			for _, c := range []int{1, 7, 1000} {
				var out bytes.Buffer
				_, err := p.Run(context.Background(), &interp.RunConfig{Output: &out, Strategy: s, Workers: w, ChunkSize: c})
				var se *interp.StrategyError
				if errors.As(err, &se) {
					continue // the strategy cannot run this report
				}
				ran[s]++
				require.Error(t, err, "%s, %d workers, chunks of %d", s, w, c)
				require.Equal(t, want, err.Error(), "%s, %d workers, chunks of %d", s, w, c)
			}
		}
	}
	require.NotZero(t, ran[interp.StrategyPipeline])
	t.Logf("runs per strategy: %v", ran)
}

// Issue 15 item 10 (a sibling, on_error fail): the error a run reports is
// the first in input order, whatever the chunk size, workers and strategy:
// a source that meets a bad record hands out the good records before it
// first, the pipeline delivers a fetch's error after the records fetched
// before it went through the stage and the sink, and a stage's error after
// the records before it reached the sink.
func TestFirstErrorInInputOrder(t *testing.T) {
	divZero := func(r *failRow) { r.b = "0" }
	badInt := func(r *failRow) { r.a = `"x"` }
	outOfOrder := func(r *failRow) { r.k = "c" }
	sources := map[string]string{
		"csv":          `source csv("f.csv") { a: int, b: int }`,
		"jsonl":        `source jsonl("f.jsonl") { a: int, b: int }`,
		"sqlite-table": `source sqlite("f.db", table: "t") { a: int, b: int }`,
		"sqlite-query": `source sqlite("f.db", query: "SELECT k, a, b, s FROM t") { a: int, b: int }`,
	}
	// The bad data's error, per source.
	badAt := func(src string, rec int) string {
		switch src {
		case "csv":
			return fmt.Sprintf(`f.csv:%d: column "a": invalid int "x"`, rec+1)
		case "jsonl":
			return fmt.Sprintf(`f.jsonl:%d: column "a": invalid int "x"`, rec)
		case "sqlite-table":
			return fmt.Sprintf(`f.db:table t: rowid %d: column "a": invalid int "x"`, rec)
		}
		return fmt.Sprintf(`f.db:query: row %d: column "a": invalid int "x"`, rec)
	}
	cases := []struct {
		name   string
		bad    map[int]func(*failRow)
		body   string
		sorted bool
		want   func(src string) string
	}{{
		name: "division before bad data",
		bad:  map[int]func(*failRow){1: divZero, 250: badInt},
		body: "let r = a / b\nsummary { n: COUNT(), total: SUM(r) }\n",
		want: func(string) string { return "t.rpt:2:11: record 1: let r: division by zero" },
	}, {
		name: "bad data before division",
		bad:  map[int]func(*failRow){2: badInt, 300: divZero},
		body: "let r = a / b\nsummary { n: COUNT(), total: SUM(r) }\n",
		want: func(src string) string { return badAt(src, 2) },
	}, {
		name: "aggregate before division",
		bad:  map[int]func(*failRow){250: divZero},
		body: "let r = a / b\ngroup k { group b { footer { b, t: SUM(a == 3 ? s : r) } } }\n",
		want: func(string) string {
			return `t.rpt:3:36: SUM(a == 3 ? s : r): SUM of string value "s" is not allowed (SUM takes int, decimal or float)`
		},
	}, {
		name: "aggregate before bad data",
		bad:  map[int]func(*failRow){250: badInt},
		body: "group k { group b { footer { b, t: SUM(a == 3 ? s : a) } } }\n",
		want: func(string) string {
			return `t.rpt:2:36: SUM(a == 3 ? s : a): SUM of string value "s" is not allowed (SUM takes int, decimal or float)`
		},
	}, {
		name: "two bad records",
		bad:  map[int]func(*failRow){100: badInt, 300: badInt},
		body: "group k { group b { footer { b, t: SUM(a), n: COUNT() } } }\n",
		want: func(src string) string { return badAt(src, 100) },
	}, {
		name:   "unsorted before division",
		bad:    map[int]func(*failRow){5: outOfOrder, 7: divZero},
		body:   "let r = a / b\ngroup k { footer { k, t: SUM(r) } }\n",
		sorted: true,
		want: func(string) string {
			return `t.rpt:1:%d: sorted by: input is not sorted by the group keys: level "k": key "a" after "c"`
		},
	}}
	for _, c := range cases {
		dir := t.TempDir()
		writeFailData(t, dir, failRows(400, c.bad))
		for src, decl := range sources {
			if c.sorted && strings.HasPrefix(src, "sqlite") {
				continue // SQLite sorts the table by k itself
			}
			t.Run(c.name+"/"+src, func(t *testing.T) {
				t.Parallel() // its own data and program
				want := c.want(src)
				if c.sorted {
					decl += " sorted by k"
					want = fmt.Sprintf(want, len(decl)) // the error names the key
				}
				sameErrorEveryWay(t, dir, decl+"\n"+c.body, want)
			})
		}
	}
}

// Issue 15 item 10 (a sibling, on_error fail): a SQLite lookup whose
// table holds bad rows fails the run at the first record that meets one,
// whatever the chunk size (a chunk's lookup query finds the bad rows of
// all its records at once, in table order), and an error on an earlier
// record wins over it.
func TestLookupErrorInInputOrder(t *testing.T) {
	dir := t.TempDir()
	var data bytes.Buffer
	data.WriteString("a,b,id\n")
	for i := 1; i <= 400; i++ {
		id, b := i, 1
		switch i {
		case 50:
			id = 300 // a bad row, met first
		case 200:
			id = 100 // a bad row earlier in the table, met later
		case 300:
			id = 50
		case 100:
			id = 200
		case 30:
			b = 0 // with the division
		}
		fmt.Fprintf(&data, "%d,%d,%d\n", i, b, id)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f.csv"), data.Bytes(), 0o644))
	db, err := sql.Open("sqlite", filepath.Join(dir, "c.db"))
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE c (id INTEGER PRIMARY KEY, v INTEGER)`)
	require.NoError(t, err)
	// One transaction: a commit (and its journal's syncs) per row made
	// filling the table most of the test's time under -race.
	tx, err := db.Begin()
	require.NoError(t, err)
	for i := 1; i <= 400; i++ {
		var v any = i
		if i == 100 || i == 300 {
			v = fmt.Sprintf("x%d", i)
		}
		_, err = tx.Exec(`INSERT INTO c VALUES (?, ?)`, i, v)
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())
	const head = "source csv(\"f.csv\") { a: int, b: int, id: int }\nlookup c = sqlite(\"c.db\", table: \"c\") on id == id\n"
	sameErrorEveryWay(t, dir, head+"summary { n: COUNT(), s: SUM(c.v) }\n", `c.db:table c: rowid 300: column "v": invalid int "x300"`)
	sameErrorEveryWay(t, dir, head+"let r = a / b\nsummary { n: COUNT(), s: SUM(c.v + r) }\n", "t.rpt:3:11: record 30: let r: division by zero")
}

// Issue 15 item 10 (a sibling, on_error fail): a Go source whose sequence
// fails after good records fails the run after them: an error on an
// earlier record wins, whatever the chunk size.
func TestGoSourceErrorInInputOrder(t *testing.T) {
	schema := &value.Schema{Fields: []value.Field{{Name: "a", Kind: value.KindInt}, {Name: "b", Kind: value.KindInt}}}
	src := interp.SourceFunc(schema, func(context.Context, map[string]any) iter.Seq2[value.Record, error] {
		return func(yield func(value.Record, error) bool) {
			for i := 1; i <= 400; i++ {
				b := 1
				if i == 30 {
					b = 0
				}
				if i == 250 {
					yield(nil, errors.New("sensor offline"))
					return
				}
				if !yield(value.Record{i, b}, nil) {
					return
				}
			}
		}
	})
	opts := &interp.Options{Sources: map[string]interp.Source{"g": src}}
	sameErrorEveryWayOpts(t, opts, "source go(\"g\")\nsummary { n: COUNT(), s: SUM(a) }\n", "fetch after offset 249 failed after 1 attempt(s): go source g: record 250: sensor offline")
	sameErrorEveryWayOpts(t, opts, "source go(\"g\")\nlet r = a / b\nsummary { n: COUNT(), s: SUM(r) }\n", "t.rpt:2:11: record 30: let r: division by zero")
}
