package stream

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// process transforms the batch in hand, compacting kept records in place,
// hands them to the aggregate hook and buffers them. It resumes where it
// stopped if a panic interrupted it: records before i are done, their kept
// results sit in recs[:k], and recs[i] is untouched. Once ctx has ended it
// transforms no further record (it looks before each) and returns ctx's
// cause. A record that fails the run ends the batch there: the records
// kept before it go on, and the error behind them (see fail).
func (s *stageRunner[T]) process(ctx context.Context) error {
	b := &s.cur
	recs := b.recs
	stop, err := s.transform(ctx)
	if err != nil {
		return err
	}

	kept := batch[T]{recs: recs[:s.k:s.k], first: b.first}
	switch {
	case s.offs != nil:
		kept.offs = s.offs
	case b.offs != nil:
		kept.offs = b.offs[:s.k:s.k]
	}
	rejected, pass := 0, true
	if s.st.Aggregate != nil && s.k > 0 {
		if rejected, err = s.aggregate(kept.recs); err != nil {
			s.busy = false
			var pe *PanicError
			if errors.As(err, &pe) {
				return err // the hook may have applied part of the batch
			}
			// On records before the record error, if any: it goes on
			// instead of the batch, whose records it does not locate.
			stop, pass = err, false
		}
	}

	in, out := len(recs), s.k
	if dropped := in - out; dropped > 0 {
		s.e.inflight.Add(-int64(dropped))
	}
	if s.failed > 0 {
		s.e.failed.Add(int64(s.failed))
		s.stats.failed.Add(int64(s.failed))
	}
	failed := s.failed
	s.cur, s.busy, s.offs = batch[T]{}, false, nil
	if out > 0 && pass {
		s.enqueue(kept)
	}
	if s.e.obs != nil {
		s.e.emit(BatchTransformed{
			EventInfo: s.e.info(), Stage: s.st.Name, In: in, Out: out, Failed: failed, Rejected: rejected,
			Duration: s.r.cfg.Clock.Now().Sub(s.started),
		})
	}
	if stop != nil {
		s.fail(stop)
	}
	return nil
}

// transform runs the stage's transform over the batch in hand from s.i
// on. It returns the error of a record that fails the run, which ends the
// batch there, or ctx's cause once ctx has ended.
func (s *stageRunner[T]) transform(ctx context.Context) (stop, err error) {
	b := &s.cur
	recs := b.recs
	tr := s.st.Transform
	if tr == nil {
		s.i, s.k = len(recs), len(recs)
		return nil, nil
	}
	var pre []transformed[T]
	if s.i == 0 && s.st.Workers > 1 && s.st.NewTransform != nil && len(recs) >= 2*s.st.Workers {
		pre = s.parallel(ctx, recs)
	}
	for s.i < len(recs) {
		// Before every record: a slow transform must not keep a
		// cancelled pipeline going for a whole batch.
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		i := s.i
		var (
			out  T
			keep bool
			err  error
		)
		if pre != nil && pre[i].done {
			out, keep, err = pre[i].out, pre[i].keep, pre[i].err
		} else {
			out, keep, err = tr(recs[i])
		}
		s.i++
		if err != nil {
			s.failed++
			rerr := &RecordError{Stage: s.st.Name, Offset: b.offset(i), Err: err}
			if !s.st.SkipErrors || isFatal(err) {
				return rerr, nil
			}
			s.gap()
			s.e.emit(RecordFailed{EventInfo: s.e.info(), Stage: s.st.Name, Offset: rerr.Offset, Err: err})
			continue
		}
		if !keep {
			s.gap()
			continue
		}
		if s.offs != nil {
			s.offs = append(s.offs, b.offset(i))
		}
		recs[s.k] = out
		s.k++
	}
	return nil, nil
}

// gap notes that a record of the batch in hand was not kept: from here on
// kept records need their offsets spelled out, unless nothing downstream
// reads them.
func (s *stageRunner[T]) gap() {
	if s.offs != nil || s.last {
		return
	}
	s.offs = make([]int64, s.k, len(s.cur.recs))
	for j := range s.offs {
		s.offs[j] = s.cur.offset(j)
	}
}

// aggregate calls the aggregate hooks on a batch of kept records and
// reports how many records they rejected. Panics here are fatal: the hook
// may have applied part of the batch, so replaying it could count twice.
func (s *stageRunner[T]) aggregate(recs []T) (int, error) {
	var (
		st    AggregateStatus
		start = s.r.cfg.Clock.Now()
	)
	err := protect(s.component+" aggregate", true, func() error {
		if err := s.st.Aggregate(recs); err != nil {
			return fmt.Errorf("stage %q: aggregate: %w", s.st.Name, err)
		}
		if s.st.AggregateStatus != nil {
			st = s.st.AggregateStatus()
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.e.setHeld(s.slot, s.component, st.Held)
	rejected := st.Rejected - s.rejected
	s.rejected = st.Rejected
	if rejected > 0 {
		s.e.rejected.Add(rejected)
		s.stats.rejected.Add(rejected)
	}
	for ; s.limitHits < st.GroupLimitHits; s.limitHits++ {
		s.e.emit(GroupLimitReached{EventInfo: s.e.info(), Stage: s.st.Name, Limit: st.GroupLimit, Rejected: st.Rejected})
	}
	if s.e.obs != nil {
		s.e.emit(AggregationComputed{EventInfo: s.e.info(), Stage: s.st.Name, Records: len(recs), State: st.State, Duration: s.r.cfg.Clock.Now().Sub(start)})
	}
	return int(rejected), nil
}

// transformed is one record's result from a parallel worker.
type transformed[T any] struct {
	out  T
	keep bool
	err  error
	done bool // false: the worker did not get to it (it panicked first)
}

// parallel transforms recs on s.st.Workers goroutines, each over a
// contiguous share with its own transform. A worker that panics leaves the
// rest of its share undone; the caller transforms those records itself, so
// the supervisor sees the panic there, at the right record.
func (s *stageRunner[T]) parallel(ctx context.Context, recs []T) []transformed[T] {
	w := s.st.Workers
	for len(s.workerTr) < w {
		s.workerTr = append(s.workerTr, s.st.NewTransform())
	}
	res := make([]transformed[T], len(recs))
	share := (len(recs) + w - 1) / w
	var wg sync.WaitGroup
	for j := 0; j < w; j++ {
		lo, hi := j*share, min((j+1)*share, len(recs))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(tr func(T) (T, bool, error)) {
			defer wg.Done()
			defer func() { _ = recover() }() // redone sequentially by the caller
			for i := lo; i < hi; i++ {
				if ctx.Err() != nil {
					return // the caller sees ctx before the records left undone
				}
				r := &res[i]
				r.out, r.keep, r.err = tr(recs[i])
				r.done = true
			}
		}(s.workerTr[j])
	}
	wg.Wait()
	return res
}
