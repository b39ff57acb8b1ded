package stream

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultRetention is how long a registry keeps finished pipelines when
// RegistryOptions.Retention is zero.
const DefaultRetention = 10 * time.Minute

// RegistryOptions configures a [Registry]. The zero value is valid.
type RegistryOptions struct {
	// Clock stamps statuses and ages finished pipelines. Default: the
	// system clock.
	Clock Clock
	// Retention is how long a finished pipeline stays listed before Prune
	// (called on every registration and health check) drops it.
	// Default 10 minutes.
	Retention time.Duration
	// MaxPipelines bounds the pipelines active (starting, running, paused)
	// at once; Start beyond it fails with [ErrNoCapacity] instead of
	// waiting. Default 0: unlimited.
	MaxPipelines int
	// Meter measures the process's live heap for the memory breaker and the
	// health monitor. Default: [RuntimeMemory].
	Meter MemoryMeter
}

// Registry tracks pipelines: their IDs, statuses, counters and times. It is
// safe for concurrent use. Pipelines that share a process should share a
// registry, since the process's live heap is attributed among the active
// pipelines of one registry.
type Registry struct {
	clock        Clock
	meter        MemoryMeter
	retention    time.Duration
	maxPipelines int

	mu      sync.RWMutex
	entries map[ID]*entry
}

// lastID numbers pipelines across registries so that IDs are unique in
// the process (events from private registries can share one observer).
var lastID atomic.Uint64

// NewRegistry returns an empty registry.
func NewRegistry(o RegistryOptions) *Registry {
	if o.Clock == nil {
		o.Clock = SystemClock()
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.Meter == nil {
		o.Meter = RuntimeMemory()
	}
	return &Registry{
		clock:        o.Clock,
		meter:        o.Meter,
		retention:    o.Retention,
		maxPipelines: o.MaxPipelines,
		entries:      make(map[ID]*entry),
	}
}

// register adds a starting pipeline, refusing it when the registry is full.
func (r *Registry) register(name string, clock Clock, obs Observer, memLimit int64) (*entry, error) {
	r.Prune()
	now := clock.Now()
	e := &entry{
		id:       ID(lastID.Add(1)),
		name:     name,
		reg:      r,
		clock:    clock,
		obs:      obs,
		memLimit: memLimit,
		pauseSig: make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	e.startedAt, e.activeSince = now, now
	e.lastProgress.Store(now.UnixNano())
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.maxPipelines > 0 {
		active := 0
		for _, x := range r.entries {
			if x.statusNow().Active() {
				active++
			}
		}
		if active >= r.maxPipelines {
			return nil, fmt.Errorf("stream: start %q: %w: %d of %d pipelines active", name, ErrNoCapacity, active, r.maxPipelines)
		}
	}
	r.entries[e.id] = e
	return e, nil
}

func (r *Registry) lookup(id ID) (*entry, error) {
	r.mu.RLock()
	e, ok := r.entries[id]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("stream: pipeline %v: %w", id, ErrNotFound)
	}
	return e, nil
}

// Get returns the snapshot of pipeline id.
func (r *Registry) Get(id ID) (Snapshot, bool) {
	e, err := r.lookup(id)
	if err != nil {
		return Snapshot{}, false
	}
	return e.snapshot(), true
}

// List returns a snapshot of every pipeline held, in ID order. With
// statuses given, only pipelines in one of them are listed.
func (r *Registry) List(statuses ...Status) []Snapshot {
	var out []Snapshot
	for _, e := range r.sorted() {
		if len(statuses) == 0 || slices.Contains(statuses, e.statusNow()) {
			out = append(out, e.snapshot())
		}
	}
	return out
}

func (r *Registry) sorted() []*entry {
	r.mu.RLock()
	list := make([]*entry, 0, len(r.entries))
	for _, e := range r.entries {
		list = append(list, e)
	}
	r.mu.RUnlock()
	slices.SortFunc(list, func(a, b *entry) int { return int(a.id) - int(b.id) })
	return list
}

// Pause pauses a running pipeline: its producer stops at the next chunk
// boundary, and records already in flight drain to the sink. Demand that
// arrives meanwhile is served after [Registry.Resume].
func (r *Registry) Pause(id ID) error {
	e, err := r.lookup(id)
	if err != nil {
		return err
	}
	return e.pause(PauseRequested, "registry")
}

// Resume sets a paused pipeline running again, whoever paused it.
func (r *Registry) Resume(id ID) error {
	e, err := r.lookup(id)
	if err != nil {
		return err
	}
	_, err = e.resumeIf("", "registry")
	return err
}

// Cancel cancels an active pipeline; it ends with status cancelled. It is
// a no-op for a finished one.
func (r *Registry) Cancel(id ID) error {
	e, err := r.lookup(id)
	if err != nil {
		return err
	}
	e.cancelBy("registry")
	return nil
}

// Remove drops a finished pipeline from the registry; an active one is
// refused with a [*TransitionError].
func (r *Registry) Remove(id ID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[id]
	if !ok {
		return fmt.Errorf("stream: pipeline %v: %w", id, ErrNotFound)
	}
	if s := e.statusNow(); s.Active() {
		return &TransitionError{ID: id, From: s, To: s}
	}
	delete(r.entries, id)
	return nil
}

// Prune drops the pipelines that finished more than the retention period
// ago and returns how many it dropped.
func (r *Registry) Prune() int {
	cutoff := r.clock.Now().Add(-r.retention)
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for id, e := range r.entries {
		if !e.statusNow().Terminal() {
			continue
		}
		e.mu.Lock()
		old := e.final != nil && !e.finishedAt.After(cutoff)
		e.mu.Unlock()
		if old {
			delete(r.entries, id)
			n++
		}
	}
	return n
}

// Shutdown cancels every active pipeline and waits until all have
// finished, or until ctx is done.
func (r *Registry) Shutdown(ctx context.Context) error {
	var active []*entry
	for _, e := range r.sorted() {
		if e.statusNow().Active() {
			active = append(active, e)
			e.cancelBy("registry")
		}
	}
	for _, e := range active {
		select {
		case <-e.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
