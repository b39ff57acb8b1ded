package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/reportsh/reportsh/bench/salesgen"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// TestMain fails the package if any goroutine outlives the tests: every
// run, however it ends (completed, cancelled, failed), must release its
// pipeline, sources and lookups.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if shared.dir != "" {
			os.RemoveAll(shared.dir)
		}
		os.Exit(code)
	}))
}

// knownGaps lists what a scenario expects and reportsh does not do yet,
// each with its reason. A check that finds its gap still open logs it
// instead of failing; a check that finds it closed fails, so that the entry
// is deleted with the fix and the check becomes an ordinary assertion.
// Never a silent skip: the gaps are listed here and printed with -v.
var knownGaps = map[string]string{}

// gap checks a behaviour that may be listed in knownGaps.
func gap(t testing.TB, id string, ok bool, format string, args ...any) {
	t.Helper()
	reason, known := knownGaps[id]
	switch {
	case ok && known:
		t.Errorf("known gap %s is closed: delete its knownGaps entry (%s)", id, reason)
	case !ok && known:
		t.Logf("KNOWN GAP %s: "+format+"\n\t%s", append([]any{id}, append(args, reason)...)...)
	case !ok:
		t.Errorf(format, args...)
	}
}

// seed selects the salesgen data set of every test.
const seed = 1

// The files a dataset can hold.
const (
	salesCSV = 1 << iota
	salesJSONL
	salesDB // sales and customers tables
	customersCSV
)

// dataset is a salesgen data set written into a test's temporary
// directory: sales.csv, sales.jsonl, sales.db and customers.csv, as asked.
type dataset struct {
	dir string
	cfg salesgen.Config
}

// newDataset writes the files of a rows-record data set into a new
// temporary directory of the test's.
func newDataset(t testing.TB, rows int, files int) *dataset {
	t.Helper()
	return writeDataset(t, t.TempDir(), rows, files)
}

// shared holds the data sets several tests read: writing a SQLite file is
// slow under -race. TestMain removes the directory.
var shared struct {
	mu   sync.Mutex
	dir  string
	sets map[[2]int]*dataset
}

// allFiles asks for every file of a data set.
const allFiles = salesCSV | salesJSONL | salesDB | customersCSV

// sharedDataset returns a data set written once for the whole package.
// Tests must not modify its files.
func sharedDataset(t testing.TB, rows int, files int) *dataset {
	t.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	key := [2]int{rows, files}
	if d := shared.sets[key]; d != nil {
		return d
	}
	if shared.dir == "" {
		dir, err := os.MkdirTemp("", "reportsh-e2e-")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir, shared.sets = dir, map[[2]int]*dataset{}
	}
	dir := filepath.Join(shared.dir, strconv.Itoa(rows)+"-"+strconv.Itoa(files))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	d := writeDataset(t, dir, rows, files)
	shared.sets[key] = d
	return d
}

func writeDataset(t testing.TB, dir string, rows int, files int) *dataset {
	t.Helper()
	d := &dataset{dir: dir, cfg: salesgen.Config{Rows: rows, Seed: seed}}
	write := func(name string, f func(*os.File) error) {
		out, err := os.Create(d.path(name))
		if err != nil {
			t.Fatal(err)
		}
		if err := f(out); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if files&salesCSV != 0 {
		write("sales.csv", func(f *os.File) error { return salesgen.WriteCSV(f, d.cfg) })
	}
	if files&salesJSONL != 0 {
		write("sales.jsonl", func(f *os.File) error { return salesgen.WriteJSONL(f, d.cfg) })
	}
	if files&customersCSV != 0 {
		write("customers.csv", func(f *os.File) error { return salesgen.WriteCustomersCSV(f, d.cfg) })
	}
	if files&salesDB != 0 {
		if err := salesgen.WriteSQLite(d.path("sales.db"), d.cfg); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

func (d *dataset) path(name string) string { return filepath.Join(d.dir, name) }

// sales returns the data set's rows, as salesgen generates them.
func (d *dataset) sales() []salesgen.Sale {
	return slices.Collect(salesgen.Rows(d.cfg))
}

// compile compiles script with the data set's directory as the base of
// relative paths.
func (d *dataset) compile(t testing.TB, script string) *interp.Program {
	t.Helper()
	p, err := interp.Compile(context.Background(), "test.rpt", []byte(script), &interp.Options{Dir: d.dir})
	if err != nil {
		t.Fatalf("compile:\n%s\n%v", script, err)
	}
	return p
}

// The sources of the sales table, as a script writes them. SQLite stores
// amount as TEXT ('12.50'), so the script declares it decimal.
var salesSources = []struct{ name, decl string }{
	{"csv", `source csv("sales.csv")`},
	{"jsonl", `source jsonl("sales.jsonl")`},
	{"sqlite", `source sqlite("sales.db", table: "sales") { amount: decimal }`},
}

// runTo runs p into a buffer in format and returns the output and the
// result; any error fails the test.
func runTo(t testing.TB, p *interp.Program, rc interp.RunConfig, format string) ([]byte, *interp.Result) {
	t.Helper()
	var buf bytes.Buffer
	rc.Output, rc.Format = &buf, interp.Format(format)
	res, err := p.Run(context.Background(), &rc)
	if err != nil {
		t.Fatalf("run (%s): %v", format, err)
	}
	return buf.Bytes(), res
}

// csvTable is CSV output parsed back: a header and rows, cells by column
// name.
type csvTable struct {
	col  map[string]int
	rows [][]string
}

func parseCSV(t testing.TB, out []byte) *csvTable {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("empty CSV output")
	}
	tb := &csvTable{col: map[string]int{}, rows: recs[1:]}
	for i, h := range recs[0] {
		tb.col[h] = i
	}
	return tb
}

// get returns row's cell of column name.
func (tb *csvTable) get(t testing.TB, row []string, name string) string {
	t.Helper()
	i, ok := tb.col[name]
	if !ok {
		t.Fatalf("no column %q in %v", name, tb.col)
	}
	return row[i]
}

// band returns the rows of one band kind ("detail", "footer", ...).
func (tb *csvTable) band(kind string) [][]string {
	var out [][]string
	for _, r := range tb.rows {
		if r[0] == kind {
			out = append(out, r)
		}
	}
	return out
}

// eventRow is one collected band event with its values by column name, as
// canonical text (value.String).
type eventRow struct {
	keys []string
	vals map[string]string
}

// eventsOf returns the collected events of one band kind, in report order.
func eventsOf(res *interp.Result, kind render.BandKind, level int) []eventRow {
	var out []eventRow
	for _, e := range res.Events {
		if e.Band.Kind != kind || e.Band.Level != level {
			continue
		}
		r := eventRow{vals: map[string]string{}}
		for _, k := range e.Keys {
			r.keys = append(r.keys, value.String(k))
		}
		for i, c := range e.Band.Columns {
			r.vals[c.Name] = value.String(e.Values[i])
		}
		out = append(out, r)
	}
	return out
}

// footers returns the group footers of one level, in report order.
func footers(res *interp.Result, level int) []eventRow {
	return eventsOf(res, render.GroupFooter, level)
}

// keysOf returns the innermost key of each row.
func keysOf(rows []eventRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.keys[len(r.keys)-1])
	}
	return out
}

// amount returns a sale's amount as the sources write it: two decimals,
// or "" when missing.
func amount(s salesgen.Sale) string {
	if !s.HasAmount {
		return ""
	}
	return salesgen.FormatCents(s.AmountCents)
}

// totals are aggregates computed independently of reportsh, from
// salesgen's rows, in integer cents.
type totals struct {
	count, withAmount int64
	amountCents       int64 // sum of amounts
	revenueCents      int64 // sum of amount × quantity
	minCents          int64
	maxCents          int64
	units             int64
	customers         map[string]bool
	firstDate         string
	lastDate          string
}

func (a *totals) add(s salesgen.Sale) {
	if a.customers == nil {
		a.customers = map[string]bool{}
	}
	a.count++
	a.units += s.Quantity
	a.customers[s.Customer] = true
	if a.firstDate == "" || s.SaleDate < a.firstDate {
		a.firstDate = s.SaleDate
	}
	if s.SaleDate > a.lastDate {
		a.lastDate = s.SaleDate
	}
	if !s.HasAmount {
		return
	}
	if a.withAmount == 0 || s.AmountCents < a.minCents {
		a.minCents = s.AmountCents
	}
	if a.withAmount == 0 || s.AmountCents > a.maxCents {
		a.maxCents = s.AmountCents
	}
	a.withAmount++
	a.amountCents += s.AmountCents
	a.revenueCents += s.AmountCents * s.Quantity
}

// cents formats an optional sum: "" when no row had an amount.
func (a *totals) cents(c int64) string {
	if a.withAmount == 0 {
		return ""
	}
	return salesgen.FormatCents(c)
}

// grouped computes totals per key.
func grouped(sales []salesgen.Sale, key func(salesgen.Sale) string) map[string]*totals {
	out := map[string]*totals{}
	for _, s := range sales {
		k := key(s)
		if out[k] == nil {
			out[k] = &totals{}
		}
		out[k].add(s)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// totalsScript's bands have these columns, which checkTotals compares.
const totalsColumns = `n: COUNT(), with_amount: COUNT(amount), amount: SUM(amount),
           revenue: SUM(amount * quantity), low: MIN(amount), high: MAX(amount),
           units: SUM(quantity), customers: COUNT_DISTINCT(customer),
           first: MIN(sale_date), last: MAX(sale_date)`

// checkTotals compares a band's values (columns of totalsColumns) with
// independently computed totals.
func checkTotals(t testing.TB, what string, got map[string]string, want *totals) {
	t.Helper()
	exp := map[string]string{
		"n":           value.String(want.count),
		"with_amount": value.String(want.withAmount),
		"amount":      want.cents(want.amountCents),
		"revenue":     want.cents(want.revenueCents),
		"low":         want.cents(want.minCents),
		"high":        want.cents(want.maxCents),
		"units":       value.String(want.units),
		"customers":   value.String(int64(len(want.customers))),
		"first":       want.firstDate,
		"last":        want.lastDate,
	}
	for _, k := range sortedKeys(exp) {
		if got[k] != exp[k] {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], exp[k])
		}
	}
}

// registryList returns the snapshots of reg, failing unless it holds n.
func registryList(t testing.TB, reg *stream.Registry, n int) []stream.Snapshot {
	t.Helper()
	list := reg.List()
	if len(list) != n {
		t.Fatalf("registry lists %d pipelines, want %d: %+v", len(list), n, list)
	}
	return list
}
