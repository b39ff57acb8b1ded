package stream

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Sink consumes the pipeline's output, one batch at a time, in source
// order. Demand starts here: the sink is handed at most Options.MaxDemand
// records ahead, so a slow sink slows the whole chain. The batch belongs to
// the sink once passed: the runtime never writes to it again. An error
// fails the pipeline.
type Sink[T any] func(ctx context.Context, batch []T) error

// Pipeline is a source, optional lookups and stages, and a sink.
type Pipeline[T any] struct {
	// Source is fetched from by the producer; if it implements [Closer] it
	// is closed when the pipeline ends, however it ends (even when Start
	// refuses the pipeline).
	Source Source[T]
	// Lookups enrich every fetched chunk, in order.
	Lookups []Lookup[T]
	// Stages transform and aggregate, in order.
	Stages []Stage[T]
	// Sink receives the output.
	Sink Sink[T]
	// SinkStatus, if set, is called after every Sink call, for sinks that
	// aggregate (a report groups in its sink): its rejected count feeds the
	// pipeline's Rejected counter and each new group-limit hit emits a
	// [GroupLimitReached] event, as for a stage's AggregateStatus.
	SinkStatus func() AggregateStatus
	// SinkEnd, if set, is called once after the last batch reached the
	// sink, before the pipeline completes: a sink that aggregates finishes
	// its work there, so its errors fail the pipeline and its final status
	// (SinkStatus is called again afterwards) reaches the registry.
	SinkEnd func(ctx context.Context) error
	// Options configure the run; the zero value is valid.
	Options Options
}

// Run starts the pipeline, registers it, blocks until it completes, fails,
// or ctx is cancelled, releases every resource (goroutines, source Close)
// and returns the final snapshot. The error is nil only for a completed
// pipeline; a cancelled one returns the context's error. A pipeline that
// cannot start returns a zero Snapshot.
func Run[T any](ctx context.Context, p Pipeline[T]) (Snapshot, error) {
	h, err := Start(ctx, p)
	if err != nil {
		return Snapshot{}, err
	}
	return h.Wait()
}

// Start is the asynchronous form of [Run]: it returns once the pipeline is
// running, with a handle to control and await it. It fails at once, never
// waits, when the pipeline is invalid or lacks resources ([ErrNoCapacity],
// [ErrInsufficientMemory]).
func Start[T any](ctx context.Context, p Pipeline[T]) (*Handle, error) {
	if p.Source == nil || p.Sink == nil {
		closeSource(p.Source)
		return nil, fmt.Errorf("stream: %w: a pipeline needs a source and a sink", ErrInvalidPipeline)
	}
	o := p.Options
	if o.Registry == nil {
		o.Registry = NewRegistry(RegistryOptions{Clock: o.Clock})
	}
	cfg := o.resolve()
	reg := cfg.Registry
	e, err := reg.register(cfg.Name, cfg.Clock, cfg.Observer, cfg.MemoryLimit)
	if err != nil {
		closeSource(p.Source)
		return nil, err
	}
	e.chunkSize.Store(int64(cfg.ChunkSize))
	e.heldMu.Lock()
	e.held = make([]Held, len(p.Stages)+2) // the source, each stage, the sink
	e.heldMu.Unlock()
	var zero T
	e.recBytes.Store(max(1, int64(unsafe.Sizeof(zero))))
	if cfg.MemoryLimit > 0 {
		if u := reg.usage(e); u >= cfg.MemoryLimit {
			err := fmt.Errorf("stream: start %q: %w: %d bytes already attributed, limit %d", cfg.Name, ErrInsufficientMemory, u, cfg.MemoryLimit)
			closeSource(p.Source)
			e.finish(StatusFailed, err, nil)
			return nil, err
		}
	}

	r := &run[T]{p: p, cfg: cfg, e: e, sup: &supervisor{max: cfg.MaxRestarts, window: cfg.RestartWindow, clock: cfg.Clock}}
	ctx, cancel := context.WithCancelCause(ctx)
	r.cancel = cancel
	e.mu.Lock()
	e.stop = r.fail
	e.cancel = func() { cancel(context.Canceled) }
	e.mu.Unlock()

	links := make([]*link[T], len(p.Stages)+1)
	for i := range links {
		links[i] = newLink[T]()
	}
	prod := newProducer(r, links[0])
	stages := make([]*stageRunner[T], len(p.Stages))
	for i := range p.Stages {
		stages[i] = newStageRunner(r, i, links[i], links[i+1])
		e.stages = append(e.stages, stages[i].stats)
	}
	sink := &sinkDriver[T]{r: r, in: links[len(p.Stages)]}
	e.producer.demand = links[0].demand
	e.sinkDemand = links[len(p.Stages)].demand
	_ = e.setStatus(StatusRunning) // starting → running is always legal
	e.emit(PipelineStarted{EventInfo: e.info(), ChunkSize: cfg.ChunkSize, MemoryLimit: cfg.MemoryLimit})

	var wg sync.WaitGroup
	r.spawn(ctx, &wg, "producer", prod.run)
	for _, s := range stages {
		r.spawn(ctx, &wg, s.component, s.run)
	}
	r.spawn(ctx, &wg, "sink", sink.run)
	go func() {
		wg.Wait()
		r.finish(ctx)
	}()
	return &Handle{e: e}, nil
}

// run is the state one pipeline's goroutines share.
type run[T any] struct {
	p      Pipeline[T]
	cfg    config
	e      *entry
	sup    *supervisor
	cancel context.CancelCauseFunc

	failOnce sync.Once
	failErr  error
	sinkDone atomic.Bool
}

// fail records the first failure and cancels every component.
func (r *run[T]) fail(err error) {
	r.failOnce.Do(func() {
		r.failErr = err
		r.cancel(err)
	})
}

func (r *run[T]) spawn(ctx context.Context, wg *sync.WaitGroup, component string, f func(context.Context) error) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := r.supervise(ctx, component, f); err != nil && ctx.Err() == nil {
			r.fail(err)
		}
	}()
}

// finish runs once every component has returned.
func (r *run[T]) finish(ctx context.Context) {
	var (
		status Status
		err    error
	)
	r.failOnce.Do(func() {}) // no failure can be recorded from now on
	switch {
	case r.failErr != nil:
		status, err = StatusFailed, r.failErr
	case r.sinkDone.Load():
		status = StatusCompleted
	default:
		status, err = StatusCancelled, context.Cause(ctx)
	}
	r.cancel(context.Canceled)
	if cerr := closeSource(r.p.Source); cerr != nil && status == StatusCompleted {
		status, err = StatusFailed, fmt.Errorf("stream: close source: %w", cerr)
	}
	if status == StatusFailed && r.cfg.Cache != nil {
		if id, ok := identity(r.p.Source); ok {
			r.cfg.Cache.Invalidate(id)
		}
	}
	r.e.inflight.Store(0)
	if status == StatusFailed {
		r.e.emit(PipelineException{EventInfo: r.e.info(), Component: "pipeline", Err: err, Reason: reasonOf(err), Fatal: true})
	}
	r.e.finish(status, err, func(s Snapshot) {
		r.e.emit(PipelineStopped{EventInfo: r.e.info(), Status: s.Status, Reason: s.Reason, Err: s.Err, Counters: s.Counters, Duration: s.Duration()})
	})
}

func closeSource(src any) error {
	if c, ok := src.(Closer); ok {
		return c.Close()
	}
	return nil
}

// Handle controls a pipeline started with [Start].
type Handle struct{ e *entry }

// ID returns the pipeline's ID.
func (h *Handle) ID() ID { return h.e.id }

// Snapshot returns the pipeline's current state.
func (h *Handle) Snapshot() Snapshot { return h.e.snapshot() }

// Pause pauses the pipeline; see [Registry.Pause].
func (h *Handle) Pause() error { return h.e.pause(PauseRequested, "handle") }

// Resume resumes a paused pipeline; see [Registry.Resume].
func (h *Handle) Resume() error {
	_, err := h.e.resumeIf("", "handle")
	return err
}

// Cancel cancels the pipeline; it ends with status cancelled.
func (h *Handle) Cancel() { h.e.cancelBy("handle") }

// Done is closed once the pipeline has finished and released everything.
func (h *Handle) Done() <-chan struct{} { return h.e.done }

// Wait blocks until the pipeline has finished and returns its final
// snapshot and error, as [Run] does.
func (h *Handle) Wait() (Snapshot, error) {
	<-h.e.done
	s := h.e.snapshot()
	return s, s.Err
}
