package stream

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Scenario E01
func TestRetryBackoffWithJitter(t *testing.T) {
	t.Run("delays", func(t *testing.T) {
		b := Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Jitter: -1}
		want := []time.Duration{100, 200, 400, 800, 1000, 1000}
		for i, w := range want {
			if got := b.Delay(i + 1); got != w*time.Millisecond {
				t.Errorf("retry %d: %v, want %v", i+1, got, w*time.Millisecond)
			}
		}
		j := Backoff{Base: 100 * time.Millisecond, Cap: time.Second}
		distinct := map[time.Duration]bool{}
		for range 100 {
			d := j.Delay(2)
			if d <= 100*time.Millisecond || d > 200*time.Millisecond {
				t.Fatalf("jittered retry 2: %v, want in (100ms, 200ms]", d)
			}
			distinct[d] = true
		}
		if len(distinct) < 10 {
			t.Fatalf("only %d distinct delays: no jitter", len(distinct))
		}
		if d := (Backoff{}).Delay(1); d > DefaultBackoffBase || d < DefaultBackoffBase/2 {
			t.Fatalf("default first delay %v", d)
		}
		if d := (Backoff{Base: time.Second, Cap: time.Millisecond, Jitter: 7}).Delay(3); d < 0 || d > time.Second {
			t.Fatalf("cap below base: %v", d)
		}
	})
	t.Run("pipeline", func(t *testing.T) {
		clk := NewManualClock(t0)
		obs := newEvents()
		obs.also = autoAdvance(clk)
		src := newFaultSource(500)
		src.FailFirst = 3
		var sink collector
		s, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: sink.sink,
			Options: Options{ChunkSize: 100, Clock: clk, Observer: obs, Backoff: Backoff{Base: 100 * time.Millisecond}}})
		if err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sink.got(), 500)
		fails := eventsOf[FetchFailed](obs)
		if len(fails) != 3 || s.Counters.Retries != 3 {
			t.Fatalf("%d failures, %d retries; want 3", len(fails), s.Counters.Retries)
		}
		for i, f := range fails {
			full := 100 * time.Millisecond << i
			if f.Delay > full || f.Delay < full/2 || !errors.Is(f.Err, errTransient) || f.MaxRetries != 3 {
				t.Errorf("retry %d waited %v, want within [%v, %v] (exponential with jitter)", i+1, f.Delay, full/2, full)
			}
		}
		if got := clk.Now().Sub(t0); got != fails[0].Delay+fails[1].Delay+fails[2].Delay {
			t.Fatalf("clock advanced %v; the waits went through the clock", got)
		}
	})
}

// A pipeline waiting out a backoff holds up no other pipeline: the wait is
// on its own timer.
func TestRetryDoesNotBlockOthers(t *testing.T) {
	clk := NewManualClock(t0)
	reg := NewRegistry(RegistryOptions{Clock: clk})
	obs := newEvents()
	failing := newFaultSource(100)
	failing.FailFirst = 1
	h := mustStart(t, Pipeline[rec]{Source: failing, Sink: (&collector{}).sink,
		Options: Options{Registry: reg, Observer: obs, Backoff: Backoff{Base: time.Hour}}})
	f := waitEvent[FetchFailed](t, obs, nil)
	var sink collector
	if _, err := Run(context.Background(), Pipeline[rec]{Source: newFaultSource(5000), Sink: sink.sink,
		Options: Options{Registry: reg, ChunkSize: 100}}); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, sink.got(), 5000)
	if s := h.Snapshot(); s.Status != StatusRunning || s.Counters.RecordsOut != 0 {
		t.Fatalf("the retrying pipeline moved on its own: %+v", s)
	}
	clk.Advance(f.Delay)
	if _, err := wait(t, h); err != nil {
		t.Fatal(err)
	}
}

// Scenario E04
func TestFailureReleasesEverything(t *testing.T) {
	cache := NewCache(CacheOptions{})
	src := newFaultSource(1000)
	src.ID = "orders"
	src.FailFirst = 0
	failing := &failAfter{faultSource: src, after: 3, err: Permanent(errors.New("table dropped"))}
	other := newFaultSource(100)
	other.ID = "other"
	if _, err := Run(context.Background(), Pipeline[rec]{Source: other, Sink: (&collector{}).sink, Options: Options{Cache: cache}}); err != nil {
		t.Fatal(err)
	}
	s, err := Run(context.Background(), Pipeline[rec]{
		Source: failing, Stages: []Stage[rec]{{}, {}}, Sink: (&collector{}).sink,
		Options: Options{ChunkSize: 100, Cache: cache},
	})
	if err == nil || s.Status != StatusFailed || !IsPermanent(err) {
		t.Fatalf("run = %v (%v), want a permanent failure", err, s.Status)
	}
	if n := src.closed.Load(); n != 1 {
		t.Fatalf("source closed %d times, want 1", n)
	}
	if st := cache.Stats(); st.Entries != 1 {
		t.Fatalf("cache holds %d entries, want only the other source's 1: the failed source's chunks are released", st.Entries)
	}
	goleak.VerifyNone(t)
}

// failAfter fails permanently from call number after on.
type failAfter struct {
	*faultSource
	after int
	err   error
	n     atomic.Int32
}

func (f *failAfter) Fetch(ctx context.Context, p Position, limit int) (Chunk[rec], error) {
	if int(f.n.Add(1)) >= f.after {
		return Chunk[rec]{}, f.err
	}
	return f.faultSource.Fetch(ctx, p, limit)
}

// Scenario E09
func TestProducerPanicDetected(t *testing.T) {
	t.Run("restarts disabled", func(t *testing.T) {
		src := newFaultSource(500)
		src.PanicAt = 250
		obs := newEvents()
		reg := NewRegistry(RegistryOptions{})
		h := mustStart(t, Pipeline[rec]{Source: src, Sink: (&collector{}).sink,
			Options: Options{ChunkSize: 100, MaxRestarts: -1, Registry: reg, Observer: obs}})
		_, err := wait(t, h)
		var pe *PanicError
		if !errors.As(err, &pe) || pe.Component != "producer" || len(pe.Stack) == 0 {
			t.Fatalf("err = %v, want a PanicError from the producer", err)
		}
		if s, _ := reg.Get(h.ID()); s.Status != StatusFailed || s.Reason != "panic" {
			t.Fatalf("registry shows %v (%q), want failed (panic)", s.Status, s.Reason)
		}
		ex := waitEvent[PipelineException](t, obs, func(e PipelineException) bool { return e.Component == "producer" })
		if ex.Restarting {
			t.Fatal("exception says restarting with restarts disabled")
		}
	})
}

// Scenario E10
func TestStagePanicRestarted(t *testing.T) {
	var panicked atomic.Bool
	var calls atomic.Int64
	obs := newEvents()
	var sink collector
	s, err := Run(context.Background(), Pipeline[rec]{
		Source: newFaultSource(1000),
		Stages: []Stage[rec]{{Name: "fragile", Transform: func(r rec) (rec, bool, error) {
			calls.Add(1)
			if r.ID == 421 && !panicked.Swap(true) {
				panic("nil map in transform")
			}
			r.Total = r.ID + 1
			return r, r.ID%2 == 1, nil
		}}, {Name: "after"}},
		Sink:    sink.sink,
		Options: Options{ChunkSize: 100, Observer: obs},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := sink.got()
	if len(got) != 500 {
		t.Fatalf("%d records, want 500", len(got))
	}
	for i, r := range got {
		if r.ID != int64(2*i+1) || r.Total != r.ID+1 {
			t.Fatalf("record %d = %+v: lost, repeated or transformed twice", i, r)
		}
	}
	if calls.Load() != 1001 || s.Counters.Restarts != 1 {
		t.Fatalf("%d transform calls and %d restarts, want 1001 (one retried record) and 1", calls.Load(), s.Counters.Restarts)
	}
	ex := waitEvent[PipelineException](t, obs, nil)
	if ex.Component != "stage fragile" || !ex.Restarting {
		t.Fatalf("exception %+v", ex)
	}
	waitEvent[Intervention](t, obs, func(i Intervention) bool { return i.Action == ActionRestart && i.By == "supervisor" })
}

// Scenario E11
func TestProducerPanicResumesFromCommittedPosition(t *testing.T) {
	for _, chunk := range []int{1, 7, 100} {
		src := newFaultSource(500)
		src.PanicAt, src.PanicTimes = 333, 2
		src.Keyset = true
		lookups := 0
		var sink collector
		s, err := Run(context.Background(), Pipeline[rec]{
			Source:  src,
			Lookups: []Lookup[rec]{LookupFunc[rec](func(ctx context.Context, c []rec) error { lookups++; return nil })},
			Stages:  []Stage[rec]{{}},
			Sink:    sink.sink,
			Options: Options{ChunkSize: chunk},
		})
		if err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		checkExactlyOnce(t, sink.got(), 500)
		if s.Counters.Restarts != 2 || s.Counters.RecordsIn != 500 {
			t.Fatalf("chunk %d: %+v, want 2 restarts and each record fetched once", chunk, s.Counters)
		}
		calls := src.Calls()
		var retried []fetchCall
		for i := 1; i < len(calls); i++ {
			if calls[i].After.String() == calls[i-1].After.String() {
				retried = append(retried, calls[i])
			}
		}
		if len(retried) != 2 || retried[0].After.Offset > 333 || retried[0].After.Offset+int64(chunk) <= 333 {
			t.Fatalf("chunk %d: refetched %+v, want the panicking chunk (covering 333) twice", chunk, retried)
		}
	}
}

// Scenario E12
func TestSupervisorGivesUp(t *testing.T) {
	t.Run("too many within the window", func(t *testing.T) {
		clk := NewManualClock(t0)
		src := newFaultSource(100)
		src.PanicAt = 0
		obs := newEvents()
		_, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: (&collector{}).sink,
			Options: Options{MaxRestarts: 3, Clock: clk, Observer: obs}})
		var pe *PanicError
		if !errors.Is(err, ErrTooManyRestarts) || !errors.As(err, &pe) {
			t.Fatalf("err = %v, want too many restarts with the panic as cause", err)
		}
		if n := src.NCalls(); n != 4 {
			t.Fatalf("%d calls, want 4 (1 + 3 restarts)", n)
		}
		ex := eventsOf[PipelineException](obs)
		if len(ex) != 5 || !ex[2].Restarting || ex[3].Restarting || !ex[4].Fatal || ex[4].Reason != "too many restarts" {
			t.Fatalf("exception events %+v", ex)
		}
	})
	t.Run("restarts spread beyond the window", func(t *testing.T) {
		clk := NewManualClock(t0)
		src := newFaultSource(100)
		src.PanicAt, src.PanicTimes = 0, 6
		src.OnFetch = func(int) { clk.Advance(31 * time.Second) }
		var sink collector
		s, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: sink.sink,
			Options: Options{MaxRestarts: 2, RestartWindow: 60 * time.Second, Clock: clk}})
		if err != nil {
			t.Fatalf("run failed: %v", err)
		}
		checkExactlyOnce(t, sink.got(), 100)
		if s.Counters.Restarts != 6 {
			t.Fatalf("%d restarts, want 6", s.Counters.Restarts)
		}
	})
	t.Run("sink and aggregate panics are fatal", func(t *testing.T) {
		_, err := Run(context.Background(), Pipeline[rec]{Source: newFaultSource(10),
			Sink: func(context.Context, []rec) error { panic("writer gone") }})
		var pe *PanicError
		if !errors.As(err, &pe) || pe.Component != "sink" {
			t.Fatalf("sink panic: %v", err)
		}
		_, err = Run(context.Background(), Pipeline[rec]{Source: newFaultSource(10), Sink: (&collector{}).sink,
			Stages: []Stage[rec]{{Name: "agg", Aggregate: func([]rec) error { panic("half-applied") }}}})
		if !errors.As(err, &pe) || pe.Component != "stage agg aggregate" {
			t.Fatalf("aggregate panic: %v", err)
		}
	})
}

// Scenario E13
func TestMonitorStopsCriticalMemory(t *testing.T) {
	clk := NewManualClock(t0)
	m := &meter{}
	m.v.Store(100)
	reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
	obs := newEvents()
	sink := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{Source: newFaultSource(1000), Sink: sink.sink,
		Options: Options{MemoryLimit: 1000, Registry: reg, Observer: obs}})
	waitUntil(t, "the only chunk is fetched", func() bool { return h.Snapshot().Counters.Chunks == 1 })
	mon := NewMonitor(reg, MonitorOptions{})
	m.v.Store(960)
	mon.Check()
	s, err := wait(t, h)
	if !errors.Is(err, ErrMemoryCritical) || s.Status != StatusFailed || s.Reason != "memory critical" {
		t.Fatalf("err = %v, status %v (%q), want failed with memory critical", err, s.Status, s.Reason)
	}
	w := waitEvent[MemoryWarning](t, obs, nil)
	if w.Level != MemoryCritical || w.Usage != 960 || len(eventsOf[MemoryWarning](obs)) != 1 {
		t.Fatalf("warning %+v", w)
	}
	// E15: the intervention emits an event.
	iv := waitEvent[Intervention](t, obs, func(i Intervention) bool { return i.Action == ActionStop })
	if iv.By != "monitor" || iv.Reason != "memory critical" || iv.Pipeline != h.ID() {
		t.Fatalf("intervention %+v", iv)
	}
}

// Scenarios E14, E15
func TestMonitorFailsStalled(t *testing.T) {
	clk := NewManualClock(t0)
	reg := NewRegistry(RegistryOptions{Clock: clk})
	obs := newEvents()
	stuck := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{Source: newFaultSource(1000), Sink: stuck.sink,
		Options: Options{Registry: reg, Observer: obs, Name: "stuck"}})
	paused := collector{gate: make(chan struct{})}
	hp := mustStart(t, Pipeline[rec]{Source: newFaultSource(1000), Sink: paused.sink,
		Options: Options{Registry: reg, Observer: obs, Name: "paused"}})
	if err := hp.Pause(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the stuck pipeline's records are at its sink", func() bool { return h.Snapshot().Producer.Offset == 1000 })
	mon := NewMonitor(reg, MonitorOptions{StallTimeout: 30 * time.Second})
	clk.Advance(29 * time.Second)
	mon.Check()
	if s := h.Snapshot(); s.Status != StatusRunning {
		t.Fatalf("failed before the stall timeout: %v", s.Status)
	}
	clk.Advance(2 * time.Second)
	mon.Check()
	s, err := wait(t, h)
	if !errors.Is(err, ErrStalled) || s.Status != StatusFailed || s.Reason != "stalled" {
		t.Fatalf("err = %v, %v (%q), want failed: stalled", err, s.Status, s.Reason)
	}
	hc := waitEvent[HealthCheck](t, obs, func(c HealthCheck) bool { return c.Pipeline == h.ID() && !c.Healthy })
	if hc.Problem != "stalled" || hc.SinceProgress != 31*time.Second {
		t.Fatalf("health check %+v", hc)
	}
	waitEvent[Intervention](t, obs, func(i Intervention) bool {
		return i.Action == ActionStop && i.Reason == "stalled" && i.Pipeline == h.ID()
	})
	// A pipeline paused on request is not stalled, and resumes fine.
	if s := hp.Snapshot(); s.Status != StatusPaused {
		t.Fatalf("paused pipeline is %v", s.Status)
	}
	if err := hp.Resume(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(10 * time.Second)
	mon.Check()
	paused.open()
	if _, err := wait(t, hp); err != nil {
		t.Fatalf("paused pipeline: %v", err)
	}
}

// Scenario E16
func TestSourceFailsOnceThenRecovers(t *testing.T) {
	clk := NewManualClock(t0)
	obs := newEvents()
	obs.also = autoAdvance(clk)
	src := newFaultSource(250)
	src.FailFirst = 1
	var sink collector
	s, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: sink.sink,
		Stages: []Stage[rec]{{}}, Options: Options{ChunkSize: 100, Clock: clk, Observer: obs}})
	if err != nil || s.Status != StatusCompleted {
		t.Fatalf("report failed: %v (%v)", err, s.Status)
	}
	checkExactlyOnce(t, sink.got(), 250)
}

// Scenario E17
func TestFetchTimeoutRetried(t *testing.T) {
	clk := NewManualClock(t0)
	obs := newEvents()
	obs.also = autoAdvance(clk)
	src := newFaultSource(300)
	src.Hang = map[int]bool{2: true}
	entered := make(chan int, 10)
	src.OnFetch = func(call int) { entered <- call }
	var sink collector
	h := mustStart(t, Pipeline[rec]{Source: src, Sink: sink.sink,
		Options: Options{ChunkSize: 100, FetchTimeout: 5 * time.Second, Clock: clk, Observer: obs}})
	for call := range entered {
		if call == 2 {
			break
		}
	}
	blockUntil(t, clk, 1) // the timeout is armed
	clk.Advance(5 * time.Second)
	if _, err := wait(t, h); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, sink.got(), 300)
	f := waitEvent[FetchFailed](t, obs, nil)
	if !errors.Is(f.Err, ErrFetchTimeout) || f.After.Offset != 100 || f.Final {
		t.Fatalf("fetch-failed event %+v, want a retried timeout after offset 100", f)
	}
	if n := src.NCalls(); n != 4 {
		t.Fatalf("%d calls, want 4 (one timed out and retried)", n)
	}
}

// Scenario E18
func TestCannotStartFailsFast(t *testing.T) {
	t.Run("registry full", func(t *testing.T) {
		reg := NewRegistry(RegistryOptions{MaxPipelines: 1})
		sink := collector{gate: make(chan struct{})}
		h := mustStart(t, Pipeline[rec]{Source: newFaultSource(100), Sink: sink.sink, Options: Options{Registry: reg}})
		src := newFaultSource(100)
		_, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: sink.sink, Options: Options{Registry: reg}})
		if !errors.Is(err, ErrNoCapacity) || src.closed.Load() != 1 {
			t.Fatalf("err = %v (source closed %d), want ErrNoCapacity and the source closed", err, src.closed.Load())
		}
		sink.open()
		if _, err := wait(t, h); err != nil {
			t.Fatal(err)
		}
		if _, err := Run(context.Background(), Pipeline[rec]{Source: newFaultSource(10), Sink: sink.sink, Options: Options{Registry: reg}}); err != nil {
			t.Fatalf("capacity not released: %v", err)
		}
	})
	t.Run("memory already exhausted", func(t *testing.T) {
		m := &meter{}
		m.v.Store(5000)
		reg := NewRegistry(RegistryOptions{Meter: m})
		src := newFaultSource(100)
		_, err := Run(context.Background(), Pipeline[rec]{Source: src, Sink: (&collector{}).sink,
			Options: Options{Registry: reg, MemoryLimit: 1000}})
		if !errors.Is(err, ErrInsufficientMemory) || src.closed.Load() != 1 {
			t.Fatalf("err = %v, want ErrInsufficientMemory", err)
		}
		if l := reg.List(StatusFailed); len(l) != 1 || !errors.Is(l[0].Err, ErrInsufficientMemory) {
			t.Fatalf("registry lists %+v", l)
		}
	})
	t.Run("invalid pipeline", func(t *testing.T) {
		src := newFaultSource(1)
		if _, err := Run(context.Background(), Pipeline[rec]{Source: src}); !errors.Is(err, ErrInvalidPipeline) || src.closed.Load() != 1 {
			t.Fatalf("err = %v", err)
		}
	})
}

// Errors that are not the source's: sink errors, aggregate errors,
// malformed chunks, lookups that fail and are retried.
func TestOtherFailures(t *testing.T) {
	sinkErr := errors.New("disk full")
	_, err := Run(context.Background(), Pipeline[rec]{Source: newFaultSource(10),
		Sink: func(context.Context, []rec) error { return sinkErr }})
	var se *SinkError
	if !errors.As(err, &se) || !errors.Is(err, sinkErr) || reasonOf(err) != "sink failed" {
		t.Fatalf("sink error: %v", err)
	}

	aggErr := errors.New("overflow")
	_, err = Run(context.Background(), Pipeline[rec]{Source: newFaultSource(10), Sink: (&collector{}).sink,
		Stages: []Stage[rec]{{Name: "sum", Aggregate: func([]rec) error { return aggErr }}}})
	if !errors.Is(err, aggErr) {
		t.Fatalf("aggregate error: %v", err)
	}

	mal := newFaultSource(100)
	mal.Malformed = true
	_, err = Run(context.Background(), Pipeline[rec]{Source: mal, Sink: (&collector{}).sink, Options: Options{ChunkSize: 10}})
	if !IsPermanent(err) || mal.NCalls() != 1 {
		t.Fatalf("malformed chunk: %v after %d calls, want a permanent error at once", err, mal.NCalls())
	}

	_, err = Run(context.Background(), Pipeline[rec]{Source: stuckSource{}, Sink: (&collector{}).sink})
	if !errors.Is(err, errNoProgress) {
		t.Fatalf("no-progress source: %v", err)
	}

	clk := NewManualClock(t0)
	obs := newEvents()
	obs.also = autoAdvance(clk)
	fails := 1
	var sink collector
	_, err = Run(context.Background(), Pipeline[rec]{Source: newFaultSource(100), Sink: sink.sink,
		Lookups: []Lookup[rec]{LookupFunc[rec](func(ctx context.Context, c []rec) error {
			if fails > 0 {
				fails--
				return fmt.Errorf("customers table locked")
			}
			for i := range c {
				c[i].CustName = "x"
			}
			return nil
		})},
		Options: Options{Clock: clk, Observer: obs}})
	if err != nil || sink.len() != 100 || sink.got()[0].CustName != "x" {
		t.Fatalf("lookup retry: %v", err)
	}
}

// stuckSource returns empty chunks that never advance.
type stuckSource struct{}

func (stuckSource) Fetch(context.Context, Position, int) (Chunk[rec], error) {
	return Chunk[rec]{}, nil
}
