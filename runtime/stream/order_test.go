package stream

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	errBadData = errors.New("bad data")
	errSinkRec = errors.New("sink refused")
)

// badAtSource serves records 0..N-1 and fails permanently at offset BadAt,
// as a source meeting a bad record there does once it has returned the
// good records before it. The fetch at PanicAt panics once.
type badAtSource struct {
	N, BadAt, PanicAt int64
	panicked          atomic.Bool
}

func (s *badAtSource) Fetch(_ context.Context, after Position, limit int) (Chunk[rec], error) {
	if after.Offset == s.PanicAt && s.panicked.CompareAndSwap(false, true) {
		panic("fetch panics once")
	}
	if after.Offset == s.BadAt {
		return Chunk[rec]{}, Permanent(errBadData)
	}
	end := min(after.Offset+int64(limit), s.N)
	if after.Offset < s.BadAt {
		end = min(end, s.BadAt)
	}
	var ch Chunk[rec]
	for i := after.Offset; i < end; i++ {
		ch.Records = append(ch.Records, makeRec(i))
	}
	ch.Next, ch.Done = Position{Offset: end}, end == s.N
	return ch, nil
}

// failAt is a transform that fails on record id and, if panicAt is not
// negative, panics once on record panicAt.
func failAt(id, panicAt int64) func(r rec) (rec, bool, error) {
	var panicked atomic.Bool
	return func(r rec) (rec, bool, error) {
		if r.ID == panicAt && panicked.CompareAndSwap(false, true) {
			panic("transform panics once")
		}
		if r.ID == id {
			return r, false, fmt.Errorf("record %d: %w", id, errBadRecord)
		}
		return r, true, nil
	}
}

// Issue 15 item 10 (a sibling, on_error fail): a pipeline fails with the
// error of the earliest record, whatever the chunk size, demand and
// workers, and whichever component meets it: a fetch's error is delivered
// after the records fetched before it went through the stages and the
// sink, a stage's after the records before it reached the sink, so an
// error downstream on an earlier record wins; the sink sees exactly the
// records before the failing one, once each, through restarts.
func TestPipelineFailsAtEarliestRecord(t *testing.T) {
	sinkFailAt := func(id int64, got *collector) Sink[rec] {
		return func(ctx context.Context, b []rec) error {
			for i, r := range b {
				if r.ID == id {
					_ = got.sink(ctx, b[:i])
					return errSinkRec
				}
			}
			return got.sink(ctx, b)
		}
	}
	cases := []struct {
		name   string
		src    *badAtSource
		stages func() []Stage[rec]
		sinkAt int64 // -1: the sink fails on no record
		want   func(t *testing.T, err error)
		seen   int64 // records the sink must have seen: 0..seen-1
	}{{
		name: "fetch error", src: &badAtSource{N: 100, BadAt: 60, PanicAt: -1}, sinkAt: -1, seen: 60,
		stages: func() []Stage[rec] { return []Stage[rec]{{Name: "s"}} },
		want: func(t *testing.T, err error) {
			var fe *FetchError
			require.ErrorAs(t, err, &fe)
			require.ErrorIs(t, err, errBadData)
			assert.Equal(t, int64(60), fe.After.Offset)
		},
	}, {
		name: "stage before fetch", src: &badAtSource{N: 100, BadAt: 60, PanicAt: 30}, sinkAt: -1, seen: 20,
		stages: func() []Stage[rec] { return []Stage[rec]{{Name: "s", Transform: failAt(20, 5)}} },
		want:   wantRecordError("s", 20),
	}, {
		name: "sink before stage", src: &badAtSource{N: 100, BadAt: 60, PanicAt: -1}, sinkAt: 10, seen: 10,
		stages: func() []Stage[rec] { return []Stage[rec]{{Name: "s", Transform: failAt(12, -1)}} },
		want: func(t *testing.T, err error) {
			var se *SinkError
			require.ErrorAs(t, err, &se)
			require.ErrorIs(t, err, errSinkRec)
		},
	}, {
		name: "later stage before earlier", src: &badAtSource{N: 100, BadAt: 90, PanicAt: -1}, sinkAt: -1, seen: 25,
		stages: func() []Stage[rec] {
			return []Stage[rec]{{Name: "first", Transform: failAt(30, -1)}, {Name: "second", Transform: failAt(25, 3)}}
		},
		want: wantRecordError("second", 25),
	}, {
		name: "stage then producer restarts", src: &badAtSource{N: 100, BadAt: 70, PanicAt: 40}, sinkAt: -1, seen: 50,
		stages: func() []Stage[rec] { return []Stage[rec]{{Name: "s", Transform: failAt(50, 45)}} },
		want:   wantRecordError("s", 50),
	}}
	for _, c := range cases {
		for _, chunk := range []int{1, 3, 7, 64, 1000} {
			for _, workers := range []int{1, 3} {
				for _, demand := range []int{2, 1000} {
					name := fmt.Sprintf("%s/chunk %d/workers %d/demand %d", c.name, chunk, workers, demand)
					t.Run(name, func(t *testing.T) {
						src := &badAtSource{N: c.src.N, BadAt: c.src.BadAt, PanicAt: c.src.PanicAt}
						stages := c.stages()
						for i := range stages {
							if tr := stages[i].Transform; tr != nil && workers > 1 {
								stages[i].Workers, stages[i].NewTransform = workers, func() func(rec) (rec, bool, error) { return tr }
							}
						}
						got := &collector{}
						sink := got.sink
						if c.sinkAt >= 0 {
							sink = sinkFailAt(c.sinkAt, got)
						}
						s, err := Run(context.Background(), Pipeline[rec]{Source: src, Stages: stages, Sink: sink,
							Options: Options{ChunkSize: chunk, MaxDemand: demand}})
						c.want(t, err)
						assert.Equal(t, StatusFailed, s.Status)
						checkExactlyOnce(t, got.got(), int(c.seen))
					})
				}
			}
		}
	}
}

func wantRecordError(stage string, offset int64) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var re *RecordError
		require.ErrorAs(t, err, &re)
		require.ErrorIs(t, err, errBadRecord)
		assert.Equal(t, stage, re.Stage)
		assert.Equal(t, offset, re.Offset)
	}
}

// Issue 15 item 10 (a sibling): a lookup that fails for good on a record
// fails the run there, whatever the chunk size: the records before it go
// on, enriched, and its error after them; a stage's error on an earlier
// record wins.
func TestLookupFailsAtItsRecord(t *testing.T) {
	failOn := func(id int64) Lookup[rec] {
		return LookupFunc[rec](func(_ context.Context, chunk []rec) error {
			for i := range chunk {
				if chunk[i].ID == id {
					return Permanent(fmt.Errorf("record %d: %w", id, errBadData))
				}
			}
			for i := range chunk {
				chunk[i].CustName = fmt.Sprint("c", chunk[i].ID)
			}
			return nil
		})
	}
	for _, chunk := range []int{1, 2, 7, 64, 1000} {
		for _, stageAt := range []int64{-1, 30} {
			t.Run(fmt.Sprintf("chunk %d, stage fails at %d", chunk, stageAt), func(t *testing.T) {
				got := &collector{}
				_, err := Run(context.Background(), Pipeline[rec]{Source: newFaultSource(200), Lookups: []Lookup[rec]{failOn(60)},
					Stages: []Stage[rec]{{Name: "s", Transform: failAt(stageAt, -1)}}, Sink: got.sink,
					Options: Options{ChunkSize: chunk}})
				seen := 60
				if stageAt >= 0 {
					wantRecordError("s", stageAt)(t, err)
					seen = int(stageAt)
				} else {
					var fe *FetchError
					require.ErrorAs(t, err, &fe)
					require.ErrorIs(t, err, errBadData)
					require.EqualError(t, fe.Err, "lookup: record 60: bad data")
				}
				recs := got.got()
				checkExactlyOnce(t, recs, seen)
				for _, r := range recs {
					require.Equal(t, fmt.Sprint("c", r.ID), r.CustName, "enriched")
				}
			})
		}
	}
}
