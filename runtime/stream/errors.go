package stream

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrStalled is the cause of a pipeline the health monitor failed for
	// making no progress within its StallTimeout.
	ErrStalled = errors.New("stalled")
	// ErrMemoryCritical is the cause of a pipeline the health monitor
	// stopped because its memory passed the critical level.
	ErrMemoryCritical = errors.New("memory critical")
	// ErrMemoryHeld is the cause of a pipeline the memory breaker failed:
	// it stayed at its MemoryLimit with nothing in flight while its
	// components held memory (see [Held]), which pausing the input cannot
	// free. The error is a [*MemoryError].
	ErrMemoryHeld = errors.New("memory held")
	// ErrTooManyRestarts is the cause of a pipeline whose producer or stages
	// panicked more than MaxRestarts times within RestartWindow.
	ErrTooManyRestarts = errors.New("too many restarts")
	// ErrFetchTimeout is the cause of a fetch that exceeded FetchTimeout.
	ErrFetchTimeout = errors.New("fetch timed out")
	// ErrNoCapacity is returned by Start when the registry already runs its
	// MaxPipelines.
	ErrNoCapacity = errors.New("no capacity for another pipeline")
	// ErrInsufficientMemory is returned by Start when the memory attributed
	// to the new pipeline already reaches its MemoryLimit.
	ErrInsufficientMemory = errors.New("insufficient memory to start")
	// ErrIllegalTransition is matched by every [*TransitionError].
	ErrIllegalTransition = errors.New("illegal status transition")
	// ErrNotFound is returned for an ID the registry does not hold.
	ErrNotFound = errors.New("pipeline not found")
	// ErrInvalidPipeline is returned by Start for a pipeline without a
	// source or a sink.
	ErrInvalidPipeline = errors.New("invalid pipeline")
)

// Fatal marks an error of a stage's Transform as the pipeline's, not the
// record's: it fails the pipeline even when the stage skips failing
// records (SkipErrors), as a limit of the run reached while transforming
// does. errors.As and errors.Is see through it.
func Fatal(err error) error { return &fatalError{err} }

type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// isFatal reports whether err was marked with Fatal.
func isFatal(err error) bool {
	var fe *fatalError
	return errors.As(err, &fe)
}

// RecordError reports a record whose transform failed: the stage, the
// record's 0-based offset in the source, and the cause.
type RecordError struct {
	// Stage is the name of the stage whose transform failed.
	Stage string
	// Offset is the record's 0-based offset in the source.
	Offset int64
	// Err is what the transform returned.
	Err error
}

// Error implements the error interface.
func (e *RecordError) Error() string {
	return fmt.Sprintf("stage %q: record %d: %v", e.Stage, e.Offset, e.Err)
}

// Unwrap returns the transform's error.
func (e *RecordError) Unwrap() error { return e.Err }

// FetchError reports a fetch that failed permanently: the position it
// started after, how many attempts were made, and the last cause.
type FetchError struct {
	// After is the position the failing fetch started after.
	After Position
	// Attempts counts the calls made, the first one included.
	Attempts int
	// Err is the last attempt's error.
	Err error
}

// Error implements the error interface.
func (e *FetchError) Error() string {
	return fmt.Sprintf("fetch after offset %d failed after %d attempt(s): %v", e.After.Offset, e.Attempts, e.Err)
}

// Unwrap returns the last attempt's error.
func (e *FetchError) Unwrap() error { return e.Err }

// PanicError is a recovered panic: which component panicked, with what
// value, and the goroutine's stack.
type PanicError struct {
	// Component is "producer", "stage NAME" or "sink".
	Component string
	// Value is what was passed to panic.
	Value any
	// Stack is the panicking goroutine's stack trace.
	Stack []byte
	// fatal marks panics that cannot be restarted without double-applying
	// side effects (aggregate hooks, the sink).
	fatal bool
}

// Error implements the error interface.
func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in %s: %v", e.Component, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// TransitionError is returned for a status change the registry refuses.
type TransitionError struct {
	// ID is the pipeline's.
	ID ID
	// From is the status it had, To the one refused.
	From, To Status
}

// Error implements the error interface.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("pipeline %v: cannot go from %v to %v", e.ID, e.From, e.To)
}

// Is matches [ErrIllegalTransition].
func (e *TransitionError) Is(target error) bool { return target == ErrIllegalTransition }

// SinkError wraps an error returned by a [Sink].
type SinkError struct{ Err error }

// Error implements the error interface.
func (e *SinkError) Error() string { return "sink: " + e.Err.Error() }

// Unwrap returns the sink's error.
func (e *SinkError) Unwrap() error { return e.Err }

func stalledError(d time.Duration) error {
	return fmt.Errorf("%w: no progress for %v", ErrStalled, d)
}

// reasonOf condenses a final error into the short reason shown in
// snapshots and events.
func reasonOf(err error) string {
	var (
		rec   *RecordError
		fetch *FetchError
		pan   *PanicError
		sink  *SinkError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrStalled):
		return "stalled"
	case errors.Is(err, ErrMemoryCritical):
		return "memory critical"
	case errors.Is(err, ErrMemoryHeld):
		return "memory held"
	case errors.Is(err, ErrTooManyRestarts):
		return "too many restarts"
	case errors.As(err, &fetch):
		return "fetch failed"
	case errors.As(err, &rec):
		return "record error"
	case errors.As(err, &pan):
		return "panic"
	case errors.As(err, &sink):
		return "sink failed"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return "error"
}
