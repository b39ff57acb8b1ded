package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// cancelAfter is an Observer that calls cancel once the pipeline's stage
// has transformed at least n records.
type cancelAfter struct {
	n      int64
	cancel func()
	seen   atomic.Int64
	once   sync.Once
}

func (c *cancelAfter) Observe(e stream.Event) {
	if b, ok := e.(stream.BatchTransformed); ok && c.seen.Add(int64(b.In)) >= c.n {
		c.once.Do(c.cancel)
	}
}

// detailWriter counts the detail rows of CSV output and calls onRow with
// the count so far after every write.
type detailWriter struct {
	mu    sync.Mutex
	rows  int
	onRow func(rows int)
}

func (w *detailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.rows += bytes.Count(p, []byte("\ndetail,")) + bytes.Count(p[:min(len(p), 7)], []byte("detail,"))
	rows := w.rows
	w.mu.Unlock()
	if w.onRow != nil {
		w.onRow(rows)
	}
	return len(p), nil
}

// Scenario I17
func TestCancellationStopsCleanly(t *testing.T) {
	const total = 10_000
	d := newDataset(t, total, salesCSV|salesJSONL)
	// Demand bounds how far the producer reads ahead of the stage (1,000
	// records, plus a chunk), so even the smaller SQLite data set (slow to
	// write under -race) must stop well before its end.
	dbData := newDataset(t, 3000, salesDB)
	// A streaming report (a detail band without groups), so that the
	// writer sees rows while the pipeline runs.
	const body = `
let revenue = amount * quantity
detail { id, customer, revenue, running: RUNNING_SUM(revenue) }
summary { n: COUNT(), revenue: SUM(revenue) }
`
	// The three ways to cancel after 500 records: the embedder's context,
	// cancelled from an Observer or from the output writer, or the
	// registry's Cancel (Run then returns context.Canceled as the
	// pipeline's error).
	type how struct {
		name string
		// start wires the cancellation into the run's config; it gets the
		// context's cancel function and the registry.
		start func(rc *interp.RunConfig, cancel context.CancelFunc, reg *stream.Registry)
	}
	hows := []how{
		{name: "observer", start: func(rc *interp.RunConfig, cancel context.CancelFunc, _ *stream.Registry) {
			rc.Observer = &cancelAfter{n: 500, cancel: cancel}
		}},
		{name: "writer", start: func(rc *interp.RunConfig, cancel context.CancelFunc, _ *stream.Registry) {
			rc.Output = &detailWriter{onRow: func(rows int) {
				if rows >= 500 {
					cancel()
				}
			}}
			rc.Format = "csv"
		}},
		{name: "registry", start: func(rc *interp.RunConfig, _ context.CancelFunc, reg *stream.Registry) {
			rc.Observer = &cancelAfter{n: 500, cancel: func() {
				for _, s := range reg.List(stream.StatusRunning, stream.StatusPaused) {
					reg.Cancel(s.ID)
				}
			}}
		}},
	}
	sources := []struct {
		name, decl string
		data       *dataset
		total      int64
	}{
		{"csv", `source csv("sales.csv")`, d, total},
		{"jsonl", `source jsonl("sales.jsonl")`, d, total},
		{"sqlite", `source sqlite("sales.db", table: "sales") { amount: decimal }`, dbData, 3000},
	}
	for _, src := range sources {
		p := src.data.compile(t, `report "Cancelled"`+"\n"+src.decl+body)
		for _, h := range hows {
			// Scenario I17
			t.Run(src.name+"/"+h.name, func(t *testing.T) {
				reg := stream.NewRegistry(stream.RegistryOptions{})
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				rc := interp.RunConfig{ChunkSize: 100, Registry: reg}
				h.start(&rc, cancel, reg)
				res, err := p.Run(ctx, &rc)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("Run returned %v, want context.Canceled", err)
				}
				if res == nil {
					t.Fatal("no result")
				}
				snap := registryList(t, reg, 1)[0]
				if snap.Status != stream.StatusCancelled || snap.Reason != "cancelled" {
					t.Errorf("registry: status %v, reason %q; want cancelled", snap.Status, snap.Reason)
				}
				if res.Snapshot.Status != stream.StatusCancelled {
					t.Errorf("result snapshot status %v", res.Snapshot.Status)
				}
				c := snap.Counters
				if c.RecordsIn < 500 || c.RecordsIn >= src.total || c.RecordsOut > c.RecordsIn {
					t.Errorf("counters %+v: want at least 500 records read, fewer than all %d", c, src.total)
				}
				// Nothing outlives the run: no pipeline goroutine, no
				// database connection (goleak allows exiting goroutines a
				// moment to finish).
				goleak.VerifyNone(t)
			})
		}
	}
}

// Scenario I21
func TestFailingSource(t *testing.T) {
	// checkFailed checks a run that failed inside the pipeline.
	// The run's pipeline failed (if one started); a strategy that gave way
	// before it (a scan meeting the bad record, which the pipeline then
	// reports) completed, having written nothing.
	checkFailed := func(t *testing.T, reg *stream.Registry) {
		t.Helper()
		failed, list := 0, reg.List()
		for _, s := range list {
			switch {
			case s.Status == stream.StatusFailed && s.Err != nil:
				failed++
			case s.Status != stream.StatusCompleted:
				t.Errorf("registry: status %v, err %v; want failed, or completed before the run gave way", s.Status, s.Err)
			}
		}
		if len(list) > 0 && failed != 1 {
			t.Errorf("registry: %d failed pipelines, want 1", failed)
		}
	}

	// Scenario I21
	t.Run("sqlite-query-missing-table", func(t *testing.T) {
		d := newDataset(t, 100, salesDB)
		_, err := interp.Compile(context.Background(), "test.rpt", []byte(`source sqlite("sales.db", query: "SELECT * FROM nosuch")
summary { n: COUNT() }
`), &interp.Options{Dir: d.dir})
		if err == nil || !strings.HasPrefix(err.Error(), "test.rpt:1:8: ") || !strings.Contains(err.Error(), "no such table: nosuch") {
			t.Errorf("got %v, want a positioned compile error naming the missing table", err)
		}
		goleak.VerifyNone(t)
	})

	// Scenario I21
	t.Run("sqlite-table-dropped-before-run", func(t *testing.T) {
		d := newDataset(t, 500, salesDB)
		p := d.compile(t, `source sqlite("sales.db", query: "SELECT id, territory, amount FROM sales WHERE quantity > 2")
summary { n: COUNT() }
`)
		db, err := sql.Open("sqlite", d.path("sales.db"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("DROP TABLE sales"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		reg := stream.NewRegistry(stream.RegistryOptions{})
		_, err = p.Run(context.Background(), &interp.RunConfig{Registry: reg})
		if err == nil || !strings.Contains(err.Error(), "no such table: sales") || !strings.Contains(err.Error(), "sales.db") {
			t.Errorf("got %v, want an error naming the database and the missing table", err)
		}
		checkFailed(t, reg)
		goleak.VerifyNone(t)
	})

	// Scenario I21
	t.Run("sqlite-corrupted", func(t *testing.T) {
		d := newDataset(t, 1000, salesDB)
		p := d.compile(t, `source sqlite("sales.db", table: "sales") { amount: decimal }
summary { n: COUNT(), total: SUM(amount) }
`)
		// Overwrite the second half of the file, where the sales table's
		// later pages are, with garbage.
		raw, err := os.ReadFile(d.path("sales.db"))
		if err != nil {
			t.Fatal(err)
		}
		for i := len(raw) / 2; i < len(raw); i++ {
			raw[i] = byte(i*7 + 3)
		}
		if err := os.WriteFile(d.path("sales.db"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		reg := stream.NewRegistry(stream.RegistryOptions{})
		_, err = p.Run(context.Background(), &interp.RunConfig{Registry: reg, ChunkSize: 100})
		if err == nil || !strings.Contains(err.Error(), "sales.db") ||
			!(strings.Contains(err.Error(), "malformed") || strings.Contains(err.Error(), "not a database") || strings.Contains(err.Error(), "corrupt")) {
			t.Errorf("got %v, want an error naming the database and saying it is malformed", err)
		}
		checkFailed(t, reg)
		goleak.VerifyNone(t)
	})

	// Scenario I21
	t.Run("csv-malformed-mid-stream", func(t *testing.T) {
		d := newDataset(t, 1000, salesCSV)
		p := d.compile(t, `source csv("sales.csv")
detail { id, amount }
`)
		// Line 601 (record 600) gets two fields too many.
		raw, err := os.ReadFile(d.path("sales.csv"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(raw), "\n")
		lines[600] = strings.TrimSuffix(lines[600], "\n") + ",x,y\n"
		if err := os.WriteFile(d.path("sales.csv"), []byte(strings.Join(lines, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		reg := stream.NewRegistry(stream.RegistryOptions{})
		var out bytes.Buffer
		_, err = p.Run(context.Background(), &interp.RunConfig{Registry: reg, ChunkSize: 100, Output: &out, Format: "csv"})
		if err == nil || !strings.Contains(err.Error(), "sales.csv:601") {
			t.Errorf("got %v, want an error at sales.csv:601", err)
		}
		checkFailed(t, reg)
		// What came before the bad line was streamed out; nothing after it.
		tb := parseCSV(t, out.Bytes())
		rows := tb.band("detail")
		if len(rows) > 599 || (len(rows) > 0 && tb.get(t, rows[len(rows)-1], "id") != fmt.Sprint(len(rows))) {
			t.Errorf("%d detail rows written before the failure; want at most the 599 before it, in order", len(rows))
		}
		goleak.VerifyNone(t)
	})

	// Scenario I21
	t.Run("jsonl-malformed-mid-stream", func(t *testing.T) {
		d := newDataset(t, 1000, salesJSONL)
		p := d.compile(t, `source jsonl("sales.jsonl")
summary { n: COUNT() }
`)
		raw, err := os.ReadFile(d.path("sales.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(raw), "\n")
		lines[599] = `{"id": 600, "territory": ` + "\n" // line 600: truncated object
		if err := os.WriteFile(d.path("sales.jsonl"), []byte(strings.Join(lines, "")), 0o644); err != nil {
			t.Fatal(err)
		}
		reg := stream.NewRegistry(stream.RegistryOptions{})
		_, err = p.Run(context.Background(), &interp.RunConfig{Registry: reg, ChunkSize: 100})
		if err == nil || !strings.Contains(err.Error(), "sales.jsonl:600") {
			t.Errorf("got %v, want an error at sales.jsonl:600", err)
		}
		checkFailed(t, reg)
		goleak.VerifyNone(t)
	})

	// Scenario I21
	t.Run("file-removed-before-run", func(t *testing.T) {
		d := newDataset(t, 100, salesCSV)
		p := d.compile(t, `source csv("sales.csv")
summary { n: COUNT() }
`)
		if err := os.Remove(d.path("sales.csv")); err != nil {
			t.Fatal(err)
		}
		_, err := p.Run(context.Background(), nil)
		if err == nil || !strings.HasPrefix(err.Error(), "test.rpt:1:8: ") || !strings.Contains(err.Error(), `"sales.csv"`) {
			t.Errorf("got %v, want a positioned error naming the file", err)
		}
		goleak.VerifyNone(t)
	})
}

// Scenario I22
func TestComputedFieldErrorsSkipped(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	sales := d.sales()
	// per divides by quantity-1: every record of quantity 1 fails.
	var failing, firstFailing, keptUnits int64
	for i, s := range sales {
		if s.Quantity == 1 {
			failing++
			if firstFailing == 0 {
				firstFailing = int64(i) + 1
			}
		} else {
			keptUnits += s.Quantity
		}
	}
	if failing < 50 || failing > 500 {
		t.Fatalf("%d records of quantity 1; the test wants a real share", failing)
	}
	kept := int64(len(sales)) - failing
	const body = `source csv("sales.csv")
let per = quantity * 100 / (quantity - 1)
summary { n: COUNT(), units: SUM(quantity) }
`
	for _, c := range []struct {
		name, script string
		onError      string
	}{
		{"script", "on_error skip\n" + body, ""},
		{"run-config", body, "skip"},
	} {
		// Scenario I22
		t.Run(c.name, func(t *testing.T) {
			p := d.compile(t, c.script)
			var log eventLog
			var mu sync.Mutex
			var skips []error
			rc := interp.RunConfig{OnError: interp.OnError(c.onError), ChunkSize: 100, Observer: &log, Collect: true,
				OnSkip: func(err error) {
					mu.Lock()
					skips = append(skips, err)
					mu.Unlock()
				}}
			out, res := runTo(t, p, rc, "text")
			sum := eventsOf(res, render.Summary, -1)[0].vals
			if sum["n"] != fmt.Sprint(kept) || sum["units"] != fmt.Sprint(keptUnits) {
				t.Errorf("summary %v, want n=%d units=%d (the failing records left out)", sum, kept, keptUnits)
			}
			cnt := res.Snapshot.Counters
			if cnt.RecordsIn != 1000 || cnt.Failed != failing || cnt.RecordsOut != kept {
				t.Errorf("pipeline counters %+v: want 1000 in, %d failed, %d out", cnt, failing, kept)
			}
			var failed int64
			for _, e := range log.all() {
				if f, ok := e.(stream.RecordFailed); ok {
					failed++
					if !strings.Contains(f.Err.Error(), "let per: division by zero") {
						t.Errorf("record_failed event: %v", f.Err)
					}
				}
			}
			if failed != failing {
				t.Errorf("%d record_failed events, want %d", failed, failing)
			}
			// The report's totals count the skipped records, and the
			// embedder hears of each.
			mu.Lock()
			nskips := int64(len(skips))
			mu.Unlock()
			if res.Totals.Skipped != failing || nskips != failing || res.Totals.RecordsRead != 1000 {
				t.Errorf("Totals.Skipped = %d, OnSkip calls = %d, records read %d; want %d, %d, 1000",
					res.Totals.Skipped, nskips, res.Totals.RecordsRead, failing, failing)
			}
			if !bytes.Contains(out, []byte(fmt.Sprintf("skipped: %d", failing))) {
				t.Errorf("the report's totals do not say %d records were skipped:\n%s", failing, out)
			}
			if len(res.Totals.Warnings) == 0 || !strings.Contains(res.Totals.Warnings[0], "division by zero") {
				t.Errorf("warnings %q, want the skipped records' causes", res.Totals.Warnings)
			}
		})
	}

	// With on_error fail (the default) the first failing record stops the
	// run, with its position.
	t.Run("fail", func(t *testing.T) {
		p := d.compile(t, body)
		reg := stream.NewRegistry(stream.RegistryOptions{})
		_, err := p.Run(context.Background(), &interp.RunConfig{Registry: reg, ChunkSize: 100})
		var ee *interp.EvalError
		want := fmt.Sprintf(": record %d: let per: division by zero", firstFailing)
		if !errors.As(err, &ee) || ee.Record != firstFailing || !strings.HasPrefix(err.Error(), "test.rpt:2:") || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("got %v, want test.rpt:2:COL%s", err, want)
		}
		if s := registryList(t, reg, 1)[0]; s.Status != stream.StatusFailed || s.Reason != "record error" {
			t.Errorf("registry: %v %q, want failed, record error", s.Status, s.Reason)
		}
	})
}

var errDiskFull = errors.New("disk full")

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit int
	n     int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		k := max(0, w.limit-w.n)
		w.n += k
		return k, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}

// Scenario I23
func TestFailingWriter(t *testing.T) {
	d := newDataset(t, 1000, salesCSV)
	p := d.compile(t, `report "Doomed"
source csv("sales.csv")
let revenue = amount * quantity
detail { id, customer, product, amount, quantity, revenue }
summary { n: COUNT(), revenue: SUM(revenue) }
`)
	for _, format := range render.Formats() {
		for _, limit := range []int{0, 10_000} {
			// Scenario I23
			t.Run(fmt.Sprintf("%s/after-%d-bytes", format, limit), func(t *testing.T) {
				reg := stream.NewRegistry(stream.RegistryOptions{})
				w := &failingWriter{limit: limit}
				_, err := p.Run(context.Background(), &interp.RunConfig{Output: w, Format: interp.Format(format), Registry: reg, ChunkSize: 100})
				var se *interp.SinkError
				if !errors.As(err, &se) || !errors.Is(err, errDiskFull) {
					t.Fatalf("got %v, want a SinkError wrapping the writer's error", err)
				}
				// A format that writes a preamble fails before the
				// pipeline starts when the writer fails at once; a
				// streaming format fails inside the pipeline; one that
				// holds the report back fails at the end, after the
				// pipeline completed.
				list := reg.List()
				switch {
				case len(list) == 0 && limit == 0:
				case len(list) == 1 && limit > 0 && (format == "csv" || format == "jsonl"):
					if s := list[0]; s.Status != stream.StatusFailed || s.Counters.RecordsOut == 1000 {
						t.Errorf("streaming format: registry says %v after %d records delivered, want failed before the end", s.Status, s.Counters.RecordsOut)
					}
				case len(list) == 1:
					if s := list[0]; s.Status != stream.StatusFailed && s.Status != stream.StatusCompleted {
						t.Errorf("registry status %v", s.Status)
					}
				default:
					t.Errorf("registry lists %+v", list)
				}
				goleak.VerifyNone(t)
			})
		}
	}

	// Scenario I23
	t.Run("closed-file", func(t *testing.T) {
		f, err := os.Create(filepath.Join(t.TempDir(), "out.csv"))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		_, err = p.Run(context.Background(), &interp.RunConfig{Output: f, Format: "csv"})
		if !errors.Is(err, os.ErrClosed) {
			t.Fatalf("got %v, want an error wrapping os.ErrClosed", err)
		}
		goleak.VerifyNone(t)
	})

	// Scenario I23
	t.Run("closed-pipe", func(t *testing.T) {
		r, w := io.Pipe()
		r.CloseWithError(errDiskFull)
		_, err := p.Run(context.Background(), &interp.RunConfig{Output: w, Format: "jsonl"})
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("got %v, want the reader's error", err)
		}
		goleak.VerifyNone(t)
	})
}
