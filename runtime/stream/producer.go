package stream

import (
	"context"
	"errors"
	"time"
)

// producer pulls chunks from the source and emits exactly the demand its
// downstream granted, accumulated across requests. Records fetched beyond
// the demand stay in surplus for later demand. All its state survives a
// restart by the supervisor: everything before surplus has been emitted
// (committed), so a restarted producer goes on from next without losing or
// repeating a record.
type producer[T any] struct {
	r   *run[T]
	e   *entry
	out *link[T]

	surplus  []T      // fetched, not yet emitted
	offset   int64    // source offset of surplus[0]
	next     Position // where the next fetch starts
	done     bool     // the source has nothing after next
	chunk    int      // chunk size in force
	ramp     int      // the next fetch's size while it is below chunk (Options.FirstChunk)
	degraded bool
	failure  *FetchError  // a fetch's error to send once surplus, the records before it, is emitted
	failed   bool         // a fetch failed for good: its error went downstream
	ident    string       // cache identity; "" when not cached
	holder   MemoryHolder // the source, when it holds memory of its own
}

func newProducer[T any](r *run[T], out *link[T]) *producer[T] {
	p := &producer[T]{r: r, e: r.e, out: out, chunk: r.cfg.ChunkSize, ramp: r.cfg.FirstChunk}
	if r.cfg.Cache != nil {
		p.ident, _ = identity(r.p.Source)
	}
	p.holder, _ = r.p.Source.(MemoryHolder)
	return p
}

func (p *producer[T]) run(ctx context.Context) error {
	if p.failed {
		return nil
	}
	for {
		// Chunk boundary: honour a pause before emitting or fetching.
		if err := p.waitWhilePaused(ctx); err != nil {
			return err
		}
		if len(p.surplus) == 0 && p.failure != nil {
			return p.fetchFailed(ctx, p.failure)
		}
		if len(p.surplus) == 0 && p.done {
			close(p.out.ch)
			return nil
		}
		ok, err := p.out.awaitDemand(ctx, p.e.pauseSig)
		if err != nil {
			return err
		}
		if !ok {
			continue // a pause was requested; look again
		}
		if len(p.surplus) == 0 {
			if p.checkMemory() {
				continue // the breaker paused the pipeline
			}
			if err := p.fetch(ctx); err != nil {
				return p.fetchFailed(ctx, err)
			}
			continue
		}
		n := int(p.out.demand.take(int64(len(p.surplus))))
		b := batch[T]{recs: p.surplus[:n:n], first: p.offset}
		if n == len(p.surplus) {
			p.surplus = nil // let the chunk go once downstream is done with it
		} else {
			p.surplus = p.surplus[n:]
		}
		p.offset += int64(n)
		p.e.producer.surplus.Store(int64(len(p.surplus)))
		p.e.producer.offset.Store(p.offset)
		p.e.progress()
		if err := p.out.send(ctx, b); err != nil {
			return err
		}
	}
}

// fetchFailed sends a fetch's final error downstream, behind the records
// emitted before it, for the sink to fail the run with once they have gone
// through the stages (which fail first on an earlier record); the producer
// then ends. Other errors (the context's) are returned as they are.
func (p *producer[T]) fetchFailed(ctx context.Context, err error) error {
	var fe *FetchError
	if !errors.As(err, &fe) || ctx.Err() != nil {
		return err
	}
	p.failed = true // a restart sends nothing more
	return p.out.send(ctx, batch[T]{err: err})
}

// waitWhilePaused blocks while the pipeline is paused. A pause by the
// memory breaker is lifted here once the attributed memory is back under
// the limit, and fails the pipeline when pausing cannot help (see
// entry.heldError).
func (p *producer[T]) waitWhilePaused(ctx context.Context) error {
	announced := false
	for {
		paused, reason, resume := p.e.pauseState()
		if !paused {
			if announced {
				p.e.emit(Resumed{EventInfo: p.e.info(), Offset: p.offset})
			}
			return nil
		}
		if !announced {
			announced = true
			p.e.emit(Paused{EventInfo: p.e.info(), Offset: p.offset, Reason: reason})
		}
		var (
			timer Timer
			poll  <-chan time.Time
		)
		if reason == PauseMemory {
			timer = p.r.cfg.Clock.NewTimer(p.r.cfg.MemoryCheckInterval)
			poll = timer.C()
		}
		select {
		case <-resume:
		case <-poll:
			if err := p.pollMemory(); err != nil {
				return err
			}
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return context.Cause(ctx)
		}
		if timer != nil {
			timer.Stop()
		}
	}
}
