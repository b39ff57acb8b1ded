package interp

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/agg"
)

// FuzzPushdownVsPipeline runs one report five ways over one random data
// set, a SQLite table and the same rows as CSV: pushed down into SQLite
// (its rows aggregated in Go as read, or its GROUP BY statement), reading
// the table's records, in the CSV scanner, and reading the file's records.
// The output must be the same bytes in csv and json, or the error the same
// (but for the known deviations of a table read in key order: pdfDeviation).

// pdfRow is one row of the fuzzed data set; nil is NULL (an empty cell).
type pdfRow struct {
	k, g any // string keys, few distinct values
	n    any // int64
	a    any // decimal text, TEXT in SQLite
	p    any // decimal text with 2 fraction digits, DECIMAL(10,2) in SQLite
}

// pdfData decodes the data set: a few dozen rows.
func pdfData(r *fixture.FuzzReader) []pdfRow {
	keys := []any{"a", "b", "B", "Zoë", "x y", "a,b", `q"t`, nil}
	gs := []any{"u", "v", "w", nil}
	nk := 1 + r.Next(len(keys))
	// The decimals' usual scale; in a quarter of the data sets, some
	// values have another, and some ints and decimals are huge.
	scale := r.Next(4)
	odd := r.Next(4) == 1
	rows := make([]pdfRow, 8+r.Next(40))
	for i := range rows {
		row := &rows[i]
		row.k = keys[r.Next(nk)]
		row.g = gs[r.Next(len(gs))]
		switch c := r.Next(64); {
		case c >= 8 || c >= 4 && !odd:
			row.n = int64(r.Next(30) - 8)
		case c == 4:
			row.n = int64(9223372036854775807)
		case c == 5:
			row.n = int64(-9223372036854775808)
		case c == 6:
			row.n = int64(4611686018427387904)
		case c == 7:
			row.n = int64(1) << 40
		}
		s := scale
		switch c := r.Next(32); {
		case c == 1:
		case c == 2 && odd:
			row.a = "999999999999999.99"
		case c == 3:
			row.a = strings.TrimSuffix("-0."+strings.Repeat("0", s), ".")
		case c == 4 && odd:
			s = r.Next(5) // another scale
			fallthrough
		default:
			v := r.Next(256)*int(plan.Pow10[s]/10+1) + r.Next(100)
			if r.Next(4) == 0 {
				v = -v
			}
			row.a = decText(int64(v), s)
		}
		if r.Next(8) != 1 {
			row.p = decText(int64(r.Next(256)*97-5000+r.Next(100)), 2)
		}
	}
	return rows
}

// decText writes c × 10^-scale with scale fraction digits.
func decText(c int64, scale int) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := fmt.Sprint(c)
	if scale > 0 {
		for len(s) <= scale {
			s = "0" + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// pdfWrite creates dir/s.db with table t and dir/t.csv with the same rows.
// The key column's collation may be NOCASE, and an index may give the
// records of the table in key order (the run then streams its groups).
func pdfWrite(t *testing.T, dir string, rows []pdfRow, nocase bool, index string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // the pragmas are the connection's
	if _, err := db.Exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF"); err != nil {
		t.Fatal(err)
	}
	collate := ""
	if nocase {
		collate = " COLLATE NOCASE"
	}
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT" + collate + ", g TEXT, n INTEGER, a TEXT, p DECIMAL(10,2))"); err != nil {
		t.Fatal(err)
	}
	if index != "" {
		if _, err := db.Exec("CREATE INDEX t_k ON t (" + index + ")"); err != nil {
			t.Fatal(err)
		}
	}
	var csvData bytes.Buffer
	w := csv.NewWriter(&csvData)
	_ = w.Write([]string{"id", "k", "g", "n", "a", "p"})
	var args []any
	var marks []string
	cell := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	for i, row := range rows {
		args = append(args, int64(i+1), row.k, row.g, row.n, row.a, row.p)
		marks = append(marks, "(?, ?, ?, ?, ?, ?)")
		_ = w.Write([]string{fmt.Sprint(i + 1), cell(row.k), cell(row.g), cell(row.n), cell(row.a), cell(row.p)})
	}
	if _, err := db.Exec("INSERT INTO t VALUES "+strings.Join(marks, ", "), args...); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), csvData.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pdfArgs are the aggregates' arguments; "x" is the let's.
var pdfArgs = []string{"n", "a", "p", "n * a", "a - n", "a * a", "-a", "n + 1", "a * 2.5", "n * n", "a + p", "p * n", "x"}

// pdfAggs are the aggregates; ARG stands for the argument.
var pdfAggs = []string{"COUNT()", "COUNT(ARG)", "SUM(ARG)", "MIN(ARG)", "MAX(ARG)", "AVG(ARG)", "PERCENT_OF_TOTAL(ARG)"}

// pdfHaving and pdfOrder are a group level's having and order by.
var (
	pdfHaving = []string{"COUNT() > 2", "SUM(n) > 10", "MAX(a) >= 1.5", "COUNT(a) == 0", "SUM(a) < SUM(p)"}
	pdfOrder  = []string{"COUNT()", "SUM(a)", "MIN(n)", "AVG(a)", "MAX(p)"}
)

// pdfConds are the where clause's comparisons.
var pdfConds = []string{"n > 3", "n <= -1", "a >= 1.5", "a < 0", "p > 10", `k == "b"`, `k != "a"`, `k < "b"`, "g == nil",
	"a == nil", "n != nil", "a > n", "a * n > 5", "true", `nil != k`, "p <= a"}

// pdfScript decodes the report's statements (after the source): an
// optional let and where, one or two group levels (each with an optional
// max_groups, having, order by and limit) or none, footers and a summary
// of aggregates; fields are the source's fields it reads.
func pdfScript(r *fixture.FuzzReader) (script string, fields map[string]bool) {
	// Zero bytes (past the input's end) choose the commonest shape: no
	// let, no where, one level.
	var b strings.Builder
	hasLet := r.Next(6) == 1
	if hasLet {
		b.WriteString("let x = " + pdfArgs[r.Next(len(pdfArgs)-1)] + "\n")
	}
	var cond func(depth int) string
	cond = func(depth int) string {
		if depth == 0 {
			return pdfConds[r.Next(len(pdfConds))]
		}
		switch r.Next(5) {
		case 0:
			return "(" + cond(depth-1) + " && " + cond(depth-1) + ")"
		case 1:
			return "(" + cond(depth-1) + " || " + cond(depth-1) + ")"
		case 2:
			return "!(" + cond(depth-1) + ")"
		}
		return pdfConds[r.Next(len(pdfConds))]
	}
	if r.Next(4) == 1 {
		b.WriteString("where " + cond(2) + "\n")
	}
	aggs := func(prefix string) string {
		var cols []string
		for i, n := 0, r.Next(4); i <= n; i++ {
			agg := pdfAggs[r.Next(len(pdfAggs))]
			nargs := len(pdfArgs) - 1
			if hasLet {
				nargs++
			}
			agg = strings.Replace(agg, "ARG", pdfArgs[r.Next(nargs)], 1)
			cols = append(cols, fmt.Sprintf("%s%d: %s", prefix, i, agg))
		}
		return strings.Join(cols, ", ")
	}
	levels := r.Next(3)
	switch levels {
	case 0:
		fmt.Fprintf(&b, "group k OPTS0 {\n  footer { k, %s }\n}\n", aggs("f"))
	case 1:
		inner := []string{"g", "n"}[r.Next(2)]
		fmt.Fprintf(&b, "group k OPTS0 {\n  group %s OPTS1 {\n    footer { %s, %s }\n  }\n  footer { k, %s }\n}\n", inner, inner, aggs("i"), aggs("f"))
	}
	if r.Next(2) == 1 || levels == 2 {
		fmt.Fprintf(&b, "summary { %s }\n", aggs("s"))
	}
	script = b.String()
	// Each level's max_groups, having, order by and limit.
	for l := 0; l < 2; l++ {
		var opts []string
		if c := r.Next(32); levels < 2 && l <= levels {
			if c&8 != 0 {
				opts = append(opts, fmt.Sprint("max_groups ", 2+r.Next(5)))
			}
			if c&1 != 0 {
				opts = append(opts, "having "+pdfHaving[r.Next(len(pdfHaving))])
			}
			if c&2 != 0 {
				opts = append(opts, "order by "+pdfOrder[r.Next(len(pdfOrder))])
				if c&16 != 0 {
					opts = append(opts, "desc")
				}
			}
			if c&4 != 0 {
				opts = append(opts, fmt.Sprint("limit ", 1+r.Next(3)))
			}
		}
		script = strings.Replace(script, fmt.Sprintf(" OPTS%d", l), strings.Join(append([]string{""}, opts...), " "), 1)
	}
	fields = map[string]bool{}
	for _, name := range pdfName.FindAllString(pdfString.ReplaceAllString(script, ""), -1) {
		fields[name] = true
	}
	return script, fields
}

var (
	pdfString = regexp.MustCompile(`"[^"]*"`)
	pdfName   = regexp.MustCompile(`\b[nap]\b`)
)

// pdfTypes declares the fields a script reads: a is TEXT in SQLite, and a
// CSV column whose sample is empty would be a string. (In SQLite n is an
// INTEGER and p a DECIMAL(10,2) column, declared enough: a declaration in
// the script would make p a decimal of any scale.)
func pdfTypes(fields map[string]bool, names ...string) string {
	var decls []string
	for _, f := range names {
		if fields[f] {
			decls = append(decls, f+": "+map[string]string{"n": "int", "a": "decimal", "p": "decimal"}[f])
		}
	}
	if len(decls) == 0 {
		return ""
	}
	return " { " + strings.Join(decls, ", ") + " }"
}

// pdfOutcome is one way's output, error and Result.Pushdown.
type pdfOutcome struct {
	way, out, err, note string
}

// pdfFallBacks are the reasons a push-down or scan may give up on these
// data sets; any other is reported.
var pdfFallBacks = []string{"is not a decimal written with", "is not a number with at most", "a sum overflows",
	"overflowed 64-bit integers", "is not an exact integer in SQLite", "more fraction digits than", "max_groups"}

func FuzzPushdownVsPipeline(f *testing.F) {
	seed := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	rows := bytes.Repeat([]byte{1, 2, 9, 13, 5, 77, 3, 2, 0, 60, 17, 8, 250, 4, 33, 1, 6}, 20)
	seeds := [][]byte{
		// group k { footer { k, f0: COUNT() } } over 8 rows of nils and zeros.
		nil,
		// Read in Go: group k order by SUM(a) desc limit 2 {
		// footer { k, f0: SUM(a), f1: AVG(n), f2: MAX(n * a) } }
		// summary { s0: COUNT(), s1: MIN(a - n) }; 2 workers, chunks of 1,
		// statements over 16 rows; k NOCASE and indexed; 4 keys, scale 2, 30 rows.
		seed([]byte{0, 0, 0, 2, 2, 1, 5, 0, 4, 3, 1, 1, 0, 0, 3, 4}, []byte{22, 1, 1, 0}, []byte{1, 1, 15, 3}, []byte{3, 2, 0, 22}, rows),
		// SQLite's GROUP BY statement (p is a DECIMAL(10,2) column):
		// group k { group g having COUNT() > 2 { footer { g, i0: SUM(p), i1: MIN(p * n) } }
		// footer { k, f0: AVG(p), f1: COUNT(a) } }; 3 workers, chunks of 7,
		// statements over 2 rows; an index on (k, g); 7 keys, scale 1, 47 rows.
		seed([]byte{0, 0, 1, 0, 1, 2, 2, 3, 11, 1, 5, 2, 1, 1, 0}, []byte{0, 1, 0}, []byte{2, 3, 1, 4}, []byte{6, 1, 0, 39}, rows),
		// The scanner's where and let: let x = n * a
		// where (!(n > 3) || k == "b") summary { s0: SUM(x), s1: AVG(x), s2: COUNT(a) }
		seed([]byte{1, 3, 1, 1, 2, 0, 4, 5, 2, 0, 2, 2, 12, 5, 12, 1, 1}, []byte{0, 0}, []byte{1, 2, 0, 0}, []byte{7, 3, 0, 30}, rows),
		// The scanner's where: where ((n <= -1 && a >= 1.5) || !(k < "b"))
		// group k { footer { k, f0: SUM(a), f1: COUNT() } } summary { s0: MIN(p) }
		seed([]byte{0, 1, 1, 0, 1, 2, 2, 7, 0, 1, 2, 1, 0, 0, 1, 0, 3, 2}, []byte{0, 0}, []byte{0, 2, 9, 0}, []byte{4, 2, 0, 30}, rows),
		// Odd values (huge ints and decimals, other scales): fall backs and
		// overflows. group k max_groups 3 { group n { footer { n, i0: SUM(a), i1: MAX(n * n) } }
		// footer { k, f0: SUM(n), f1: MIN(a * 2.5) } } (an overflow in n * n).
		seed([]byte{0, 0, 1, 1, 1, 2, 1, 4, 9, 1, 2, 0, 3, 8, 0}, []byte{8, 1, 0}, []byte{0, 0, 0, 0}, []byte{2, 1, 1, 30}, rows),
		bytes.Repeat([]byte{3, 1, 1, 2, 6, 2, 5, 4}, 40),
	}
	for i, s := range seeds {
		if raceEnabled && i%2 == 1 {
			continue // every other seed under -race; make test runs all without it
		}
		f.Add(s)
	}
	f.Fuzz(pdfCheck)
}

// pdfCheck runs the report data decodes five ways and wants the same
// output from each.
func pdfCheck(t *testing.T, data []byte) {
	r := &fixture.FuzzReader{B: data}
	script, fields := pdfScript(r)
	rc := RunConfig{Workers: 1 + r.Next(3), ChunkSize: []int{0, 1, 2, 7}[r.Next(4)]}
	tune := smallRanges(int64(1 + r.Next(24))) // statements over a few rows each
	// Every file is large enough for the scanner's ranges, judged early.
	tune.MinRange, tune.RangeJudge = 1, 4
	shape := r.Next(8)
	rows := pdfData(r)
	dir := t.TempDir()
	pdfWrite(t, dir, rows, shape&1 != 0, []string{"", "k", "k, g", "k, n"}[shape>>1])
	progs := map[string]*Program{}
	for src, line := range map[string]string{
		"sqlite": `source sqlite("s.db", table: "t")` + pdfTypes(fields, "a"),
		"csv":    `source csv("t.csv")` + pdfTypes(fields, "n", "a", "p"),
	} {
		p, err := Compile(context.Background(), "t.rpt", []byte(line+"\n"+script), &Options{Dir: dir})
		if err != nil {
			t.Fatalf("compile %s:\n%s\n%v", src, script, err)
		}
		p.tune = tune
		progs[src] = p
	}
	for _, format := range []string{"csv", "json"} {
		var outs []pdfOutcome
		run := func(way, src string, push bool) {
			out, res, err := runOnce(t, progs[src], format, push, rc)
			outs = append(outs, pdfOutcome{way: way, out: out, err: fmt.Sprint(err), note: pdfNote(res)})
		}
		run("records of the table", "sqlite", false)
		run("push-down", "sqlite", true)
		if o, ok := pdfGroupBy(t, progs["sqlite"], format, rc); ok {
			outs = append(outs, o)
		}
		sqliteWays := len(outs)
		run("CSV scanner", "csv", true)
		run("records of the file", "csv", false)
		deviation := pdfDeviation(progs["sqlite"])
		want := outs[0]
		for i, o := range outs[1:] {
			if why, fell := strings.CutPrefix(o.note, "fell back: "); fell && !pdfExpected(why) {
				t.Fatalf("%s: %s fell back: %s\n%s", format, o.way, why, script)
			}
			if i+1 == sqliteWays && deviation != "" {
				// The file's ways against the table's, but for the
				// deviation; then against each other.
				if (o.err == "<nil>") != (want.err == "<nil>") || deviation != pdfMaxGroups && want.err == "<nil>" && o.out != want.out {
					t.Fatalf("%s over %d rows (%s):\n%s\n%s: error %s\n%s\nwant (%s): error %s\n%s",
						format, len(rows), deviation, script, o.way, o.err, o.out, want.way, want.err, want.out)
				}
				want = o
				continue
			}
			if o.out != want.out || o.err != want.err {
				t.Fatalf("%s over %d rows (%d workers, chunks of %d, statements over %d rows):\n%s\n%s (%s): error %s\n%s\nwant (%s): error %s\n%s",
					format, len(rows), rc.Workers, rc.ChunkSize, tune.RangeRows, script, o.way, o.note, o.err, o.out, want.way, want.err, want.out)
			}
		}
	}
}

// The known deviations of the table's ways from the file's. An index on
// the group keys has the records of the table read in key order, and the
// report stream its groups (docs/language.md, "Streaming"): the input is
// then in another order than the file's, and what depends on the order of
// the input may differ:
const (
	// pdfKeyOrder: an error names the record it meets first, by its
	// number in the input (docs/language.md, "Evaluation errors"); both
	// must fail, or print the same.
	pdfKeyOrder = "the table is read in key order"
	// pdfMaxGroups: besides, a level that reaches its max_groups keeps the
	// first groups met in the input (docs/language.md, "Hash grouping"):
	// both must fail, or not.
	pdfMaxGroups = "the table is read in key order, and a level has a max_groups"
)

// pdfDeviation returns which known deviation p's ways over the table may
// show, or "" when they must print what the file's print.
func pdfDeviation(p *Program) string {
	if len(p.m.Groupings) == 0 || !p.m.Groupings[0].Streaming {
		return ""
	}
	for _, lv := range p.m.Groupings[0].Levels {
		if lv.MaxGroups < agg.DefaultMaxGroups { // the data sets never reach the default
			return pdfMaxGroups
		}
	}
	return pdfKeyOrder
}

// pdfExpected reports whether a fall back's reason is one the data sets
// may cause.
func pdfExpected(why string) bool {
	for _, s := range pdfFallBacks {
		if strings.Contains(why, s) {
			return true
		}
	}
	return false
}

// pdfGroupBy runs prog pushed down with SQLite's GROUP BY statement even
// when its rows could be read and aggregated in Go; ok is false when the
// report cannot be pushed down, or the statement fell back.
func pdfGroupBy(t *testing.T, prog *Program, format string, rc RunConfig) (pdfOutcome, bool) {
	var out bytes.Buffer
	rc.Output, rc.Format, rc.Strategy = &out, Format(format), StrategyPushdown
	res, err := prog.Run(context.Background(), &rc)
	var se *StrategyError
	if errors.As(err, &se) {
		return pdfOutcome{}, false
	}
	if res != nil && res.FellBack != "" {
		if !pdfExpected(res.FellBack) {
			t.Fatalf("the GROUP BY statement fell back: %s", res.FellBack)
		}
		return pdfOutcome{}, false // the run read the records
	}
	return pdfOutcome{way: "GROUP BY statement", out: out.String(), err: fmt.Sprint(err), note: pdfNote(res)}, true
}

// pdfNote says how a run computed its report: "fell back: " and why, or
// the strategy.
func pdfNote(res *Result) string {
	switch {
	case res == nil:
		return ""
	case res.FellBack != "":
		return "fell back: " + res.FellBack
	}
	return res.Strategy.String()
}
