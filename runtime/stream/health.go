package stream

import (
	"sync"
	"time"
)

// Health monitor defaults, applied to zero-valued [MonitorOptions] fields.
const (
	DefaultHealthInterval = 5 * time.Second
	DefaultStallTimeout   = 30 * time.Second
	DefaultPauseAt        = 0.90
	DefaultResumeAt       = 0.80
	DefaultCriticalAt     = 0.95
)

// MonitorOptions configures a [Monitor]. The zero value is valid.
type MonitorOptions struct {
	// Interval is the time between checks. Default 5s.
	Interval time.Duration
	// StallTimeout is how long a pipeline may go without moving records
	// before it is failed with [ErrStalled]. Time spent paused on request
	// does not count; time spent paused for memory does. Default 30s.
	StallTimeout time.Duration
	// HardLimit is the memory limit, in bytes, the thresholds below apply
	// to. Default 0: each pipeline's own MemoryLimit (pipelines with
	// neither are not memory-checked).
	HardLimit int64
	// PauseAt is the share of the limit at which a running pipeline is
	// paused through the registry. Default 0.90.
	PauseAt float64
	// ResumeAt is the share under which a pipeline the monitor paused is
	// resumed. Default 0.80.
	ResumeAt float64
	// CriticalAt is the share at which a pipeline is stopped with
	// [ErrMemoryCritical]. Default 0.95.
	CriticalAt float64
	// Clock paces the checks and measures stalls. Default: the registry's
	// clock.
	Clock Clock
}

// Monitor is the health monitor: at every interval it checks each running
// and paused pipeline of a registry for stalls and memory pressure, acts
// through the registry (pause, resume, stop), and emits [HealthCheck],
// [Throughput], [MemoryWarning] and [Intervention] events to each
// pipeline's observer. It also prunes the registry.
type Monitor struct {
	reg *Registry
	o   MonitorOptions

	mu      sync.Mutex
	last    map[ID]checkpoint
	stop    chan struct{}
	stopped chan struct{}
}

type checkpoint struct {
	out int64
	at  time.Time
}

// NewMonitor returns a monitor of reg; call Start to run it on its clock,
// or Check to run one pass.
func NewMonitor(reg *Registry, o MonitorOptions) *Monitor {
	if o.Interval <= 0 {
		o.Interval = DefaultHealthInterval
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = DefaultStallTimeout
	}
	if o.PauseAt <= 0 {
		o.PauseAt = DefaultPauseAt
	}
	if o.ResumeAt <= 0 {
		o.ResumeAt = DefaultResumeAt
	}
	if o.CriticalAt <= 0 {
		o.CriticalAt = DefaultCriticalAt
	}
	if o.Clock == nil {
		o.Clock = reg.clock
	}
	return &Monitor{reg: reg, o: o, last: make(map[ID]checkpoint)}
}

// Start runs the checks in a goroutine, every Interval on the monitor's
// clock, until Stop. Starting a started monitor does nothing.
func (m *Monitor) Start() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stop != nil {
		return
	}
	m.stop, m.stopped = make(chan struct{}), make(chan struct{})
	go m.loop(m.stop, m.stopped)
}

// Stop ends the checks started by Start and waits for the goroutine.
func (m *Monitor) Stop() {
	m.mu.Lock()
	stop, stopped := m.stop, m.stopped
	m.stop, m.stopped = nil, nil
	m.mu.Unlock()
	if stop != nil {
		close(stop)
		<-stopped
	}
}

func (m *Monitor) loop(stop, stopped chan struct{}) {
	defer close(stopped)
	for {
		t := m.o.Clock.NewTimer(m.o.Interval)
		select {
		case <-t.C():
			m.Check()
		case <-stop:
			t.Stop()
			return
		}
	}
}

// Check runs one pass over the registry's pipelines.
func (m *Monitor) Check() {
	m.reg.Prune()
	now := m.o.Clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := make(map[ID]bool)
	for _, e := range m.reg.sorted() {
		st := e.statusNow()
		if st != StatusRunning && st != StatusPaused {
			continue
		}
		seen[e.id] = true
		m.check(e, st, now)
	}
	for id := range m.last {
		if !seen[id] {
			delete(m.last, id)
		}
	}
}

func (m *Monitor) check(e *entry, st Status, now time.Time) {
	var (
		problem string
		usage   int64
		limit   = m.o.HardLimit
	)
	if limit <= 0 {
		limit = e.memLimit
	}
	e.mu.Lock()
	reason, since := e.pauseReason, e.activeSince
	e.mu.Unlock()
	if lp := time.Unix(0, e.lastProgress.Load()); lp.After(since) {
		since = lp
	}
	idle := now.Sub(since)

	if limit > 0 {
		usage = m.reg.usage(e)
		share := float64(usage) / float64(limit)
		switch {
		case share >= m.o.CriticalAt:
			problem = "memory critical"
			e.emit(MemoryWarning{EventInfo: e.info(), Level: MemoryCritical, Usage: usage, Limit: limit, ChunkSize: int(e.chunkSize.Load())})
			e.emit(Intervention{EventInfo: e.info(), Action: ActionStop, By: "monitor", Reason: problem})
			e.fail(&MemoryError{Usage: usage, Limit: limit, Held: e.holding(), Critical: true})
		case share >= m.o.PauseAt:
			problem = "memory high"
			if st == StatusRunning {
				_ = e.pause(PauseHealth, "monitor")
			} else if reason == PauseHealth {
				m.failHeld(e, limit)
			}
		case share < m.o.ResumeAt && st == StatusPaused && reason == PauseHealth:
			_, _ = e.resumeIf(PauseHealth, "monitor")
		}
	}
	stallable := st == StatusRunning || reason != PauseRequested
	if problem == "" && stallable && idle >= m.o.StallTimeout {
		problem = "stalled"
		e.emit(Intervention{EventInfo: e.info(), Action: ActionStop, By: "monitor", Reason: problem})
		e.fail(stalledError(idle))
	}

	out := e.out.Load()
	cp, ok := m.last[e.id]
	if !ok {
		e.mu.Lock()
		cp = checkpoint{at: e.startedAt}
		e.mu.Unlock()
	}
	if st == StatusRunning {
		ev := Throughput{EventInfo: e.info(), Records: out - cp.out, Interval: now.Sub(cp.at)}
		if ev.Interval > 0 {
			ev.PerSecond = float64(ev.Records) / ev.Interval.Seconds()
		}
		e.emit(ev)
	}
	m.last[e.id] = checkpoint{out: out, at: now}
	e.emit(HealthCheck{EventInfo: e.info(), Status: st, Healthy: problem == "", Problem: problem, Usage: usage, Limit: limit, SinceProgress: idle})
}

// failHeld fails a pipeline the monitor paused if pausing cannot bring it
// back under ResumeAt: nothing in flight, and memory held by its components
// (see entry.heldError).
func (m *Monitor) failHeld(e *entry, limit int64) {
	if err := e.heldError(int64(m.o.ResumeAt*float64(limit)), limit); err != nil {
		e.emit(Intervention{EventInfo: e.info(), Action: ActionStop, By: "monitor", Reason: "memory held"})
		e.fail(err)
	}
}
