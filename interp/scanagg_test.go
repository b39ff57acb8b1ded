package interp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/stream"
)

// The scan aggregation must be invisible but for speed: as for the SQLite
// push-down, every test runs a script with and without it (sameOutput) and
// wants the same bytes in every format, the same totals and the same error.

func wantScanned(t *testing.T, res *Result) {
	t.Helper()
	if res == nil || res.Strategy != StrategyScan {
		t.Errorf("not aggregated in the scanner: %s", ran(res))
	}
}

// Q1 of the benchmark, and many more shapes.
func TestScanSameOutput(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	rows := 900
	if raceEnabled {
		rows = 300
	}
	dir := fixture.CSV(t, fixture.SalesHeader, fixture.SalesRows(rows)...)
	const src = `source csv("t.csv") { amount: decimal, quantity: int }` + "\n"
	for _, tc := range append(carrierShapes[:len(carrierShapes):len(carrierShapes)], []struct{ name, script string }{
		{"more expressions", `group customer {
  footer { customer, h: MAX(-(amount - 1.25)), i: MIN(amount * quantity - quantity), j: COUNT(amount + 1) }
}`},
		{"integer key", `group quantity {
  footer { quantity, n: COUNT(), total: SUM(amount), lo: MIN(amount) }
}`},
		{"keys only", `source csv("t.csv")
group territory {
  header "{territory}"
}`},
		{"inferred decimal", `source csv("t.csv")
summary { w: SUM(weight), lo: MIN(weight), n: COUNT(weight) }`},
	}...) {
		t.Run(tc.name, func(t *testing.T) {
			script := tc.script
			if !strings.HasPrefix(script, "source") {
				script = src + script
			}
			wantScanned(t, sameOutput(t, dir, script, RunConfig{Workers: 2}, RunConfig{Workers: 3, ChunkSize: 2}, RunConfig{Workers: 1}))
		})
	}
}

// Among equal extremes the one written with more fraction digits wins, as
// in the engine, whatever the order.
func TestScanExtremesTies(t *testing.T) {
	for _, rows := range [][]string{{"a,1.5", "a,1.50", "a,1", "a,-2", "a,-2.0"}, {"a,-2.0", "a,1.50", "a,1.5", "a,-2", "a,1"}} {
		dir := fixture.CSV(t, "k,x", rows...)
		wantScanned(t, sameOutput(t, dir, `source csv("t.csv") { x: decimal }
group k { footer { k, lo: MIN(x), hi: MAX(x), s: SUM(x), a: AVG(x), p: MAX(x * x) } }`))
	}
}

// Records the fast parsers do not take are converted as Fetch converts them;
// bad ones are skipped and counted, or reported, as when reading records.
func TestScanBadRecords(t *testing.T) {
	rows := []string{"1,a,1.50,2", "2,b, 2.00,1", "3,a,n/a,1", "4,b,1.00", "5,a,1.2e1,3", "6,\xff,1.00,1", "7,a,2.00,x", "8,b,3.00,1,9", `9,"a,1.00,1`}
	dir := fixture.CSV(t, "id,k,amount,q", rows...)
	script := `source csv("t.csv") { amount: decimal, q: int }
group k { footer { k, n: COUNT(), s: SUM(amount * q), lo: MIN(amount) } }`
	wantScanned(t, sameOutput(t, dir, script, RunConfig{OnError: "skip", Workers: 1}, RunConfig{OnError: "skip", Workers: 2}))
	wantFellBack(t, sameOutput(t, dir, script, RunConfig{Workers: 1}), "a bad record")
	wantFellBack(t, sameOutput(t, dir, script, RunConfig{Workers: 2}), "a bad record")
	// Declared fields no aggregate reads are checked all the same.
	script = `source csv("t.csv") { amount: decimal, q: int }
group k { footer { k, n: COUNT() } }`
	wantScanned(t, sameOutput(t, dir, script, RunConfig{OnError: "skip"}))
	wantFellBack(t, sameOutput(t, dir, script), "a bad record")

	// Invalid UTF-8 in a column no expression reads is still an error.
	dir = fixture.CSV(t, "id,k,amount,note", "1,a,1.00,ok", "2,a,2.00,\xfe", "3,b,3.00,ok")
	script = `source csv("t.csv") { amount: decimal }
group k { footer { k, s: SUM(amount) } }`
	wantScanned(t, sameOutput(t, dir, script, RunConfig{OnError: "skip"}))
	wantFellBack(t, sameOutput(t, dir, script), "invalid UTF-8")
}

// What the scanner cannot compute exactly makes the run read the records.
func TestScanFallsBack(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	for _, tc := range []struct {
		name, header, rows, script, why string
	}{
		{"more fraction digits than the sample's", "k,x", "a,1.50|a,1.505", "SUM(x)", "more fraction digits than 2"},
		{"too many digits", "k,x", "a,1.50|a,12345678901234567890.5", "MAX(x)", "too many digits"},
		{"an overflowing sum", "k,n", "a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000|a,900000000000000000", "SUM(n)", "overflow"},
		{"an overflowing product", "k,n", "a,4611686018427387904|a,3", "MAX(n * 4)", "overflow"},
		{"an overflowing sum of products", "k,x", "a,5000000000000.00|a,1.00|a,5000000000000.00", "SUM(x * 10000)", "overflow"},
		{"an overflowing negation", "k,n", "a,1|a,-9223372036854775808", "MIN(-n)", "overflow"},
		{"an overflowing difference", "k,n", "a,1|a,-9000000000000000000", "MIN(n - 9000000000000000000)", "overflow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := fixture.CSV(t, tc.header, strings.Split(tc.rows, "|")...)
			col := strings.Split(tc.header, ",")[1]
			decl := " { " + col + ": decimal }"
			if col == "n" {
				decl = " { n: int }"
			}
			script := `source csv("t.csv", sample: 1)` + decl + "\n" +
				"group k { footer { k, x: " + tc.script + " } }\n"
			for _, onError := range []string{"", "skip"} {
				for _, w := range []int{1, 2} {
					wantFellBack(t, sameOutput(t, dir, script, RunConfig{OnError: OnError(onError), Workers: w}), tc.why)
				}
			}
		})
	}
}

// A level that reaches max_groups keeps the first groups met in the input:
// the records are read.
func TestScanMaxGroups(t *testing.T) {
	dir := fixture.CSV(t, fixture.SalesHeader, fixture.SalesRows(200)...)
	for _, tc := range []struct{ script, why string }{
		{`group customer max_groups 4 { footer { customer, n: COUNT(), total: SUM(amount) } }
summary { n: COUNT() }`, "more than 4 groups"},
		{`group territory max_groups 2 { group customer { footer { customer, n: COUNT(), s: SUM(amount) } } }`, "max_groups"},
	} {
		wantFellBack(t, sameOutput(t, dir, `source csv("t.csv") { amount: decimal }`+"\n"+tc.script), tc.why)
	}
	wantScanned(t, sameOutput(t, dir, `source csv("t.csv") { amount: decimal }
group customer max_groups 9 { footer { customer, n: COUNT(), total: SUM(amount) } }`))
}

// Empty files and files of blank lines. (Their columns are declared: with
// no record to infer from, an undeclared column has no type.)
func TestScanEmpty(t *testing.T) {
	for _, rows := range [][]string{nil, {"", ""}} {
		dir := fixture.CSV(t, "k,x", rows...)
		for _, script := range []string{"group k { footer { k, s: SUM(x) } }", "summary { n: COUNT(), s: SUM(x), a: AVG(x), lo: MIN(x) }"} {
			wantScanned(t, sameOutput(t, dir, `source csv("t.csv") { x: decimal, k: string }`+"\n"+script))
		}
	}
}

// Reports the scanner leaves to the records, and why, as explain says.
func TestScanExplain(t *testing.T) {
	dir := fixture.CSV(t, fixture.SalesHeader, fixture.SalesRows(50)...)
	for _, tc := range []struct{ script, want string }{
		{`group territory { footer { territory, s: SUM(amount * quantity) } }`,
			"aggregation in the scanner: yes, from the bytes of territory (key, string), amount (decimal, up to 2 fraction digits), quantity (int)"},
		{`group flag { footer { flag, n: COUNT() } }`, "aggregation in the scanner: no, the key of group flag is a bool field"},
		{`summary { w: SUM(weight) }`, "yes, from the bytes of amount (decimal, checked only), quantity (int, checked only), weight (decimal, up to 2 fraction digits)"},
		{`where quantity > 1
summary { n: COUNT() }`, "yes, from the bytes of amount (decimal, checked only), quantity (int)"},
		{`where customer contains "1"
summary { n: COUNT() }`, "no, where customer contains \"1\": only comparisons"},
		{`where day > date("2024-02-01")
summary { n: COUNT() }`, "no, where day > date(\"2024-02-01\"): only +, - and *"},
		{`let m = format_date(day, "%Y-%m")
summary { n: COUNT() }`, "no, let m: only +, - and *"},
		{`summary { d: MAX(day) }`, "yes, from the bytes of amount (decimal, checked only), quantity (int, checked only), day (date)"},
		{`summary { n: COUNT(), f: MAX(flag) }`, "no, MAX(flag) in the report: flag is a bool field"},
		{`summary { n: SUM(amount / 2) }`, "only +, - and * of int and decimal fields and literals"},
		{`group customer { footer { customer, n: COUNT() } }
summary { s: STDDEV(quantity) }`, "STDDEV(quantity) in the report is not computed in the scanner"},
		{`where territory in ["North", "East"]
summary { n: COUNT() }`, "aggregation in the scanner: yes"},
	} {
		prog, err := Compile(context.Background(), "t.rpt", []byte(`source csv("t.csv") { amount: decimal, quantity: int }`+"\n"+tc.script), &Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		pl, err := prog.Explain(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := pl.WriteText(&out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s:\n%s\nwant %q", tc.script, out.String(), tc.want)
		}
		// The run agrees with the plan.
		res, err := prog.Run(context.Background(), &RunConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Strategy == StrategyScan; got != strings.Contains(tc.want, "yes") {
			t.Errorf("%s: ran %s", tc.script, ran(res))
		}
	}
	// Other sources have no scanner section.
	prog, err := Compile(context.Background(), "t.rpt", []byte(`source jsonl("t.jsonl")
summary { n: COUNT() }`), &Options{Dir: t.TempDir(), FS: nil})
	if err == nil {
		if pl, err := prog.Explain(context.Background(), nil); err == nil && pl.Source.AggregationInScanner != nil {
			t.Errorf("jsonl: %+v", pl.Source.AggregationInScanner)
		}
	}
}

// The run is a pipeline like any: registered, observed, with progress,
// cancellation and timeouts.
func TestScanPipeline(t *testing.T) {
	n := 3000
	dir := fixture.CSV(t, fixture.SalesHeader, fixture.SalesRows(n)...)
	prog, err := Compile(context.Background(), "t.rpt", []byte(`source csv("t.csv") { amount: decimal }
group territory { footer { territory, total: SUM(amount) } }`), &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res, started, read, chunks := observedRun(t, prog, RunConfig{ChunkSize: 3})
	wantScanned(t, res)
	if c := res.Snapshot.Counters; c.RecordsIn != int64(n) || c.RecordsOut != int64(n) || c.Chunks < int64(n/3) {
		t.Errorf("counters %+v: want %d records in and out, in chunks of 3", c, n)
	}
	if started != 1 || res.Snapshot.Status != stream.StatusCompleted || chunks < int64(n/3) {
		t.Errorf("started %d, status %v, %d chunks", started, res.Snapshot.Status, chunks)
	}
	if res.Totals.RecordsRead != int64(n) {
		t.Errorf("records read %d", res.Totals.RecordsRead)
	}
	if done, total, ok := read(); !ok || done != total {
		t.Errorf("progress: %d of %d bytes", done, total)
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
	// OnSkip is called as records are skipped, which a scan that falls back
	// would do twice: the records are read.
	res, err = prog.Run(context.Background(), &RunConfig{OnSkip: func(error) {}})
	if err != nil || res.Strategy == StrategyScan {
		t.Errorf("with OnSkip: %v, %s", err, ran(res))
	}
}

// Any file: the scanner and the records agree (go test -fuzz FuzzScan).
func FuzzScan(f *testing.F) {
	f.Add([]byte("k,x,n\na,1.50,2\nb,-0.5,\n,7,+3\n\"a\",\"2.25\",007\n"))
	f.Add([]byte("k,x,n\na,1.505,2\na,1e3,1\nb,x,1\n"))
	f.Add([]byte("k,x,n\na,9999999999999999.99,9\na,1,9223372036854775807\n"))
	f.Add([]byte("k,x,n\n\xff,1,2\na,1\n"))
	f.Add([]byte("k,x,n,d\na,1.5,2,2024-02-29\nb,,3,2023-02-29\na,2,1,1999-12-31\n,3,4,\n"))
	// Issue 15 items 18 and 19: a huge header; records with no end (a long
	// last line, an unterminated quote), past the small limit below.
	f.Add([]byte("k,x,n," + strings.Repeat("c,", 300) + "z\na,1,2\n"))
	f.Add([]byte("k,x,n\na,1,2\nb,2," + strings.Repeat("9", 200)))
	f.Add([]byte("k,x,n\na,1,2\n\"b,1,2\nc,3,4\n" + strings.Repeat("d,5,6\n", 10)))
	scripts := []string{`source csv("t.csv", sample: 2) { x: decimal }
group k { footer { k, c: COUNT(), s: SUM(x * n), a: AVG(x), lo: MIN(x), hi: MAX(x - n) } }
summary { n: COUNT(n), s: SUM(n) }`, `source csv("t.csv", sample: 2) { x: decimal, n: int }
let v = x * n - 1
where (k != "a" || v > 2.5) && !(x < n)
group k { footer { k, c: COUNT(), s: SUM(v), lo: MIN(v) } }`, `source csv("t.csv", sample: 2) { x: decimal, d: date }
where d != nil || x > 1
group d { footer { d, c: COUNT(), s: SUM(x * n) } }
summary { first: MIN(d), last: MAX(d), n: COUNT(d) }`}
	// Every file is large enough for ranges, and judged early: with two
	// workers the ranges, or the partner, read it.
	tune := plan.DefaultTuning()
	tune.MinRange, tune.RangeJudge = 1, 4
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "t.csv"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, script := range scripts {
			if _, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir}); err != nil {
				continue // a header without k, x or n
			}
			for _, onError := range []string{"", "skip"} {
				sameOutputTuned(t, tune, dir, script, RunConfig{OnError: OnError(onError)}, RunConfig{OnError: OnError(onError), Workers: 2, ChunkSize: 3})
			}
		}
		// With a small record limit, records (and headers) past it too.
		if prog, err := Compile(context.Background(), "t.rpt", []byte(scripts[0]), &Options{Dir: dir, MaxRecordBytes: 32}); err == nil {
			prog.tune = tune
			sameOutputProg(t, prog, RunConfig{OnError: OnErrorSkip}, RunConfig{OnError: OnErrorSkip, Workers: 2, ChunkSize: 3})
		}
	})
}

// An aggregator that stops (here: too many groups) ends the scan early on
// two goroutines too.
func TestScanParallelStops(t *testing.T) {
	var rows []string
	for i := range 5000 {
		rows = append(rows, fmt.Sprintf("k%d,%d.25", i, i))
	}
	dir := fixture.CSV(t, "k,x", rows...)
	script := `source csv("t.csv") { x: decimal }
group k max_groups 10 { footer { k, s: SUM(x) } }`
	wantFellBack(t, sameOutput(t, dir, script, RunConfig{Workers: 2}), "more than 10 groups")
	wantScanned(t, sameOutput(t, dir, `source csv("t.csv") { x: decimal }
max_groups 6000
group k { footer { k, s: SUM(x), lo: MIN(x) } }`, RunConfig{Workers: 2}))
}

// Where clauses and lets run in the scanner, with the language's
// three-valued logic.
func TestScanWhereLet(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	rows := 600
	if raceEnabled {
		rows = 250
	}
	dir := fixture.CSV(t, fixture.SalesHeader, fixture.SalesRows(rows)...)
	const src = `source csv("t.csv") { amount: decimal, quantity: int }` + "\n"
	for _, script := range []string{
		`where amount != nil
let revenue = amount * quantity
group territory { footer { territory, r: SUM(revenue), n: COUNT(), lo: MIN(revenue) } }`,
		`where territory == "North" || territory == nil
summary { n: COUNT(), s: SUM(amount) }`,
		`where !(amount > 100) && quantity >= 2
group customer { footer { customer, n: COUNT(), s: SUM(amount) } }`,
		`where amount * quantity > 500.5 || quantity == nil
summary { n: COUNT(), s: SUM(amount * quantity) }`,
		`where territory < "N" && territory != "East"
group territory { footer { territory, n: COUNT() } }`,
		`where quantity == 5.00 || amount == 12
summary { n: COUNT(), q: SUM(quantity) }`,
		`where !(quantity < nil) && nil != amount && "South" != territory
summary { n: COUNT() }`,
		`let a = amount * 2
let b = a - quantity
where b > 0
summary { s: SUM(b), m: MAX(a), n: COUNT() }`,
		`param min: decimal = 10.5
param t: string = "South"
where amount >= min && territory != t
group territory { footer { territory, n: COUNT(), s: SUM(amount - min) } }`,
		`where true && !false
summary { n: COUNT() }`,
		`where territory in ["North", "East", "nowhere"] && !(quantity in [1, 2.0, 3])
group territory { footer { territory, n: COUNT(), s: SUM(amount) } }`,
		`where !(territory in ["South"]) || amount in [10.5, 12]
summary { n: COUNT(), s: SUM(amount) }`,
	} {
		wantScanned(t, sameOutput(t, dir, src+script, RunConfig{Workers: 1}, RunConfig{Workers: 2}))
	}
	// in with a nil element, an empty list, or a list that is not written
	// out stays on records (x == nil is nil where in says false).
	for _, where := range []string{`territory in ["North", nil]`, `territory in []`} {
		res := sameOutput(t, dir, src+"where "+where+"\nsummary { n: COUNT() }")
		if res.Strategy == StrategyScan {
			t.Errorf("where %s: scanned", where)
		}
	}
	// A let's overflow fails its record (or makes it skipped) even when no
	// aggregate reads it: the records are read.
	dir = fixture.CSV(t, "k,n", "a,1", "a,4611686018427387904", "b,2")
	for _, onError := range []string{"", "skip"} {
		wantFellBack(t, sameOutput(t, dir, `source csv("t.csv")
let big = n * 4
group k { footer { k, c: COUNT() } }`, RunConfig{OnError: OnError(onError)}), "overflow")
	}
	// Comparisons at different scales.
	dir = fixture.CSV(t, "k,x,y", "a,1.5,1.50", "a,2.25,2.2", "b,,3", "b,3.1,3.10")
	wantScanned(t, sameOutput(t, dir, `source csv("t.csv") { x: decimal, y: decimal }
where x == y || x > y * 1.001
group k { footer { k, n: COUNT(), s: SUM(x) } }`))
}

// Large files are read in ranges, one reader each, stitched in file order;
// a range whose first line is inside a quoted field, or that holds a bad
// record, is read again by the main reader. Here every file is large.
func TestScanRanges(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) // the readers' goroutines end with the run
	tune := plan.DefaultTuning()
	tune.MinRange = 1
	sameOutput := func(t *testing.T, dir, script string, rcs ...RunConfig) *Result {
		t.Helper()
		return sameOutputTuned(t, tune, dir, script, rcs...)
	}

	rows := fixture.SalesRows(400)
	// Multi-line quoted notes: some guessed range starts fall inside them.
	var noted []string
	for i, r := range rows {
		note := fmt.Sprintf("n%d", i)
		if i%3 == 0 {
			note = fmt.Sprintf("\"line one\nline, two %d\n\nthree\"", i)
		}
		noted = append(noted, r+","+note)
	}
	bad := append([]string(nil), noted...)
	bad[150] = "151,North,C1,n/a,1,2024-01-01,true,1.5,x"
	bad[320] = "321,North,C1,1.00"
	for _, tc := range []struct {
		name string
		rows []string
	}{{"plain", rows}, {"quoted newlines", noted}, {"bad records", bad}} {
		header := fixture.SalesHeader
		if len(tc.rows[0]) != len(rows[0]) {
			header += ",note"
		}
		dir := fixture.CSV(t, header, tc.rows...)
		for _, script := range []string{
			`group territory { group customer { footer { customer, n: COUNT(), s: SUM(amount * quantity), lo: MIN(amount), hi: MAX(amount) } } }
summary { n: COUNT(), a: AVG(amount) }`,
			`where quantity > 3 || amount == nil
summary { n: COUNT(), s: SUM(amount) }`,
		} {
			script = `source csv("t.csv") { amount: decimal, quantity: int }` + "\n" + script
			var rcs []RunConfig
			for _, w := range []int{2, 3, 7} {
				rcs = append(rcs, RunConfig{Workers: w, OnError: "skip", ChunkSize: 7})
			}
			wantScanned(t, sameOutput(t, dir, script, rcs...))
			if tc.name == "bad records" {
				wantFellBack(t, sameOutput(t, dir, script, RunConfig{Workers: 3}), "a bad record")
			}
		}
	}
	// An overflow in a range stops the scan all the same.
	var big []string
	for i := range 300 {
		n := "1"
		if i == 250 {
			n = "9223372036854775807"
		}
		big = append(big, "a,"+n)
	}
	dir := fixture.CSV(t, "k,n", big...)
	wantFellBack(t, sameOutput(t, dir, `source csv("t.csv") { n: int }
group k { footer { k, s: SUM(n + 1) } }`, RunConfig{Workers: 3}), "overflow")

	// With more than a group per eight records the ranges are dropped and
	// the main reader reads on; with few groups they stay.
	tune.RangeJudge = 20
	var many []string
	for i := range 400 {
		many = append(many, fmt.Sprintf("k%d,%d,x%d", i, i, i%3))
	}
	dir = fixture.CSV(t, "k,n,c", many...)
	for _, script := range []string{`group k { footer { k, s: SUM(n) } }`, `group c { footer { c, s: SUM(n), lo: MIN(n), hi: MAX(n), a: AVG(n) } }`} {
		wantScanned(t, sameOutput(t, dir, `source csv("t.csv") { n: int }
max_groups 1000
`+script, RunConfig{Workers: 3, ChunkSize: 9}))
	}

	// The main reader ends its range exactly at a fetch's end, the other
	// range is done, and then the ranges are dropped: the next fetch must
	// still move on (a chunk that moves nothing fails the pipeline).
	tune.RangeJudge = 1 << 16 // judged when the main reader is done
	var even []string
	for i := range 100 {
		even = append(even, fmt.Sprintf("k%03d,1", i)) // 7 bytes a line: the cut falls after 50 records
	}
	wantScanned(t, sameOutput(t, fixture.CSV(t, "k,n", even...), `source csv("t.csv") { n: int }
group k { footer { k, s: SUM(n) } }`, RunConfig{Workers: 2, ChunkSize: 50}))

	// A cancelled run ends its readers too.
	prog, err := Compile(context.Background(), "t.rpt", []byte(`source csv("t.csv") { n: int }
group k { footer { k, s: SUM(n) } }`), &Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	_, err = prog.Run(ctx, &RunConfig{Workers: 3, ChunkSize: 5, Progress: func(func() (int64, int64, bool)) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// Progress counts every reader's bytes: the whole file at the end.
	var ones []string
	for i := range 300 {
		ones = append(ones, fmt.Sprintf("k%d,1", i%7))
	}
	if prog, err = Compile(context.Background(), "t.rpt", []byte(`source csv("t.csv") { n: int }
group k { footer { k, s: SUM(n) } }`), &Options{Dir: fixture.CSV(t, "k,n", ones...)}); err != nil {
		t.Fatal(err)
	}
	var read func() (int64, int64, bool)
	res, err := prog.Run(context.Background(), &RunConfig{Workers: 3, ChunkSize: 5, Progress: func(f func() (int64, int64, bool)) { read = f }})
	if err != nil || res.Strategy != StrategyScan {
		t.Fatal(err, ran(res))
	}
	if done, total, ok := read(); !ok || done != total {
		t.Errorf("progress at the end: %d of %d bytes", done, total)
	}
}

// Dates are day numbers in the scanner: keys, extremes, counts and
// comparisons with date parameters; other spellings and bad dates are
// converted, skipped or reported as when the records are read.
func TestScanDates(t *testing.T) {
	rows := fixture.SalesRows(300)
	rows = append(rows, "901,North,C1,1.00,1,2024-1-5,true,1.5", "902,North,C1,1.00,1,2024-02-30,true,1.5",
		"903,South,C2,2.00,2,,false,1.5", "904,South,C2,2.00,2,1969-12-31,false,1.5")
	dir := fixture.CSV(t, fixture.SalesHeader, rows...)
	for _, script := range []string{
		`group day { footer { day, n: COUNT(), s: SUM(amount) } }`,
		`group territory {
  group day { footer { day, n: COUNT() } }
  footer { territory, first: MIN(day), last: MAX(day), n: COUNT(day) }
}`,
		`param since: date = "2024-06-01"
where day >= since || day == nil
summary { n: COUNT(), first: MIN(day), last: MAX(day) }`,
	} {
		script = `source csv("t.csv") { amount: decimal, day: date }` + "\n" + script
		wantScanned(t, sameOutput(t, dir, script, RunConfig{OnError: "skip", Workers: 1}, RunConfig{OnError: "skip", Workers: 2}))
		wantFellBack(t, sameOutput(t, dir, script, RunConfig{Workers: 1}), "a bad record")
	}
}

// With many groups the ranges give way to a partner: a second reader of
// the rest of the file that takes the keys of one hash partition, the main
// reader taking the other's. Output, totals, skips and errors are one
// reader's.
func TestScanPartner(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tune := plan.DefaultTuning()
	tune.MinRange, tune.RangeJudge = 1, 30
	var partners atomic.Int64 // the partners the programs started
	tune.Partners = &partners
	sameOutput := func(t *testing.T, dir, script string, rcs ...RunConfig) *Result {
		t.Helper()
		return sameOutputTuned(t, tune, dir, script, rcs...)
	}

	customer := regexp.MustCompile(`,C\d,`)
	var rows []string
	for i, r := range fixture.SalesRows(700) {
		rows = append(rows, customer.ReplaceAllString(r, fmt.Sprintf(",C%d,", i%170)))
	}
	bad := append([]string(nil), rows...)
	bad[100] = "101,North,C1,1.00"                               // a field short
	bad[400] = "401,North,C7,n/a,2,2024-01-01,true,1.5"          // not a decimal
	bad[650] = "651,South,C9,1.00,2,2024-02-30,true,1.5,x,y,z,w" // too many fields
	for _, tc := range []struct {
		name string
		rows []string
	}{{"plain", rows}, {"bad records", bad}} {
		dir := fixture.CSV(t, fixture.SalesHeader, tc.rows...)
		for _, script := range []string{
			`max_groups 100000
group territory { group customer { footer { customer, n: COUNT(), s: SUM(amount * quantity), lo: MIN(amount), hi: MAX(amount) } } }
summary { n: COUNT(), a: AVG(amount) }`,
			`where quantity > 3 || amount == nil
group customer { footer { customer, n: COUNT(), s: SUM(amount) } }`,
		} {
			script = `source csv("t.csv") { amount: decimal, quantity: int }` + "\n" + script
			before := partners.Load()
			wantScanned(t, sameOutput(t, dir, script, RunConfig{Workers: 2, OnError: "skip", ChunkSize: 7},
				RunConfig{Workers: 3, OnError: "skip", ChunkSize: 50}))
			if partners.Load() == before {
				t.Errorf("%s: no partner started", tc.name)
			}
			if tc.name == "bad records" {
				wantFellBack(t, sameOutput(t, dir, script, RunConfig{Workers: 2, ChunkSize: 7}), "a bad record")
			}
		}
	}

	// An overflow in either table stops the scan.
	var big []string
	for i := range 400 {
		big = append(big, fmt.Sprintf("k%d,%d", i%200, int64(math.MaxInt64)-int64(i)))
	}
	wantFellBack(t, sameOutput(t, fixture.CSV(t, "k,n", big...), `source csv("t.csv") { n: int }
group k { footer { k, s: SUM(n) } }`, RunConfig{Workers: 2, ChunkSize: 7}), "overflow")

	// A run cancelled while the partner reads ends it too.
	prog, err := Compile(context.Background(), "t.rpt", []byte(`source csv("t.csv") { amount: decimal, quantity: int }
group customer { footer { customer, n: COUNT() } }`), &Options{Dir: fixture.CSV(t, fixture.SalesHeader, rows...)})
	if err != nil {
		t.Fatal(err)
	}
	prog.tune = tune
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fetched := 0
	before := partners.Load()
	_, err = prog.Run(ctx, &RunConfig{Workers: 2, ChunkSize: 5, Observer: stream.ObserverFunc(func(ev stream.Event) {
		if _, ok := ev.(stream.ChunkFetched); ok {
			if fetched++; fetched == 20 { // 100 of 700 records: the partner reads since the 30th
				cancel()
			}
		}
	})})
	if !errors.Is(err, context.Canceled) || partners.Load() == before {
		t.Errorf("cancelled: %v (partners started %d)", err, partners.Load()-before)
	}
}
