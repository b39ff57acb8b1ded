package stream

import (
	"context"
	"errors"
	"fmt"
	"time"
)

var errNoProgress = errors.New("source returned an empty chunk without advancing or finishing")

// fetch obtains the next chunk (from the cache or the source), runs the
// lookups over it and makes it the surplus. A failing attempt is retried
// with backoff, up to MaxRetries times, waiting on the pipeline's clock so
// that only this pipeline waits.
func (p *producer[T]) fetch(ctx context.Context) error {
	cfg := &p.r.cfg
	limit := p.chunk
	if p.ramp > 0 && p.ramp < limit { // slow start: FirstChunk, doubling
		limit = p.ramp
		p.ramp *= 2
	}
	for attempt := 1; ; attempt++ {
		start := cfg.Clock.Now()
		ch, cached, err := p.fetchOnce(ctx, limit)
		var part *partialChunk
		if err == nil || errors.As(err, &part) {
			after := p.next
			p.accept(ch, limit, cached, cfg.Clock.Now().Sub(start))
			if p.holder != nil {
				p.e.setHeld(heldSource, "source", p.holder.HeldMemory())
			}
			if part != nil { // the records before the failing one, then its error
				p.e.emit(FetchFailed{EventInfo: p.e.info(), After: after, Attempt: attempt, MaxRetries: cfg.maxRetries, Final: true, Err: part.err})
				p.failure = &FetchError{After: after, Attempts: attempt, Err: part.err}
			}
			return nil
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if IsPermanent(err) || attempt > cfg.maxRetries {
			p.e.emit(FetchFailed{EventInfo: p.e.info(), After: p.next, Attempt: attempt, MaxRetries: cfg.maxRetries, Final: true, Err: err})
			return &FetchError{After: p.next, Attempts: attempt, Err: err}
		}
		delay := cfg.Backoff.Delay(attempt)
		p.e.retries.Add(1)
		timer := cfg.Clock.NewTimer(delay) // armed before the event, so observers can advance a manual clock
		p.e.emit(FetchFailed{EventInfo: p.e.info(), After: p.next, Attempt: attempt, MaxRetries: cfg.maxRetries, Delay: delay, Err: err})
		select {
		case <-timer.C():
		case <-ctx.Done():
			timer.Stop()
			return context.Cause(ctx)
		}
	}
}

// fetchOnce makes one attempt: cache or source, then the lookups, all
// under FetchTimeout.
func (p *producer[T]) fetchOnce(ctx context.Context, limit int) (Chunk[T], bool, error) {
	cfg := &p.r.cfg
	if cfg.FetchTimeout > 0 {
		fctx, cancel := context.WithCancelCause(ctx)
		timer := cfg.Clock.AfterFunc(cfg.FetchTimeout, func() {
			cancel(fmt.Errorf("%w after %v", ErrFetchTimeout, cfg.FetchTimeout))
		})
		defer timer.Stop()
		defer cancel(nil)
		ch, cached, err := p.load(fctx, limit)
		if err != nil && ctx.Err() == nil && fctx.Err() != nil {
			err = context.Cause(fctx) // the timeout, not the source's rendering of it
		}
		return ch, cached, err
	}
	return p.load(ctx, limit)
}

func (p *producer[T]) load(ctx context.Context, limit int) (Chunk[T], bool, error) {
	var key cacheKey
	ch, cached := Chunk[T]{}, false
	if p.ident != "" {
		key = cacheKey{identity: p.ident, position: p.next.String(), limit: limit}
		ch, cached = cacheGet[T](p.r.cfg.Cache, key)
	}
	if !cached {
		var err error
		ch, err = p.r.p.Source.Fetch(ctx, p.next, limit)
		if err != nil {
			return Chunk[T]{}, false, err
		}
		if len(ch.Records) > limit {
			return Chunk[T]{}, false, Permanent(fmt.Errorf("source returned %d records for a limit of %d", len(ch.Records), limit))
		}
		if len(ch.Records) == 0 && !ch.Done && samePosition(ch.Next, p.next) {
			return Chunk[T]{}, false, Permanent(errNoProgress)
		}
		if p.ident != "" {
			cachePut(p.r.cfg.Cache, key, ch)
		}
	}
	if err := p.lookup(ctx, ch.Records); err != nil {
		if !IsPermanent(err) || len(ch.Records) < 2 || ctx.Err() != nil {
			return Chunk[T]{}, false, err
		}
		n, err := p.failingPrefix(ctx, ch.Records, err)
		if n == 0 {
			return Chunk[T]{}, false, err
		}
		ch.Records = ch.Records[:n]
		return ch, cached, &partialChunk{err}
	}
	return ch, cached, nil
}

// lookup runs the lookups over recs, in order.
func (p *producer[T]) lookup(ctx context.Context, recs []T) error {
	for _, l := range p.r.p.Lookups {
		if err := l.Load(ctx, recs); err != nil {
			return fmt.Errorf("lookup: %w", err)
		}
	}
	return nil
}

// failingPrefix finds, for records whose lookups fail for good with err,
// the first record whose lookups fail (they fail for every prefix that
// holds it), so that the records before it go on and the error comes
// after them, in input order, whatever the chunk size. It returns how many
// come before it, their lookups run, and its error; 0 and an error when
// the first record fails or a lookup fails otherwise.
func (p *producer[T]) failingPrefix(ctx context.Context, recs []T, err error) (int, error) {
	lo, hi := 0, len(recs) // the lookups of recs[:lo] succeed, those of recs[:hi] fail with err
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		switch merr := p.lookup(ctx, recs[:mid]); {
		case merr == nil:
			lo = mid
		case IsPermanent(merr) && ctx.Err() == nil:
			hi, err = mid, merr
		default:
			return 0, merr
		}
	}
	if lo > 0 {
		if lerr := p.lookup(ctx, recs[:lo]); lerr != nil {
			return 0, lerr
		}
	}
	return lo, err
}

// partialChunk is the error of a fetch whose chunk holds the records
// before the one its lookups failed on, with err.
type partialChunk struct{ err error }

func (e *partialChunk) Error() string { return e.err.Error() }
func (e *partialChunk) Unwrap() error { return e.err }

// accept makes a fetched chunk the surplus and accounts for it.
func (p *producer[T]) accept(ch Chunk[T], limit int, cached bool, took time.Duration) {
	n := len(ch.Records)
	after := p.next
	if n > 0 {
		p.surplus = ch.Records
	}
	p.next, p.done = ch.Next, ch.Done
	e := p.e
	if p.r.cfg.Summarizing {
		e.in.Add(ch.Read)
		e.out.Add(ch.Kept)
		if ch.Read > 0 || !samePosition(ch.Next, after) {
			e.progress() // the source read something
		}
	} else {
		e.in.Add(int64(n))
	}
	e.chunks.Add(1)
	e.bytes.Add(ch.Bytes)
	if cached {
		e.cacheHits.Add(1)
	}
	if n > 0 && ch.Bytes > 0 {
		e.recBytes.Store(max(1, ch.Bytes/int64(n)))
	}
	e.inflight.Add(int64(n))
	e.producer.surplus.Store(int64(n))
	if e.obs != nil {
		e.emit(ChunkFetched{EventInfo: e.info(), After: after, Next: ch.Next, Limit: limit, Records: n, Bytes: ch.Bytes, Duration: took, Cached: cached})
	}
}

// identity returns the cache identity of src, if it has one.
func identity(src any) (string, bool) {
	if id, ok := src.(Identified); ok {
		if s := id.Identity(); s != "" {
			return s, true
		}
	}
	return "", false
}
