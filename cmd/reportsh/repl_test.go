package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// replCSV is the data of the scripted sessions.
const replCSV = `id,territory,product,amount,quantity,sale_date
1,North,Widget,10.50,2,2024-01-05
2,South,Gadget,99.99,1,2024-01-20
3,North,Gadget,120.00,3,2024-02-01
4,West,Widget,7.25,10,2024-02-10
5,South,Widget,250.00,1,2024-03-03
6,North,Gizmo,,4,2024-03-15
`

// replDir returns a directory holding sales.csv.
func replDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeScript(t, dir, "sales.csv", replCSV)
	return dir
}

// transcript runs input lines through a session in dir and returns what a
// terminal would show: each line after its prompt ("rpt> ", or " ..> " while
// an input continues), then the output and errors it caused.
func transcript(t *testing.T, dir string, lines ...string) string {
	t.Helper()
	var buf bytes.Buffer
	s := NewSession(&buf, &buf, &SessionOptions{Dir: dir})
	return transcriptOn(t, s, &buf, lines...)
}

func transcriptOn(t *testing.T, s *Session, buf *bytes.Buffer, lines ...string) string {
	t.Helper()
	more := false
	for _, l := range lines {
		if more {
			buf.WriteString(" ..> ")
		} else {
			buf.WriteString("rpt> ")
		}
		buf.WriteString(l + "\n")
		var err error
		more, err = s.Line(context.Background(), l)
		if errors.Is(err, errQuit) {
			break
		}
	}
	return buf.String()
}

func checkTranscript(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("session:\n%s\nwant:\n%s", got, want)
	}
}

func TestReplExplore(t *testing.T) {
	got := transcript(t, replDir(t),
		":open sales.csv",
		":schema",
		":head 3",
		"amount * quantity",
		"product",
		"amount, quantity, sale_date + 30",
		"SUM(amount * quantity), COUNT() by territory",
		"where amount > 50: COUNT(), MAX(amount) by territory",
		"COUNT(), COUNT(amount)",
		"COUNT()",
		"COUNT() by territory, product",
		"where amount > 1000: COUNT() by territory",
		"where amount == nil: id",
	)
	checkTranscript(t, got, `rpt> :open sales.csv
opened sales.csv (csv, 6 fields)
rpt> :schema
field      type     sample
id         int      1
territory  string   North
product    string   Widget
amount     decimal  10.50
quantity   int      2
sale_date  date     2024-01-05
rpt> :head 3
id  territory  product  amount  quantity  sale_date
 1  North      Widget    10.50         2  2024-01-05
 2  South      Gadget    99.99         1  2024-01-20
 3  North      Gadget   120.00         3  2024-02-01
rpt> amount * quantity
21.00 (decimal)
rpt> product
"Widget" (string)
rpt> amount, quantity, sale_date + 30
amount  quantity  sale_date + 30
 10.50         2  2024-02-04
rpt> SUM(amount * quantity), COUNT() by territory
territory  SUM(amount * quantity)  COUNT()
North                      381.00        3
South                      349.99        2
West                        72.50        1
rpt> where amount > 50: COUNT(), MAX(amount) by territory
territory  COUNT()  MAX(amount)
North            1       120.00
South            2       250.00
rpt> COUNT(), COUNT(amount)
COUNT()  COUNT(amount)
      6              5
rpt> COUNT()
6 (int)
rpt> COUNT() by territory, product
territory  product  COUNT()
North      Gadget         1
North      Gizmo          1
North      Widget         1
South      Gadget         1
South      Widget         1
West       Widget         1
rpt> where amount > 1000: COUNT() by territory
no groups
rpt> where amount == nil: id
6 (int)
`)
}

func TestReplErrors(t *testing.T) {
	got := transcript(t, replDir(t),
		"SUM(amount) by territory",
		":open sales.csv",
		"SUM(amout) by territory",
		"where amount > 10 && territry == \"North\": COUNT()",
		"SUM(amount *",
		"  quantiy) by territory",
		"where amount / (quantity - 2) > 1: COUNT()",
		"let revenue = amount * quantiy",
		"let revenue = amount * quantity",
		"amount +",
		"where : COUNT()",
		":head x",
		":bogus",
		":open nosuch.csv",
		"SUM(revenue) by territory",
	)
	checkTranscript(t, got, `rpt> SUM(amount) by territory
error: no data: :open FILE first (or type a source statement)
rpt> :open sales.csv
opened sales.csv (csv, 6 fields)
rpt> SUM(amout) by territory
error: unknown field "amout" (did you mean "amount"?)
    SUM(amout) by territory
        ^
rpt> where amount > 10 && territry == "North": COUNT()
error: unknown field "territry" (did you mean "territory"?)
    where amount > 10 && territry == "North": COUNT()
                         ^
rpt> SUM(amount *
 ..>   quantiy) by territory
error: unknown field "quantiy" (did you mean "quantity"?)
      quantiy) by territory
      ^
rpt> where amount / (quantity - 2) > 1: COUNT()
error: record 1: division by zero
    where amount / (quantity - 2) > 1: COUNT()
                 ^
rpt> let revenue = amount * quantiy
error: unknown field "quantiy" (did you mean "quantity"?)
    let revenue = amount * quantiy
                           ^
rpt> let revenue = amount * quantity
rpt> amount +
error: unexpected "}" (expected expression)
    amount +
            ^
rpt> where : COUNT()
error: where needs a condition: where COND: QUERY
rpt> :head x
error: usage: :head [N], N a positive number
rpt> :bogus
error: unknown command :bogus (commands: :open :schema :head :load :run :explain :script :undo :reset :format :params :set :help :quit)
rpt> :open nosuch.csv
error: cannot open nosuch.csv: no such file or directory
rpt> SUM(revenue) by territory
territory  SUM(revenue)
North            381.00
South            349.99
West              72.50
`)
}

func TestReplScriptAndRun(t *testing.T) {
	got := transcript(t, replDir(t),
		":run",
		":open sales.csv",
		"report \"Revenue\"",
		"param min: decimal = 0",
		"where amount >= min",
		"let revenue = amount * quantity",
		"group territory {",
		"  footer { territory, orders: COUNT(), revenue: SUM(revenue) }",
		"}",
		"summary { orders: COUNT(), revenue: SUM(revenue) }",
		":script",
		":run",
		":params",
		":set min=100",
		":params",
		":format csv",
		":run",
		"SUM(revenue) by territory",
		":set min=lots",
		":run",
		":set min",
		"summary { n: COUNT() }",
		":undo",
		":undo",
		":run",
	)
	checkTranscript(t, got, `rpt> :run
error: no script: type statements, or :load FILE.rpt
rpt> :open sales.csv
opened sales.csv (csv, 6 fields)
rpt> report "Revenue"
rpt> param min: decimal = 0
rpt> where amount >= min
rpt> let revenue = amount * quantity
rpt> group territory {
 ..>   footer { territory, orders: COUNT(), revenue: SUM(revenue) }
 ..> }
rpt> summary { orders: COUNT(), revenue: SUM(revenue) }
rpt> :script
source csv("sales.csv")
report "Revenue"
param min: decimal = 0
where amount >= min
let revenue = amount * quantity
group territory {
  footer { territory, orders: COUNT(), revenue: SUM(revenue) }
}
summary { orders: COUNT(), revenue: SUM(revenue) }
rpt> :run
Revenue
=======
min: 0

territory  orders  revenue
North           2   381.00
South           2   349.99
West            1    72.50
Total           5   803.49

records read: 6, skipped: 0, rejected: 0
rpt> :params
min: decimal = 0 (default)
rpt> :set min=100
rpt> :params
min: decimal = 100 (set)
rpt> :format csv
rpt> :run
band,level,territory,orders,revenue
footer,0,North,1,360.00
footer,0,South,1,250.00
summary,,,2,610.00
rpt> SUM(revenue) by territory
territory,SUM(revenue)
North,360.00
South,250.00
rpt> :set min=lots
rpt> :run
error: param min: invalid decimal "lots"
rpt> :set min
rpt> summary { n: COUNT() }
error: duplicate summary band (the first is `+"`summary { orders: COUNT(), revenue: SUM(revenue) }`"+`)
    summary { n: COUNT() }
            ^
rpt> :undo
removed: summary { orders: COUNT(), revenue: SUM(revenue) }
rpt> :undo
removed: group territory {
rpt> :run
band,level
`)
}

func TestReplLoad(t *testing.T) {
	dir := replDir(t)
	writeScript(t, dir, "report.rpt", `# Orders per territory.
param region: string
source csv("sales.csv")
where territory == region
group product {
  footer { product, orders: COUNT(), total: SUM(amount * quantity) }
}
`)
	writeScript(t, dir, "bad.rpt", "source csv(\"sales.csv\")\n\nsummary { total: SUM(amout) }\n")
	writeScript(t, dir, "div.rpt", "source csv(\"sales.csv\")\nsummary { ratio: SUM(amount) / (COUNT() - 6) }\n")
	got := transcript(t, dir,
		":load report.rpt",
		":params",
		":run",
		":set region=North",
		":run",
		"COUNT() by product",
		":load bad.rpt",
		":run",
		":load div.rpt",
		":run",
		":load nosuch.rpt",
	)
	checkTranscript(t, got, `rpt> :load report.rpt
loaded report.rpt (4 statements)
rpt> :params
region: string (required, not set)
rpt> :run
error: param region: required parameter not set (declared at report.rpt:2:1; use :set region=VALUE)
rpt> :set region=North
rpt> :run
report
======
region: North

product  orders   total
Gadget        1  360.00
Gizmo         1
Widget        1   21.00

records read: 6, skipped: 0, rejected: 0
rpt> COUNT() by product
product  COUNT()
Gadget         1
Gizmo          1
Widget         1
rpt> :load bad.rpt
loaded bad.rpt (2 statements)
rpt> :run
bad.rpt:3:22: error: unknown field "amout" (did you mean "amount"?)
    summary { total: SUM(amout) }
                         ^
rpt> :load div.rpt
loaded div.rpt (2 statements)
rpt> :run
div
===

report incomplete: div.rpt:2:30: summary column ratio: division by zero
div.rpt:2:30: error: summary column ratio: division by zero
    summary { ratio: SUM(amount) / (COUNT() - 6) }
                                 ^
rpt> :load nosuch.rpt
error: cannot open nosuch.rpt: no such file or directory
`)
}

// replDB creates a SQLite database with a sales and a customers table.
func replDB(t *testing.T, dir string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "sales.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE sales (id INTEGER, territory TEXT, amount DECIMAL(10,2), quantity INTEGER)`,
		`INSERT INTO sales VALUES (1, 'North', 10.50, 2), (2, 'South', 99.99, 1), (3, 'North', 120, 3)`,
		`CREATE TABLE customers (id INTEGER, name TEXT)`,
		`INSERT INTO customers VALUES (1, 'Ada')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReplSQLite(t *testing.T) {
	dir := replDir(t)
	replDB(t, dir)
	got := transcript(t, dir,
		":open sales.db",
		":open sales.db nosuch",
		":open sales.db sales",
		":schema",
		"SUM(amount * quantity), COUNT() by territory",
		":open sales.db customers { id: string }",
		":head",
		":open sales.csv sales",
	)
	checkTranscript(t, got, `rpt> :open sales.db
sales.db has 2 tables; pick one with :open sales.db TABLE
table      type
customers  table
sales      table
rpt> :open sales.db nosuch
error: sales.db: no table "nosuch"; tables: customers, sales
rpt> :open sales.db sales
opened sales.db (sqlite, table sales, 4 fields)
rpt> :schema
field      type     sample
id         int      1
territory  string   North
amount     decimal  10.50
quantity   int      2
rpt> SUM(amount * quantity), COUNT() by territory
territory  SUM(amount * quantity)  COUNT()
North                      381.00        2
South                       99.99        1
rpt> :open sales.db customers { id: string }
opened sales.db (sqlite, table customers, 2 fields)
rpt> :head
id  name
1   Ada
rpt> :open sales.csv sales
error: sales.csv is not a SQLite database: it has no tables
`)
}

func TestReplFormats(t *testing.T) {
	got := transcript(t, replDir(t),
		":open sales.csv",
		":format",
		":format csv",
		":head 2",
		"amount",
		"COUNT() by territory",
		":format json",
		"amount, product",
		":format yaml",
		":format xlsx",
		":format text",
	)
	checkTranscript(t, got, `rpt> :open sales.csv
opened sales.csv (csv, 6 fields)
rpt> :format
format: text (formats: text, csv, json, jsonl, markdown, html)
rpt> :format csv
rpt> :head 2
id,territory,product,amount,quantity,sale_date
1,North,Widget,10.50,2,2024-01-05
2,South,Gadget,99.99,1,2024-01-20
rpt> amount
amount
10.50
rpt> COUNT() by territory
territory,COUNT()
North,3
South,2
West,1
rpt> :format json
rpt> amount, product
{
  "title": "",
  "params": {},
  "details": [
    {
      "amount": 10.50,
      "product": "Widget"
    }
  ]
}
rpt> :format yaml
error: unknown format "yaml" (formats: text, csv, json, jsonl, markdown, html)
rpt> :format xlsx
error: format xlsx writes a binary file, not for a terminal: use reportsh run SCRIPT -o FILE.xlsx
rpt> :format text
`)
}

func TestReplInterrupt(t *testing.T) {
	var buf bytes.Buffer
	s := NewSession(&buf, &buf, &SessionOptions{Dir: replDir(t)})
	ctx := context.Background()
	if _, err := s.Line(ctx, ":open sales.csv"); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Line(cancelled, "COUNT() by territory"); err == nil {
		t.Error("a cancelled query succeeded")
	}
	if !strings.Contains(buf.String(), "error: interrupted\n") {
		t.Errorf("no interrupted message: %q", buf.String())
	}
	buf.Reset()
	if _, err := s.Line(ctx, "COUNT()"); err != nil || buf.String() != "6 (int)\n" {
		t.Errorf("after an interrupt: %v %q", err, buf.String())
	}
	if more, _ := s.Line(ctx, "group territory {"); !more {
		t.Error("an open brace does not continue the input")
	}
	s.Discard()
	buf.Reset()
	if more, err := s.Line(ctx, "COUNT()"); more || err != nil || buf.String() != "6 (int)\n" {
		t.Errorf("after Discard: %v %v %q", more, err, buf.String())
	}
	if _, err := s.Line(ctx, ":quit"); !errors.Is(err, errQuit) {
		t.Errorf(":quit: %v", err)
	}
}

func TestReplCompletion(t *testing.T) {
	dir := replDir(t)
	writeScript(t, dir, "report.rpt", "source csv(\"sales.csv\")\n")
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := NewSession(&bytes.Buffer{}, &bytes.Buffer{}, &SessionOptions{Dir: dir})
	if _, err := s.Line(context.Background(), ":open sales.csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Line(context.Background(), "let revenue = amount * quantity"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		before string
		want   []string
		n      int
	}{
		{"SUM(amo", []string{"unt"}, 3},
		{"SUM(reve", []string{"nue"}, 4},
		{"terr", []string{"itory"}, 4},
		{"su", []string{"bstr(", "m(", "mmary"}, 2},
		{"SU", []string{"M("}, 2},
		{"COUNT_D", []string{"ISTINCT("}, 7},
		{"upp", []string{"er("}, 3},
		{":sc", []string{"hema ", "ript "}, 3},
		{":open s", []string{"ales.csv ", "ub/"}, 1},
		{":load ", []string{"report.rpt ", "sub/"}, 0},
		{":format j", []string{"son", "sonl"}, 1},
		{"amount ", nil, 0},
	} {
		got, n := s.Complete(tc.before)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || n != tc.n {
			t.Errorf("Complete(%q) = %q, %d; want %q, %d", tc.before, got, n, tc.want, tc.n)
		}
	}
}

func TestCmdRepl(t *testing.T) {
	dir := replDir(t)
	var out, errb bytes.Buffer
	in := strings.NewReader("COUNT() by territory\nSUM(amout)\n:quit\nCOUNT()\n")
	code := run(context.Background(), []string{"repl", filepath.Join(dir, "sales.csv")}, in, &out, &errb)
	if code != exitScript {
		t.Errorf("exit %d, want %d (an input failed)", code, exitScript)
	}
	wantOut := "opened " + filepath.Join(dir, "sales.csv") + " (csv, 6 fields)\nterritory  COUNT()\nNorth            3\nSouth            2\nWest             1\n"
	if out.String() != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), wantOut)
	}
	if want := "error: unknown field \"amout\" (did you mean \"amount\"?)\n    SUM(amout)\n        ^\n"; errb.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", errb.String(), want)
	}
	out.Reset()
	code = run(context.Background(), []string{"repl", "-f", "csv", filepath.Join(dir, "sales.csv")}, strings.NewReader("COUNT()\n"), &out, &errb)
	if code != exitOK || !strings.HasSuffix(out.String(), "COUNT()\n6\n") {
		t.Errorf("-f csv: exit %d, %q", code, out.String())
	}
	if code := run(context.Background(), []string{"repl", "a", "b", "c"}, strings.NewReader(""), &out, &errb); code != exitUsage {
		t.Errorf("three arguments: exit %d", code)
	}
}
