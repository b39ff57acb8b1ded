package stream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// groupStatus is the SinkStatus of a sink that keeps a group per record it
// received, a hundred bytes each.
func groupStatus(c *collector) func() AggregateStatus {
	return func() AggregateStatus {
		n := c.len()
		return AggregateStatus{Held: Held{Bytes: int64(n) * 100, What: fmt.Sprintf("aggregation state: %d groups", n)}}
	}
}

// heldFailure checks that a pipeline failed with the breaker's error,
// naming what component holds memory.
func heldFailure(t *testing.T, h *Handle, component, what string) *MemoryError {
	t.Helper()
	s, err := wait(t, h)
	var me *MemoryError
	if !errors.As(err, &me) || !errors.Is(err, ErrMemoryHeld) || errors.Is(err, ErrMemoryCritical) {
		t.Fatalf("err = %v, want a *MemoryError matching ErrMemoryHeld", err)
	}
	if s.Status != StatusFailed || s.Reason != "memory held" {
		t.Fatalf("status %v (%q), want failed: memory held", s.Status, s.Reason)
	}
	if len(me.Held) != 1 || me.Held[0].Component != component || me.Held[0].What != what ||
		!strings.Contains(err.Error(), component+" ("+what+")") {
		t.Fatalf("held %+v (%v), want %s holding %q", me.Held, err, component, what)
	}
	return me
}

// The breaker pauses at the limit; while records are in flight the pause
// may still help, so it waits; once they are through the sink and the
// sink's groups still hold the memory, the next check fails the pipeline.
func TestMemoryBreakerFailsWhenHeld(t *testing.T) {
	clk := NewManualClock(t0)
	m := &meter{}
	m.v.Store(100)
	reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
	obs := newEvents()
	src := newFaultSource(10_000)
	src.OnFetch = func(call int) {
		if call == 2 {
			m.v.Store(1500) // the groups of the first chunks pass the limit
		}
	}
	sink := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{Source: src, Stages: []Stage[rec]{{Name: "s"}}, Sink: sink.sink, SinkStatus: groupStatus(&sink),
		Options: Options{ChunkSize: 100, MaxDemand: 300, MemoryLimit: 1000, Registry: reg, Observer: obs}})
	waitEvent[Paused](t, obs, func(p Paused) bool { return p.Reason == PauseMemory })
	if n := h.e.inflight.Load(); n != 200 {
		t.Fatalf("%d records in flight at the pause, want 200", n)
	}
	// Over the limit with records in flight: pausing may still help.
	blockUntil(t, clk, 1)
	clk.Advance(DefaultMemoryCheckInterval)
	blockUntil(t, clk, 1)
	if s := h.Snapshot(); s.Status != StatusPaused {
		t.Fatalf("%v with records in flight, want paused", s.Status)
	}
	sink.open()
	waitUntil(t, "the records in flight are through the sink", func() bool { return h.e.inflight.Load() == 0 })
	clk.Advance(DefaultMemoryCheckInterval)
	me := heldFailure(t, h, "sink", "aggregation state: 200 groups")
	if me.Usage != 1500 || me.Limit != 1000 || me.Held[0].Bytes != 20_000 {
		t.Fatalf("error %+v", me)
	}
	if n := sink.len(); n != 200 {
		t.Fatalf("%d records reached the sink, want the 200 fetched before the pause", n)
	}
	waitEvent[Intervention](t, obs, func(i Intervention) bool {
		return i.Action == ActionStop && i.By == "breaker" && i.Reason == "memory held"
	})
}

// aggSource aggregates as it reads, as a CSV scanner does: its fetches
// return no record, and its groups are memory of its own.
type aggSource struct {
	n, groups atomic.Int64
	onFetch   func(call int64)
}

func (s *aggSource) Fetch(_ context.Context, after Position, limit int) (Chunk[rec], error) {
	call := s.n.Add(1)
	s.onFetch(call)
	s.groups.Add(int64(limit))
	next := after.Offset + int64(limit)
	return Chunk[rec]{Next: Position{Offset: next}, Read: int64(limit), Done: next >= 100_000}, nil
}

func (s *aggSource) HeldMemory() Held {
	g := s.groups.Load()
	return Held{Bytes: g * 50, What: fmt.Sprintf("%d groups", g)}
}

// A source that aggregates holds its groups; with nothing ever in flight,
// the first check after the pause fails the pipeline.
func TestMemoryBreakerFailsWhenSourceHolds(t *testing.T) {
	clk := NewManualClock(t0)
	m := &meter{}
	m.v.Store(100)
	reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
	obs := newEvents()
	src := &aggSource{onFetch: func(call int64) {
		if call == 3 {
			m.v.Store(2000)
		}
	}}
	var sink collector
	h := mustStart(t, Pipeline[rec]{Source: src, Sink: sink.sink,
		Options: Options{ChunkSize: 100, MemoryLimit: 1000, Registry: reg, Observer: obs, Summarizing: true}})
	waitEvent[Paused](t, obs, func(p Paused) bool { return p.Reason == PauseMemory })
	blockUntil(t, clk, 1)
	clk.Advance(DefaultMemoryCheckInterval)
	me := heldFailure(t, h, "source", "300 groups")
	if me.Held[0].Bytes != 15_000 || src.n.Load() != 3 {
		t.Fatalf("held %+v after %d fetches, want 300 groups after 3", me.Held, src.n.Load())
	}
}

// settlingMeter drops to after once settled: the memory over the limit
// was garbage.
type settlingMeter struct {
	meter
	after   int64
	settled atomic.Int32
}

func (m *settlingMeter) Settle() {
	m.settled.Add(1)
	m.v.Store(m.after)
}

// Before failing, the breaker settles the meter and measures again: usage
// that was garbage resumes the pipeline instead.
func TestMemoryBreakerSettlesBeforeFailing(t *testing.T) {
	clk := NewManualClock(t0)
	m := &settlingMeter{after: 100}
	m.v.Store(100)
	reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
	obs := newEvents()
	src := newFaultSource(1000)
	src.OnFetch = func(call int) {
		if call == 2 {
			m.v.Store(1500)
		}
	}
	var sink collector
	h := mustStart(t, Pipeline[rec]{Source: src, Sink: sink.sink, SinkStatus: groupStatus(&sink),
		Options: Options{ChunkSize: 100, MemoryLimit: 1000, Registry: reg, Observer: obs}})
	waitEvent[Paused](t, obs, func(p Paused) bool { return p.Reason == PauseMemory })
	waitUntil(t, "the records in flight are through the sink", func() bool { return h.e.inflight.Load() == 0 })
	blockUntil(t, clk, 1)
	clk.Advance(DefaultMemoryCheckInterval)
	if _, err := wait(t, h); err != nil {
		t.Fatalf("err = %v, want the run to resume and complete", err)
	}
	checkExactlyOnce(t, sink.got(), 1000)
	if m.settled.Load() != 1 {
		t.Fatalf("settled %d times, want once", m.settled.Load())
	}
}

// The health monitor fails a pipeline it paused when pausing cannot bring
// it under ResumeAt; its critical stop names what is held too.
func TestMonitorFailsHeldMemory(t *testing.T) {
	for _, usage := range []int64{920, 960} {
		t.Run(fmt.Sprint(usage), func(t *testing.T) {
			clk := NewManualClock(t0)
			m := &meter{}
			m.v.Store(100)
			reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
			obs := newEvents()
			sink := collector{gate: make(chan struct{})}
			h := mustStart(t, Pipeline[rec]{Source: newFaultSource(3000), Sink: sink.sink, SinkStatus: groupStatus(&sink),
				Options: Options{ChunkSize: 100, MaxDemand: 100, Registry: reg, Observer: obs}})
			mon := NewMonitor(reg, MonitorOptions{HardLimit: 1000})
			waitUntil(t, "records are in flight", func() bool { return h.e.inflight.Load() == 100 })
			m.v.Store(920)
			mon.Check()
			waitEvent[Paused](t, obs, func(p Paused) bool { return p.Reason == PauseHealth })
			mon.Check() // records in flight: pausing may still help
			if s := h.Snapshot(); s.Status != StatusPaused {
				t.Fatalf("%v with records in flight, want paused", s.Status)
			}
			sink.open()
			waitUntil(t, "the records in flight are through the sink", func() bool { return h.e.inflight.Load() == 0 })
			m.v.Store(usage)
			clk.Advance(DefaultHealthInterval)
			mon.Check()
			_, err := wait(t, h)
			var me *MemoryError
			if !errors.As(err, &me) || len(me.Held) != 1 || me.Held[0].What != "aggregation state: 100 groups" {
				t.Fatalf("err = %v, want a *MemoryError naming the sink's groups", err)
			}
			if critical := usage >= 950; me.Critical != critical || errors.Is(err, ErrMemoryCritical) != critical {
				t.Fatalf("err = %v (critical %v) at %d of 1000", err, me.Critical, usage)
			}
		})
	}
}
