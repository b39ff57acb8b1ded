package stream

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Position is a resumable cursor into a source: the number of records
// already delivered and, for sources that support keyset pagination, the key
// of the last record delivered. The zero Position is the start of the source.
type Position struct {
	// Offset is the number of records before this position.
	Offset int64
	// Key holds the keyset cursor (for example the last rowid, or the last
	// values of the declared order columns). Nil for offset-only sources.
	Key []any
}

// String renders the position deterministically; it is part of cache keys.
func (p Position) String() string {
	if len(p.Key) == 0 {
		return fmt.Sprintf("@%d", p.Offset)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "@%d", p.Offset)
	for _, k := range p.Key {
		fmt.Fprintf(&b, "|%T:%v", k, k)
	}
	return b.String()
}

// samePosition reports whether a and b print the same (see String),
// without printing them when their keys are integers or strings.
func samePosition(a, b Position) bool {
	if a.Offset != b.Offset || len(a.Key) != len(b.Key) {
		return false
	}
	for i, x := range a.Key {
		switch x.(type) {
		case int64, int, string:
			if x != b.Key[i] {
				return false
			}
		default:
			return a.String() == b.String()
		}
	}
	return true
}

// Chunk is what one Fetch returns.
type Chunk[T any] struct {
	// Records holds at most the limit asked for.
	Records []T
	// Next is the position just after the last record in Records.
	Next Position
	// Done reports that the source has no records after Next.
	Done bool
	// Bytes is the approximate size of the records as read from the source
	// (bytes of file or rows), or 0 when the source does not know. It feeds
	// the registry's byte counter, the cache's byte limit and the memory
	// breaker's attribution.
	Bytes int64
	// Read and Kept, for a pipeline whose Options.Summarizing is set, are
	// the records the source read for this chunk and those of them its
	// records summarise (not filtered out).
	Read, Kept int64
}

// Source is where a pipeline's records come from. Implementations must honour
// ctx (return promptly with ctx.Err() once it is done) and must be able to
// restart from any Position they have returned (the supervisor relies on it).
//
// The pipeline owns the Records slice a Fetch returns: stages transform
// records in place, so a source must not hand out a slice it keeps using.
// A pipeline never calls Fetch concurrently. Errors are retried unless they
// are marked with [Permanent].
type Source[T any] interface {
	// Fetch returns up to limit records that follow after.
	Fetch(ctx context.Context, after Position, limit int) (Chunk[T], error)
}

// Identified is implemented by sources that can name what determines their
// results (file, table, query and bound parameters). The chunk cache keys on
// it; sources that do not implement it are never cached.
type Identified interface {
	Identity() string
}

// Closer is implemented by sources holding resources (files, statements,
// database handles) that must be released when the pipeline ends.
type Closer interface {
	Close() error
}

// Lookup loads related records for a whole chunk at once (one batched query
// per chunk, never one per record) and enriches the records in place. A
// pipeline calls each of its lookups once per chunk, in order, after the
// chunk is fetched and before any of its records moves downstream; an error
// is retried together with the fetch. An error marked [Permanent] (bad
// data) belongs to the first record it fails on: the pipeline calls the
// lookups again on prefixes of the chunk to find it (so Load must give
// the same result for the same records), hands on the records before it
// and fails the run after them, whatever the chunk size.
type Lookup[T any] interface {
	Load(ctx context.Context, chunk []T) error
}

// LookupFunc adapts a function to the [Lookup] interface.
type LookupFunc[T any] func(ctx context.Context, chunk []T) error

// Load calls f(ctx, chunk).
func (f LookupFunc[T]) Load(ctx context.Context, chunk []T) error { return f(ctx, chunk) }

// Permanent marks err as not worth retrying (malformed data, a missing
// table): the producer fails at once instead of backing off. It returns nil
// for a nil err.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with
// [Permanent].
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }
