package interp

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	_ "modernc.org/sqlite"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/reportsh/reportsh/stdlib"
	"github.com/stretchr/testify/require"
)

const smallCSV = `territory,customer,amount,quantity,day
North,Acme,10.50,2,2024-01-05
North,Globex,4.25,4,2024-02-10
South,Initech,99.99,1,2024-01-20
South,Acme,,3,2024-03-01
North,Acme,1.00,1,2024-03-15
`

func TestFeatures(t *testing.T) {
	files := map[string]string{
		"s.csv": smallCSV,
		"c.csv": "name,segment\nAcme,SMB\nGlobex,Enterprise\n",
	}
	for _, c := range []struct {
		name, script, want string
		rc                 *RunConfig
	}{
		{"template header and nested groups", `
source csv("s.csv")
group territory {
  header "T={territory}"
  group customer {
    footer { customer, n: COUNT() }
  }
}`, "band,level,territory,customer,n\nfooter,1,North,Acme,2\nfooter,1,North,Globex,1\nfooter,1,South,Acme,1\nfooter,1,South,Initech,1\n", nil},
		{"header with totals is held until the group completes", `
source csv("s.csv")
group territory {
  header { territory, total: SUM(amount) }
  footer { territory, n: COUNT() }
}
detail { customer, amount }`, "band,level,territory,total,customer,amount,n\nheader,0,North,15.75,,,\ndetail,0,North,,Acme,10.50,\ndetail,0,North,,Globex,4.25,\ndetail,0,North,,Acme,1.00,\nfooter,0,North,,,,3\nheader,0,South,99.99,,,\ndetail,0,South,,Initech,99.99,\ndetail,0,South,,Acme,,\nfooter,0,South,,,,2\n", nil},
		{"having, order by desc and limit", `
source csv("s.csv")
group customer having COUNT() > 0 order by n desc limit 2 {
  footer { customer, n: COUNT() }
}`, "band,level,customer,n\nfooter,0,Acme,3\nfooter,0,Globex,1\n", nil},
		{"having drops groups", `
source csv("s.csv")
group territory having SUM(amount) > 50 {
  footer { territory, s: SUM(amount) }
}`, "band,level,territory,s\nfooter,0,South,99.99\n", nil},
		{"running totals across groups in a footer", `
source csv("s.csv")
group territory {
  footer { territory, s: SUM(quantity), cum: RUNNING_SUM(quantity), cnt: RUNNING_COUNT() }
}`, "band,level,territory,s,cum,cnt\nfooter,0,North,7,7,3\nfooter,0,South,4,11,5\n", nil},
		{"detail with running aggregates over unsorted input", `
source csv("s.csv")
group territory {
  footer { territory, n: COUNT() }
}
detail { customer, quantity, run: RUNNING_SUM(quantity), row: COUNT() }`, "band,level,territory,customer,quantity,run,row,n\ndetail,0,North,Acme,2,2,1,\ndetail,0,North,Globex,4,6,2,\ndetail,0,North,Acme,1,7,3,\nfooter,0,North,,,,,3\ndetail,0,South,Initech,1,1,1,\ndetail,0,South,Acme,3,4,2,\nfooter,0,South,,,,,2\n", nil},
		{"detail without groups", `
source csv("s.csv")
where amount > 5
detail { customer, running: RUNNING_SUM(amount) }`, "band,level,customer,running\ndetail,,Acme,10.50\ndetail,,Initech,110.49\n", nil},
		{"two independent groupings", `
source csv("s.csv")
group territory { footer { territory, n: COUNT() } }
group customer { footer { customer, n: COUNT() } }`, "band,level,territory,customer,n\nfooter,0,North,,3\nfooter,0,South,,2\nfooter,0,,Acme,3\nfooter,0,,Globex,1\nfooter,0,,Initech,1\n", nil},
		{"report header and footer", `
report "R"
source csv("s.csv")
header "Report for {who}"
param who: string = "me"
footer { total: SUM(quantity) }
summary { n: COUNT() }`, "band,level,n,total\nsummary,,5,\nreport_footer,,,11\n", nil},
		{"csv lookup with a miss", `
source csv("s.csv")
lookup c = csv("c.csv") on customer == name
group c.segment as segment { footer { segment, n: COUNT() } }`, "band,level,segment,n\nfooter,0,,1\nfooter,0,Enterprise,1\nfooter,0,SMB,3\n", nil},
		{"params from text and typed values", `
param min: decimal = 100
param who: string
source csv("s.csv")
where amount >= min && customer == who
summary { n: COUNT() }`, "band,level,n\nsummary,,1\n", &RunConfig{Params: map[string]string{"min": "5"}, Values: map[string]any{"who": "Acme"}}},
		{"eval errors skipped under on_error skip", `
source csv("s.csv")
on_error skip
let r = 100 / (quantity - 1)
summary { n: COUNT(), s: SUM(r) }`, "band,level,n,s\nsummary,,3,183.333333\n", nil},
		{"nil semantics over empty input", `
source csv("s.csv")
where amount > 1000
summary { n: COUNT(), s: SUM(amount), a: AVG(amount), lo: MIN(amount) }`, "band,level,n,s,a,lo\nsummary,,0,,,\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _ := mustRun(t, c.script, files, c.rc)
			if out != c.want {
				t.Errorf("got:\n%s\nwant:\n%s", out, c.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	files := map[string]string{"s.csv": smallCSV, "c.csv": "name,segment\nAcme,SMB\n"}
	for _, c := range []struct{ script, want string }{
		{`report "a"` + "\nreport \"b\"\nsource csv(\"s.csv\")", `test.rpt:2:1: duplicate report title (the first is at line 1)`},
		{"param x: money2 = 1\nsource csv(\"s.csv\")", `test.rpt:1:10: unknown type "money2" for param x`},
		{"param x: int = abc\nsource csv(\"s.csv\")", `test.rpt:1:16: default of param x: invalid int "abc"`},
		{"param x: int\nparam x: int\nsource csv(\"s.csv\")", `test.rpt:2:7: duplicate param x (the first is at line 1)`},
		{"on_error maybe\nsource csv(\"s.csv\")", `test.rpt:1:10: on_error must be skip or fail, not "maybe"`},
		{"max_groups 0\nsource csv(\"s.csv\")", `test.rpt:1:1: max_groups must be positive`},
		{"where 1 > 0", `test.rpt:1:1: the report has no source`},
		{`source xls("s.csv")`, `test.rpt:1:8: unknown source kind "xls" (kinds: csv, jsonl, sqlite, go)`},
		{`source csv("s.csv", tabel: "x")`, `test.rpt:1:21: csv has no argument "tabel" (arguments: delimiter, sample)`},
		{`source csv("missing.csv")`, `test.rpt:1:8: csv: cannot open`},
		{`source csv("../s.csv")`, `test.rpt:1:8: csv: path "../s.csv" is outside the report's file system`},
		{`source sqlite("x.db")`, `test.rpt:1:8: sqlite needs exactly one of table: or query:`},
		{`source csv()`, `test.rpt:1:8: csv needs a file path`},
		{"source csv(\"s.csv\") { amount: money2 }", `test.rpt:1:31: unknown type "money2" for field amount`},
		{"source csv(\"s.csv\") sorted by nope", `test.rpt:1:31: sorted by nope: the source has no such field`},
		{"source csv(\"s.csv\")\nlet amount = 1", `test.rpt:2:5: let amount: the name is already a field, param or let`},
		{"source csv(\"s.csv\")\nwhere amount + 1", `test.rpt:2:7: where needs a condition (bool), but this is decimal`},
		{"source csv(\"s.csv\")\nwhere customer * 2 > 1", `test.rpt:2:16: cannot apply * to string and int`},
		{"source csv(\"s.csv\")\nwhere day > 5", `test.rpt:2:11: cannot compare date with int`},
		{"source csv(\"s.csv\")\nwhere upper(1) == \"A\"", `test.rpt:2:7: upper: argument 1 is int, want string`},
		{"source csv(\"s.csv\")\nwhere round() == 1", `test.rpt:2:7: round takes 1 to 2 arguments, got 0`},
		{"source csv(\"s.csv\")\nsummary { customer }", `test.rpt:2:11: field "customer" in a summary must be a group key or inside an aggregate`},
		{"source csv(\"s.csv\")\nsummary { a: COUNT(), a: COUNT() }", `test.rpt:2:23: duplicate column name "a"`},
		{"source csv(\"s.csv\")\nsummary { COUNT() + 1 }", `test.rpt:2:11: column "COUNT() + 1" needs a name`},
		{"source csv(\"s.csv\")\nsummary { x: SUM(amount) format \"#,##0.0.0\" }", `test.rpt:2:33: column x:`},
		{"source csv(\"s.csv\")\nheader \"a {nope} b\"", `test.rpt:2:12: unknown field "nope"`},
		{"source csv(\"s.csv\")\nheader \"a {territory\"", `test.rpt:2:11: unclosed { in text band`},
		{"source csv(\"s.csv\")\ngroup territory {\n  footer { day }\n}", `test.rpt:3:12: field "day" in a group footer must be a group key or inside an aggregate (keys here: territory)`},
		{"source csv(\"s.csv\")\ngroup territory {\n  header { RUNNING_SUM(amount) }\n}", `test.rpt:3:12: column "RUNNING_SUM(amount)" needs a name`},
		{"source csv(\"s.csv\")\ngroup territory {\n  header { r: RUNNING_SUM(amount) }\n}", `test.rpt:3:15: RUNNING_SUM accumulates across groups only in a group footer`},
		{"source csv(\"s.csv\")\ngroup territory having COUNT() {\n}", `test.rpt:2:24: having needs a condition (bool), but this is int`},
		{"source csv(\"s.csv\")\ngroup territory limit 0 {\n}", `test.rpt:2:23: limit must be positive`},
		{"source csv(\"s.csv\")\ngroup territory {\n  group territory {\n  }\n}", `test.rpt:3:9: group level "territory" is already used by an enclosing group (add ` + "`as NAME`)"},
		{"source csv(\"s.csv\")\ngroup territory {\n  footer { n: COUNT() }\n  footer { n: COUNT() }\n}", `test.rpt:4:10: duplicate footer in group territory`},
		{"source csv(\"s.csv\")\ngroup territory {\n  group customer {\n  }\n  group day {\n  }\n}", `test.rpt:5:3: a group may nest only one group`},
		{"source csv(\"s.csv\")\ngroup territory {\n}\ngroup customer {\n}\ndetail { customer }", `test.rpt:6:8: a detail band needs a single grouping`},
		{"source csv(\"s.csv\")\ndetail { x: PERCENT_OF_TOTAL(amount) }", `test.rpt:2:13: PERCENT_OF_TOTAL is not available in a detail band`},
		{"source csv(\"s.csv\")\nlookup c = csv(\"c.csv\") on customer == nme", `test.rpt:2:40: lookup c: its source has no field "nme" (did you mean "name"?)`},
		{"source csv(\"s.csv\")\nlookup c = csv(\"c.csv\") on customer == name\nwhere c.sgment == \"x\"", `test.rpt:3:9: unknown field "sgment" of c (did you mean "segment"?)`},
		{"source csv(\"s.csv\")\nsummary { n: PERCENTILE(amount, quantity) }", `test.rpt:2:33: the last argument of PERCENTILE must be a number literal`},
		{"source csv(\"s.csv\")\nwhere [1][0] == 1", `test.rpt:2:10: only field access like customer.name is supported here`},
		{"source csv(\"s.csv\")\nwhere {a: 1}.a == 1", `test.rpt:2:7: this kind of expression is not supported`},
		{"source csv(\"s.csv\")\nwhere nosuch(1) == 1", `test.rpt:2:7: unknown function "nosuch"`},
	} {
		_, err := compileFS(t, c.script, files)
		var list grammar.ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%q: got %v, want an ErrorList", c.script, err)
			continue
		}
		if !strings.HasPrefix(list[0].Error(), c.want) {
			t.Errorf("%q:\n got %s\nwant %s…", c.script, list, c.want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	files := map[string]string{"s.csv": smallCSV, "bad.csv": "a,b\n1,x\n"}
	run := func(script string, rc *RunConfig) error {
		p, err := compileFS(t, script, files)
		if err != nil {
			t.Fatalf("compile %q: %v", script, err)
		}
		if rc == nil {
			rc = &RunConfig{}
		}
		_, err = p.Run(context.Background(), rc)
		return err
	}
	err := run("source csv(\"s.csv\")\nlet r = 1 / (quantity - 1)\nsummary { s: SUM(r) }", nil)
	var ee *EvalError
	if !errors.As(err, &ee) || ee.Record != 3 || err.Error() != "test.rpt:2:11: record 3: let r: division by zero" {
		t.Errorf("division by zero: %v (%#v)", err, ee)
	}
	err = run("source csv(\"bad.csv\") { b: int }\nsummary { n: COUNT() }", nil)
	if err == nil || !strings.Contains(err.Error(), `bad.csv:2: column "b": invalid int "x"`) {
		t.Errorf("data error: %v", err)
	}
	err = run("param p: int\nsource csv(\"s.csv\")\nsummary { n: COUNT() }", nil)
	var pe *ParamError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "required parameter not set") {
		t.Errorf("missing param: %v", err)
	}
	if err := run("source csv(\"s.csv\")\nsummary { n: COUNT() }", &RunConfig{Params: map[string]string{"nope": "1"}}); err == nil || !strings.Contains(err.Error(), "unknown parameter") {
		t.Errorf("unknown param: %v", err)
	}
	if err := run("param d: date\nsource csv(\"s.csv\")\nsummary { n: COUNT() }", &RunConfig{Values: map[string]any{"d": true}}); err == nil {
		t.Error("bad typed param accepted")
	}
	if err := run("source csv(\"s.csv\")\nsummary { n: COUNT() }", &RunConfig{OnError: "sometimes"}); err == nil {
		t.Error("bad on_error accepted")
	}
	if err := run("source csv(\"s.csv\")\nsummary { n: COUNT() }", &RunConfig{Format: "docx", Output: &bytes.Buffer{}}); err == nil || !strings.Contains(err.Error(), "docx") {
		t.Errorf("bad format: %v", err)
	}
	err = run("source csv(\"s.csv\")\nlet big = 9223372036854775807 + quantity\nsummary { n: COUNT() }", nil)
	if err == nil || !strings.Contains(err.Error(), "integer overflow") {
		t.Errorf("overflow: %v", err)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// Scenario I23: a failing sink ends the run with an error, no panic.
func TestFailingWriter(t *testing.T) {
	p, err := compileFS(t, "source csv(\"s.csv\")\ndetail { customer }", map[string]string{"s.csv": smallCSV})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"csv", "jsonl", "text", "json"} {
		_, err = p.Run(context.Background(), &RunConfig{Output: failWriter{}, Format: Format(format)})
		var se *SinkError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: got %v, want a SinkError", format, err)
		}
	}
}

func TestSQLiteSourcesAndFS(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE sales (id INTEGER PRIMARY KEY, territory TEXT, customer_id INT, amount DECIMAL(10,2), quantity INT)",
		"CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
		"INSERT INTO sales VALUES (1,'North',1,10.50,2),(2,'South',2,5.25,1),(3,'North',2,1.00,3),(4,'South',9,2.00,1)",
		"INSERT INTO customers VALUES (1,'Acme'),(2,'Globex')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	script := `
param region: string = "North"
source sqlite("s.db", query: "SELECT * FROM sales WHERE territory = :region")
lookup c = sqlite("s.db", table: "customers") on customer_id == id
detail { id, name: c.name, amount }
summary { n: COUNT(), s: SUM(amount * quantity) }`
	want := "band,level,id,name,amount,n,s\ndetail,,1,Acme,10.50,,\ndetail,,3,Globex,1.00,,\nsummary,,,,,2,24.00\n"
	// Through the OS, relative to Dir.
	p, err := Compile(context.Background(), "q.rpt", []byte(script), &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := p.Run(context.Background(), &RunConfig{Output: &out, Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	// Confined to an fs.FS that is not the OS: the database is copied to a temporary file.
	b, _ := os.ReadFile(filepath.Join(dir, "s.db"))
	p, err = Compile(context.Background(), "q.rpt", []byte(script), &Options{FS: fstest.MapFS{"s.db": {Data: b}}})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if _, err := p.Run(context.Background(), &RunConfig{Output: &out, Format: "csv", Params: map[string]string{"region": "South"}}); err != nil {
		t.Fatal(err)
	}
	if want := "band,level,id,name,amount,n,s\ndetail,,2,Globex,5.25,,\ndetail,,4,,2.00,,\nsummary,,,,,2,7.25\n"; out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	// Grouping a SQLite table without an index on the keys uses a hash table.
	groupScript := []byte("source sqlite(\"s.db\", table: \"sales\")\ngroup territory { footer { territory, n: COUNT() } }")
	p, err = Compile(context.Background(), "g.rpt", groupScript, &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if p.m.Groupings[0].Streaming || p.m.Source.OrderBy != nil {
		t.Errorf("ORDER BY pushed down without an index: %v", p.m.Source.OrderBy)
	}
	// With an index on the keys it streams: ORDER BY is pushed down.
	db, err = sql.Open("sqlite", filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE INDEX sales_territory ON sales(territory)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p, err = Compile(context.Background(), "g.rpt", groupScript, &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !p.m.Groupings[0].Streaming || strings.Join(p.m.Source.OrderBy, ",") != "territory" {
		t.Errorf("no ORDER BY push-down: %+v %v", p.m.Groupings[0], p.m.Source.OrderBy)
	}
	out.Reset()
	if _, err := p.Run(context.Background(), &RunConfig{Output: &out, Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	if want := "band,level,territory,n\nfooter,0,North,2\nfooter,0,South,2\n"; out.String() != want {
		t.Errorf("streamed groups:\n%s", out.String())
	}
	// Absolute paths escape a confined FS.
	if _, err := Compile(context.Background(), "e.rpt", []byte(`source sqlite("/etc/passwd", table: "t")`), &Options{FS: fstest.MapFS{}}); err == nil || !strings.Contains(err.Error(), "outside the report's file system") {
		t.Errorf("absolute path: %v", err)
	}
}

func TestSortBufferLimit(t *testing.T) {
	script := "source csv(\"s.csv\")\ngroup territory { footer { territory } }\ndetail { customer }"
	p, err := compileFS(t, script, map[string]string{"s.csv": smallCSV})
	if err != nil {
		t.Fatal(err)
	}
	if !p.m.NeedSort {
		t.Fatal("a detail band over unsorted groups should buffer and sort")
	}
	_, err = p.Run(context.Background(), &RunConfig{SortBuffer: 3})
	var le *LimitError
	if !errors.As(err, &le) || le.Max != 3 || !strings.Contains(err.Error(), "sorted by") {
		t.Errorf("got %v, want a LimitError suggesting sorted input", err)
	}
	// Declared sorted input streams without buffering.
	p, err = compileFS(t, "source csv(\"s.csv\") sorted by territory\ngroup territory { footer { territory } }\ndetail { customer }", map[string]string{"s.csv": smallCSV})
	if err != nil {
		t.Fatal(err)
	}
	if p.m.NeedSort || !p.m.Groupings[0].Streaming {
		t.Error("sorted by did not make the grouping stream")
	}
}

// Scenario A23 (through the interpreter): the number of workers and the
// chunk size never change the output.
func TestWorkersAndChunksGiveIdenticalOutput(t *testing.T) {
	files := map[string]string{"s.csv": salesCSV(5000, 7)}
	script := `
source csv("s.csv") { amount: decimal }
let revenue = amount * quantity
where revenue > 10
group territory order by revenue desc {
  group customer { footer { customer, n: COUNT(), revenue: SUM(revenue), first: FIRST(id), last: LAST(id) } }
  footer { territory, n: COUNT(), revenue: SUM(revenue), avg: AVG(amount), cum: RUNNING_SUM(revenue) }
}
summary { n: COUNT(), revenue: SUM(revenue), med: MEDIAN(amount) }`
	base, _ := mustRun(t, script, files, &RunConfig{Workers: 1, ChunkSize: 1000})
	for _, c := range []RunConfig{{Workers: 2, ChunkSize: 7}, {Workers: 4, ChunkSize: 1000}, {Workers: 3, ChunkSize: 1}} {
		c := c
		if got, _ := mustRun(t, script, files, &c); got != base {
			t.Errorf("workers %d, chunk %d: output differs", c.Workers, c.ChunkSize)
		}
	}
}

func TestGoSourceErrors(t *testing.T) {
	schema := &value.Schema{Fields: []value.Field{{Name: "a", Kind: value.KindInt}}}
	src := SourceFunc(schema, func(ctx context.Context, _ map[string]any) iter.Seq2[value.Record, error] {
		return func(yield func(value.Record, error) bool) {
			if !yield(value.Record{1}, nil) {
				return
			}
			if !yield(value.Record{1, 2}, nil) {
				return
			}
		}
	})
	opts := &Options{Sources: map[string]Source{"s": src}}
	if _, err := Compile(context.Background(), "x.rpt", []byte(`source go("t")`), opts); err == nil || !strings.Contains(err.Error(), `no Go source named "t" is registered (did you mean "s"?)`) {
		t.Errorf("unknown go source: %v", err)
	}
	p, err := Compile(context.Background(), "x.rpt", []byte("source go(\"s\")\nsummary { n: COUNT() }"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "record 2 has 2 fields, the schema 1") {
		t.Errorf("bad record: %v", err)
	}
}

func TestProgressHook(t *testing.T) {
	var read func() (int64, int64, bool)
	_, _ = mustRun(t, "source csv(\"s.csv\")\nsummary { n: COUNT() }", map[string]string{"s.csv": smallCSV},
		&RunConfig{Progress: func(f func() (int64, int64, bool)) { read = f }})
	if read == nil {
		t.Fatal("Progress not called")
	}
	done, total, ok := read()
	if !ok || total != int64(len(smallCSV)) || done != total {
		t.Errorf("progress = %d of %d (%v), want all %d bytes", done, total, ok, len(smallCSV))
	}
}

func TestLimitsAndHandle(t *testing.T) {
	files := map[string]string{"s.csv": smallCSV}
	fsys := fstest.MapFS{"s.csv": {Data: []byte(smallCSV)}}
	_, err := Compile(context.Background(), "x.rpt", []byte("source csv(\"s.csv\")\nwhere amount > 1 && amount < 1000000\nsummary { n: COUNT() }"), &Options{FS: fsys, MaxExprSize: 10})
	var le *LimitError
	if !errors.As(err, &le) || le.Max != 10 || le.Where != "x.rpt:2:7" {
		t.Errorf("max expression size: %v", err)
	}
	// OnStart hands over the pipeline's handle while it runs.
	var h *stream.Handle
	_, res := mustRun(t, "source csv(\"s.csv\")\nsummary { n: COUNT() }", files, &RunConfig{OnStart: func(x *stream.Handle) { h = x }})
	if h == nil || h.ID() != res.Snapshot.ID || res.Snapshot.Status != stream.StatusCompleted {
		t.Errorf("handle %v, snapshot %+v", h, res.Snapshot)
	}
	// Timeout bounds the run: an expired context fails it.
	p, err := compileFS(t, "source csv(\"s.csv\")\nsummary { n: COUNT() }", files)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Run(ctx, &RunConfig{Timeout: time.Second}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	if got := p.Title(); got != "test" {
		t.Errorf("title %q", got)
	}
	p2, _ := compileFS(t, "param a: int = 3\nparam b: date\nsource csv(\"s.csv\")", files)
	if ps := p2.Params(); len(ps) != 2 || ps[0].Default != int64(3) || !ps[1].Required || ps[1].Type != "date" {
		t.Errorf("params %+v", ps)
	}
}

// Scenario E14 (through the interpreter): a report whose source hangs is
// failed as stalled by a health monitor watching its registry.
func TestMonitorFailsStalledReport(t *testing.T) {
	schema := &value.Schema{Fields: []value.Field{{Name: "a", Kind: value.KindInt}}}
	started := make(chan struct{})
	hang := SourceFunc(schema, func(ctx context.Context, _ map[string]any) iter.Seq2[value.Record, error] {
		return func(yield func(value.Record, error) bool) {
			if !yield(value.Record{1}, nil) {
				return
			}
			close(started)
			<-ctx.Done() // hangs until the pipeline gives up
		}
	})
	p, err := Compile(context.Background(), "h.rpt", []byte("source go(\"h\")\nsummary { n: COUNT() }"), &Options{Sources: map[string]Source{"h": hang}})
	if err != nil {
		t.Fatal(err)
	}
	clock := stream.NewManualClock(time.Unix(0, 0))
	reg := stream.NewRegistry(stream.RegistryOptions{Clock: clock})
	mon := stream.NewMonitor(reg, stream.MonitorOptions{StallTimeout: 30 * time.Second, Interval: time.Second, Clock: clock})
	mon.Start()
	defer mon.Stop()
	done := make(chan error, 1)
	go func() {
		_, err := p.Run(context.Background(), &RunConfig{Registry: reg, ChunkSize: 10})
		done <- err
	}()
	<-started
	for i := 0; i < 31; i++ { // past the stall timeout, one check at a time
		if err := clock.BlockUntil(context.Background(), 1); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
	}
	select {
	case err := <-done:
		if !errors.Is(err, stream.ErrStalled) {
			t.Fatalf("got %v, want ErrStalled", err)
		}
	case <-time.After(20 * time.Second): // a failsafe, not a timing assertion
		t.Fatal("the stalled report was not failed after 31 s of monitor time")
	}
}

func TestMoreCompileErrors(t *testing.T) {
	files := map[string]string{"s.csv": smallCSV, "c.csv": "name,segment\nAcme,SMB\n"}
	for _, c := range []struct{ script, want string }{
		{"source csv(\"s.csv\")\nwhere amount > (", `test.rpt:2:16:`},
		{"source csv(\"s.csv\")\nsummary { p: PERCENTILE(amount, -0.5) }", `test.rpt:2:33: PERCENTILE: p must be between 0 and 1, got -0.5`},
		{"source csv(\"s.csv\")\nsummary { p: PERCENTILE(amount, +2) }", `test.rpt:2:33: PERCENTILE: p must be between 0 and 1, got 2`},
		{"source csv(\"s.csv\")\nsummary { x: COUNT(amount, 1, 2) }", `test.rpt:2:14: COUNT takes 0 to 1 arguments, got 3`},
		{"source csv(\"s.csv\")\nwhere concat() == \"\"", `test.rpt:2:7: concat takes at least 1 argument, got 0`},
		{"lookup c = csv(\"c.csv\") on customer == name\nlookup c = csv(\"c.csv\") on customer == name\nsource csv(\"s.csv\")", `test.rpt:2:8: duplicate lookup c`},
		{"source csv(\"s.csv\")\nlookup c = sqlite(\"c.db\", query: \"select 1\") on customer == name\nwhere c.x == 1", `test.rpt:2:12: lookup c: a SQLite lookup reads a table`},
		{"source csv(\"s.csv\")\nlookup c = csv(\"nope.csv\") on customer == name", `test.rpt:2:12: csv: cannot open "nope.csv"`},
		{"source csv(\"s.csv\", 1)", `test.rpt:1:21: csv takes a file path as its one positional argument`},
		{"source csv(\"s.csv\", delimiter: \";;\")", `test.rpt:1:21: csv: delimiter must be one character`},
		{"source csv(\"s.csv\", delimiter: 1)", `test.rpt:1:32: csv: argument delimiter must be a string`},
		{"source csv(\"s.csv\", sample: 0)", `test.rpt:1:29: csv: sample must be a positive integer`},
		{"source go()", `test.rpt:1:8: go needs the name of a source`},
		{"param x: string\nsource csv(\"s.csv\")\nlet x = 1", `test.rpt:3:5: let x: the name is already a field, param or let`},
		{"source csv(\"s.csv\")\ngroup territory max_groups 0 {\n}", `test.rpt:2:28: max_groups must be positive`},
		{"source csv(\"s.csv\")\nwhere 2 ** customer > 1", `test.rpt:2:9: cannot apply ** to int and string`},
		{"source csv(\"s.csv\")\nwhere customer contains 1", `test.rpt:2:16: contains needs strings, not string and int`},
	} {
		_, err := compileFS(t, c.script, files)
		if err == nil {
			if c.want != "" {
				t.Errorf("%q: no error, want %s", c.script, c.want)
			}
			continue
		}
		if c.want == "" || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s…", c.script, err, c.want)
		}
	}
}

// Options.Functions takes typed Go functions and *stdlib.Funcs, whose Name
// must be the key.
func TestFunctionsKinds(t *testing.T) {
	double := &stdlib.Func{Name: "double", Sig: "double(n int) int", MinArgs: 1, MaxArgs: 1,
		Check: func([]value.Kind) (value.Kind, error) { return value.KindInt, nil },
		Call:  func(args ...any) (any, error) { return args[0].(int64) * 2, nil }}
	src := []byte("source csv(\"t.csv\")\nsummary { a: SUM(double(n)), b: SUM(inc(n)) }")
	dir := fixture.CSV(t, "n", "1", "2")
	prog, err := Compile(context.Background(), "t.rpt", src, &Options{Dir: dir, Functions: map[string]any{
		"double": double, "inc": func(n int64) int64 { return n + 1 }}})
	require.NoError(t, err)
	res, err := prog.Run(context.Background(), &RunConfig{Collect: true})
	require.NoError(t, err)
	require.Equal(t, []any{int64(6), int64(5)}, res.Events[len(res.Events)-1].Values)
	_, err = Compile(context.Background(), "t.rpt", src, &Options{Dir: dir, Functions: map[string]any{"twice": double}})
	require.ErrorContains(t, err, `function twice: the *stdlib.Func is named "double"`)
}
