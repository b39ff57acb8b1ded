package source

import "github.com/reportsh/reportsh/runtime/value"

// Recycler gives the storage of records a consumer has finished with back
// to the source that made them, so that a long run reuses a few chunks'
// worth of record slots instead of allocating slots for every record (and
// the garbage collector has that much less to do).
//
// With a Recycler in [Config], a source carves the records of each Fetch
// from one slab that is tagged as the Recycler's. The consumer calls Done
// with the records it has processed, in the order it received them; once a
// record of a later fetch arrives, every record of the earlier fetches is
// finished, and their slabs go back to the source. The consumer must not
// keep a record (or a slice of one) after passing a later one to Done, nor
// use records after End. Values inside the records (strings, decimals) are
// not recycled and may be kept.
//
// A source and its consumer may call a Recycler from two goroutines (Fetch
// on one, Done and End on the other); Done and End must not be called
// concurrently with each other.
type Recycler struct {
	free chan *slabTag
	cur  *slabTag // the slab of the records passed to Done last
}

// slabTag marks the slab a record belongs to; it sits in the record's last
// slot of capacity, out of reach of appends up to its stride. It also
// keeps the fetch's slice of records, reused with the slab.
type slabTag struct {
	slab []any
	recs []value.Record
}

// recyclerFree is the number of finished slabs kept for reuse: enough for
// the chunks a pipeline has in flight.
const recyclerFree = 8

// NewRecycler returns an empty Recycler.
func NewRecycler() *Recycler { return &Recycler{free: make(chan *slabTag, recyclerFree)} }

// Done tells the Recycler that rec (and every record passed before it) has
// been processed. Records that did not come from a recycling source are
// ignored.
func (r *Recycler) Done(rec value.Record) {
	if r == nil || cap(rec) == 0 {
		return
	}
	t, ok := rec[:cap(rec)][cap(rec)-1].(*slabTag)
	if !ok || t == r.cur {
		return
	}
	r.End()
	r.cur = t
}

// End releases the slab of the records passed to Done last: the consumer
// has finished with every record.
func (r *Recycler) End() {
	if r == nil || r.cur == nil {
		return
	}
	t := r.cur
	r.cur = nil
	clear(t.slab) // drop the values, and the tags, for the garbage collector
	clear(t.recs[:cap(t.recs)])
	t.recs = t.recs[:0]
	select {
	case r.free <- t:
	default: // enough kept already
	}
}

// get returns a tag whose slab has n cleared slots, reused if one is free.
// Its recs is empty.
func (r *Recycler) get(n int) *slabTag {
	select {
	case t := <-r.free:
		if cap(t.slab) >= n {
			t.slab = t.slab[:n]
			return t
		}
	default:
	}
	return &slabTag{slab: make([]any, n)}
}
