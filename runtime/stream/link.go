package stream

import (
	"context"
	"sync/atomic"
)

// linkCapacity is how many batches may sit in a link's channel. It does not
// bound records: upstream only sends what downstream demanded, so the
// records in a link never exceed the demand granted on it.
const linkCapacity = 8

// gate carries demand upstream: downstream grants, upstream takes. Only
// downstream adds and only upstream subtracts, so the two never race.
type gate struct {
	n    atomic.Int64
	peak atomic.Int64
	wake chan struct{} // capacity 1: demand grew
}

func newGate() *gate { return &gate{wake: make(chan struct{}, 1)} }

// grant adds n to the demand and wakes upstream.
func (g *gate) grant(n int64) {
	v := g.n.Add(n)
	for p := g.peak.Load(); v > p && !g.peak.CompareAndSwap(p, v); p = g.peak.Load() {
	}
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// take removes up to limit from the demand and returns how much it took.
func (g *gate) take(limit int64) int64 {
	n := min(g.n.Load(), limit)
	if n > 0 {
		g.n.Add(-n)
	}
	return n
}

// batch is what crosses goroutines: a slice of records and where in the
// source they came from, or an error that ends the input in order.
type batch[T any] struct {
	recs  []T
	first int64   // source offset of recs[0], when offs is nil
	offs  []int64 // per-record source offsets, once filtering broke contiguity
	// err, when set, is a failure met at this point of the input (a fetch
	// that failed, a record whose transform failed): the batch holds no
	// record and is the last its sender sends. It travels behind the
	// records before it, so that a failure downstream of them, on an
	// earlier record, is met first; the sink fails the run with it.
	err error
}

func (b batch[T]) offset(i int) int64 {
	if b.offs != nil {
		return b.offs[i]
	}
	return b.first + int64(i)
}

// head returns the first n records as a batch of their own.
func (b batch[T]) head(n int) batch[T] {
	h := batch[T]{recs: b.recs[:n:n], first: b.first}
	if b.offs != nil {
		h.offs = b.offs[:n:n]
	}
	return h
}

// drop removes the first n records.
func (b *batch[T]) drop(n int) {
	b.recs = b.recs[n:]
	b.first += int64(n)
	if b.offs != nil {
		b.offs = b.offs[n:]
	}
}

// link joins a component to the one downstream of it.
type link[T any] struct {
	demand *gate
	ch     chan batch[T]
}

func newLink[T any]() *link[T] {
	return &link[T]{demand: newGate(), ch: make(chan batch[T], linkCapacity)}
}

// send delivers b downstream. It only blocks while the channel is full,
// which downstream always drains, since it asked for these records (or,
// for an error batch, reads up to it unless it failed first, which ends
// ctx).
func (l *link[T]) send(ctx context.Context, b batch[T]) error {
	select {
	case l.ch <- b:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// awaitDemand blocks until downstream has granted demand, interrupt fires,
// or ctx is done. It reports whether there is demand.
func (l *link[T]) awaitDemand(ctx context.Context, interrupt <-chan struct{}) (bool, error) {
	for l.demand.n.Load() == 0 {
		select {
		case <-l.demand.wake:
		case <-interrupt:
			return false, nil
		case <-ctx.Done():
			return false, context.Cause(ctx)
		}
	}
	return true, nil
}
