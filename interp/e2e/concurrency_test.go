package e2e

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/reportsh/reportsh/bench/salesgen"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// job is one report run: a program, its run config (Output is set by the
// runner) and the output format.
type job struct {
	name   string
	prog   *interp.Program
	rc     interp.RunConfig
	format string
}

// runAll runs the jobs at once, released together, and returns their
// outputs; any error fails the test.
func runAll(t *testing.T, jobs []job, adjust func(*interp.RunConfig)) [][]byte {
	t.Helper()
	outs := make([][]byte, len(jobs))
	errs := make([]error, len(jobs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			rc := j.rc
			rc.Output, rc.Format = &buf, interp.Format(j.format)
			if adjust != nil {
				adjust(&rc)
			}
			<-start
			_, errs[i] = j.prog.Run(context.Background(), &rc)
			outs[i] = buf.Bytes()
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", jobs[i].name, err)
		}
	}
	return outs
}

// sequential runs the jobs one after the other.
func sequential(t *testing.T, jobs []job) [][]byte {
	t.Helper()
	outs := make([][]byte, len(jobs))
	for i, j := range jobs {
		outs[i], _ = runTo(t, j.prog, j.rc, j.format)
	}
	return outs
}

func checkSame(t *testing.T, jobs []job, got, want [][]byte) {
	t.Helper()
	for i := range jobs {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("%s: concurrent output differs from the sequential run at byte %d of %d", jobs[i].name, firstDiff(got[i], want[i]), len(want[i]))
		}
	}
}

// fiveReports returns five different reports, each over its own data set
// in its own directory: they share no program, source, file or registry.
func fiveReports(t *testing.T) []job {
	t.Helper()
	compile := func(files int, script string) *interp.Program {
		return newDataset(t, 1000, files).compile(t, script)
	}
	return []job{
		{"csv-detail", compile(salesCSV, `report "Detail"
source csv("sales.csv")
where quantity > 3
let revenue = amount * quantity
detail { id, customer, revenue, running: RUNNING_SUM(revenue) }
summary { n: COUNT(), revenue: SUM(revenue) }
`), interp.RunConfig{ChunkSize: 7}, "csv"},
		{"jsonl-nested", compile(salesJSONL, `report "Territory and product"
source jsonl("sales.jsonl")
group territory {
  group product {
    footer { product, n: COUNT(), revenue: SUM(amount * quantity) }
  }
  footer { territory, n: COUNT(), share: PERCENT_OF_TOTAL(amount * quantity) format "0.00" }
}
`), interp.RunConfig{ChunkSize: 100}, "json"},
		{"sqlite-lookup", compile(salesDB, `report "Segments"
source sqlite("sales.db", table: "sales") { amount: decimal }
lookup c = sqlite("sales.db", table: "customers") on customer_id == id
group c.segment as segment {
  footer { segment, n: COUNT(), revenue: SUM(amount * quantity), customers: COUNT_DISTINCT(customer) }
}
`), interp.RunConfig{}, "text"},
		{"csv-limits", compile(salesCSV|customersCSV, `report "Capped"
source csv("sales.csv") { amount: decimal }
lookup k = csv("customers.csv") on customer_id == id
on_error skip
let per = quantity * 100 / (quantity - 1)
group k.country as country {
  group customer max_groups 20 {
    footer { customer, n: COUNT(), per: SUM(per) }
  }
}
summary { n: COUNT() }
`), interp.RunConfig{ChunkSize: 50}, "jsonl"},
		{"sqlite-query", compile(salesDB, `report "Big orders"
param min_quantity: int = 10
source sqlite("sales.db", query: "SELECT id, territory, product, amount, quantity FROM sales WHERE quantity >= :min_quantity") { amount: decimal }
group product order by revenue desc limit 5 {
  footer { product, n: COUNT(), revenue: SUM(amount * quantity) }
}
`), interp.RunConfig{Params: map[string]string{"min_quantity": "15"}}, "html"},
	}
}

// Scenario I08
func TestFiveReportsConcurrently(t *testing.T) {
	t.Parallel()
	jobs := fiveReports(t)
	want := sequential(t, jobs)
	for i, w := range want {
		if len(w) < 200 {
			t.Fatalf("%s: short output:\n%s", jobs[i].name, w)
		}
	}
	for range 2 {
		checkSame(t, jobs, runAll(t, jobs, nil), want)
	}
}

// Scenario I09
func TestConcurrentOptionsDoNotInterfere(t *testing.T) {
	t.Parallel()
	d := newDataset(t, 2000, salesCSV)
	// One program, run at once with different parameters, formats, chunk
	// sizes and error modes.
	p := d.compile(t, `report "One territory"
param region: string = "North"
param min_amount: decimal = 0
source csv("sales.csv")
where territory == region && amount >= min_amount
let revenue = amount * quantity
group product {
  footer { product, n: COUNT(), revenue: SUM(revenue), avg: AVG(amount) }
}
summary { region: FIRST(territory), n: COUNT(), revenue: SUM(revenue) }
`)
	configs := []struct {
		region, min string
		format      string
		rc          interp.RunConfig
	}{
		{"North", "0", "csv", interp.RunConfig{ChunkSize: 1}},
		{"South", "50", "json", interp.RunConfig{ChunkSize: 7, OnError: "skip"}},
		{"East", "100", "text", interp.RunConfig{ChunkSize: 1000, OnError: "fail"}},
		{"West", "0", "jsonl", interp.RunConfig{ChunkSize: 64, Color: true}},
		{"Central", "10.5", "html", interp.RunConfig{ChunkSize: 250, Collect: true}},
	}
	sales := d.sales()
	var jobs []job
	for _, c := range configs {
		rc := c.rc
		rc.Params = map[string]string{"region": c.region, "min_amount": c.min}
		rc.Collect = true
		jobs = append(jobs, job{c.region, p, rc, c.format})
	}
	// Each run is right on its own: its summary matches the data.
	want := sequential(t, jobs)
	for i, c := range configs {
		var n, revenue int64
		minCents, _ := strconv.ParseFloat(c.min, 64)
		for _, s := range sales {
			if s.Territory == c.region && s.HasAmount && float64(s.AmountCents) >= minCents*100 {
				n++
				revenue += s.AmountCents * s.Quantity
			}
		}
		_, res := runTo(t, p, jobs[i].rc, "text")
		sum := eventsOf(res, render.Summary, -1)[0].vals
		if sum["region"] != c.region || sum["n"] != itoa(n) || sum["revenue"] != salesgen.FormatCents(revenue) {
			t.Fatalf("%s: summary %v, want n=%d revenue=%s", c.region, sum, n, salesgen.FormatCents(revenue))
		}
		if !bytes.Contains(want[i], []byte(c.region)) {
			t.Fatalf("%s: output does not mention its region", c.region)
		}
	}
	for range 2 {
		checkSame(t, jobs, runAll(t, jobs, nil), want)
	}
}

// warnings is an Observer counting memory warnings and pipeline starts.
type warnings struct {
	started      atomic.Int64
	allStarted   chan struct{}
	n            int64
	degraded     atomic.Int64
	paused       atomic.Int64
	critical     atomic.Int64
	resumed      atomic.Int64
	closeStarted sync.Once
}

func newWarnings(n int64) *warnings { return &warnings{n: n, allStarted: make(chan struct{})} }

func (w *warnings) Observe(e stream.Event) {
	switch x := e.(type) {
	case stream.PipelineStarted:
		if w.started.Add(1) == w.n {
			w.closeStarted.Do(func() { close(w.allStarted) })
		}
	case stream.MemoryWarning:
		switch x.Level {
		case stream.MemoryDegraded:
			w.degraded.Add(1)
		case stream.MemoryPaused:
			w.paused.Add(1)
		case stream.MemoryCritical:
			w.critical.Add(1)
		}
	case stream.Resumed:
		w.resumed.Add(1)
	}
}

// gateWriter holds back the first JSONL detail line until gate is closed,
// so that every report of a test is running before any can finish. (The
// report's first line is written before its pipeline starts, so it must
// pass.)
type gateWriter struct {
	w    bytes.Buffer
	gate <-chan struct{}
	once sync.Once
}

func (g *gateWriter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(`"band":"detail"`)) {
		g.once.Do(func() { <-g.gate })
	}
	return g.w.Write(p)
}

// Scenario I10
func TestSharedRegistryMemoryLimit(t *testing.T) {
	// Five streaming reports over a 1,000-record data set, in small
	// chunks: the memory breaker checks before each of their fetches, and
	// a gate on their output makes them overlap.
	d := newDataset(t, 1000, salesCSV|salesJSONL)
	var jobs []job
	for i, src := range salesSources[:2] {
		for k, chunk := range []int{50, 50, 100} {
			if len(jobs) == 5 {
				break
			}
			jobs = append(jobs, job{fmt.Sprintf("%s-%d", src.name, k), d.compile(t, fmt.Sprintf(`report "Report %d-%d"
%s
where quantity > %d
let revenue = amount * quantity
detail { id, customer, revenue, running: RUNNING_SUM(revenue) }
summary { n: COUNT(), revenue: SUM(revenue) }
`, i, k, src.decl, k)), interp.RunConfig{ChunkSize: chunk}, "jsonl"})
		}
	}
	want := sequential(t, jobs)

	runtime.GC()
	limit := liveHeap() + 64<<20

	// run runs the jobs at once in reg under the limit, holding each one's
	// output until all five are running, and checks the outputs and the
	// registry.
	run := func(t *testing.T, reg *stream.Registry, w *warnings, also stream.Observer) {
		t.Helper()
		outs := make([]*gateWriter, len(jobs))
		var mu sync.Mutex
		k := 0
		runAll(t, jobs, func(rc *interp.RunConfig) {
			mu.Lock()
			defer mu.Unlock()
			g := &gateWriter{gate: w.allStarted}
			outs[k] = g
			k++
			rc.Output = g
			rc.Registry, rc.MemoryLimit, rc.Observer = reg, limit, stream.Observers(w, also)
		})
		// runAll's own buffers are empty: the gate writers hold the
		// output. Match them to the jobs by title.
		for i, j := range jobs {
			title := fmt.Sprintf(`"title":"Report %d-%d"`, i/3, i%3)
			found := false
			for _, g := range outs {
				if bytes.Contains(g.w.Bytes(), []byte(title)) {
					found = true
					if !bytes.Equal(g.w.Bytes(), want[i]) {
						t.Errorf("%s: output under the memory limit differs from the unconstrained run", j.name)
					}
				}
			}
			if !found {
				t.Errorf("%s: no output", j.name)
			}
		}
		list := registryList(t, reg, len(jobs))
		for _, s := range list {
			if s.Status != stream.StatusCompleted || s.MemoryLimit != limit || s.PeakMemory <= 0 {
				t.Errorf("pipeline %v %q: status %v, limit %d, peak %d; want completed under %d with memory measured",
					s.ID, s.Name, s.Status, s.MemoryLimit, s.PeakMemory, limit)
			}
		}
	}

	// Scenario I10
	t.Run("within-limit", func(t *testing.T) {
		reg := stream.NewRegistry(stream.RegistryOptions{})
		w := newWarnings(int64(len(jobs)))
		heap := &heapSampler{every: 5}
		run(t, reg, w, heap)
		for _, s := range reg.List() {
			if s.PeakMemory > limit || s.Degraded {
				t.Errorf("pipeline %q: peak %d B over the limit %d B (degraded %v)", s.Name, s.PeakMemory, limit, s.Degraded)
			}
		}
		if n := w.degraded.Load() + w.paused.Load() + w.critical.Load(); n != 0 {
			t.Errorf("%d memory warnings well under the limit", n)
		}
		// The process's live heap, sampled after collections during the
		// runs, stayed within the limit too.
		if heap.samples == 0 || heap.peak > limit {
			t.Errorf("peak live heap %d B (%d samples), limit %d B", heap.peak, heap.samples, limit)
		}
	})

	// Scenario I10
	t.Run("breaker-engaged", func(t *testing.T) {
		// The registry's meter reports the heap far over the limit from
		// the moment all five reports run until one of them has paused,
		// then the real heap again: the breaker shrinks chunks and pauses
		// producers, which resume when the pressure goes, and every report
		// still completes with the same output.
		w := newWarnings(int64(len(jobs)))
		real := stream.RuntimeMemory()
		meter := stream.MemoryMeterFunc(func() int64 {
			select {
			case <-w.allStarted:
				if w.paused.Load() == 0 {
					return 1000 * limit
				}
			default:
			}
			return real.LiveHeap()
		})
		reg := stream.NewRegistry(stream.RegistryOptions{Meter: meter})
		run(t, reg, w, nil)
		if w.paused.Load() == 0 || w.degraded.Load() == 0 || w.resumed.Load() == 0 {
			t.Errorf("memory warnings: %d degraded, %d paused, %d resumed; want the breaker to act and let go",
				w.degraded.Load(), w.paused.Load(), w.resumed.Load())
		}
	})
}
