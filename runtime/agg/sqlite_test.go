package agg

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
	_ "modernc.org/sqlite"
)

// Differential tests against SQLite's GROUP BY: random tables with random
// group counts, nils, zeros, negatives and large values, aggregated by both.
// Integers and 2-decimal amounts (stored in SQLite as integer cents, so
// SQLite's arithmetic is exact too) must match exactly; SQLite's float AVG
// is compared with a tolerance, and our exact AVG with the exact quotient of
// SQLite's own SUM and COUNT.

type sqlRow struct {
	g, h  any // group keys: int (with NULLs) and text
	i, c  any // int column, cents column
	f     any // float column
	label any // text column
}

func sqliteRows(r *rand.Rand, n, groups int) []sqlRow {
	big := func() int64 { return r.Int63n(2e15) - 1e15 }
	num := func() any {
		switch x := r.Intn(20); {
		case x < 3:
			return nil
		case x < 5:
			return int64(0)
		case x == 5:
			return big()
		default:
			return int64(r.Intn(20001) - 10000)
		}
	}
	rows := make([]sqlRow, n)
	for k := range rows {
		var g any = int64(r.Intn(groups))
		if r.Intn(40) == 0 {
			g = nil
		}
		var f any = (r.Float64() - 0.4) * 1000
		if r.Intn(10) == 0 {
			f = nil
		}
		var label any = fmt.Sprintf("L%d", r.Intn(25))
		if r.Intn(8) == 0 {
			label = nil
		}
		rows[k] = sqlRow{g: g, h: fmt.Sprintf("h%d", r.Intn(3)), i: num(), c: num(), f: f, label: label}
	}
	return rows
}

func TestDifferentialSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	r := rand.New(rand.NewSource(1234))
	trials := 12
	if raceEnabled {
		trials = 3
	}
	for trial := 0; trial < trials; trial++ {
		rows := sqliteRows(r, 1+r.Intn(3000), 1+r.Intn(200))
		if _, err := db.Exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (g INTEGER, h TEXT, i INTEGER, c INTEGER, f REAL, label TEXT)`); err != nil {
			t.Fatal(err)
		}
		tx, _ := db.Begin()
		ins, err := tx.Prepare(`INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			if _, err := ins.Exec(row.g, row.h, row.i, row.c, row.f, row.label); err != nil {
				t.Fatal(err)
			}
		}
		ins.Close()
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}

		for _, nested := range []bool{false, true} {
			want := querySQLite(t, db, nested)
			for _, sorted := range []bool{false, true} {
				compareWithSQLite(t, want, rows, trial, sorted, nested)
			}
		}

	}
}

// The aggregates compared, in the order of both the SELECT and the specs.
const sqliteSelect = `COUNT(*), COUNT(i), SUM(i), MIN(i), MAX(i), COUNT(DISTINCT i),
	COUNT(c), SUM(c), MIN(c), MAX(c), COUNT(DISTINCT c),
	MIN(label), MAX(label), COUNT(DISTINCT label), SUM(f), AVG(i), AVG(c), AVG(f)`

func diffSpecs() []Spec {
	return []Spec{
		{Func: Count, Arg: -1}, {Func: Count, Arg: 0}, {Func: Sum, Arg: 0}, {Func: Min, Arg: 0}, {Func: Max, Arg: 0}, {Func: CountDistinct, Arg: 0},
		{Func: Count, Arg: 1}, {Func: Sum, Arg: 1}, {Func: Min, Arg: 1}, {Func: Max, Arg: 1}, {Func: CountDistinct, Arg: 1},
		{Func: Min, Arg: 3}, {Func: Max, Arg: 3}, {Func: CountDistinct, Arg: 3}, {Func: Sum, Arg: 2},
		{Func: Avg, Arg: 0}, {Func: Avg, Arg: 1}, {Func: Avg, Arg: 2},
	}
}

// querySQLite returns SQLite's GROUP BY rows: the keys, then the
// aggregates of sqliteSelect.
func querySQLite(t *testing.T, db *sql.DB, nested bool) [][]any {
	t.Helper()
	keys := "g"
	if nested {
		keys = "g, h"
	}
	q := fmt.Sprintf(`SELECT %s, %s FROM t GROUP BY %s ORDER BY %s`, keys, sqliteSelect, keys, keys)
	res, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Close()
	cols, _ := res.Columns()
	var want [][]any
	for res.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := res.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		want = append(want, vals)
	}
	if err := res.Err(); err != nil {
		t.Fatal(err)
	}
	return want
}

func compareWithSQLite(t *testing.T, want [][]any, rows []sqlRow, trial int, sorted, nested bool) {
	t.Helper()
	nk := 1
	levels := []Level{{Name: "g", Specs: diffSpecs()}}
	if nested {
		nk = 2
		levels = []Level{{Name: "g"}, {Name: "h", Specs: diffSpecs()}}
	}
	// Ours: the same rows as records, the cents as 2-decimal amounts.
	recs := make([]rec, len(rows))
	for k, row := range rows {
		var c any
		if row.c != nil {
			c = value.NewDecimal(row.c.(int64), 2)
		}
		recs[k] = rec{keys: []any{row.g, row.h}, args: []any{row.i, c, row.f, row.label}}
	}
	if sorted {
		recs = sortRecs(recs)
	}
	s, _ := run(t, Config{Sorted: sorted, Levels: levels}, recs, 100)
	var got []*Group
	for _, g := range s.groups {
		if g.Level == len(levels)-1 {
			got = append(got, g)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("trial %d: %d groups, SQLite %d", trial, len(got), len(want))
	}
	for gi, w := range want {
		g := got[gi]
		where := fmt.Sprintf("trial %d sorted=%v nested=%v group %v", trial, sorted, nested, w[:nk])
		for k := 0; k < nk; k++ {
			if show(g.Keys[k]) != show(w[k]) {
				t.Fatalf("%s: key %s, SQLite %s", where, show(g.Keys[k]), show(w[k]))
			}
		}
		sq := w[nk:]
		for j := 0; j < 15; j++ {
			exp := sq[j]
			if exp != nil && (j >= 7 && j <= 9) { // cents → decimal
				exp = value.NewDecimal(exp.(int64), 2)
			}
			if j == 14 { // SUM(f): SQLite rounds differently; ours is exact
				checkFloat(t, where+" SUM(f)", g.Results[j], exp, 1e-9)
				continue
			}
			if show(g.Results[j]) != show(exp) {
				t.Errorf("%s: %v = %s, SQLite %s", where, diffSpecs()[j].Func, show(g.Results[j]), show(exp))
			}
		}
		// AVG(i), AVG(c): exact quotient of SQLite's exact SUM and COUNT, and
		// close to SQLite's float AVG.
		for j, a := range []struct{ sum, count, scale int }{{2, 1, 0}, {7, 6, 2}} {
			var exp any
			if n := sq[a.count].(int64); n > 0 {
				sum := value.NewDecimal(sq[a.sum].(int64), int32(a.scale))
				q, _ := sum.Quo(value.DecimalFromInt(n), int32(a.scale)+value.DivScale)
				exp = q.Reduced()
			}
			if show(g.Results[15+j]) != show(exp) {
				t.Errorf("%s: AVG = %s, exact %s", where, show(g.Results[15+j]), show(exp))
			}
			if exp != nil {
				// Ours is rounded to scale+6 places; SQLite's is a float.
				f := g.Results[15+j].(value.Decimal).Float64()
				if w := sq[15+j].(float64) / math.Pow(10, float64(a.scale)); math.Abs(f-w) > 0.5e-6/math.Pow(10, float64(a.scale))+1e-12*math.Abs(w) {
					t.Errorf("%s: AVG %v, SQLite %v", where, f, w)
				}
			}
		}
		checkFloat(t, where+" AVG(f)", g.Results[17], sq[17], 1e-9)
	}
}

func checkFloat(t *testing.T, where string, got, want any, rel float64) {
	t.Helper()
	if got == nil || want == nil {
		if got != nil || want != nil {
			t.Errorf("%s: %v, SQLite %v", where, got, want)
		}
		return
	}
	g, _ := value.ToFloat(got)
	w, _ := value.ToFloat(want)
	if math.Abs(g-w) > rel*math.Max(1, math.Abs(w)) {
		t.Errorf("%s: %v, SQLite %v", where, g, w)
	}
}
