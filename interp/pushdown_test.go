package interp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/stream"
)

// The aggregation push-down must be invisible but for speed: every test
// here runs a script twice, with and without it, and wants the same bytes
// in every format, the same totals and the same error.

// runOnce runs prog once, pushed down or not, in format, and returns the
// output, the result and the error.
func runOnce(t *testing.T, prog *Program, format string, push bool, rc RunConfig) (string, *Result, error) {
	t.Helper()
	var out bytes.Buffer
	rc.Output, rc.Format = &out, Format(format)
	if !push {
		rc.Strategy = StrategyPipeline
	}
	res, err := prog.Run(context.Background(), &rc)
	return out.String(), res, err
}

// sameOutput runs script over the database or file in dir with the
// planner's strategy and with the pipeline, and wants identical output,
// totals and errors; it returns the planned run's last Result.
func sameOutput(t *testing.T, dir, script string, rcs ...RunConfig) *Result {
	t.Helper()
	return sameOutputTuned(t, plan.DefaultTuning(), dir, script, rcs...)
}

// sameOutputTuned is sameOutput with the executors' sizes set to tune.
func sameOutputTuned(t *testing.T, tune plan.Tuning, dir, script string, rcs ...RunConfig) *Result {
	t.Helper()
	prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	prog.tune = tune
	return sameOutputProg(t, prog, rcs...)
}

// sameOutputProg is sameOutput for a compiled program.
func sameOutputProg(t *testing.T, prog *Program, rcs ...RunConfig) *Result {
	t.Helper()
	if len(rcs) == 0 {
		rcs = []RunConfig{{}}
	}
	var last *Result
	for i, rc := range rcs {
		formats := []string{"csv", "text", "json"}
		if i > 0 || raceEnabled { // every format in the ordinary run
			formats = formats[:1]
		}
		for _, format := range formats {
			want, wres, werr := runOnce(t, prog, format, false, rc)
			got, gres, gerr := runOnce(t, prog, format, true, rc)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) {
				t.Fatalf("%s: error %v, want %v", format, gerr, werr)
			}
			if got != want {
				t.Fatalf("%s: planned (%s):\n%s\nwant:\n%s", format, ran(gres), got, want)
			}
			if gres != nil {
				last = gres
			}
			if werr == nil {
				gt, wt := gres.Totals, wres.Totals
				gt.Elapsed, wt.Elapsed = 0, 0
				if fmt.Sprint(gt) != fmt.Sprint(wt) {
					t.Errorf("%s: totals %+v, want %+v", format, gt, wt)
				}
				if wres.Strategy != StrategyPipeline || wres.FellBack != "" {
					t.Errorf("a run asking for the pipeline says %s", ran(wres))
				}
			}
		}
	}
	return last
}

// ran says how a run computed its report, for failure messages.
func ran(res *Result) string {
	if res == nil {
		return "no result"
	}
	if res.FellBack != "" {
		return res.Strategy.String() + " (fell back from " + res.FellBack + ")"
	}
	return res.Strategy.String()
}

func wantPushed(t *testing.T, res *Result) {
	t.Helper()
	if res == nil || (res.Strategy != StrategyPushdown && res.Strategy != StrategyPushdownRaw) {
		t.Errorf("not pushed down: %s", ran(res))
	}
}

func wantFellBack(t *testing.T, res *Result, why string) {
	t.Helper()
	if res == nil || res.FellBack == "" || !strings.Contains(res.FellBack, why) {
		t.Errorf("ran %s, want a fall back because %q", ran(res), why)
	}
}

// smallRanges is the default tuning with push-down statements that
// aggregate about n rows each (partial states of one group from many
// statements).
func smallRanges(n int64) plan.Tuning {
	tune := plan.DefaultTuning()
	tune.RangeRows = n
	return tune
}

// carrierShapes are report shapes (over a sales source with amount as a
// decimal) that the SQLite push-down and the CSV scanner both compute: each
// test runs them with and without its own.
var carrierShapes = []struct{ name, script string }{
	{"Q1", `group territory {
  footer { territory, revenue: SUM(amount * quantity), orders: COUNT(), avg: AVG(amount), low: MIN(amount), high: MAX(amount) }
}`},
	{"two levels and a summary", `group territory {
  group customer {
    footer { customer, n: COUNT(), q: SUM(quantity), avg_q: AVG(quantity), lo: MIN(quantity), hi: MAX(quantity) }
  }
  footer { territory, n: COUNT(amount), total: SUM(amount), avg: AVG(amount) }
}
summary { n: COUNT(), amounts: COUNT(amount), total: SUM(amount * quantity), avg: AVG(amount), lo: MIN(amount), hi: MAX(amount) }`},
	{"summary only", `summary { n: COUNT(), revenue: SUM(amount * quantity), avg: AVG(amount * quantity), q: AVG(quantity) }`},
	{"expressions", `group customer {
  footer { customer, a: SUM(amount * quantity + 1), b: SUM(amount - 2.5), c: MIN(-amount), d: MAX(quantity * quantity),
           e: SUM(amount * amount), f: AVG(amount * 1.5 - quantity), g: COUNT(amount * quantity) }
}`},
	{"having, order by, limit", `group customer having SUM(amount) > 1000 order by SUM(amount) desc limit 3 {
  footer { customer, total: SUM(amount) }
}`},
	{"nested order and limit", `group territory order by COUNT() desc {
  group customer order by SUM(amount) limit 2 {
    footer { customer, total: SUM(amount) }
  }
  footer { territory, n: COUNT() }
}`},
	{"shares and running totals", `group territory {
  group customer {
    footer { customer, share: PERCENT_OF_TOTAL(amount), running: RUNNING_SUM(amount), k: RUNNING_COUNT() }
  }
  footer { territory, share: PERCENT_OF_TOTAL(amount * quantity) }
}
summary { share: PERCENT_OF_TOTAL(amount) }`},
	{"headers with totals", `header "{COUNT()} sales, {SUM(amount)} in all"
group territory {
  header "{territory}: {COUNT()} sales"
  footer { territory, total: SUM(amount) format "#,##0.00" }
}
footer "lowest {MIN(amount)}"`},
}

// Q1 of the benchmark, and many more shapes, over 800 rows.
//
// Under the race detector every other shape runs, over 150 rows: each
// costs four runs of slow SQLite statements, and the shapes differ in the
// SQL they push down, not in how the runs share memory. make test runs the
// test again without -race, with every shape.
func TestPushdownSameOutput(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	rows := 800
	if raceEnabled {
		rows = 150
	}
	tune := smallRanges(int64(rows / 11)) // many statements, so many partial states
	dir := fixture.SQLite(t, fixture.SalesTable(rows)...)
	const src = `source sqlite("s.db", table: "sales") { amount: decimal }` + "\n"
	for i, tc := range append(carrierShapes[:len(carrierShapes):len(carrierShapes)], []struct{ name, script string }{
		{"keys of other kinds", `group day {
  group flag {
    footer { flag, n: COUNT(), total: SUM(amount) }
  }
  footer { day, n: COUNT() }
}`},
		{"integer key", `group quantity {
  footer { quantity, n: COUNT(), total: SUM(amount) }
}`},
		{"DECIMAL(10,2) column", `source sqlite("s.db", table: "sales")
group territory {
  footer { territory, total: SUM(price), lo: MIN(price), hi: MAX(price), avg: AVG(price), value: SUM(price * quantity) }
}`},
		{"keys only", `source sqlite("s.db", table: "sales")
group territory {
  header "{territory}"
}`},
	}...) {
		if raceEnabled && i%2 != 0 {
			continue // runs in make test's run without -race
		}
		t.Run(tc.name, func(t *testing.T) {
			script := tc.script
			if !strings.HasPrefix(script, "source") {
				script = src + script
			}
			wantPushed(t, sameOutputTuned(t, tune, dir, script, RunConfig{}, RunConfig{Workers: 3, ChunkSize: 2}))
		})
	}
}

// A table read through an index streams when not pushed down; the pushed
// down run must print the same.
func TestPushdownIndexedTable(t *testing.T) {
	// (Not over sales, whose territory has a NOCASE collation: the
	// streaming run then fails, its index order not being reportsh's.)
	dir := fixture.SQLite(t, append(fixture.SalesTable(1500), "CREATE TABLE s2 AS SELECT id, CAST(territory AS TEXT) AS territory, customer, amount FROM sales",
		"CREATE INDEX s2_t ON s2 (territory, customer)")...)
	script := `source sqlite("s.db", table: "s2") { amount: decimal }
group territory {
  group customer {
    footer { customer, n: COUNT(), total: SUM(amount) }
  }
  footer { territory, n: COUNT(), hi: MAX(amount) }
}`
	prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
	if err != nil || !prog.m.Groupings[0].Streaming {
		t.Fatalf("the plan does not stream: %v", err)
	}
	wantPushed(t, sameOutput(t, dir, script))
}

func TestPushdownEmptyTable(t *testing.T) {
	dir := fixture.SQLite(t, `CREATE TABLE sales (id INTEGER PRIMARY KEY, territory TEXT, amount TEXT, quantity INTEGER)`)
	for _, script := range []string{
		`group territory { footer { territory, n: COUNT(), total: SUM(amount) } }
summary { n: COUNT(), k: COUNT(amount), total: SUM(amount * quantity), avg: AVG(amount), lo: MIN(quantity) }`,
		`summary { n: COUNT(amount) }`,
	} {
		note := sameOutput(t, dir, `source sqlite("s.db", table: "sales") { amount: decimal }`+"\n"+script)
		wantPushed(t, note)
	}
}

// A table without rowid is one statement; a sparse rowid range many.
func TestPushdownTableShapes(t *testing.T) {
	dir := fixture.SQLite(t,
		`CREATE TABLE w (code TEXT PRIMARY KEY, territory TEXT, amount TEXT) WITHOUT ROWID`,
		`INSERT INTO w VALUES ('a', 'N', '1.50'), ('b', 'S', '2.25'), ('c', 'N', '-0.75')`,
		`CREATE TABLE sparse (id INTEGER PRIMARY KEY, territory TEXT, amount TEXT)`,
		`INSERT INTO sparse VALUES (-5, 'N', '1.00'), (1, 'S', '2.00'), (1000000, 'N', '3.00'), (9000000000, 'S', '4.00'), (9000000001, 'S', '0.01')`,
		`CREATE TABLE huge (id INTEGER PRIMARY KEY, territory TEXT, amount TEXT)`,
		`INSERT INTO huge VALUES (-9223372036854775808, 'N', '1.00'), (9223372036854775807, 'S', '2.00')`,
	)
	for _, table := range []string{"w", "sparse", "huge"} {
		script := `source sqlite("s.db", table: "` + table + `") { amount: decimal }
group territory { footer { territory, n: COUNT(), total: SUM(amount) } }`
		wantPushed(t, sameOutput(t, dir, script, RunConfig{}, RunConfig{Workers: 1, ChunkSize: 1}))
	}
}

// Values that do not conform make the run read the rows: the output (or
// the error) is the normal run's.
//
// Under the race detector a third of the cases run (TEXT, INTEGER and
// DECIMAL(10,2) columns among them): the checks are of values, not of concurrency, and
// each case costs its database and four runs of slow SQLite statements.
// make test runs the test again without -race, with every case.
func TestPushdownFallsBack(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	for i, tc := range []struct {
		name, create, rows, script, why string
	}{
		{"too few fraction digits", "amount TEXT", "'1.50', '1.5', '2.00'", "SUM(amount)", "a value of amount is not a decimal written with 2 fraction digits"},
		{"too many fraction digits", "amount TEXT", "'1.50', '1.505'", "MAX(amount)", "amount"},
		{"no fraction", "amount TEXT", "'1.50', '7'", "COUNT(amount)", "amount"},
		{"a leading space", "amount TEXT", "'1.50', ' 2.00'", "SUM(amount)", "amount"},
		{"a trailing space", "amount TEXT", "'1.50', '2.00 '", "SUM(amount)", "amount"},
		{"a plus sign", "amount TEXT", "'1.50', '+2.00'", "SUM(amount)", "amount"},
		{"two dots", "amount TEXT", "'1.50', '1..00'", "SUM(amount)", "amount"},
		{"an exponent", "amount TEXT", "'1.50', '1.5e1'", "SUM(amount)", "amount"},
		{"garbage", "amount TEXT", "'1.50', '1x2.00'", "MIN(amount)", "amount"},
		{"text", "amount TEXT", "'1.50', 'n/a'", "AVG(amount)", "amount"},
		{"a blob", "amount TEXT", "'1.50', X'312E3030'", "SUM(amount)", "amount"},
		{"too large", "amount TEXT", "'1.50', '99999999999999999999.00'", "MAX(amount)", "amount"},
		{"too long", "amount TEXT", "'1.50', '0000000000000001.00'", "MAX(amount)", "amount"},
		{"text in an integer column", "quantity INTEGER", "1, 'three', 3", "SUM(quantity)", "a value of quantity is not an integer"},
		{"a real in an integer column", "quantity INTEGER", "1, 2.5", "MIN(quantity)", "quantity"},
		{"empty text in an integer column", "quantity INTEGER", "1, ''", "COUNT(quantity)", "quantity"},
		{"text in an untyped integer column", "quantity", "1, '2'", "SUM(quantity)", "quantity"},
		{"an overflowing SUM", "quantity INTEGER", "9223372036854775000, 1, 1000", "SUM(quantity)", "a sum overflows"},
		{"an overflowing product", "quantity INTEGER", "4611686018427387904, 3", "MAX(quantity * 4)", "overflow"},
		{"an overflowing product of decimals", "amount TEXT", "'999999999999999.99', '1.00'", "MAX(amount * amount)", "an aggregate's argument overflowed 64-bit integers"},
		{"an overflowing product of DECIMAL(10,2)", "amount DECIMAL(10,2)", "30000000000000.00, 1.00", "MAX(amount * amount * amount)", "is not an exact integer in SQLite (an overflow)"},
		{"an overflowing sum of decimals", "amount TEXT", "'5000000000000.00', '1.00', '5000000000000.00'", "SUM(amount * 10000)", "a sum overflows"},
		{"a REAL with more digits in DECIMAL(10,2)", "amount DECIMAL(10,2)", "1.5, 2.125", "SUM(amount)", "a value of amount is not a number with at most 2 fraction digits"},
		{"text in DECIMAL(10,2)", "amount DECIMAL(10,2)", "1.5, 'abc'", "SUM(amount)", "amount"},
	} {
		if raceEnabled && i%3 != 0 {
			continue // runs in make test's run without -race
		}
		t.Run(tc.name, func(t *testing.T) {
			var rows []string
			for i, v := range strings.Split(tc.rows, ", ") {
				rows = append(rows, fmt.Sprintf("(%d, 'T%d', %s)", i+1, i%2, v))
			}
			col := strings.Fields(tc.create)[0]
			dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, territory TEXT, "+tc.create+")",
				"INSERT INTO t VALUES "+strings.Join(rows, ", "))
			decl := ""
			if col == "amount" && !strings.Contains(tc.create, "DECIMAL") {
				decl = " { amount: decimal }"
			}
			if col == "quantity" && !strings.Contains(tc.create, "INTEGER") {
				decl = " { quantity: int }"
			}
			script := `source sqlite("s.db", table: "t")` + decl + "\n" +
				"group territory { footer { territory, x: " + tc.script + " } }\n"
			// One compilation for both runs: on_error is the run's.
			prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			prog.tune = plan.DefaultTuning()
			for _, onError := range []string{"", "skip"} {
				wantFellBack(t, sameOutputProg(t, prog, RunConfig{OnError: OnError(onError)}), tc.why)
			}
		})
	}
}

// The same values conform where reportsh reads them as the push-down does.
func TestPushdownConformingOddities(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, territory TEXT, amount TEXT, n INTEGER)",
		`INSERT INTO t VALUES (1, 'a', '0.50', 1), (2, 'a', '-.25', 2), (3, 'b', '00.10', NULL), (4, 'b', '', 4),
		(5, 'b', NULL, -3), (6, 'c', '-0.00', 9223372036854775807), (7, 'c', '123456789012345.67', 0)`)
	script := `source sqlite("s.db", table: "t") { amount: decimal }
group territory { footer { territory, n: COUNT(amount), total: SUM(amount), lo: MIN(amount), hi: MAX(amount), avg: AVG(amount), m: MAX(n) } }`
	wantPushed(t, sameOutput(t, dir, script))
}

// The scale of a decimal column comes from the source: inferred from the
// sample, or 0 when every value is integral.
func TestPushdownScales(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, territory TEXT, whole TEXT, fine TEXT)",
		`INSERT INTO t VALUES (1, 'a', '10', '0.125'), (2, 'a', '-7', '1.000'), (3, 'b', '0', '-2.500'), (4, 'b', '007', '3.333')`)
	script := `source sqlite("s.db", table: "t") { whole: decimal, fine: decimal }
group territory { footer { territory, w: SUM(whole), wf: SUM(whole * fine), f: AVG(fine), lo: MIN(fine - whole) } }`
	wantPushed(t, sameOutput(t, dir, script))

	dir = fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, territory TEXT, whole TEXT)",
		`INSERT INTO t VALUES (1, 'a', '10'), (2, 'a', '-7'), (3, 'b', '1.5')`)
	script = `source sqlite("s.db", table: "t") { whole: decimal }
group territory { footer { territory, w: SUM(whole) } }`
	wantFellBack(t, sameOutput(t, dir, script), "a value of whole is not a decimal written with 1 fraction digit")
}

// Keys SQLite's GROUP BY tells apart as reportsh does: NULL, text and blob
// of the same bytes, a NOCASE collation; keys it cannot read fall back.
func TestPushdownKeys(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT COLLATE NOCASE, n INTEGER)",
		`INSERT INTO t VALUES (1, 'a', 1), (2, 'A', 2), (3, NULL, 3), (4, X'61', 4), (5, 'b', 5), (6, NULL, 6), (7, 5, 7), (8, '5', 8)`)
	script := `source sqlite("s.db", table: "t")
group k { footer { k, n: COUNT(), total: SUM(n) } }`
	wantPushed(t, sameOutput(t, dir, script))

	dir = fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, n INTEGER)",
		`INSERT INTO t VALUES (1, 'a', 1), (2, X'FF', 2)`)
	wantFellBack(t, sameOutput(t, dir, script), "a value of group key k cannot be read")

	dir = fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, d DATE, n INTEGER)",
		`INSERT INTO t VALUES (1, '2024-01-02', 1), (2, '2024-01-02 10:00:00', 2), (3, 'soon', 3)`)
	wantFellBack(t, sameOutput(t, dir, `source sqlite("s.db", table: "t")
group d { footer { d, n: COUNT() } }`), "group key d")
}

// A level that reaches max_groups keeps the first groups met in the input,
// which only reading the rows tells.
func TestPushdownMaxGroups(t *testing.T) {
	dir := fixture.SQLite(t, fixture.SalesTable(400)...)
	script := `source sqlite("s.db", table: "sales") { amount: decimal }
group customer max_groups 4 { footer { customer, n: COUNT(), total: SUM(amount) } }
summary { n: COUNT() }`
	wantFellBack(t, sameOutput(t, dir, script), "max_groups")
	script = `source sqlite("s.db", table: "sales") { amount: decimal }
group customer max_groups 9 { footer { customer, n: COUNT(), total: SUM(amount) } }`
	wantPushed(t, sameOutput(t, dir, script))
}

// What stays in Go, and why, as explain says.
func TestPushdownExplain(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	dir := fixture.SQLite(t, append(fixture.SalesTable(50), "CREATE VIEW v AS SELECT * FROM sales",
		"CREATE TABLE u (id INTEGER PRIMARY KEY, k, amount TEXT, f REAL, n NUMERIC)")...)
	const src = `source sqlite("s.db", table: "sales") { amount: decimal }` + "\n"
	explain := func(script string) (*PlanPushdown, string) {
		t.Helper()
		prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		plan, err := prog.Explain(context.Background(), &RunConfig{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		var text bytes.Buffer
		if err := plan.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		return plan.Source.AggregationPushedDown, text.String()
	}
	// Values checked as they are stored: the rows are read and aggregated in Go.
	pd, text := explain(src + "group territory { footer { territory, revenue: SUM(amount * quantity), n: COUNT() } }")
	want := `SELECT "territory", "amount", "quantity" FROM "sales" WHERE rowid > ?1 AND rowid <= ?2`
	if pd == nil || !pd.Pushed || !pd.InGo || pd.SQL != want {
		t.Errorf("plan = %+v", pd)
	}
	for _, line := range []string{
		"        aggregation pushed down: " + want + "\n",
		"          the rows read through SQLite's C API and aggregated in Go as they are read (SQLite only walks the table)",
		"          one statement per range of rowids holding about 65536 rows (more when groups are many), run on up to 2 connections at once",
		"          checked: amount (a decimal written with 2 fraction digits), quantity (an integer); a value that is not, or an overflow, makes the run read the rows instead",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("no %q in:\n%s", line, text)
		}
	}
	// A DECIMAL(p,s) column's REALs are SQLite's to round: its GROUP BY statement.
	pd, text = explain(`source sqlite("s.db", table: "sales")` + "\ngroup territory { footer { territory, revenue: SUM(price * quantity), n: COUNT() } }")
	want = `SELECT k0, COUNT(*), SUM(c5), SUM(c4), SUM((c5 * c4)) FROM (SELECT "territory" AS k0, CASE typeof("price") WHEN 'integer'`
	if pd == nil || !pd.Pushed || pd.InGo || !strings.HasPrefix(pd.SQL, want) || !strings.HasSuffix(pd.SQL, `FROM "sales" WHERE rowid > ?1 AND rowid <= ?2 LIMIT -1) GROUP BY k0 COLLATE BINARY`) {
		t.Errorf("plan = %+v", pd)
	}
	for _, line := range []string{
		"        aggregation pushed down: " + want,
		"          checked: price (a number with at most 2 fraction digits), quantity (an integer); a value that is not, or an overflow, makes the run read the rows instead",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("no %q in:\n%s", line, text)
		}
	}
	if strings.Contains(text, "C API") {
		t.Errorf("a GROUP BY statement said to read the rows in Go:\n%s", text)
	}
	_, text = explain(`source sqlite("s.db", table: "sales")` + "\nsummary { n: COUNT() }")
	if !strings.Contains(text, "          an overflow makes the run read the rows instead") {
		t.Errorf("COUNT() only:\n%s", text)
	}

	for _, tc := range []struct{ script, why string }{
		{src + "where amount > 0\nsummary { n: COUNT(amount) }", "the report has a where, which runs on each record read"},
		{src + "let x = amount * 2\nsummary { n: SUM(x) }", "the report has a let (let x), which runs on each record read"},
		{src + `lookup c = sqlite("s.db", table: "sales") on id == id` + "\nsummary { n: COUNT(amount) }", "the report has a lookup"},
		{src + "detail { id }", "the report has a detail band"},
		{src + "group territory { footer { territory } }\ngroup customer { footer { customer } }", "the report has 2 top-level groupings"},
		{src + "summary { m: MEDIAN(amount) }", "MEDIAN(amount) in the report is not computed in SQLite"},
		{src + "group territory { footer { territory, m: FIRST(amount) } }", "FIRST(amount) in group territory is not computed in SQLite"},
		{src + "summary { m: SUM(amount / 2) }", "SUM(amount / 2) in the report: only +, - and * of int and decimal fields"},
		{src + "summary { m: SUM(weight) }", "SUM(weight) in the report: weight is a float field"},
		{src + "summary { m: COUNT(customer) }", "customer is a string field"},
		{"param k: int = 2\n" + src + "summary { m: SUM(quantity * k) }", "k is not a field of the source"},
		{src + "summary { m: SUM(amount * 1.0000000000000000001) }", "too long for 64-bit integers"},
		{src + "summary { m: SUM(amount * amount * amount * amount * amount * amount * amount * amount * amount * amount) }", "its scale is too large"},
		{src + "group weight { footer { weight } }", "the key of group weight is a float field"},
		{src + "group upper(territory) as t { footer { t } }", "the key of group t is not a field of the source"},
		{src + "group territory { footer { territory, n: SUM(price) } }\nsummary { x: COUNT(), y: MAX(amount) }", ""},
		{`source sqlite("s.db", table: "sales") { note: string }` + "\nsummary { n: COUNT() }", "field note is declared, so every record's value is checked, but no aggregate reads it"},
		{`source sqlite("s.db", table: "v")` + "\nsummary { n: COUNT() }", "the source is a view"},
		{`source sqlite("s.db", query: "SELECT * FROM sales")` + "\nsummary { n: COUNT() }", "the source is a query"},
		// (u is empty: k, declared here, would otherwise have no type at all.)
		{`source sqlite("s.db", table: "u") { k: string }` + "\ngroup k { footer { k } }", "the key of group k has no declared SQLite type"},
		{`source sqlite("s.db", table: "u") { n: decimal }` + "\nsummary { s: SUM(n) }", "decimal field n is stored as NUMERIC: only TEXT and DECIMAL(p,s) columns"},
		{`source sqlite("s.db", table: "u") { f: decimal }` + "\nsummary { s: SUM(f) }", "decimal field f is stored as REAL"},
		{`source sqlite("s.db", table: "u") { k: decimal }` + "\nsummary { s: SUM(k) }", "decimal field k is stored as a column without a declared type"},
	} {
		pd, text := explain(tc.script)
		if tc.why == "" {
			if pd == nil || !pd.Pushed {
				t.Errorf("%s: not pushed down: %+v", tc.script, pd)
			}
			continue
		}
		if pd == nil || pd.Pushed || !strings.Contains(pd.Reason, tc.why) {
			t.Errorf("%s: plan %+v, want the reason %q", tc.script, pd, tc.why)
		}
		if !strings.Contains(text, "        aggregation pushed down: no, "+pd.Reason+"\n") {
			t.Errorf("%s: no reason line in:\n%s", tc.script, text)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "x.csv"), []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if pd, _ := explain(`source csv("x.csv")` + "\nsummary { n: COUNT() }"); pd != nil {
		t.Errorf("a CSV source: %+v", pd)
	}
}

// observedRun runs prog with rc in a registry of its own and returns the
// result, how many times OnStart was called, the Progress function it was
// given and the number of chunks fetched.
func observedRun(t *testing.T, prog *Program, rc RunConfig) (res *Result, started int32, read func() (int64, int64, bool), chunks int64) {
	t.Helper()
	var nstart atomic.Int32
	var nchunks atomic.Int64
	rc.Registry = stream.NewRegistry(stream.RegistryOptions{})
	rc.OnStart = func(*stream.Handle) { nstart.Add(1) }
	rc.Progress = func(f func() (int64, int64, bool)) { read = f }
	rc.Observer = stream.ObserverFunc(func(ev stream.Event) {
		if _, ok := ev.(stream.ChunkFetched); ok {
			nchunks.Add(1)
		}
	})
	res, err := prog.Run(context.Background(), &rc)
	if err != nil {
		t.Fatal(err)
	}
	return res, nstart.Load(), read, nchunks.Load()
}

// The report still runs as a pipeline: registered, started, cancellable,
// bounded by RunConfig.Timeout, with progress in rows.
func TestPushdownPipeline(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	dir := fixture.SQLite(t, fixture.SalesTable(3000)...)
	prog, err := Compile(context.Background(), "t.rpt", []byte(`source sqlite("s.db", table: "sales") { amount: decimal }
group territory { footer { territory, total: SUM(amount) } }`), &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res, started, read, chunks := observedRun(t, prog, RunConfig{Workers: 2})
	wantPushed(t, res)
	if started != 1 || res.Snapshot.Status != stream.StatusCompleted || chunks == 0 {
		t.Errorf("started %d, status %v, %d chunks", started, res.Snapshot.Status, chunks)
	}
	if res.Totals.RecordsRead != 3000 {
		t.Errorf("records read %d", res.Totals.RecordsRead)
	}
	if done, _, _ := read(); done != 3000 {
		t.Errorf("progress: %d rows done", done)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := prog.Run(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	_, err = prog.Run(context.Background(), &RunConfig{Timeout: time.Nanosecond})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v", err)
	}
}

// A fall back runs under the run's one deadline, and the result says why
// the planned strategy gave way.
func TestPushdownFallBackTimeout(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, territory TEXT, amount TEXT)", "INSERT INTO t VALUES (1, 'a', '1.5'), (2, 'a', '1.25')")
	prog, err := Compile(context.Background(), "t.rpt", []byte(`source sqlite("s.db", table: "t") { amount: decimal }
summary { s: SUM(amount) }`), &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := prog.Run(context.Background(), &RunConfig{Timeout: time.Hour})
	if err != nil || res.Strategy != StrategyPipeline || !strings.HasPrefix(res.FellBack, "pushdown-raw: ") || !strings.Contains(res.FellBack, "amount") {
		t.Errorf("%v, %s", err, ran(res))
	}
	plan, err := prog.Explain(context.Background(), nil)
	if err != nil || plan.Strategy.Name != StrategyPushdownRaw || plan.Strategy.FallBack != StrategyPipeline {
		t.Errorf("%v, %+v", err, plan.Strategy)
	}
}

// Groups nearly as many as the rows: partial results per range would hold
// about as many rows as were read, so the rest of the table is read in
// one range into one table (rows read in Go); groups many but repeated:
// the ranges grow, so that each merges more rows per group.
func TestPushdownManyGroups(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	rows, first := 12000, 4200
	if raceEnabled {
		rows, first = 5000, plan.PdJudgeRows
	}
	tune := smallRanges(int64(4 * first)) // a first range of first rows
	dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, m INTEGER, amount TEXT)",
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
		INSERT INTO t SELECT i, i, i %% 600, (i %% 777) || '.' || substr('0' || (i %% 100), -2) FROM n`, rows),
		"CREATE TABLE u (id INTEGER PRIMARY KEY, k INTEGER, amount DECIMAL(10,2))", "INSERT INTO u SELECT id, k, amount FROM t")
	script := `source sqlite("s.db", table: "t") { amount: decimal }
max_groups 100000
group k { footer { k, total: SUM(amount) } }`
	wantPushed(t, sameOutputTuned(t, tune, dir, script)) // the rest of the table in one range, into one table
	script = `source sqlite("s.db", table: "u")
max_groups 100000
group k { footer { k, total: SUM(amount) } }` // DECIMAL(10,2): SQLite's GROUP BY, which would return a row per row or so
	wantFellBack(t, sameOutputTuned(t, tune, dir, script), fmt.Sprintf("groups in %d rows: too many groups for SQLite's GROUP BY to pay", first))
	script = `source sqlite("s.db", table: "t") { amount: decimal }
group m { footer { m, n: COUNT(), total: SUM(amount), hi: MAX(amount) } }`
	wantPushed(t, sameOutputTuned(t, tune, dir, script))
}
