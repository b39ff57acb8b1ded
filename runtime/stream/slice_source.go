package stream

import (
	"context"
	"unsafe"
)

// SliceSource is an in-memory [Source] over a slice, for tests, examples
// and benchmarks. Every Fetch returns a fresh copy of the records asked
// for, so stages may transform them in place without touching Records.
type SliceSource[T any] struct {
	// Records are the source's records, in order.
	Records []T
	// ID, if set, is the source's cache identity (see [Identified]);
	// empty disables caching.
	ID string
	// Shared makes Fetch hand out sub-slices of Records instead of copies:
	// nothing is allocated, but stages transform Records itself. Meant for
	// benchmarks and for pipelines that own their data.
	Shared bool
}

// NewSliceSource returns a SliceSource over records.
func NewSliceSource[T any](records []T) *SliceSource[T] {
	return &SliceSource[T]{Records: records}
}

// Fetch returns up to limit records starting at after.Offset.
func (s *SliceSource[T]) Fetch(ctx context.Context, after Position, limit int) (Chunk[T], error) {
	if err := ctx.Err(); err != nil {
		return Chunk[T]{}, err
	}
	start := min(max(after.Offset, 0), int64(len(s.Records)))
	end := min(start+int64(max(limit, 0)), int64(len(s.Records)))
	recs := s.Records[start:end:end]
	if !s.Shared {
		recs = make([]T, end-start)
		copy(recs, s.Records[start:end])
	}
	var zero T
	return Chunk[T]{
		Records: recs,
		Next:    Position{Offset: end},
		Done:    end == int64(len(s.Records)),
		Bytes:   int64(len(recs)) * int64(unsafe.Sizeof(zero)),
	}, nil
}

// Identity returns s.ID.
func (s *SliceSource[T]) Identity() string { return s.ID }
