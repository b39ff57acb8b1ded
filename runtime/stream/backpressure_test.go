package stream

import (
	"context"
	"errors"
	"runtime"
	"runtime/metrics"
	"testing"

	"go.uber.org/goleak"
)

// Scenario B01
func TestProducerNothingWithoutDemand(t *testing.T) {
	src := newFaultSource(1000)
	obs := newEvents()
	h := newProdHarness(t, Pipeline[rec]{Source: src, Options: Options{Observer: obs}})
	// The producer is parked waiting for demand; a pause request makes it
	// prove it got there without fetching or emitting anything.
	if err := h.e.pause(PauseRequested, "test"); err != nil {
		t.Fatal(err)
	}
	if p := waitEvent[Paused](t, obs, nil); p.Offset != 0 {
		t.Fatalf("paused at offset %d, want 0", p.Offset)
	}
	if n, q := src.NCalls(), len(h.out.ch); n != 0 || q != 0 {
		t.Fatalf("without demand: %d fetches and %d batches emitted, want none", n, q)
	}
	if _, err := h.e.resumeIf("", "test"); err != nil {
		t.Fatal(err)
	}
	h.demand(10)
	checkExactlyOnce(t, h.take(10), 10)
	if extra := h.stop(); extra != 0 {
		t.Fatalf("%d records beyond the demand", extra)
	}
}

// Scenarios B03, B04, P06, P07 (whole pipeline, through the registry)
func TestPipelinePauseResume(t *testing.T) {
	reg := NewRegistry(RegistryOptions{})
	obs := newEvents()
	sink := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{
		Source:  newFaultSource(10_000),
		Stages:  []Stage[rec]{{Name: "a"}, {Name: "b"}},
		Sink:    sink.sink,
		Options: Options{ChunkSize: 100, MaxDemand: 100, Registry: reg, Observer: obs},
	})
	sink.gate <- struct{}{}
	waitUntil(t, "records reach the sink", func() bool { return sink.len() > 0 })
	if err := reg.Pause(h.ID()); err != nil {
		t.Fatal(err)
	}
	p := waitEvent[Paused](t, obs, nil)
	if got, _ := reg.Get(h.ID()); got.Status != StatusPaused || got.PauseReason != PauseRequested {
		t.Fatalf("registry shows %v (%q), want paused on request", got.Status, got.PauseReason)
	}
	// B03: what was emitted before the pause drains; nothing follows.
	sink.open()
	waitUntil(t, "in-flight records drain", func() bool { return h.Snapshot().Counters.RecordsOut == p.Offset })
	s := h.Snapshot()
	if s.Counters.RecordsOut != p.Offset || s.Producer.Offset != p.Offset || s.Status != StatusPaused {
		t.Fatalf("paused at %d but %d records out, producer at %d (%v)", p.Offset, s.Counters.RecordsOut, s.Producer.Offset, s.Status)
	}
	if s.SinkDemand == 0 && s.Producer.Demand == 0 && s.Stages[0].Outstanding == 0 {
		t.Fatal("no demand is waiting: the pause proved nothing")
	}
	// B04: resuming continues exactly where it stopped.
	if err := reg.Resume(h.ID()); err != nil {
		t.Fatal(err)
	}
	if _, err := wait(t, h); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, sink.got(), 10_000)
}

// Scenarios P08, B08
func TestMemoryBreakerPauses(t *testing.T) {
	clk := NewManualClock(t0)
	m := &meter{}
	m.v.Store(100)
	reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
	obs := newEvents()
	src := newFaultSource(1000)
	var sink collector
	src.OnFetch = func(call int) {
		if call == 2 {
			m.v.Store(1500) // the first chunk pushed usage over the limit
		}
	}
	h := mustStart(t, Pipeline[rec]{Source: src, Sink: sink.sink,
		Options: Options{ChunkSize: 100, MemoryLimit: 1000, Registry: reg, Observer: obs}})
	w := waitEvent[MemoryWarning](t, obs, func(w MemoryWarning) bool { return w.Level == MemoryPaused })
	if w.Usage != 1500 || w.Limit != 1000 || w.Pipeline != h.ID() {
		t.Fatalf("memory warning %+v", w)
	}
	waitEvent[Paused](t, obs, func(p Paused) bool { return p.Reason == PauseMemory })
	if s := h.Snapshot(); s.Status != StatusPaused || s.PauseReason != PauseMemory || s.Counters.Chunks != 2 {
		t.Fatalf("snapshot %v %q after %d chunks, want paused by memory after 2", s.Status, s.PauseReason, s.Counters.Chunks)
	}
	// Still over the limit at the next check: stays paused.
	blockUntil(t, clk, 1)
	clk.Advance(DefaultMemoryCheckInterval)
	blockUntil(t, clk, 1)
	if s := h.Snapshot(); s.Status != StatusPaused {
		t.Fatalf("resumed while still over the limit: %v", s.Status)
	}
	m.v.Store(100)
	clk.Advance(DefaultMemoryCheckInterval)
	s, err := wait(t, h)
	if err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, sink.got(), 1000)
	if s.PeakMemory != 1500 {
		t.Fatalf("peak memory %d, want 1500", s.PeakMemory)
	}
	waitEvent[Intervention](t, obs, func(i Intervention) bool { return i.Action == ActionResume && i.By == "breaker" })
}

// Scenarios P09, B09
func TestMemoryBreakerDegrades(t *testing.T) {
	m := &meter{}
	m.v.Store(900) // 90% of the limit
	reg := NewRegistry(RegistryOptions{Meter: m})
	obs := newEvents()
	src := newFaultSource(1000)
	h := newProdHarness(t, Pipeline[rec]{Source: src, Options: Options{ChunkSize: 100, MemoryLimit: 1000, Registry: reg, Observer: obs}})
	h.demand(25)
	h.take(25)
	w := waitEvent[MemoryWarning](t, obs, nil)
	if w.Level != MemoryDegraded || w.ChunkSize != 25 {
		t.Fatalf("warning %+v, want degraded to 25", w)
	}
	if s := h.e.snapshot(); !s.Degraded || s.ChunkSize != 25 {
		t.Fatalf("snapshot degraded=%v chunk=%d", s.Degraded, s.ChunkSize)
	}
	m.v.Store(500) // pressure drops
	h.demand(100)
	h.take(100)
	h.stop()
	var limits []int
	for _, c := range src.Calls() {
		limits = append(limits, c.Limit)
	}
	if len(limits) != 2 || limits[0] != 25 || limits[1] != 100 {
		t.Fatalf("fetch limits %v, want [25 100]: shrunk at 85%%, restored below", limits)
	}
	waitEvent[Intervention](t, obs, func(i Intervention) bool { return i.Action == ActionRestore })
	if s := h.e.snapshot(); s.Degraded || s.ChunkSize != 100 {
		t.Fatalf("not restored: degraded=%v chunk=%d", s.Degraded, s.ChunkSize)
	}
}

// Scenario B11
func TestSlowSinkBoundsEveryStage(t *testing.T) {
	sink := collector{gate: make(chan struct{})}
	stages := []Stage[rec]{{Name: "s1"}, {Name: "s2"}, {Name: "s3"}}
	for i := range stages {
		stages[i].MaxDemand, stages[i].BufferSize = 50, 100
	}
	h := mustStart(t, Pipeline[rec]{Source: newFaultSource(100_000), Stages: stages, Sink: sink.sink,
		Options: Options{ChunkSize: 40, MaxDemand: 20}})
	waitUntil(t, "every stage is full and the producer idle", func() bool {
		s := h.Snapshot()
		for _, st := range s.Stages {
			if st.Buffered != 100 {
				return false
			}
		}
		return s.Producer.Demand == 0
	})
	s := h.Snapshot()
	for _, st := range s.Stages {
		if st.PeakBuffered > st.BufferSize || st.PeakOutstanding > st.MaxDemand {
			t.Fatalf("stage %s exceeded its bounds: %+v", st.Name, st)
		}
	}
	// 20 at the sink, 3×100 buffered, less than a chunk of surplus.
	if in := s.Counters.RecordsIn; in >= 20+300+40 {
		t.Fatalf("%d records fetched behind a stalled sink", in)
	}
	h.Cancel()
	if s, err := wait(t, h); !errors.Is(err, context.Canceled) || s.Status != StatusCancelled {
		t.Fatalf("cancel: %v %v", s.Status, err)
	}
}

// liveHeap returns the live heap after a full GC, the least of three
// readings so that a concurrent allocation burst does not count.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: liveHeapMetric}}
	best := ^uint64(0)
	for range 3 {
		runtime.GC()
		metrics.Read(sample)
		best = min(best, sample[0].Value.Uint64())
	}
	return best
}

// peakLiveHeap streams n generated records and samples the live heap in
// the sink, where every buffer is as full as it gets, at most 20 times.
// Chunks of 100 let the 1,000-record baseline fill every buffer too, so
// the comparison isolates growth with the number of records.
func peakLiveHeap(t *testing.T, n int64) uint64 {
	src := newFaultSource(n)
	src.NoRecord = true
	var peak uint64
	calls := 0
	_, err := Run(context.Background(), Pipeline[rec]{
		Source: src,
		Stages: []Stage[rec]{{Transform: func(r rec) (rec, bool, error) { r.Total = r.Amount * 2; return r, true, nil }}},
		Sink: func(ctx context.Context, b []rec) error {
			if calls%int(max(1, n/100/20)) == 0 {
				peak = max(peak, liveHeap())
			}
			calls++
			return nil
		},
		Options: Options{ChunkSize: 100, MaxDemand: 100},
	})
	if err != nil {
		t.Fatal(err)
	}
	return peak
}

// Scenario B12
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100,000 records")
	}
	base := peakLiveHeap(t, 1_000)
	peak := peakLiveHeap(t, 100_000)
	t.Logf("live heap: %d bytes streaming 1,000 records, %d streaming 100,000", base, peak)
	if float64(peak) > 1.5*float64(base) {
		t.Fatalf("live heap %d streaming 100,000 records exceeds 1.5 × the 1,000-record baseline %d", peak, base)
	}
}

// Scenario B13
func TestCancelStopsEverything(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src := newFaultSource(1 << 40)
	src.NoRecord = true
	var delivered int
	done := make(chan struct{})
	var snap Snapshot
	var err error
	go func() {
		defer close(done)
		snap, err = Run(ctx, Pipeline[rec]{
			Source: src,
			Stages: []Stage[rec]{{Name: "a"}, {Name: "b"}, {Name: "c"}},
			Sink: func(ctx context.Context, b []rec) error {
				delivered += len(b)
				if delivered >= 5000 {
					cancel()
				}
				return nil
			},
			Options: Options{ChunkSize: 500},
		})
	}()
	<-done
	if !errors.Is(err, context.Canceled) || snap.Status != StatusCancelled || snap.Reason != "cancelled" {
		t.Fatalf("Run = %v, status %v (%q), want cancelled", err, snap.Status, snap.Reason)
	}
	if src.closed.Load() != 1 {
		t.Fatalf("source closed %d times, want 1", src.closed.Load())
	}
	goleak.VerifyNone(t)
}
