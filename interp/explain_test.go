package interp

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// updateGolden reports whether -update was given: golden files are then
// rewritten instead of compared. The flag is registered here unless
// another test file of the package already did.
func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

// TestExplainExamples explains every example in text and JSON and
// compares with testdata/explain/NAME.{txt,json}.
func TestExplainExamples(t *testing.T) {
	scripts, err := filepath.Glob("../examples/*.rpt")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) < 5 {
		t.Fatalf("only %d examples", len(scripts))
	}
	for _, script := range scripts {
		base := strings.TrimSuffix(filepath.Base(script), ".rpt")
		t.Run(base, func(t *testing.T) {
			src, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := Compile(context.Background(), "examples/"+filepath.Base(script), src, &Options{Dir: "../examples"})
			if err != nil {
				t.Fatal(err)
			}
			plan, err := prog.Explain(context.Background(), &RunConfig{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			var text bytes.Buffer
			if err := plan.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			js := planJSON(t, plan)
			var back Plan
			if err := json.Unmarshal(js, &back); err != nil {
				t.Fatalf("the JSON plan does not parse back: %v", err)
			}
			if !reflect.DeepEqual(&back, plan) {
				t.Errorf("the JSON plan does not round-trip:\n got %+v\nwant %+v", back, *plan)
			}
			compareGolden(t, filepath.Join("testdata", "explain", base+".txt"), text.Bytes())
			compareGolden(t, filepath.Join("testdata", "explain", base+".json"), js)
		})
	}
}

// planJSON encodes a plan as `reportsh explain --format json` does.
func planJSON(t *testing.T, plan *Plan) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(plan); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./interp -run TestExplain -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n%s", path, got)
	}
}

// explainDir writes files into a temporary directory, with a SQLite
// database s.db holding an indexed and an unindexed copy of a small sales
// table, and explains script there.
func explainDir(t *testing.T, script string, params map[string]string) (*Plan, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	// One connection, without the journal and the syncs (a commit per
	// statement, synced to disk, was most of the time of a case).
	db.SetMaxOpenConns(1)
	for _, stmt := range []string{
		"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF",
		`CREATE TABLE sales (id INTEGER PRIMARY KEY, territory TEXT, customer TEXT, amount REAL, sale_date DATE)`,
		`CREATE INDEX sales_territory ON sales (territory)`,
		`CREATE TABLE plain (id INTEGER PRIMARY KEY, territory TEXT, customer TEXT, amount REAL, sale_date DATE)`,
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`,
		`INSERT INTO sales VALUES (1, 'North', 'C1', 2.5, '2024-01-02'), (2, 'South', 'C2', 4, '2024-07-01')`,
		`INSERT INTO plain SELECT * FROM sales`,
		`INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob')`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	files := map[string]string{
		"s.csv":   "id,territory,customer,amount,sale_date\n1,North,C1,2.5,2024-01-02\n2,South,C2,4,2024-07-01\n3,North,C3,1,2024-03-01\n",
		"c.csv":   "id,name\n1,Ann\n2,Bob\n2,Bobby\n",
		"s.jsonl": "{\"id\": 1, \"amount\": 2.5}\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	plan, err := prog.Explain(context.Background(), &RunConfig{Params: params})
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	var text bytes.Buffer
	if err := plan.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	return plan, text.String()
}

func TestExplainStrategies(t *testing.T) {
	const footer = "{\n  footer { territory, n: COUNT() }\n}\n"
	tests := []struct {
		name     string
		script   string
		params   map[string]string
		strategy string   // of the first grouping ("" for none)
		text     []string // lines (or parts of lines) the text must hold
		buffer   []string // parts of the Buffering entries' What, in order
		check    func(t *testing.T, p *Plan)
	}{{
		name:     "sqlite index: streaming, ORDER BY pushed down",
		script:   `source sqlite("s.db", table: "sales")` + "\ngroup territory " + footer,
		strategy: GroupingStreaming,
		text: []string{
			"group   territory: streaming, one open group, at most 10000 groups",
			"        streaming: an index on sales(territory) serves ORDER BY territory, pushed down to SQLite",
			"        order by pushed down: territory",
			`        first chunk: SELECT rowid, NULL, +"territory", NULL, NULL, NULL FROM "sales" ORDER BY "territory" COLLATE BINARY, rowid LIMIT ?`,
			`        next chunks: SELECT rowid, NULL, +"territory", NULL, NULL, NULL FROM "sales" WHERE ("territory" COLLATE BINARY, rowid) > (?, ?) ORDER BY "territory" COLLATE BINARY, rowid LIMIT ?`,
			"buffering: none",
		},
		check: func(t *testing.T, p *Plan) {
			if !reflect.DeepEqual(p.Source.OrderByPushedDown, []string{"territory"}) {
				t.Errorf("order by pushed down = %v", p.Source.OrderByPushedDown)
			}
			if lv := p.Groupings[0].Levels[0]; lv.Strategy != "streaming (input sorted by keys; memory: one open group per level)" {
				t.Errorf("level strategy = %q", lv.Strategy)
			}
		},
	}, {
		name:     "sqlite without index: hash",
		script:   `source sqlite("s.db", table: "plain")` + "\ngroup territory " + footer,
		strategy: GroupingHash,
		text: []string{
			"group   territory: hash, at most 10000 groups",
			"        hash: no index on plain(territory) (CREATE INDEX … ON plain(territory) makes the report stream)",
			`        next chunks: SELECT rowid, NULL, +"territory", NULL, NULL, NULL FROM "plain" WHERE rowid > ? ORDER BY rowid LIMIT ?`,
		},
		check: func(t *testing.T, p *Plan) {
			if p.Source.OrderByPushedDown != nil {
				t.Errorf("order by pushed down = %v", p.Source.OrderByPushedDown)
			}
			if lv := p.Groupings[0].Levels[0]; lv.Strategy != "hash (memory bounded by max_groups 10000)" {
				t.Errorf("level strategy = %q", lv.Strategy)
			}
		},
	}, {
		name:     "csv sorted by",
		script:   `source csv("s.csv") sorted by territory, customer` + "\nmax_groups 50\ngroup territory " + footer,
		strategy: GroupingStreaming,
		text: []string{
			"group   territory: streaming, one open group, at most 50 groups",
			"        streaming: the source is declared sorted by territory, customer",
			"        declared sorted by: territory, customer",
		},
	}, {
		name:     "detail over unsorted groups: sort buffer",
		script:   `source csv("s.csv")` + "\ngroup territory " + footer + "detail { id, amount }\n",
		strategy: GroupingSorted,
		text: []string{
			"group   territory: hash, detail records held by group, at most 10000 groups",
			"        sort: the source is not declared sorted by territory (add `sorted by territory` if the file is); the detail band's records are held in memory and printed by group at the end of the input",
			"bands   detail: id, amount — per record, when its group closes at the end of the input (groups in key order, records in input order)",
			"  detail band over input not sorted by the group keys: holds every record that passes the wheres and the group limits, by group, until its group closes at the end of the input",
			"    cost: up to 1000000 records (RunConfig.SortBuffer), past which the run fails",
		},
		buffer: []string{"detail band over input not sorted by the group keys"},
	}, {
		name:     "header with totals",
		script:   `source csv("s.csv") sorted by territory` + "\ngroup territory {\n  header { territory, n: COUNT(), first: MIN(sale_date) }\n}\n",
		strategy: GroupingStreaming,
		text: []string{
			`          header: COUNT(), MIN(sale_date)  (shows totals: holds the group's output)`,
			"  header of group territory shows totals: holds each territory group's output (header, nested groups, detail lines) until the group closes",
			"    cost: the output of one open territory group",
		},
		buffer: []string{"header of group territory shows totals"},
	}, {
		name: "PERCENT_OF_TOTAL",
		script: `source csv("s.csv") sorted by territory, customer` + "\ngroup territory {\n  group customer {\n" +
			"    footer { customer, share: PERCENT_OF_TOTAL(amount) }\n  }\n  footer { territory, share: PERCENT_OF_TOTAL(amount) }\n}\n",
		strategy: GroupingStreaming,
		text: []string{
			"  PERCENT_OF_TOTAL(amount) in group territory: holds the results of closed territory groups until the end of the input (its total is known then)",
			"  PERCENT_OF_TOTAL(amount) in group customer: holds the results of closed customer groups until its territory group closes (its total is known then)",
			"    cost: the results of up to max_groups 10000 groups",
		},
		buffer: []string{"PERCENT_OF_TOTAL(amount) in group territory", "PERCENT_OF_TOTAL(amount) in group customer"},
	}, {
		// Issue 15 item 5: the detail band's records wait with the groups.
		name: "PERCENT_OF_TOTAL with a detail band",
		script: `source csv("s.csv") sorted by territory` + "\ngroup territory {\n" +
			"  footer { territory, share: PERCENT_OF_TOTAL(amount) }\n}\ndetail { id, amount }\n",
		strategy: GroupingStreaming,
		text: []string{
			"bands   detail: id, amount — per record, when its group closes (PERCENT_OF_TOTAL waits for the enclosing total)",
			"  detail band with PERCENT_OF_TOTAL: holds the records of each group until the group closes, once the enclosing total is known",
			"    cost: up to 1000000 records (RunConfig.SortBuffer), past which the run fails",
		},
		buffer: []string{"detail band with PERCENT_OF_TOTAL", "PERCENT_OF_TOTAL(amount) in group territory"},
	}, {
		name:     "order by and limit",
		script:   `source csv("s.csv")` + "\ngroup customer having SUM(amount) > 0 order by SUM(amount) desc limit 2 {\n  footer { customer, total: SUM(amount) }\n}\n",
		strategy: GroupingHash,
		text: []string{
			"          having SUM(amount) > 0",
			"          order by SUM(amount) desc",
			"          limit 2",
			"  having of group customer: holds each customer group's output until the group closes, to keep or drop it",
			"  order by and limit of group customer: holds the closed customer groups (results and output) of the report until the end of the input",
			"    cost: up to max_groups 10000 groups with their output",
		},
		buffer: []string{"having of group customer", "order by and limit of group customer"},
		check: func(t *testing.T, p *Plan) {
			lv := p.Groupings[0].Levels[0]
			if lv.Having != "SUM(amount) > 0" || lv.OrderBy != "SUM(amount)" || !lv.Desc || lv.Limit != 2 {
				t.Errorf("level = %+v", lv)
			}
			if len(lv.Holds) != 2 {
				t.Errorf("holds = %q", lv.Holds)
			}
		},
	}, {
		name:   "report header with totals",
		script: `source csv("s.csv")` + "\nheader \"{COUNT()} sales\"\ndetail { id }\n",
		text: []string{
			`bands   report header: "{COUNT()} sales" — first, once the whole input is read (it shows totals: the report's output waits for it)`,
			"  report header shows totals: holds the whole output until the end of the input",
		},
		buffer: []string{"report header shows totals"},
	}, {
		name:   "aggregates that keep values",
		script: `source csv("s.csv")` + "\nsummary { c: COUNT_DISTINCT(customer), m: MEDIAN(amount), p: PERCENTILE(amount, 0.9) }\n",
		text: []string{
			"summary COUNT_DISTINCT(customer), MEDIAN(amount), PERCENTILE(amount, 0.9)",
			"  COUNT_DISTINCT(customer) in the report: holds the distinct values of the whole input",
		},
		buffer: []string{"COUNT_DISTINCT(customer)", "MEDIAN(amount)", "PERCENTILE(amount, 0.9)"},
	}, {
		name: "query source: placeholder in SQL, value bound",
		script: "param since: date = 2024-01-01\nparam who: string = \"x\"\n" +
			`source sqlite("s.db", query: "SELECT id, amount FROM sales WHERE sale_date >= :since")` + "\nsummary { n: COUNT() }\n",
		params: map[string]string{"since": "2024-06-01"},
		text: []string{
			"params  since: date = 2024-06-01 (set)",
			`        who: string = "x" (default)`,
			"source  sqlite s.db query",
			"        bound: :since = '2024-06-01'",
			"        every chunk: SELECT id, amount FROM sales WHERE sale_date >= :since",
		},
		check: func(t *testing.T, p *Plan) {
			want := []PlanBinding{{Name: ":since", Value: "'2024-06-01'"}}
			if !reflect.DeepEqual(p.Source.Bound, want) {
				t.Errorf("bound = %+v, want %+v", p.Source.Bound, want)
			}
			if strings.Contains(p.Source.FirstSQL, "2024") || !strings.Contains(p.Source.FirstSQL, ":since") {
				t.Errorf("the value is spliced into the SQL: %s", p.Source.FirstSQL)
			}
		},
	}, {
		name: "lookups: one query per chunk, loaded once",
		script: `source csv("s.csv")` + "\n" + `lookup c = sqlite("s.db", table: "customers") on id == id` + "\n" +
			`lookup d = csv("c.csv") on id == id` + "\nsummary { n: COUNT(c.name), m: COUNT(d.name) }\n",
		text: []string{
			`lookup  c: sqlite s.db table customers on id == id — one query per chunk`,
			`          SELECT rowid, +"id", +"name" FROM "customers" WHERE "id" IN (?, …) ORDER BY rowid`,
			`        d: csv c.csv on id == id — loaded once into memory (2 rows)`,
			"stage   aggregate argument c.name",
		},
		check: func(t *testing.T, p *Plan) {
			if len(p.Lookups) != 2 || p.Lookups[1].Rows != 2 || p.Lookups[0].Rows != 0 {
				t.Errorf("lookups = %+v", p.Lookups)
			}
		},
	}, {
		name:     "two groupings: hash",
		script:   `source csv("s.csv") sorted by territory` + "\ngroup territory " + footer + "group customer {\n  footer { customer, n: COUNT() }\n}\n",
		strategy: GroupingHash,
		text:     []string{"        hash: the report has 2 top-level groupings; each is grouped in its own hash table"},
		check: func(t *testing.T, p *Plan) {
			if len(p.Groupings) != 2 || p.Groupings[1].Levels[0].Bands[0] != p.Bands[1].ID || p.Bands[1].Group != "customer" {
				t.Errorf("groupings = %+v, bands = %+v", p.Groupings, p.Bands)
			}
		},
	}, {
		name:   "no groups: detail streams",
		script: `source jsonl("s.jsonl")` + "\nwhere amount > 1\ndetail { id, running: RUNNING_SUM(amount) }\n",
		text:   []string{"bands   detail: id, running — per record, as it is read", "stage   where amount > 1", "        aggregate argument amount"},
	}, {
		name:     "key is an expression: hash",
		script:   `source csv("s.csv") sorted by territory` + "\nlet t = territory\ngroup t " + strings.Replace(footer, "territory", "t", 1),
		strategy: GroupingHash,
		text:     []string{"        hash: the key of level t is not a field of the source (it is a let), so the input cannot be in key order"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, text := explainDir(t, tc.script, tc.params)
			lines := strings.Split(text, "\n")
			for _, want := range tc.text {
				found := false
				for _, l := range lines {
					found = found || strings.Contains(l, want)
				}
				if !found {
					t.Errorf("no line holds %q in:\n%s", want, text)
				}
			}
			if tc.strategy != "" && (len(p.Groupings) == 0 || p.Groupings[0].Strategy != tc.strategy) {
				t.Errorf("groupings = %+v, want strategy %s", p.Groupings, tc.strategy)
			}
			var what []string
			for _, b := range p.Buffering {
				what = append(what, b.What)
			}
			if len(what) != len(tc.buffer) {
				t.Errorf("buffering = %q, want %q", what, tc.buffer)
			} else {
				for i := range what {
					if !strings.Contains(what[i], tc.buffer[i]) {
						t.Errorf("buffering = %q, want %q", what, tc.buffer)
					}
				}
			}
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestExplainBadParam(t *testing.T) {
	prog, err := compileFS(t, "param n: int = 1\nsource csv(\"s.csv\")\nsummary { c: COUNT() }\n", map[string]string{"s.csv": "a\n1\n"})
	if err != nil {
		t.Fatal(err)
	}
	var pe *ParamError
	if _, err := prog.Explain(context.Background(), &RunConfig{Params: map[string]string{"m": "2"}}); !errors.As(err, &pe) {
		t.Errorf("unknown param: %v, want a *ParamError", err)
	}
	if _, err := prog.Explain(context.Background(), &RunConfig{Params: map[string]string{"n": "x"}}); !errors.As(err, &pe) {
		t.Errorf("bad value: %v, want a *ParamError", err)
	}
	if p, err := prog.Explain(context.Background(), &RunConfig{Params: map[string]string{"n": "7"}}); err != nil || p.Params[0].Value != "7" || p.Params[0].From != "set" {
		t.Errorf("Explain(n=7) = %+v, %v", p, err)
	}
}

func TestExplainWriteError(t *testing.T) {
	prog, err := compileFS(t, "source csv(\"s.csv\")\nsummary { c: COUNT() }\n", map[string]string{"s.csv": "a\n1\n"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := prog.Explain(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.WriteText(failWriter{}); err == nil {
		t.Error("WriteText to a failing writer: no error")
	}
}

// Issue 16: explain shows what the document formats print: a column's
// label and style rules, a band's row rules and the page bands, in text
// and in the Plan (JSON).
func TestExplainDocumentBands(t *testing.T) {
	script := "report \"R\"\nparam top: int = 2\npage_header \"{title} from {top}\"\npage_footer \"page {page} of {pages}\"\n" +
		"source csv(\"s.csv\") { v: int }\n" +
		"group k {\n  footer { k, n: COUNT() label \"Count\" style bold when n > top } style highlight when k == \"a\"\n}\n"
	prog, err := compileFS(t, script, map[string]string{"s.csv": "k,v\na,1\n"})
	require.NoError(t, err)
	p, err := prog.Explain(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, "{title} from {top}", p.PageHeader)
	assert.Equal(t, "page {page} of {pages}", p.PageFooter)
	var footer PlanBand
	for _, b := range p.Bands {
		if b.Kind == "footer" {
			footer = b
		}
	}
	require.Len(t, footer.Columns, 2)
	assert.Equal(t, "Count", footer.Columns[1].Label)
	assert.Equal(t, []string{"bold when n > top"}, footer.Columns[1].Styles)
	assert.Equal(t, []string{`highlight when k == "a"`}, footer.Styles)
	var text strings.Builder
	require.NoError(t, p.WriteText(&text))
	for _, want := range []string{
		`footer of group k (style highlight when k == "a"): k, n "Count" (style bold when n > top) — `,
		`page header: "{title} from {top}" — at the top of every page`,
		`page footer: "page {page} of {pages}" — at the foot of every page`,
	} {
		assert.Contains(t, text.String(), want)
	}
}
