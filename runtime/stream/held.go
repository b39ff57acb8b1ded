package stream

import (
	"fmt"
	"runtime"
	"strings"
)

// Held is memory a component of a pipeline keeps beyond its records in
// flight: an aggregate's groups, results a source computed ahead. Pausing
// the input does not free it.
type Held struct {
	// Component is "source", "stage NAME" or "sink"; the pipeline sets it.
	Component string
	// Bytes estimates the memory held; 0: none.
	Bytes int64
	// What describes it for people, for example "aggregation state:
	// 400,123 groups, ~96 MiB".
	What string
}

// MemoryHolder is implemented by sources that hold memory of their own,
// such as a source that aggregates as it reads. The producer calls
// HeldMemory after every fetch, from the goroutine that fetches. Stages and
// sinks report theirs in [AggregateStatus].Held.
type MemoryHolder interface {
	HeldMemory() Held
}

// MemorySettler is implemented by a [MemoryMeter] whose reading can lag:
// Settle brings it up to date ([RuntimeMemory]'s collects garbage). The
// memory breaker settles the meter once before it fails a pipeline, so
// that garbage is not taken for held memory.
type MemorySettler interface {
	Settle()
}

// Settle runs a garbage collection, so that the next reading is the live
// heap now.
func (m *runtimeMeter) Settle() { runtime.GC() }

// MemoryError is the cause of a pipeline failed for its memory: the memory
// breaker's when usage stayed at MemoryLimit with nothing in flight to
// drain while the pipeline's components held memory (pausing the input
// could not help; it matches [ErrMemoryHeld]), or the health monitor's at
// its critical level (Critical; it matches [ErrMemoryCritical]).
type MemoryError struct {
	// Usage is the memory attributed to the pipeline, Limit the limit it
	// was held to, in bytes.
	Usage, Limit int64
	// Held is what the pipeline's components reported holding.
	Held []Held
	// Critical is set when the health monitor stopped the pipeline.
	Critical bool
}

// Error implements the error interface.
func (e *MemoryError) Error() string {
	var b strings.Builder
	if e.Critical {
		fmt.Fprintf(&b, "stream: %v: %d of %d bytes", ErrMemoryCritical, e.Usage, e.Limit)
	} else {
		fmt.Fprintf(&b, "stream: %v: %d bytes at a limit of %d with nothing in flight", ErrMemoryHeld, e.Usage, e.Limit)
	}
	for i, h := range e.Held {
		sep := "; "
		if i == 0 {
			sep = ", held by "
		}
		fmt.Fprintf(&b, "%s%s (%s)", sep, h.Component, h.What)
	}
	return b.String()
}

// Is matches [ErrMemoryCritical] or [ErrMemoryHeld].
func (e *MemoryError) Is(target error) bool {
	if e.Critical {
		return target == ErrMemoryCritical
	}
	return target == ErrMemoryHeld
}

// Held-memory slots of an entry: the source, then one per stage, then the
// sink.
const heldSource = 0

func heldStage(i int) int { return 1 + i }

// setHeld records what the component in slot holds.
func (e *entry) setHeld(slot int, component string, h Held) {
	h.Component = component
	e.heldMu.Lock()
	if slot < len(e.held) {
		e.held[slot] = h
	}
	e.heldMu.Unlock()
}

// holding returns what the pipeline's components hold, those holding
// nothing left out.
func (e *entry) holding() []Held {
	e.heldMu.Lock()
	defer e.heldMu.Unlock()
	var out []Held
	for _, h := range e.held {
		if h.Bytes > 0 {
			out = append(out, h)
		}
	}
	return out
}

// heldError returns the error that fails a pipeline paused for memory
// when pausing cannot help: everything emitted has reached the sink, its
// components hold memory, and the usage, measured again after settling
// the meter, is still at least at, the usage the pause lasts from (the
// breaker's limit; the monitor's ResumeAt share of it). nil: pausing may
// help.
func (e *entry) heldError(at, limit int64) error {
	if e.inflight.Load()-e.producer.surplus.Load() > 0 {
		return nil // the records in flight free their memory once through the sink
	}
	held := e.holding()
	if len(held) == 0 {
		return nil // the memory is someone else's, who may free it
	}
	if s, ok := e.reg.meter.(MemorySettler); ok {
		s.Settle()
	}
	u := e.reg.usage(e)
	if u < at {
		return nil
	}
	return &MemoryError{Usage: u, Limit: limit, Held: held}
}
