package stream

import (
	"context"
	"math"
	"strconv"
	"sync/atomic"
	"time"
)

// Stage transforms records and feeds aggregates. It asks upstream for at
// most MaxDemand records at a time and holds at most BufferSize transformed
// records while downstream is slow.
type Stage[T any] struct {
	// Name labels the stage in events, snapshots and errors.
	// Default "stage N" (1-based).
	Name string
	// Transform maps one record; keep=false drops it (filtered, not
	// failed); a non-nil error marks it failed. Default nil: identity.
	// A panic is recovered and the stage restarted at the same record.
	Transform func(rec T) (out T, keep bool, err error)
	// Workers, when above 1 and NewTransform is set, transforms each batch
	// on that many goroutines, each with its own transform from
	// NewTransform; results keep their order, so the output is the same as
	// with one worker. Default 1.
	Workers int
	// NewTransform returns an independent transform for one worker (its
	// own evaluator state). Transform is still used for records a worker
	// could not finish (after a panic) and when Workers is 1.
	NewTransform func() func(rec T) (out T, keep bool, err error)
	// Aggregate, if set, sees every batch of kept records, in order, before
	// it moves on; an error fails the pipeline. It must not keep or modify
	// the slice. A panic fails the pipeline (replaying the batch could
	// count it twice).
	Aggregate func(batch []T) error
	// AggregateStatus, if set, is called after every Aggregate call; its
	// report feeds the rejected counts, the group-limit events and the
	// state carried by AggregationComputed events.
	AggregateStatus func() AggregateStatus
	// SkipErrors false: the first transform error fails the run with a
	// [*RecordError]. True: the record is skipped, counted as failed, and
	// reported in a [RecordFailed] event — unless the error is marked
	// with [Fatal], which fails the run either way.
	SkipErrors bool
	// MaxDemand bounds the demand the stage grants upstream.
	// Default Options.MaxDemand.
	MaxDemand int
	// BufferSize bounds the transformed records the stage holds for
	// downstream, counted on the real buffer. Default Options.BufferSize.
	BufferSize int
}

// AggregateStatus is what an aggregate reports after each batch.
type AggregateStatus struct {
	// State is attached to [AggregationComputed] events (for example
	// running totals); nil is fine.
	State any
	// Rejected counts, cumulatively, the records the aggregate refused.
	Rejected int64
	// GroupLimitHits counts, cumulatively, the group limits reached; each
	// increase emits one [GroupLimitReached] event.
	GroupLimitHits int
	// GroupLimit is the limit reported in those events.
	GroupLimit int
	// Held is the memory the aggregate's state holds (its groups), which
	// pausing the input does not free. The memory breaker fails a pipeline
	// at its MemoryLimit with nothing in flight when a component holds
	// some, naming it (see [ErrMemoryHeld]). Zero: nothing held.
	Held Held
}

// stageStats is the part of a stage a snapshot shows.
type stageStats struct {
	name                         string
	bufferSize, maxDemand        int64
	buffered, peakBuffered       atomic.Int64
	outstanding, peakOutstanding atomic.Int64
	in, out, failed, rejected    atomic.Int64
}

func (s *stageStats) snapshot() StageSnapshot {
	return StageSnapshot{
		Name: s.name, Buffered: s.buffered.Load(), PeakBuffered: s.peakBuffered.Load(), BufferSize: s.bufferSize,
		Outstanding: s.outstanding.Load(), PeakOutstanding: s.peakOutstanding.Load(), MaxDemand: s.maxDemand,
		In: s.in.Load(), Out: s.out.Load(), Failed: s.failed.Load(), Rejected: s.rejected.Load(),
	}
}

func storeMax(v, peak *atomic.Int64, x int64) {
	v.Store(x)
	if x > peak.Load() {
		peak.Store(x) // single writer: the stage's goroutine
	}
}

// stageRunner runs one stage. Its state survives a restart by the
// supervisor: cur/i/k record how far the batch in hand has been
// transformed, so a restart resumes at the record that panicked.
type stageRunner[T any] struct {
	workerTr  []func(T) (T, bool, error) // per-worker transforms (Stage.Workers > 1)
	r         *run[T]
	e         *entry
	st        Stage[T]
	component string
	stats     *stageStats
	in, out   *link[T]
	last      bool // the last stage: its output needs no offsets

	maxDemand, bufSize int64
	warnAt             int64
	warned             bool

	queue       []batch[T] // transformed, waiting for downstream demand, from head on
	head        int
	buffered    int64
	outstanding int64 // demand granted upstream, not yet received
	active      bool  // downstream has asked for something
	inDone      bool
	failing     bool // an error batch is queued: nothing more is read
	failSent    bool // it went downstream: the stage has ended

	cur       batch[T] // batch being transformed
	busy      bool
	i, k      int     // next record to transform; records kept so far
	failed    int     // failures in cur
	offs      []int64 // offsets of kept records once cur lost contiguity
	started   time.Time
	rejected  int64 // last cumulative AggregateStatus.Rejected
	limitHits int
	slot      int // the stage's held-memory slot
}

func newStageRunner[T any](r *run[T], idx int, in, out *link[T]) *stageRunner[T] {
	st := r.p.Stages[idx]
	if st.Name == "" {
		st.Name = "stage " + strconv.Itoa(idx+1)
	}
	md := int64(st.MaxDemand)
	if md <= 0 {
		md = int64(r.cfg.MaxDemand)
	}
	bs := int64(st.BufferSize)
	if bs <= 0 {
		bs = int64(r.cfg.BufferSize)
	}
	if bs <= 0 {
		bs = 2 * md
	}
	s := &stageRunner[T]{
		r: r, e: r.e, st: st, component: "stage " + st.Name, in: in, out: out,
		last:      idx == len(r.p.Stages)-1,
		slot:      heldStage(idx),
		maxDemand: md, bufSize: bs,
		warnAt: int64(math.Ceil(BufferWarnAt * float64(bs))),
		stats:  &stageStats{name: st.Name, bufferSize: bs, maxDemand: md},
	}
	return s
}

func (s *stageRunner[T]) run(ctx context.Context) error {
	for {
		if s.busy {
			if err := s.process(ctx); err != nil {
				return err
			}
		}
		if err := s.flush(ctx); err != nil {
			return err
		}
		if s.failSent {
			return nil // the sink fails the run with the error sent
		}
		if s.inDone && s.buffered == 0 && !s.failing {
			close(s.out.ch)
			return nil
		}
		if !s.active && s.out.demand.n.Load() > 0 {
			s.active = true
		}
		s.request()
		in := s.in.ch
		if s.inDone || s.failing {
			in = nil
		}
		select {
		case b, ok := <-in:
			if !ok {
				s.inDone = true
				continue
			}
			if b.err != nil { // upstream failed: pass it on in order
				s.fail(b.err)
				continue
			}
			s.outstanding -= int64(len(b.recs))
			s.stats.outstanding.Store(s.outstanding)
			s.cur, s.busy, s.i, s.k, s.failed, s.offs = b, true, 0, 0, 0, nil
			if s.e.obs != nil {
				s.started = s.r.cfg.Clock.Now()
			}
			s.stats.in.Add(int64(len(b.recs)))
			s.request() // keep upstream busy while this batch is transformed
		case <-s.out.demand.wake:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// request grants upstream as much demand as MaxDemand and the free buffer
// allow, once downstream has shown demand.
func (s *stageRunner[T]) request() {
	if !s.active || s.inDone || s.failing {
		return
	}
	pending := s.buffered + s.outstanding
	if s.busy {
		pending += int64(len(s.cur.recs))
	}
	want := min(s.maxDemand-s.outstanding, s.bufSize-pending)
	if want <= 0 {
		return
	}
	s.outstanding += want
	storeMax(&s.stats.outstanding, &s.stats.peakOutstanding, s.outstanding)
	s.in.demand.grant(want)
}

// flush sends buffered records downstream as far as its demand goes, and
// an error batch behind them, which needs no demand.
func (s *stageRunner[T]) flush(ctx context.Context) error {
	for s.head < len(s.queue) {
		front := &s.queue[s.head]
		if front.err != nil {
			if err := s.out.send(ctx, *front); err != nil {
				return err
			}
			s.queue, s.head, s.failSent = nil, 0, true
			return nil
		}
		d := s.out.demand.take(int64(len(front.recs)))
		if d == 0 {
			return nil
		}
		s.active = true
		n := int(d)
		part := front.head(n)
		front.drop(n)
		if len(front.recs) == 0 {
			*front = batch[T]{}
			s.head++
			if s.head == len(s.queue) {
				s.queue, s.head = s.queue[:0], 0
			}
		}
		s.buffered -= d
		s.stats.buffered.Store(s.buffered)
		s.stats.out.Add(d)
		if s.warned && s.buffered < s.warnAt {
			s.warned = false
		}
		if err := s.out.send(ctx, part); err != nil {
			return err
		}
	}
	return nil
}

// fail queues err behind the transformed records, to go downstream once
// they have: from then on the stage reads no more input.
func (s *stageRunner[T]) fail(err error) {
	s.failing = true
	s.queue = append(s.queue, batch[T]{err: err})
}

// enqueue buffers a transformed batch, warning once the buffer reaches
// BufferWarnAt of its size.
func (s *stageRunner[T]) enqueue(b batch[T]) {
	if s.head > 0 && len(s.queue) == cap(s.queue) {
		n := copy(s.queue, s.queue[s.head:])
		clear(s.queue[n:])
		s.queue, s.head = s.queue[:n], 0
	}
	s.queue = append(s.queue, b)
	s.buffered += int64(len(b.recs))
	storeMax(&s.stats.buffered, &s.stats.peakBuffered, s.buffered)
	if !s.warned && s.buffered >= s.warnAt {
		s.warned = true
		s.e.emit(BufferFull{EventInfo: s.e.info(), Stage: s.st.Name, Buffered: int(s.buffered), Capacity: int(s.bufSize)})
	}
}
