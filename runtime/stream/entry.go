package stream

import (
	"sync"
	"sync/atomic"
	"time"
)

// entry is the registry's record of one pipeline: its status, counters and
// the controls the registry, the monitor and the handle act through. Hot
// counters are atomics, updated once per batch.
type entry struct {
	id       ID
	name     string
	reg      *Registry
	clock    Clock
	obs      Observer
	memLimit int64

	status   atomic.Int32
	pauseSig chan struct{} // capacity 1: tells a waiting producer to look again
	done     chan struct{} // closed when the pipeline has finished

	mu          sync.Mutex // guards the fields below
	pauseReason PauseReason
	resume      chan struct{} // closed on resume; nil unless paused
	startedAt   time.Time
	finishedAt  time.Time
	activeSince time.Time // last change to running
	err         error
	stop        func(error) // fails the pipeline with a cause
	cancel      func()      // cancels the pipeline
	final       *Snapshot

	in, out, failed, rejected atomic.Int64
	chunks, bytes, retries    atomic.Int64
	restarts, cacheHits       atomic.Int64
	inflight                  atomic.Int64 // records between source and sink
	recBytes                  atomic.Int64 // estimated bytes per record
	lastProgress              atomic.Int64 // unix nanoseconds
	chunkSize                 atomic.Int64
	degraded                  atomic.Bool
	memUsage, peakMem         atomic.Int64
	producer                  producerStats
	stages                    []*stageStats
	sinkDemand                *gate // demand the sink has granted its upstream

	heldMu sync.Mutex
	held   []Held // per component: the source, each stage, the sink
}

// producerStats is what a snapshot shows of the producer.
type producerStats struct {
	demand  *gate
	surplus atomic.Int64
	offset  atomic.Int64 // source offset of the next record to emit
}

func (e *entry) info() EventInfo {
	return EventInfo{Pipeline: e.id, Name: e.name, Time: e.clock.Now()}
}

func (e *entry) emit(ev Event) {
	if e.obs != nil {
		e.obs.Observe(ev)
	}
}

func (e *entry) statusNow() Status { return Status(e.status.Load()) }

func (e *entry) progress() { e.lastProgress.Store(e.clock.Now().UnixNano()) }

// setStatusLocked changes the status if the change is legal.
func (e *entry) setStatusLocked(to Status) error {
	from := e.statusNow()
	if !canTransition(from, to) {
		return &TransitionError{ID: e.id, From: from, To: to}
	}
	e.status.Store(int32(to))
	if to == StatusRunning {
		e.activeSince = e.clock.Now()
	}
	return nil
}

func (e *entry) setStatus(to Status) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.setStatusLocked(to)
}

// pause marks the pipeline paused; the producer stops at its next chunk
// boundary.
func (e *entry) pause(reason PauseReason, by string) error {
	e.mu.Lock()
	if err := e.setStatusLocked(StatusPaused); err != nil {
		e.mu.Unlock()
		return err
	}
	e.pauseReason = reason
	e.resume = make(chan struct{})
	e.mu.Unlock()
	select {
	case e.pauseSig <- struct{}{}:
	default:
	}
	e.emit(Intervention{EventInfo: e.info(), Action: ActionPause, By: by, Reason: string(reason)})
	return nil
}

// resumeIf sets a paused pipeline running again. With only != "", it acts
// only on a pause for that reason and reports false otherwise.
func (e *entry) resumeIf(only PauseReason, by string) (bool, error) {
	e.mu.Lock()
	if only != "" && (e.statusNow() != StatusPaused || e.pauseReason != only) {
		e.mu.Unlock()
		return false, nil
	}
	if e.statusNow() != StatusPaused {
		from := e.statusNow()
		e.mu.Unlock()
		return false, &TransitionError{ID: e.id, From: from, To: StatusRunning}
	}
	if err := e.setStatusLocked(StatusRunning); err != nil {
		e.mu.Unlock()
		return false, err
	}
	reason := e.pauseReason
	e.pauseReason = ""
	close(e.resume)
	e.resume = nil
	e.mu.Unlock()
	e.emit(Intervention{EventInfo: e.info(), Action: ActionResume, By: by, Reason: string(reason)})
	return true, nil
}

// pauseState returns whether the pipeline is paused, why, and the channel
// closed on resume.
func (e *entry) pauseState() (bool, PauseReason, <-chan struct{}) {
	if e.statusNow() != StatusPaused {
		return false, "", nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.statusNow() != StatusPaused {
		return false, "", nil
	}
	return true, e.pauseReason, e.resume
}

// fail stops the pipeline with cause; a no-op once it has finished.
func (e *entry) fail(cause error) {
	e.mu.Lock()
	stop := e.stop
	e.mu.Unlock()
	if stop != nil {
		stop(cause)
	}
}

// cancelBy cancels the pipeline; a no-op once it has finished.
func (e *entry) cancelBy(by string) {
	e.mu.Lock()
	cancel := e.cancel
	e.mu.Unlock()
	if cancel != nil {
		e.emit(Intervention{EventInfo: e.info(), Action: ActionCancel, By: by})
		cancel()
	}
}

// finish records the final status, hands the final snapshot to report and
// then wakes everyone waiting.
func (e *entry) finish(status Status, err error, report func(Snapshot)) Snapshot {
	e.mu.Lock()
	if setErr := e.setStatusLocked(status); setErr != nil {
		// Unreachable: every active status may end. Force the terminal
		// status anyway, so that waiters never hang.
		e.status.Store(int32(status))
	}
	e.finishedAt = e.clock.Now()
	e.err = err
	e.stop, e.cancel = nil, nil
	if e.resume != nil {
		close(e.resume)
		e.resume = nil
	}
	e.mu.Unlock()
	s := e.snapshot()
	e.mu.Lock()
	e.final = &s
	e.mu.Unlock()
	if report != nil {
		report(s)
	}
	close(e.done)
	return s
}
