package stream

import (
	"testing"
	"time"
)

// Scenarios B10, E15
func TestMonitorPausesOnMemory(t *testing.T) {
	clk := NewManualClock(t0)
	m := &meter{}
	m.v.Store(100)
	reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
	obs := newEvents()
	sink := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{Source: newFaultSource(3000), Sink: sink.sink,
		Options: Options{ChunkSize: 100, MaxDemand: 100, Registry: reg, Observer: obs}})
	mon := NewMonitor(reg, MonitorOptions{HardLimit: 1000})
	sink.gate <- struct{}{}
	waitUntil(t, "records reach the sink", func() bool { return sink.len() > 0 })

	m.v.Store(920) // past PauseAt (90%), short of CriticalAt (95%)
	mon.Check()
	if s, _ := reg.Get(h.ID()); s.Status != StatusPaused || s.PauseReason != PauseHealth {
		t.Fatalf("after the check: %v (%q), want paused by the health monitor", s.Status, s.PauseReason)
	}
	iv := waitEvent[Intervention](t, obs, func(i Intervention) bool { return i.Action == ActionPause })
	if iv.By != "monitor" || iv.Pipeline != h.ID() {
		t.Fatalf("intervention %+v", iv)
	}
	hc := waitEvent[HealthCheck](t, obs, nil)
	if hc.Healthy || hc.Problem != "memory high" || hc.Usage != 920 || hc.Limit != 1000 {
		t.Fatalf("health check %+v", hc)
	}
	waitEvent[Paused](t, obs, func(p Paused) bool { return p.Reason == PauseHealth })

	m.v.Store(850) // between ResumeAt and PauseAt: stays paused
	clk.Advance(time.Second)
	mon.Check()
	if s := h.Snapshot(); s.Status != StatusPaused {
		t.Fatalf("resumed above the resume threshold: %v", s.Status)
	}
	m.v.Store(500)
	clk.Advance(time.Second)
	mon.Check()
	if s := h.Snapshot(); s.Status != StatusRunning {
		t.Fatalf("not resumed once memory dropped: %v", s.Status)
	}
	waitEvent[Intervention](t, obs, func(i Intervention) bool { return i.Action == ActionResume && i.By == "monitor" })
	sink.open()
	if _, err := wait(t, h); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, sink.got(), 3000)
}

// A pipeline paused by the memory breaker still counts for stalls: a
// pause that memory never lifts fails the pipeline instead of hanging it.
func TestMonitorStallsMemoryPausedPipeline(t *testing.T) {
	clk := NewManualClock(t0)
	m := &meter{}
	reg := NewRegistry(RegistryOptions{Clock: clk, Meter: m})
	obs := newEvents()
	src := newFaultSource(1000)
	src.OnFetch = func(int) { m.v.Store(2000) }
	h := mustStart(t, Pipeline[rec]{Source: src, Sink: (&collector{}).sink,
		Options: Options{ChunkSize: 100, MemoryLimit: 1000, Registry: reg, Observer: obs}})
	waitEvent[Paused](t, obs, func(p Paused) bool { return p.Reason == PauseMemory })
	waitUntil(t, "the first chunk is through the sink", func() bool { return h.Snapshot().Counters.RecordsOut == 100 })
	mon := NewMonitor(reg, MonitorOptions{StallTimeout: time.Minute, HardLimit: 1 << 40})
	clk.Advance(61 * time.Second)
	mon.Check()
	s, _ := wait(t, h)
	if s.Status != StatusFailed || s.Reason != "stalled" {
		t.Fatalf("%v (%q), want failed: stalled", s.Status, s.Reason)
	}
}
