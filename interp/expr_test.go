package interp

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// TestExpressions evaluates one expression per column over one record and
// checks the value the language gives it.
func TestExpressions(t *testing.T) {
	files := map[string]string{
		"r.csv": "s,n,d,f,day,b,e\nabc,7,2.50,1.5,2024-03-01,true,\n",
		"l.csv": "k,name\nabc,Alpha\n",
	}
	cases := []struct{ expr, want string }{
		{"n + 1", "8"}, {"n - 10", "-3"}, {"n * 2", "14"}, {"n / 2", "3.5"}, {"n % 4", "3"},
		{"d * n", "17.50"}, {"d + 0.25", "2.75"}, {"f * 2", "3.0"}, {"n ** 2", "49"}, {"-n", "-7"}, {"+n", "7"},
		{"n > 5", "true"}, {"n >= 8", "false"}, {"n < 7", "false"}, {"n <= 7", "true"}, {"n == 7", "true"}, {"n != 7", "false"},
		{"d > n", "false"}, {"day > \"2024-01-01\"", "true"}, {"day - 1", "2024-02-29"}, {"day + 31", "2024-04-01"},
		{"s + \"!\"", "abc!"}, {"s contains \"b\"", "true"}, {"s startsWith \"a\"", "true"}, {"s endsWith \"x\"", "false"},
		{"s matches \"^a.c$\"", "true"}, {"s in [\"x\", \"abc\"]", "true"}, {"n in [1, 2]", "false"}, {"not b", "false"}, {"!b", "false"},
		{"b && n > 1", "true"}, {"b and false", "false"}, {"false || n > 1", "true"}, {"false or false", "false"},
		{"n > 5 ? \"big\" : \"small\"", "big"}, {"e ?? \"none\"", "none"}, {"e + 1", ""}, {"e > 1", ""}, {"e == nil", "true"},
		{"nullif(s, \"abc\") contains \"x\"", ""}, {"e in [1]", ""}, {"-e", ""}, {"!e", ""}, {"lk.name", "Alpha"}, {"upper(lk.name)", "ALPHA"},
		{"round(d * 3, 1)", "7.5"}, {"year(day)", "2024"}, {"1_000 + 0.5", "1000.5"},
	}
	var cols []string
	for i, c := range cases {
		cols = append(cols, "c"+itoa(i)+": "+c.expr)
	}
	script := "source csv(\"r.csv\") { e: int }\nlookup lk = csv(\"l.csv\") on s == k\ndetail { " + strings.Join(cols, ", ") + " }"
	_, res := mustRun(t, script, files, &RunConfig{Collect: true})
	if len(res.Events) != 1 {
		t.Fatalf("%d events", len(res.Events))
	}
	for i, c := range cases {
		if got := valueText(res.Events[0].Values[i]); got != c.want {
			t.Errorf("%s = %q, want %q", c.expr, got, c.want)
		}
	}
}

func valueText(v any) string {
	if v == nil {
		return ""
	}
	return strings.TrimSpace(fmtValue(v))
}

// TestExpressionRunErrors covers the run-time errors of operators.
func TestExpressionRunErrors(t *testing.T) {
	files := map[string]string{"r.csv": "s,n\nabc,0\n"}
	for _, c := range []struct{ expr, want string }{
		{"s matches \"(\"", "error parsing regexp"},
		{"1 / n", "division by zero"},
		{"n % n", "division by zero"},
		{"s in s", "in needs a list"},
		{"s.x", "cannot read field x of string"},
		{"-9223372036854775807 - 2", "integer overflow"},
		{"nosuch(1)", ""},
	} {
		p, err := compileFS(t, "source csv(\"r.csv\")\ndetail { v: "+c.expr+" }", files)
		if err != nil {
			if c.want == "" {
				continue // a compile error is expected for unknown functions
			}
			t.Errorf("%s: compile: %v", c.expr, err)
			continue
		}
		_, err = p.Run(context.Background(), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.expr, err, c.want)
		}
	}
}

func fmtValue(v any) string { return value.String(v) }

func TestHeldReportHeaderAndRuntimeAggregateErrors(t *testing.T) {
	files := map[string]string{"s.csv": smallCSV}
	// A report header that shows totals comes first: the output waits for it.
	out, _ := mustRun(t, "source csv(\"s.csv\")\nheader { total: SUM(quantity) }\ndetail { customer }", files, nil)
	if !strings.HasPrefix(out, "band,level,total,customer\nreport_header,,11,\ndetail,,,Acme\n") {
		t.Errorf("held header:\n%s", out)
	}
	// An aggregate meeting a value of the wrong kind at run time names its call.
	p, err := compileFS(t, "source csv(\"s.csv\")\nlet x = quantity > 2 ? customer : amount\nsummary { s: SUM(x) }", files)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Run(context.Background(), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "test.rpt:3:14: SUM(x): SUM of string") {
		t.Errorf("runtime aggregate kind: %v", err)
	}
	p, err = compileFS(t, "source csv(\"s.csv\")\nlet x = quantity > 2 ? customer : amount\ngroup territory { footer { s: SUM(x) } }", files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = p.Run(context.Background(), nil); err == nil || !strings.HasPrefix(err.Error(), "test.rpt:3:31: SUM(x): SUM of string") {
		t.Errorf("runtime aggregate kind in a group: %v", err)
	}
	// Input that breaks its sorted by declaration is reported at the clause.
	p, err = compileFS(t, "source csv(\"s.csv\") sorted by territory\ngroup territory { footer { territory } }", files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = p.Run(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "test.rpt:1:31: sorted by:") {
		t.Errorf("sorted by violated: %v", err)
	}
}

func TestMaxGroupsStatusAndSQLiteProgress(t *testing.T) {
	files := map[string]string{"s.csv": salesCSV(200, 9)}
	var h *stream.Handle
	out, res := mustRun(t, "source csv(\"s.csv\")\ngroup territory max_groups 4 { footer { territory, n: COUNT() } }\nsummary { n: COUNT() }", files,
		&RunConfig{OnStart: func(x *stream.Handle) { h = x }})
	if res.Totals.Rejected == 0 || len(res.Totals.RejectedByLevel) != 1 || res.Snapshot.Counters.Rejected != res.Totals.Rejected {
		t.Errorf("totals %+v, snapshot rejected %d", res.Totals, res.Snapshot.Counters.Rejected)
	}
	if !strings.Contains(out, "summary,,,200") || h == nil {
		t.Errorf("rejected records must still count in the summary:\n%s", out)
	}
	// Progress over a SQLite table counts its rows in the background.
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1),(2),(3)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p, err := Compile(context.Background(), "t.rpt", []byte("source sqlite(\"t.db\", table: \"t\")\nsummary { n: COUNT() }"), &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var read func() (int64, int64, bool)
	if _, err := p.Run(context.Background(), &RunConfig{Progress: func(f func() (int64, int64, bool)) { read = f }}); err != nil {
		t.Fatal(err)
	}
	if done, total, ok := read(); done != 3 || (ok && total != 3) {
		t.Errorf("progress %d of %d (%v)", done, total, ok)
	}
}

// The fast path (lets, where, keys and aggregate arguments made of fields,
// constants, arithmetic, comparisons and function calls) agrees with the
// VM (detail columns) on every value, nil included.
func TestFastPathMatchesVM(t *testing.T) {
	files := map[string]string{"r.csv": "n,d,e,s\n7,2.50,,abc\n0,-1.25,3,\n-4,0.00,,x\n"}
	exprs := []string{"n * d", "d / 2", "n + e", "n - 1.5", "n % 3", "d > 0", "n <= e", "s == \"abc\"", "s != nil",
		"n > 0 ? d : e", "n > 0 && d > 0", "n > 0 || e > 1", "-d", "!(n > 0)", "e == nil", "n * 2 - d * 3 + 1",
		"upper(s)", "len(s)", "concat(s, \"-\")", "abs(d)", "round(d * n, 1)", "coalesce(e, n)", "pad_left(s, 5)"}
	var lets, cols []string
	for i, e := range exprs {
		lets = append(lets, "let l"+itoa(i)+" = "+e)
		cols = append(cols, "f"+itoa(i)+": l"+itoa(i)+", v"+itoa(i)+": "+e)
	}
	script := "source csv(\"r.csv\") { e: int, d: decimal }\n" + strings.Join(lets, "\n") + "\ndetail { " + strings.Join(cols, ", ") + " }"
	p, err := compileFS(t, script, files)
	if err != nil {
		t.Fatal(err)
	}
	fast := 0
	for _, s := range p.m.Steps {
		if s.Let != nil && s.Let.Fast != nil {
			fast++
		}
	}
	if fast != len(exprs) {
		t.Errorf("%d of %d lets on the fast path", fast, len(exprs))
	}
	_, res := mustRun(t, script, files, &RunConfig{Collect: true})
	for _, e := range res.Events {
		for i := range exprs {
			f, v := e.Values[2*i], e.Values[2*i+1]
			if value.String(f) != value.String(v) || value.KindOf(f) != value.KindOf(v) {
				t.Errorf("%s: fast %v (%T), VM %v (%T)", exprs[i], f, f, v, v)
			}
		}
	}
	// Errors are positioned like the VM's.
	_, err = compileFS(t, "source csv(\"r.csv\")\nlet x = 10 / n\nsummary { s: SUM(x) }", files)
	if err != nil {
		t.Fatal(err)
	}
	p, _ = compileFS(t, "source csv(\"r.csv\")\nlet x = 10 / n\nsummary { s: SUM(x) }", files)
	if _, err := p.Run(context.Background(), nil); err == nil || err.Error() != "test.rpt:2:12: record 2: let x: division by zero" {
		t.Errorf("fast error: %v", err)
	}
}

// A host's Go function stays on the VM (its cancellation and panics are
// handled there); the standard library's are called from the fast path.
func TestFastPathLeavesHostFunctions(t *testing.T) {
	files := map[string]string{"r.csv": "n,s\n7,abc\n"}
	p, err := Compile(context.Background(), "t.rpt", []byte("source csv(\"r.csv\")\nlet a = twice(n)\nlet b = upper(s)\nsummary { x: SUM(a) }"),
		&Options{FS: fstest.MapFS{"r.csv": {Data: []byte(files["r.csv"])}}, Functions: map[string]any{"twice": func(v int64) int64 { return 2 * v }}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.m.Steps {
		switch s.Name {
		case "a":
			if s.Let.Fast != nil {
				t.Error("let a = twice(n): the host's function on the fast path")
			}
		case "b":
			if s.Let.Fast == nil {
				t.Error("let b = upper(s): not on the fast path")
			}
		}
	}
}
