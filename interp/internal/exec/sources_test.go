package exec

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/fixture"
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

// The source restarts from any position it returned, and refuses others.
func TestPushdownSourcePositions(t *testing.T) {
	dir := fixture.SQLite(t, fixture.SalesTable(300)...)
	prog := compileRunner(t, `source sqlite("s.db", table: "sales") { amount: decimal }
group customer { footer { customer, n: COUNT(), a: SUM(amount) } }`, dir)
	pd, why, err := plan.NewPlanner(prog.m, prog.in, prog.tune).OpenPushdown(context.Background(), nil)
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
	dir := fixture.CSV(t, fixture.SalesHeader, fixture.SalesRows(300)...)
	prog := compileRunner(t, `source csv("t.csv") { amount: decimal }
group customer { footer { customer, n: COUNT(), a: SUM(amount) } }`, dir)
	open := func() *scanSource {
		rs, cleanup, err := prog.in.Open(context.Background(), prog.m.Source, input.Options{Unused: prog.m.Unused})
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
