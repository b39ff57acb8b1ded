package conformance

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

// crossCheck compares the footers of one group level of a SQLite-backed
// case with SQLite's own GROUP BY over the same table.
type crossCheck struct {
	db string // database under testdata/data, built from NAME.sql
	// level is the group level whose footers are compared; -1 compares the
	// summary band.
	level int
	// query returns, per group in key order, the group's keys (levels
	// 0..level) followed by the footer's columns.
	query string
	// formats are number patterns (render.ParseFormat) applied to both
	// sides, one per column of the query; "" compares value.String texts.
	// SQLite keeps DECIMAL(10,2) values as binary floats, so sums and
	// averages are compared rounded.
	formats []string
}

// crossChecks lists, per case, the levels checked against SQLite. Every
// case whose source is SQLite and that groups must have an entry
// (TestCrossCheckCoverage).
var crossChecks = map[string][]crossCheck{
	"sqlite_table": {{
		db:    "shop.db",
		level: 0,
		query: `SELECT territory, territory, COUNT(*), COUNT(amount), SUM(amount), AVG(amount),
			MIN(amount), MAX(amount), MIN(sale_date), MAX(sale_date), SUM(quantity)
			FROM sales GROUP BY territory ORDER BY territory`,
		formats: []string{"", "", "", "", "0.00", "0.000000", "0.00", "0.00", "", "", ""},
	}, {
		db:      "shop.db",
		level:   -1,
		query:   `SELECT COUNT(*), SUM(amount), SUM(quantity) FROM sales`,
		formats: []string{"", "0.00", ""},
	}},
	"sqlite_detail_streaming": {{
		db:    "shop.db",
		level: 1,
		query: `SELECT territory, customer, customer, COUNT(*), SUM(amount) FROM sales
			WHERE territory = 'South' OR territory = 'West'
			GROUP BY territory, customer ORDER BY territory, customer`,
		formats: []string{"", "", "", "", "0.00"},
	}, {
		db:    "shop.db",
		level: 0,
		query: `SELECT territory, territory, COUNT(*), SUM(amount) FROM sales
			WHERE territory = 'South' OR territory = 'West'
			GROUP BY territory ORDER BY territory`,
		formats: []string{"", "", "", "0.00"},
	}},
	"sqlite_running_sum_footer": {{
		db:    "running.db",
		level: 0,
		query: `SELECT k, k, SUM(v), SUM(SUM(v)) OVER (ORDER BY k), SUM(COUNT(v)) OVER (ORDER BY k)
			FROM running GROUP BY k ORDER BY k`,
		formats: []string{"", "", "", "", ""},
	}},
	"lookup_sqlite": {{
		db:    "shop.db",
		level: 0,
		query: `SELECT c.segment, c.segment, COUNT(*), SUM(s.amount), COUNT(DISTINCT c.name)
			FROM sales s LEFT JOIN customers c ON s.customer_id = c.id
			GROUP BY c.segment ORDER BY c.segment`,
		formats: []string{"", "", "", "0.00", ""},
	}, {
		db:      "shop.db",
		level:   -1,
		query:   `SELECT COUNT(*), COUNT(c.name), SUM(s.amount) FROM sales s LEFT JOIN customers c ON s.customer_id = c.id`,
		formats: []string{"", "", "0.00"},
	}},
}

// cell renders one value for comparison: with a number pattern when one is
// given (SQLite's floats converted to decimals by their shortest text),
// else as value.String; nil is "".
func cell(v any, pattern string) (string, error) {
	v = value.Normalize(v)
	if v == nil {
		return "", nil
	}
	if f, ok := v.(float64); ok {
		d, err := value.DecimalFromFloat(f)
		if err != nil {
			return "", err
		}
		v = d
	}
	if pattern == "" {
		return value.String(v), nil
	}
	f, err := render.ParseFormat(pattern)
	if err != nil {
		return "", err
	}
	return f.Format(v), nil
}

// reportRows runs a case and returns the rows of one level's footers (keys,
// then values), or of the summary for level -1.
func reportRows(t *testing.T, name string, cc crossCheck) [][]string {
	t.Helper()
	path := filepath.Join(workDir, name+".rpt")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := caseArgs(src)
	if err != nil {
		t.Fatal(err)
	}
	rc.Collect = true
	prog, err := interp.Compile(context.Background(), filepath.Base(path), src, &interp.Options{Dir: workDir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := prog.Run(context.Background(), rc)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, e := range res.Events {
		want := render.GroupFooter
		if cc.level < 0 {
			want = render.Summary
		}
		if e.Band.Kind != want || (cc.level >= 0 && e.Band.Level != cc.level) {
			continue
		}
		var vals []any
		if cc.level >= 0 {
			vals = append(vals, e.Keys[:cc.level+1]...)
		}
		vals = append(vals, e.Values...)
		if len(vals) != len(cc.formats) {
			t.Fatalf("%d report columns, %d formats", len(vals), len(cc.formats))
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			if row[i], err = cell(v, cc.formats[i]); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// sqliteRows runs the cross-check's query.
func sqliteRows(t *testing.T, cc crossCheck) [][]string {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(workDir, "data", cc.db)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(cc.query)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != len(cc.formats) {
		t.Fatalf("%d query columns, %d formats", len(cols), len(cc.formats))
	}
	var rows [][]string
	for rs.Next() {
		raw := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range raw {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if row[i], err = cell(v, cc.formats[i]); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestCrossCheckSQLite compares the grouped aggregates of SQLite-backed
// cases with SQLite's GROUP BY over the same tables.
func TestCrossCheckSQLite(t *testing.T) {
	for name, checks := range crossChecks {
		for i, cc := range checks {
			t.Run(name+"/"+strconv.Itoa(i), func(t *testing.T) {
				got := reportRows(t, name, cc)
				want := sqliteRows(t, cc)
				if len(want) == 0 {
					t.Fatal("the query returned no rows")
				}
				if len(got) != len(want) {
					t.Fatalf("report has %d rows, SQLite %d:\nreport: %q\nsqlite: %q", len(got), len(want), got, want)
				}
				for r := range want {
					if strings.Join(got[r], "\x00") != strings.Join(want[r], "\x00") {
						t.Errorf("row %d differs:\nreport: %q\nsqlite: %q", r, got[r], want[r])
					}
				}
			})
		}
	}
}

var (
	sqliteSource = regexp.MustCompile(`(?m)^source sqlite\(`)
	groupStmt    = regexp.MustCompile(`(?m)^\s*group `)
)

// TestCrossCheckCoverage makes sure every SQLite-backed case that groups is
// cross-checked (error cases excepted).
func TestCrossCheckCoverage(t *testing.T) {
	for _, path := range cases(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".rpt")
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		golden, _ := os.ReadFile(filepath.Join("testdata", name+".golden"))
		if !sqliteSource.Match(src) || !groupStmt.Match(src) || bytes.Contains(golden, []byte("-- error --")) {
			continue
		}
		if _, ok := crossChecks[name]; !ok {
			t.Errorf("%s groups a SQLite source but has no entry in crossChecks", name)
		}
	}
}
