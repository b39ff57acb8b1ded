package exec

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// Unit tests of the executors' sources, and the helpers they share (the
// tests of whole runs are interp's, which compile scripts).

// compileRunner compiles script over the files in dir.
func compileRunner(t *testing.T, script, dir string) *Runner {
	t.Helper()
	in := &input.Opener{Dir: dir}
	m, err := check.Compile(context.Background(), "t.rpt", []byte(script), check.Config{}, in)
	if err != nil {
		t.Fatal(err)
	}
	return NewRunner(m, in, plan.DefaultTuning(), "")
}

// pdDB creates the SQLite database dir/s.db with stmts.
func pdDB(t *testing.T, stmts ...string) string {
	t.Helper()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A test's database needs no crash safety: without the journal and the
	// syncs it is written several times faster.
	for _, s := range append([]string{"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF"}, stmts...) {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return dir
}

// pdSales is a sales table of n pseudo-random rows: amount TEXT with two
// fraction digits (negative, NULL and empty ones among them), quantity INTEGER
// (some NULL), price DECIMAL(10,2) (stored as REAL or INTEGER), territory
// with NULLs and a NOCASE collation, customer, a date and a flag.
func pdSales(n int) []string {
	stmts := []string{`CREATE TABLE sales (id INTEGER PRIMARY KEY, territory TEXT COLLATE NOCASE, customer TEXT,
		amount TEXT, quantity INTEGER, price DECIMAL(10,2), day DATE, flag BOOLEAN, weight REAL, note TEXT)`}
	r := rand.New(rand.NewPCG(1, 2))
	territories := []string{"'North'", "'north'", "'South'", "'East'", "NULL", "'Zoë'", "''"}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if b.Len() == 0 {
			b.WriteString("INSERT INTO sales VALUES ")
		} else {
			b.WriteString(", ")
		}
		amount := fmt.Sprintf("'%d.%02d'", r.IntN(2000)-300, r.IntN(100))
		switch r.IntN(40) {
		case 0:
			amount = "NULL"
		case 1:
			amount = "''"
		case 2:
			amount = "'-0.05'"
		case 3:
			amount = "'0.00'"
		}
		quantity := fmt.Sprint(r.IntN(20) - 2)
		if r.IntN(30) == 0 {
			quantity = "NULL"
		}
		price := fmt.Sprintf("%d.%02d", r.IntN(500), r.IntN(100))
		if r.IntN(5) == 0 {
			price = fmt.Sprint(r.IntN(500)) // stored as INTEGER
		}
		fmt.Fprintf(&b, "(%d, %s, 'C%d', %s, %s, %s, '2024-%02d-%02d', %d, %d.5, 'n%d')", i, territories[r.IntN(len(territories))],
			r.IntN(9), amount, quantity, price, r.IntN(12)+1, r.IntN(28)+1, r.IntN(2), r.IntN(9), i)
		if i%500 == 0 || i == n {
			stmts = append(stmts, b.String())
			b.Reset()
		}
	}
	return stmts
}

// scanCSV writes dir/t.csv with a header and rows and returns dir.
func scanCSV(t *testing.T, header string, rows ...string) string {
	t.Helper()
	dir := t.TempDir()
	data := header + "\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "t.csv"), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// scanSales is a sales file of n pseudo-random rows with what CSV files
// hold: amounts with 0, 1 or 2 fraction digits, negative, signed, quoted or
// empty; quantities with signs and leading zeros, some empty; territories
// differing in case, empty, quoted with a comma or a quote, non-ASCII.
func scanSales(n int) []string {
	r := rand.New(rand.NewPCG(5, 6))
	territories := []string{"North", "north", "South", "East", "", "Zoë", `"A, B"`, `"say ""hi"""`}
	var rows []string
	for i := 1; i <= n; i++ {
		amount := fmt.Sprintf("%d.%02d", r.IntN(2000)-300, r.IntN(100))
		switch r.IntN(30) {
		case 0:
			amount = ""
		case 1:
			amount = "-0.05"
		case 2:
			amount = fmt.Sprintf("%d.%d", r.IntN(50), r.IntN(10)) // one fraction digit
		case 3:
			amount = fmt.Sprint(r.IntN(50)) // none
		case 4:
			amount = fmt.Sprintf(`"%d.50"`, r.IntN(9))
		case 5:
			amount = "+3.10"
		case 6:
			amount = ".5"
		}
		quantity := fmt.Sprint(r.IntN(20) - 2)
		switch r.IntN(25) {
		case 0:
			quantity = ""
		case 1:
			quantity = "+4"
		case 2:
			quantity = "007"
		}
		rows = append(rows, fmt.Sprintf("%d,%s,C%d,%s,%s,2024-%02d-%02d,%t,%d.5",
			i, territories[r.IntN(len(territories))], r.IntN(9), amount, quantity, r.IntN(12)+1, r.IntN(28)+1, r.IntN(2) == 0, r.IntN(9)))
	}
	return rows
}

const scanHeader = "id,territory,customer,amount,quantity,day,flag,weight"

// The source restarts from any position it returned, and refuses others.
func TestPushdownSourcePositions(t *testing.T) {
	dir := pdDB(t, pdSales(300)...)
	prog := compileRunner(t, `source sqlite("s.db", table: "sales") { amount: decimal }
group customer { footer { customer, n: COUNT(), a: SUM(amount) } }`, dir)
	pd, why, err := plan.NewPlanner(prog.m, prog.in, prog.tune).OpenPushdown(nil)
	if err != nil || pd == nil {
		t.Fatal(err, why)
	}
	ctx := context.Background()
	read := func() ([]stream.Position, []string) {
		// Ranges of about 100 rows.
		src := &pdSource{p: prog, run: &plan.PdRun{Pp: pd.Pp, Src: pd.Src, Done: func() {}}, workers: 2, rows: new(atomic.Int64),
			split: true, next: 0, hi: 300, span: 100, target: 100}
		src.ctx, src.cancel = context.WithCancel(ctx)
		defer src.Close()
		var pos []stream.Position
		var recs []string
		after := stream.Position{}
		for {
			ch, err := src.Fetch(ctx, after, 4)
			if err != nil {
				t.Fatal(err)
			}
			pos = append(pos, after)
			for _, r := range ch.Records {
				recs = append(recs, fmt.Sprint(r))
			}
			after = ch.Next
			if ch.Done {
				break
			}
		}
		if after.Offset != 300 {
			t.Errorf("offset at the end %d", after.Offset)
		}
		// Restart from every position, in reverse order.
		for i := len(pos) - 1; i >= 0; i-- {
			ch, err := src.Fetch(ctx, pos[i], 4)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range ch.Records {
				got = append(got, fmt.Sprint(r))
			}
			if fmt.Sprint(got) != fmt.Sprint(recs[:0]) && !strings.Contains(strings.Join(recs, "|"), strings.Join(got, "|")) {
				t.Errorf("restart at %v: %v", pos[i], got)
			}
		}
		for _, bad := range []stream.Position{{Key: []any{int64(9), int64(0)}}, {Key: []any{"x", int64(0)}}, {Key: []any{int64(0)}}, {Key: []any{int64(0), int64(999)}}} {
			if _, err := src.Fetch(ctx, bad, 4); !stream.IsPermanent(err) {
				t.Errorf("position %v: %v", bad, err)
			}
		}
		if ch, err := src.Fetch(ctx, stream.Position{Key: []any{int64(len(src.ranges)), int64(0)}}, 4); err != nil || !ch.Done {
			t.Errorf("past the end: %v %v", ch, err)
		}
		return pos, recs
	}
	_, recs := read()
	if len(recs) != 9*3 && len(recs) < 9 {
		t.Errorf("%d records", len(recs))
	}
	pd.Done()
}

// avgOf is agg's AVG over the same values.
func TestPushdownAvgMatchesAgg(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3000; i++ {
		n := 1 + r.IntN(50)
		scale := int32(r.IntN(5))
		acc := agg.New(agg.Avg, 0)
		var total any = int64(0)
		for j := 0; j < n; j++ {
			var v any = r.Int64N(2_000_000) - 1_000_000
			if i%7 == 0 {
				v = r.Int64() // sums leave int64: the total is an integral decimal
			}
			if scale > 0 {
				v = value.NewDecimal(v.(int64), scale)
			}
			if err := acc.Add(v); err != nil {
				t.Fatal(err)
			}
			sum, err := value.Arith(value.OpAdd, total, v)
			if err != nil {
				d, _ := value.ToDecimal(total)
				e, _ := value.ToDecimal(v)
				sum = d.Add(e)
			}
			total = sum
		}
		want, got := acc.Result(), plan.AvgOf(total, int64(n))
		if value.String(got) != value.String(want) || fmt.Sprintf("%T", got) != fmt.Sprintf("%T", want) {
			t.Fatalf("avg of %d values with total %v: %v, want %v", n, total, got, want)
		}
	}
	if plan.AvgOf(nil, 0) != nil || plan.AvgOf(int64(5), 0) != nil {
		t.Error("avg of nothing")
	}
}

// The source returns the partial states from any position it returned
// once the file is scanned; a restart while scanning makes the run read the
// records; other positions are refused.
func TestScanSourcePositions(t *testing.T) {
	dir := scanCSV(t, scanHeader, scanSales(300)...)
	prog := compileRunner(t, `source csv("t.csv") { amount: decimal }
group customer { footer { customer, n: COUNT(), a: SUM(amount) } }`, dir)
	open := func() *scanSource {
		rs, cleanup, err := prog.in.Open(prog.m.Source, input.Options{Unused: prog.m.Unused})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rs.Close(); cleanup() })
		_, sp := plan.NewPlanner(prog.m, prog.in, prog.tune).PlanScan(rs.Schema(), nil)
		return &scanSource{p: prog, csv: rs.(*source.CSV), table: newScanTable(sp), rows: new(atomic.Int64), until: -1}
	}
	ctx := context.Background()
	src := open()
	var scanning, results []stream.Position
	var recs []string
	after := stream.Position{}
	for {
		limit := 4
		if after.Key == nil || after.Key[0] == int64(0) {
			limit = 100 // records to read while scanning
		}
		ch, err := src.Fetch(ctx, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		if after.Key == nil || after.Key[0] == int64(0) {
			scanning = append(scanning, after)
		} else {
			results = append(results, after)
		}
		for _, r := range ch.Records {
			recs = append(recs, fmt.Sprint(r))
		}
		after = ch.Next
		if ch.Done {
			break
		}
	}
	if after.Offset != 300 || len(scanning) != 3 || len(recs) != 9 {
		t.Fatalf("offset at the end %d, %d scanning fetches, %d partial states", after.Offset, len(scanning), len(recs))
	}
	// Restart from every position of the results, in reverse order.
	for i := len(results) - 1; i >= 0; i-- {
		ch, err := src.Fetch(ctx, results[i], 4)
		if err != nil || len(ch.Records) == 0 {
			t.Fatal(err, ch)
		}
		if got := fmt.Sprint(ch.Records[0]); got != recs[4*i] {
			t.Errorf("restart at %v: %v, want %v", results[i], got, recs[4*i])
		}
	}
	for _, bad := range []stream.Position{{Key: []any{int64(9), int64(0)}}, {Key: []any{"x", int64(0)}}, {Key: []any{int64(1), int64(999)}}, {Key: []any{int64(0), int64(0)}}} {
		if _, err := src.Fetch(ctx, bad, 4); !stream.IsPermanent(err) {
			t.Errorf("position %v: %v", bad, err)
		}
	}
	// A restart while scanning stops the scan.
	src = open()
	ch, err := src.Fetch(ctx, stream.Position{}, 4)
	if err != nil || ch.Done {
		t.Fatal(err, ch)
	}
	if ch, err = src.Fetch(ctx, stream.Position{}, 4); err != nil || !ch.Done || !strings.Contains(src.note(), "restarted") {
		t.Errorf("restart while scanning: %v %v %q", ch, err, src.note())
	}
	if ch, err = src.Fetch(ctx, ch.Next, 4); err != nil || !ch.Done {
		t.Errorf("after a stop: %v %v", ch, err)
	}
}

// TestDecimalTextValue checks decimalTextValue, the Go check of a decimal
// written as text, against decimalText, the SQL one, run by SQLite on the
// same values: they must accept the same values and read the same scaled
// integers.
func TestDecimalTextValue(t *testing.T) {
	vals := []string{"0", "7", "-7", "-", "+7", "1.5", "1.50", "-1.50", "-.25", ".25", "00.10", "-0.00", "1.", "1.500",
		"1..0", "1-2.00", "--1.00", "1e2.00", "1 .00", " 1.00", "1.00 ", "12345678901234.567", "123456789012345.67",
		"1234567890123456.7", "99999999999999999", "999999999999999999", "9999999999999999999", "0x1.00", "١.٢٣"}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789.-+e x"
	for range 1500 {
		b := make([]byte, 1+r.IntN(20))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(3) > 0 {
				b[i] = byte('0' + r.IntN(10)) // mostly digits
			}
		}
		if r.IntN(2) == 0 && len(b) > 3 {
			b[len(b)-3] = '.'
		}
		vals = append(vals, string(b))
	}
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if _, err := tx.Exec("INSERT INTO t VALUES (?)", v); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for scale := int32(0); scale <= 3; scale++ {
		rows, err := db.Query("SELECT v, " + plan.DecimalText(`"v"`, scale) + " FROM t")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			var got any
			if err := rows.Scan(&v, &got); err != nil {
				t.Fatal(err)
			}
			c, ok := decimalTextValue([]byte(v), scale)
			want, sqlOK := got.(int64) // 0.5 for a value the statement rejects
			if ok && !sqlOK && scale == 0 && (c > 1<<53 || c < -(1<<53)) {
				// The statement compares the integer with its REAL, which
				// is not the same number past 2^53; Go reads it exactly.
				continue
			}
			if ok != sqlOK || ok && c != want {
				t.Errorf("scale %d: %q: Go %d %v, SQL %v", scale, v, c, ok, got)
			}
			if ok {
				accepted++
			}
		}
		rows.Close()
	}
	if accepted < 200 {
		t.Errorf("only %d values accepted: the test does not reach the conversion", accepted)
	}
}
