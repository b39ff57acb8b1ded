package stream

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// prodHarness runs a producer alone, with the test playing downstream:
// it grants demand and receives batches itself.
type prodHarness struct {
	t      *testing.T
	r      *run[rec]
	e      *entry
	out    *link[rec]
	cancel context.CancelCauseFunc
	errc   chan error
}

func newProdHarness(t *testing.T, p Pipeline[rec]) *prodHarness {
	t.Helper()
	o := p.Options
	if o.Registry == nil {
		o.Registry = NewRegistry(RegistryOptions{Clock: o.Clock})
	}
	cfg := o.resolve()
	e, err := cfg.Registry.register(cfg.Name, cfg.Clock, cfg.Observer, cfg.MemoryLimit)
	if err != nil {
		t.Fatal(err)
	}
	e.chunkSize.Store(int64(cfg.ChunkSize))
	e.recBytes.Store(64)
	r := &run[rec]{p: p, cfg: cfg, e: e, sup: &supervisor{max: cfg.MaxRestarts, window: cfg.RestartWindow, clock: cfg.Clock}}
	ctx, cancel := context.WithCancelCause(context.Background())
	r.cancel = cancel
	if err := e.setStatus(StatusRunning); err != nil {
		t.Fatal(err)
	}
	h := &prodHarness{t: t, r: r, e: e, out: newLink[rec](), cancel: cancel, errc: make(chan error, 1)}
	e.producer.demand = h.out.demand
	prod := newProducer(r, h.out)
	go func() { h.errc <- r.supervise(ctx, "producer", prod.run) }()
	t.Cleanup(func() { h.stop() })
	return h
}

func (h *prodHarness) demand(n int64) { h.out.demand.grant(n) }

// take receives batches until it has n records.
func (h *prodHarness) take(n int) []rec {
	h.t.Helper()
	var got []rec
	timeout := time.After(deadline)
	for len(got) < n {
		select {
		case b, ok := <-h.out.ch:
			if !ok {
				h.t.Fatalf("stream ended after %d records, want %d", len(got), n)
			}
			for i := range b.recs {
				if b.offset(i) != b.recs[i].ID {
					h.t.Fatalf("offset %d carries record %d", b.offset(i), b.recs[i].ID)
				}
			}
			got = append(got, b.recs...)
		case <-timeout:
			h.t.Fatalf("got %d records, want %d", len(got), n)
		}
	}
	if len(got) != n {
		h.t.Fatalf("got %d records, want exactly %d", len(got), n)
	}
	return got
}

// ended waits for the producer to close its output after the last record.
func (h *prodHarness) ended() error {
	h.t.Helper()
	select {
	case b, ok := <-h.out.ch:
		if ok {
			h.t.Fatalf("got %d more records, want the end of the stream", len(b.recs))
		}
	case <-time.After(deadline):
		h.t.Fatal("stream did not end")
	}
	err := <-h.errc
	h.errc <- err
	return err
}

// stop cancels the producer, waits for it, and returns how many records it
// had queued beyond what the test took.
func (h *prodHarness) stop() int {
	h.cancel(context.Canceled)
	select {
	case err := <-h.errc:
		h.errc <- err
	case <-time.After(deadline):
		h.t.Fatal("producer did not stop")
	}
	extra := 0
	for {
		select {
		case b, ok := <-h.out.ch:
			if !ok {
				return extra
			}
			extra += len(b.recs)
		default:
			return extra
		}
	}
}

func TestProducerDemand(t *testing.T) {
	// Scenario P01
	t.Run("emits exactly the demand", func(t *testing.T) {
		src := newFaultSource(1000)
		h := newProdHarness(t, Pipeline[rec]{Source: src})
		h.demand(100)
		checkExactlyOnce(t, h.take(100), 100)
		if extra := h.stop(); extra != 0 {
			t.Fatalf("producer emitted %d records beyond the demand", extra)
		}
		if s := h.e.snapshot(); s.Producer.Offset != 100 || s.Producer.Demand != 0 {
			t.Fatalf("producer state %+v, want offset 100 and no demand left", s.Producer)
		}
	})
	// Scenario P02
	t.Run("demand larger than chunk", func(t *testing.T) {
		src := newFaultSource(1000)
		h := newProdHarness(t, Pipeline[rec]{Source: src, Options: Options{ChunkSize: 50}})
		h.demand(200)
		checkExactlyOnce(t, h.take(200), 200)
		h.stop()
		calls := src.Calls()
		if len(calls) != 4 {
			t.Fatalf("%d fetches, want 4: %+v", len(calls), calls)
		}
		for i, c := range calls {
			if c.Limit != 50 || c.After.Offset != int64(50*i) {
				t.Errorf("fetch %d = %+v, want limit 50 after %d", i, c, 50*i)
			}
		}
	})
	// Scenario P03
	t.Run("demand smaller than chunk keeps the rest", func(t *testing.T) {
		src := newFaultSource(1000)
		h := newProdHarness(t, Pipeline[rec]{Source: src, Options: Options{ChunkSize: 100}})
		h.demand(25)
		got := h.take(25)
		if s := h.e.snapshot(); s.Producer.Surplus != 75 {
			t.Fatalf("surplus %d, want 75 kept for later demand", s.Producer.Surplus)
		}
		h.demand(75)
		got = append(got, h.take(75)...)
		checkExactlyOnce(t, got, 100)
		h.stop()
		if n := src.NCalls(); n != 1 {
			t.Fatalf("%d fetches, want 1: the later demand is served from the surplus", n)
		}
	})
	// Scenario P04
	t.Run("dataset exhausted completes the stream", func(t *testing.T) {
		src := newFaultSource(150)
		h := newProdHarness(t, Pipeline[rec]{Source: src, Options: Options{ChunkSize: 100}})
		h.demand(300)
		checkExactlyOnce(t, h.take(150), 150)
		if err := h.ended(); err != nil {
			t.Fatalf("producer returned %v", err)
		}
		if n := src.NCalls(); n != 2 {
			t.Fatalf("%d fetches, want 2", n)
		}
	})
	// Scenario P05
	t.Run("demand accumulates", func(t *testing.T) {
		src := newFaultSource(1000)
		h := newProdHarness(t, Pipeline[rec]{Source: src, Options: Options{ChunkSize: 100}})
		h.demand(50)
		h.demand(50)
		h.demand(50)
		checkExactlyOnce(t, h.take(150), 150)
		if extra := h.stop(); extra != 0 {
			t.Fatalf("%d records beyond the accumulated demand", extra)
		}
	})
}

// Scenarios P06, P07
func TestProducerPauseResume(t *testing.T) {
	src := newFaultSource(1000)
	obs := newEvents()
	h := newProdHarness(t, Pipeline[rec]{Source: src, Options: Options{ChunkSize: 100, Observer: obs}})
	h.demand(150)
	got := h.take(150)
	if err := h.r.cfg.Registry.Pause(h.e.id); err != nil {
		t.Fatal(err)
	}
	p := waitEvent[Paused](t, obs, nil)
	if p.Offset != 150 || p.Reason != PauseRequested {
		t.Fatalf("paused at %d for %q, want 150 for %q", p.Offset, p.Reason, PauseRequested)
	}
	h.demand(200) // demand arriving while paused waits
	if s := h.e.snapshot(); s.Status != StatusPaused || s.Producer.Demand != 200 || s.Producer.Offset != 150 {
		t.Fatalf("while paused: %v %+v, want paused with 200 demand pending at offset 150", s.Status, s.Producer)
	}
	if n := len(h.out.ch); n != 0 {
		t.Fatalf("%d batches emitted while paused", n)
	}
	if err := h.r.cfg.Registry.Resume(h.e.id); err != nil {
		t.Fatal(err)
	}
	got = append(got, h.take(200)...)
	checkExactlyOnce(t, got, 350)
	waitEvent[Resumed](t, obs, func(r Resumed) bool { return r.Offset == 150 })
}

// Scenario P10
func TestProducerChunkPositions(t *testing.T) {
	for _, keyset := range []bool{false, true} {
		src := newFaultSource(500)
		src.Keyset = keyset
		var sink collector
		if _, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: sink.sink, Options: Options{ChunkSize: 100}}); err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sink.got(), 500)
		calls := src.Calls()
		if len(calls) != 5 {
			t.Fatalf("keyset=%v: %d fetches, want 5", keyset, len(calls))
		}
		for i, c := range calls {
			want := Position{Offset: int64(100 * i)}
			if keyset && i > 0 {
				want.Key = []any{int64(100*i - 1)}
			}
			if c.After.String() != want.String() || c.Limit != 100 {
				t.Errorf("keyset=%v: fetch %d after %v limit %d, want after %v limit 100", keyset, i, c.After, c.Limit, want)
			}
		}
	}
}

// Scenario P11
func TestProducerLookups(t *testing.T) {
	names := map[int64]string{}
	for c := range int64(10) {
		names[c] = "customer-" + string(rune('A'+c))
	}
	var queries, records int
	lookup := LookupFunc[rec](func(ctx context.Context, chunk []rec) error {
		queries++ // one batched query per chunk: SELECT ... WHERE id IN (distinct ids)
		ids := map[int64]bool{}
		for _, r := range chunk {
			ids[r.Customer] = true
		}
		for i := range chunk {
			chunk[i].CustName = names[chunk[i].Customer]
		}
		records += len(chunk)
		return nil
	})
	var sink collector
	_, err := Run(context.Background(), Pipeline[rec]{
		Source: newFaultSource(500), Lookups: []Lookup[rec]{lookup}, Sink: sink.sink,
		Options: Options{ChunkSize: 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	if queries != 5 || records != 500 {
		t.Fatalf("%d lookup queries over %d records, want 5 over 500", queries, records)
	}
	for _, r := range sink.got() {
		if r.CustName != names[r.Customer] {
			t.Fatalf("record %d: customer name %q, want %q", r.ID, r.CustName, names[r.Customer])
		}
	}
}

// Scenario P12
func TestProducerRetriesThenSucceeds(t *testing.T) {
	clk := NewManualClock(t0)
	obs := newEvents()
	obs.also = autoAdvance(clk)
	src := newFaultSource(300)
	src.FailFirst = 2
	var sink collector
	s, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: sink.sink,
		Options: Options{ChunkSize: 100, Clock: clk, Observer: obs}})
	if err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, sink.got(), 300)
	if s.Counters.Retries != 2 || s.Counters.RecordsIn != 300 {
		t.Fatalf("counters %+v, want 2 retries and 300 records in", s.Counters)
	}
	fails := eventsOf[FetchFailed](obs)
	if len(fails) != 2 || fails[0].Attempt != 1 || fails[1].Attempt != 2 || fails[1].Final {
		t.Fatalf("fetch-failed events %+v, want attempts 1 and 2, not final", fails)
	}
	if fails[1].Delay <= fails[0].Delay/2 {
		t.Fatalf("delays %v then %v do not grow", fails[0].Delay, fails[1].Delay)
	}
}

// Scenarios P13, P16, E02, E03
func TestProducerRetriesExhausted(t *testing.T) {
	clk := NewManualClock(t0)
	obs := newEvents()
	obs.also = autoAdvance(clk)
	src := newFaultSource(300)
	src.FailFirst = 1000
	reg := NewRegistry(RegistryOptions{Clock: clk})
	h := mustStart(t, Pipeline[rec]{Source: src, Sink: (&collector{}).sink,
		Options: Options{Clock: clk, Observer: obs, Registry: reg}})
	s, err := wait(t, h)
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Attempts != 4 || !errors.Is(err, errTransient) {
		t.Fatalf("err = %v, want a FetchError after 4 attempts wrapping the cause", err)
	}
	if n := src.NCalls(); n != 4 {
		t.Fatalf("%d calls, want 4 (1 + MaxRetries 3)", n)
	}
	// E02: the registry shows the stream failed.
	if got, _ := reg.Get(h.ID()); got.Status != StatusFailed || got.Reason != "fetch failed" || s.Status != StatusFailed {
		t.Fatalf("registry shows %v (%q), want failed (fetch failed)", got.Status, got.Reason)
	}
	// P16, E03: an error event with the reason.
	ex := waitEvent[PipelineException](t, obs, func(e PipelineException) bool { return e.Fatal })
	if ex.Reason != "fetch failed" || !errors.Is(ex.Err, errTransient) || ex.Pipeline != h.ID() {
		t.Fatalf("exception event %+v, want reason and cause", ex)
	}
	stop := waitEvent[PipelineStopped](t, obs, nil)
	if stop.Status != StatusFailed || stop.Reason != "fetch failed" {
		t.Fatalf("stopped event %+v", stop)
	}
	final := eventsOf[FetchFailed](obs)
	if last := final[len(final)-1]; !last.Final || last.Attempt != 4 {
		t.Fatalf("last fetch-failed event %+v, want final attempt 4", last)
	}
}

// Scenarios P14, P15
func TestProducerTelemetry(t *testing.T) {
	clk := NewManualClock(t0)
	src := newFaultSource(300)
	src.OnFetch = func(int) { clk.Advance(5 * time.Millisecond) } // each fetch takes 5ms
	obs := newEvents()
	s, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: (&collector{}).sink,
		Options: Options{ChunkSize: 100, Clock: clk, Observer: obs}})
	if err != nil {
		t.Fatal(err)
	}
	chunks := eventsOf[ChunkFetched](obs)
	if len(chunks) != 3 {
		t.Fatalf("%d chunk events, want 3", len(chunks))
	}
	for i, c := range chunks {
		if c.Records != 100 || c.Duration != 5*time.Millisecond || c.After.Offset != int64(100*i) || c.Pipeline != s.ID {
			t.Errorf("chunk event %d = %+v, want 100 records in 5ms after %d", i, c, 100*i)
		}
	}
	stop := waitEvent[PipelineStopped](t, obs, nil)
	if stop.Status != StatusCompleted || stop.Counters.RecordsIn != 300 || stop.Counters.RecordsOut != 300 ||
		stop.Counters.Chunks != 3 || stop.Duration != 15*time.Millisecond {
		t.Fatalf("completed event %+v, want 300 records, 3 chunks, 15ms", stop)
	}
}

// Scenarios P17, P18
func TestProducerCache(t *testing.T) {
	for _, cached := range []bool{true, false} {
		src := newFaultSource(500)
		src.ID = "sales?territory=north"
		var cache *Cache
		if cached {
			cache = NewCache(CacheOptions{})
		}
		var sums [2]int
		for run := range 2 {
			var sink collector
			s, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: sink.sink,
				Options: Options{ChunkSize: 100, Cache: cache}})
			if err != nil {
				t.Fatal(err)
			}
			checkExactlyOnce(t, sink.got(), 500)
			sums[run] = int(s.Counters.CacheHits)
		}
		wantCalls, wantHits := 10, [2]int{0, 0}
		if cached {
			wantCalls, wantHits = 5, [2]int{0, 5}
		}
		if n := src.NCalls(); n != wantCalls || sums != wantHits {
			t.Errorf("cache=%v: %d source calls and hits %v, want %d and %v", cached, n, sums, wantCalls, wantHits)
		}
	}
}

// FirstChunk starts small and doubles up to ChunkSize: the first records
// reach the sink after a small fetch.
func TestProducerFirstChunk(t *testing.T) {
	for _, tc := range []struct {
		first, size int
		limits      []int
	}{
		{first: 10, size: 100, limits: []int{10, 20, 40, 80, 100, 100}},
		{first: 100, size: 100, limits: []int{100, 100, 100, 100}},
		{first: 0, size: 100, limits: []int{100, 100, 100, 100}},
	} {
		src := newFaultSource(350)
		obs := newEvents()
		col := &collector{}
		if _, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: col.sink,
			Options: Options{ChunkSize: tc.size, FirstChunk: tc.first, Observer: obs}}); err != nil {
			t.Fatal(err)
		}
		var limits []int
		total := 0
		for _, c := range eventsOf[ChunkFetched](obs) {
			limits = append(limits, c.Limit)
			total += c.Records
		}
		if fmt.Sprint(limits) != fmt.Sprint(tc.limits) || total != 350 || col.len() != 350 {
			t.Errorf("first %d, size %d: fetch limits %v (%d records, %d sunk), want %v", tc.first, tc.size, limits, total, col.len(), tc.limits)
		}
	}
}
