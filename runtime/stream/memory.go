package stream

import (
	"runtime/metrics"
	"sync"
)

// MemoryMeter measures the process's live heap in bytes.
type MemoryMeter interface {
	LiveHeap() int64
}

// MemoryMeterFunc adapts a function to the [MemoryMeter] interface.
type MemoryMeterFunc func() int64

// LiveHeap returns f().
func (f MemoryMeterFunc) LiveHeap() int64 { return f() }

// liveHeapMetric is the heap marked live by the last GC: cheap to read, no
// stop-the-world, and not inflated by garbage awaiting collection.
const liveHeapMetric = "/gc/heap/live:bytes"

// RuntimeMemory returns the default [MemoryMeter]: runtime/metrics'
// /gc/heap/live:bytes, the heap found live by the last garbage collection.
func RuntimeMemory() MemoryMeter {
	return &runtimeMeter{sample: []metrics.Sample{{Name: liveHeapMetric}}}
}

type runtimeMeter struct {
	mu     sync.Mutex
	sample []metrics.Sample
}

func (m *runtimeMeter) LiveHeap() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	metrics.Read(m.sample)
	if m.sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(m.sample[0].Value.Uint64())
}

// usage returns the live heap attributed to e and records it in e. The
// process's live heap is split among the registry's active pipelines in
// proportion to the bytes each holds in flight (records fetched and not yet
// through the sink, times their estimated size); when none holds any, it
// is split evenly. A single pipeline is thus charged the whole heap, and a
// pipeline holding nothing is not charged for another's backlog.
func (r *Registry) usage(e *entry) int64 {
	live := r.meter.LiveHeap()
	var total, n float64
	r.mu.RLock()
	for _, x := range r.entries {
		if x.statusNow().Active() {
			total += x.weight()
			n++
		}
	}
	r.mu.RUnlock()
	var u int64
	switch {
	case n <= 1:
		u = live
	case total == 0:
		u = int64(float64(live) / n)
	default:
		u = int64(float64(live) * e.weight() / total)
	}
	e.memUsage.Store(u)
	for p := e.peakMem.Load(); u > p && !e.peakMem.CompareAndSwap(p, u); p = e.peakMem.Load() {
	}
	return u
}

func (e *entry) weight() float64 {
	return float64(max(0, e.inflight.Load())) * float64(e.recBytes.Load())
}

// checkMemory is the memory breaker, run by the producer before every
// fetch. At DegradeAt of the limit it shrinks the chunk size, below it
// restores it; at the limit it pauses the pipeline (the producer then waits
// in waitWhilePaused, measuring again every MemoryCheckInterval) and
// reports true.
func (p *producer[T]) checkMemory() bool {
	limit := p.e.memLimit
	if limit <= 0 {
		return false
	}
	u := p.e.reg.usage(p.e)
	switch {
	case float64(u) >= DegradeAt*float64(limit) && !p.degraded:
		p.degraded = true
		p.chunk = degradedChunk(p.r.cfg.ChunkSize)
		p.e.degraded.Store(true)
		p.e.chunkSize.Store(int64(p.chunk))
		p.e.emit(MemoryWarning{EventInfo: p.e.info(), Level: MemoryDegraded, Usage: u, Limit: limit, ChunkSize: p.chunk})
		p.e.emit(Intervention{EventInfo: p.e.info(), Action: ActionDegrade, By: "breaker", Reason: "memory"})
	case float64(u) < DegradeAt*float64(limit) && p.degraded:
		p.degraded = false
		p.chunk = p.r.cfg.ChunkSize
		p.e.degraded.Store(false)
		p.e.chunkSize.Store(int64(p.chunk))
		p.e.emit(Intervention{EventInfo: p.e.info(), Action: ActionRestore, By: "breaker", Reason: "memory"})
	}
	if u < limit {
		return false
	}
	if err := p.e.pause(PauseMemory, "breaker"); err != nil {
		return false // not running (already paused): the pause check handles it
	}
	p.e.emit(MemoryWarning{EventInfo: p.e.info(), Level: MemoryPaused, Usage: u, Limit: limit, ChunkSize: p.chunk})
	return true
}

// pollMemory is the breaker's check while it holds the pipeline paused: it
// resumes the pipeline once usage is back under the limit, and fails it
// when the pause cannot help (see entry.heldError).
func (p *producer[T]) pollMemory() error {
	e := p.e
	if e.reg.usage(e) >= e.memLimit {
		if err := e.heldError(e.memLimit, e.memLimit); err != nil {
			e.emit(Intervention{EventInfo: e.info(), Action: ActionStop, By: "breaker", Reason: "memory held"})
			return err
		}
		if e.memUsage.Load() >= e.memLimit {
			return nil // still over, and pausing may help
		}
	}
	_, _ = e.resumeIf(PauseMemory, "breaker")
	return nil
}
