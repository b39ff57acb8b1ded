package stream

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// Scenario R01
func TestRegistryLifecycle(t *testing.T) {
	t.Run("transition table", func(t *testing.T) {
		all := []Status{StatusStarting, StatusRunning, StatusPaused, StatusCompleted, StatusFailed, StatusCancelled}
		legal := map[[2]Status]bool{
			{StatusStarting, StatusRunning}: true, {StatusStarting, StatusFailed}: true, {StatusStarting, StatusCancelled}: true,
			{StatusRunning, StatusPaused}: true, {StatusRunning, StatusCompleted}: true, {StatusRunning, StatusFailed}: true,
			{StatusRunning, StatusCancelled}: true, {StatusPaused, StatusRunning}: true, {StatusPaused, StatusCompleted}: true,
			{StatusPaused, StatusFailed}: true, {StatusPaused, StatusCancelled}: true,
		}
		for _, from := range all {
			for _, to := range all {
				if got := canTransition(from, to); got != legal[[2]Status{from, to}] {
					t.Errorf("%v → %v: legal=%v", from, to, got)
				}
			}
		}
		if Status(42).String() != "status(42)" || StatusCancelled.String() != "cancelled" {
			t.Error("status names")
		}
	})
	t.Run("register, look up, list, remove", func(t *testing.T) {
		reg := NewRegistry(RegistryOptions{})
		obs := newEvents()
		sink := collector{gate: make(chan struct{})}
		h := mustStart(t, Pipeline[rec]{Source: newFaultSource(300), Sink: sink.sink,
			Options: Options{Name: "sales", Registry: reg, Observer: obs, ChunkSize: 100}})
		s, ok := reg.Get(h.ID())
		if !ok || s.Name != "sales" || s.Status != StatusRunning || s.ID != h.ID() {
			t.Fatalf("Get = %+v, %v", s, ok)
		}
		if l := reg.List(); len(l) != 1 || l[0].ID != h.ID() {
			t.Fatalf("List = %+v", l)
		}
		if err := reg.Remove(h.ID()); !errors.Is(err, ErrIllegalTransition) {
			t.Fatalf("removing a running pipeline: %v", err)
		}
		// running → paused → running
		if err := reg.Pause(h.ID()); err != nil {
			t.Fatal(err)
		}
		if err := reg.Pause(h.ID()); !errors.Is(err, ErrIllegalTransition) {
			t.Fatalf("pausing twice: %v", err)
		}
		var te *TransitionError
		if err := reg.Resume(h.ID()); err != nil {
			t.Fatal(err)
		}
		if err := h.Resume(); !errors.As(err, &te) || te.From != StatusRunning || te.To != StatusRunning {
			t.Fatalf("resuming a running pipeline: %v", err)
		}
		if err := h.Pause(); err != nil {
			t.Fatal(err)
		}
		if err := h.Resume(); err != nil {
			t.Fatal(err)
		}
		sink.open()
		// → completed
		if s, err := wait(t, h); err != nil || s.Status != StatusCompleted {
			t.Fatalf("%v %v", s.Status, err)
		}
		if err := reg.Pause(h.ID()); !errors.Is(err, ErrIllegalTransition) {
			t.Fatalf("pausing a completed pipeline: %v", err)
		}
		if err := reg.Resume(h.ID()); !errors.Is(err, ErrIllegalTransition) {
			t.Fatalf("resuming a completed pipeline: %v", err)
		}
		if err := reg.Cancel(h.ID()); err != nil {
			t.Fatalf("cancelling a finished pipeline is a no-op: %v", err)
		}
		if err := reg.Remove(h.ID()); err != nil {
			t.Fatal(err)
		}
		if _, ok := reg.Get(h.ID()); ok {
			t.Fatal("still listed after Remove")
		}
		for _, err := range []error{reg.Pause(h.ID()), reg.Resume(h.ID()), reg.Cancel(h.ID()), reg.Remove(h.ID())} {
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown ID: %v", err)
			}
		}
		var statuses []Status
		for _, iv := range eventsOf[Intervention](obs) {
			statuses = append(statuses, map[Action]Status{ActionPause: StatusPaused, ActionResume: StatusRunning}[iv.Action])
		}
		if fmt.Sprint(statuses) != "[paused running paused running]" {
			t.Fatalf("interventions %v", statuses)
		}
	})
	t.Run("failed and cancelled", func(t *testing.T) {
		reg := NewRegistry(RegistryOptions{})
		src := newFaultSource(10)
		src.FailErr, src.FailFirst = Permanent(errors.New("no such table")), 1
		hf := mustStart(t, Pipeline[rec]{Source: src, Sink: (&collector{}).sink, Options: Options{Registry: reg}})
		sink := collector{gate: make(chan struct{})}
		hc := mustStart(t, Pipeline[rec]{Source: newFaultSource(10), Sink: sink.sink, Options: Options{Registry: reg}})
		if err := hc.Pause(); err != nil {
			t.Fatal(err)
		}
		if err := reg.Cancel(hc.ID()); err != nil {
			t.Fatal(err)
		}
		if s, _ := wait(t, hf); s.Status != StatusFailed {
			t.Fatalf("failing pipeline: %v", s.Status)
		}
		if s, err := wait(t, hc); s.Status != StatusCancelled || !errors.Is(err, context.Canceled) || s.FinishedAt.IsZero() {
			t.Fatalf("cancelled pipeline: %v %v", s.Status, err)
		}
	})
}

// Scenario R02
func TestRegistryCountersWhileRunning(t *testing.T) {
	clk := NewManualClock(t0)
	reg := NewRegistry(RegistryOptions{Clock: clk})
	agg := &aggState{groups: map[int64]bool{}, limit: 5}
	sink := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{
		Source:  newFaultSource(10_000),
		Stages:  []Stage[rec]{{Transform: failEvery10th, SkipErrors: true, Aggregate: agg.add, AggregateStatus: agg.status}},
		Sink:    sink.sink,
		Options: Options{ChunkSize: 100, MaxDemand: 100, Registry: reg, Clock: clk},
	})
	clk.Advance(time.Second)
	sink.gate <- struct{}{}
	sink.gate <- struct{}{}
	waitUntil(t, "two batches reach the sink", func() bool { return h.Snapshot().Counters.RecordsOut > 0 && sink.len() >= 2 })
	s, _ := reg.Get(h.ID())
	c := s.Counters
	if c.RecordsIn < 200 || c.RecordsOut == 0 || c.Failed == 0 || c.Rejected == 0 || c.Chunks < 2 || c.Bytes != 64*c.RecordsIn {
		t.Fatalf("counters while running: %+v", c)
	}
	if !s.LastProgress.After(s.StartedAt) || s.Status != StatusRunning || !s.FinishedAt.IsZero() || s.Duration() != time.Second {
		t.Fatalf("times while running: started %v, progress %v, finished %v", s.StartedAt, s.LastProgress, s.FinishedAt)
	}
	h.Cancel()
	wait(t, h)
}

// Scenario R03
func TestRegistryConcurrent(t *testing.T) {
	reg := NewRegistry(RegistryOptions{})
	const n = 12
	handles := make([]*Handle, n)
	sinks := make([]*collector, n)
	for i := range handles {
		sinks[i] = &collector{}
		handles[i] = mustStart(t, Pipeline[rec]{
			Source:  newFaultSource(int64(2000 + 100*i)),
			Stages:  []Stage[rec]{{Transform: func(r rec) (rec, bool, error) { return r, true, nil }}},
			Sink:    sinks[i].sink,
			Options: Options{ChunkSize: 50 + i, Registry: reg, Name: fmt.Sprint("p", i)},
		})
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				h := handles[rnd.IntN(n)]
				switch rnd.IntN(4) {
				case 0:
					_ = reg.Pause(h.ID())
				case 1:
					_ = reg.Resume(h.ID())
				case 2:
					reg.List(StatusRunning, StatusPaused)
				default:
					reg.Get(h.ID())
				}
			}
		}()
	}
	for i, h := range handles {
		for h.Snapshot().Status.Active() {
			_ = reg.Resume(h.ID()) // a worker may have paused it last
			select {
			case <-h.Done():
			case <-time.After(time.Millisecond):
			}
		}
		if _, err := h.Wait(); err != nil {
			t.Fatalf("pipeline %d: %v", i, err)
		}
		checkExactlyOnce(t, sinks[i].got(), 2000+100*i)
	}
	close(stop)
	wg.Wait()
	if l := reg.List(StatusCompleted); len(l) != n {
		t.Fatalf("%d completed, want %d", len(l), n)
	}
}

// Scenarios R04, R05
func TestMonitorOnInjectedClock(t *testing.T) {
	clk := NewManualClock(t0)
	reg := NewRegistry(RegistryOptions{Clock: clk})
	obs := newEvents()
	var handles []*Handle
	var sinks []*collector
	for range 2 {
		s := &collector{gate: make(chan struct{})}
		sinks = append(sinks, s)
		handles = append(handles, mustStart(t, Pipeline[rec]{Source: newFaultSource(100), Sink: s.sink,
			Options: Options{Registry: reg, Observer: obs}}))
	}
	mon := NewMonitor(reg, MonitorOptions{Interval: 5 * time.Second})
	mon.Start()
	mon.Start() // idempotent
	blockUntil(t, clk, 1)
	if n := len(eventsOf[HealthCheck](obs)); n != 0 {
		t.Fatalf("%d checks before the clock moved", n)
	}
	clk.Advance(5 * time.Second)
	for _, h := range handles {
		// R05: every event carries its pipeline's ID.
		hc := waitEvent[HealthCheck](t, obs, func(c HealthCheck) bool { return c.Pipeline == h.ID() })
		if !hc.Healthy || hc.Status != StatusRunning || hc.Time != t0.Add(5*time.Second) {
			t.Fatalf("health check %+v", hc)
		}
		waitEvent[Throughput](t, obs, func(tp Throughput) bool { return tp.Pipeline == h.ID() && tp.Interval == 5*time.Second })
	}
	mon.Stop()
	mon.Stop()
	for i, h := range handles {
		sinks[i].open()
		wait(t, h)
	}
	ids := map[ID]bool{handles[0].ID(): true, handles[1].ID(): true}
	for _, e := range obs.all() {
		if !ids[e.Info().Pipeline] {
			t.Fatalf("%s event carries pipeline %v", e.Kind(), e.Info().Pipeline)
		}
	}
}

// Scenarios R06, R07
func TestRegistryPruneAndQuery(t *testing.T) {
	clk := NewManualClock(t0)
	reg := NewRegistry(RegistryOptions{Clock: clk, Retention: time.Minute})
	done := mustStart(t, Pipeline[rec]{Source: newFaultSource(10), Sink: (&collector{}).sink, Options: Options{Registry: reg}})
	wait(t, done)
	sink := collector{gate: make(chan struct{})}
	running := mustStart(t, Pipeline[rec]{Source: newFaultSource(10), Sink: sink.sink, Options: Options{Registry: reg}})
	paused := mustStart(t, Pipeline[rec]{Source: newFaultSource(10), Sink: sink.sink, Options: Options{Registry: reg}})
	if err := paused.Pause(); err != nil {
		t.Fatal(err)
	}
	// R07: by status.
	ids := func(l []Snapshot) (out []ID) {
		for _, s := range l {
			out = append(out, s.ID)
		}
		return out
	}
	if got := ids(reg.List(StatusCompleted)); len(got) != 1 || got[0] != done.ID() {
		t.Fatalf("completed: %v", got)
	}
	if got := ids(reg.List(StatusRunning)); len(got) != 1 || got[0] != running.ID() {
		t.Fatalf("running: %v", got)
	}
	if got := ids(reg.List(StatusRunning, StatusPaused)); len(got) != 2 {
		t.Fatalf("running or paused: %v", got)
	}
	// R06: pruned after the retention period, active ones never.
	clk.Advance(59 * time.Second)
	if n := reg.Prune(); n != 0 {
		t.Fatalf("pruned %d before the retention period", n)
	}
	clk.Advance(2 * time.Second)
	if n := reg.Prune(); n != 1 {
		t.Fatalf("pruned %d, want 1", n)
	}
	if _, ok := reg.Get(done.ID()); ok {
		t.Fatal("completed pipeline still listed")
	}
	if len(reg.List()) != 2 {
		t.Fatal("an active pipeline was pruned")
	}
	// The handle outlives the registry entry.
	if s, err := done.Wait(); err != nil || s.Status != StatusCompleted {
		t.Fatalf("handle after prune: %v %v", s.Status, err)
	}
	running.Cancel()
	paused.Cancel()
	wait(t, running)
	wait(t, paused)
}

// Scenario R08
func TestPauseIsolation(t *testing.T) {
	reg := NewRegistry(RegistryOptions{})
	obs := newEvents()
	gated := collector{gate: make(chan struct{})}
	a := mustStart(t, Pipeline[rec]{Source: newFaultSource(5000), Sink: gated.sink,
		Options: Options{Registry: reg, ChunkSize: 100, MaxDemand: 100, Observer: obs}})
	if err := reg.Pause(a.ID()); err != nil {
		t.Fatal(err)
	}
	var free collector
	b := mustStart(t, Pipeline[rec]{Source: newFaultSource(5000), Sink: free.sink, Options: Options{Registry: reg, ChunkSize: 100}})
	if s, err := wait(t, b); err != nil || s.Status != StatusCompleted {
		t.Fatalf("B while A paused: %v %v", s.Status, err)
	}
	checkExactlyOnce(t, free.got(), 5000)
	if s := a.Snapshot(); s.Status != StatusPaused {
		t.Fatalf("A is %v after B finished", s.Status)
	}
	gated.open()
	p := waitEvent[Paused](t, obs, nil)
	waitUntil(t, "A drains", func() bool { return int64(gated.len()) == p.Offset })
	if err := a.Resume(); err != nil {
		t.Fatal(err)
	}
	wait(t, a)
	checkExactlyOnce(t, gated.got(), 5000)
}

// Scenario R09
func TestRegistryShutdown(t *testing.T) {
	reg := NewRegistry(RegistryOptions{})
	var handles []*Handle
	for i := range 5 {
		sink := &collector{gate: make(chan struct{})}
		h := mustStart(t, Pipeline[rec]{Source: newFaultSource(1000), Sink: sink.sink, Stages: []Stage[rec]{{}},
			Options: Options{Registry: reg}})
		if i%2 == 0 {
			_ = h.Pause()
		}
		handles = append(handles, h)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := reg.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, h := range handles {
		select {
		case <-h.Done():
		default:
			t.Fatal("Shutdown returned before a pipeline finished")
		}
		if s := h.Snapshot(); s.Status != StatusCancelled {
			t.Fatalf("pipeline %v is %v", h.ID(), s.Status)
		}
	}
	if l := reg.List(StatusCancelled); len(l) != 5 {
		t.Fatalf("%d cancelled", len(l))
	}
	expired, stop := context.WithCancel(context.Background())
	stop()
	sink := &collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{Source: newFaultSource(1000), Sink: sink.sink, Options: Options{Registry: reg}})
	if err := reg.Shutdown(expired); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	wait(t, h)
}

// Scenario R10
func TestSnapshotIsReadOnly(t *testing.T) {
	reg := NewRegistry(RegistryOptions{})
	sink := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{Source: newFaultSource(100), Stages: []Stage[rec]{{Name: "only"}}, Sink: sink.sink,
		Options: Options{Registry: reg}})
	s1, _ := reg.Get(h.ID())
	s1.Stages[0].Name = "changed"
	s1.Status = StatusFailed
	s1.Counters.RecordsIn = -1
	if s2, _ := reg.Get(h.ID()); s2.Stages[0].Name != "only" || s2.Status != StatusRunning || s2.Counters.RecordsIn < 0 {
		t.Fatalf("a snapshot edit leaked into the registry: %+v", s2)
	}
	sink.open()
	final, _ := wait(t, h)
	final.Stages[0].Name = "changed"
	if s3, _ := reg.Get(h.ID()); s3.Stages[0].Name != "only" || s3.Counters.RecordsOut != 100 || s3.Status != StatusCompleted {
		t.Fatalf("final snapshot not stable: %+v", s3)
	}
}
