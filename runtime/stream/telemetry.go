package stream

import (
	"log/slog"
	"time"
)

// Observer receives a pipeline's events. Implementations must be safe for
// concurrent use and quick: they are called synchronously from the
// pipeline's goroutines.
type Observer interface {
	Observe(Event)
}

// ObserverFunc adapts a function to the [Observer] interface.
type ObserverFunc func(Event)

// Observe calls f(e).
func (f ObserverFunc) Observe(e Event) { f(e) }

// Observers returns an Observer that passes every event to each of obs in
// turn, skipping nil ones.
func Observers(obs ...Observer) Observer {
	var list multiObserver
	for _, o := range obs {
		if o != nil {
			list = append(list, o)
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

type multiObserver []Observer

func (m multiObserver) Observe(e Event) {
	for _, o := range m {
		o.Observe(e)
	}
}

// Event is one telemetry event. The concrete types are the structs in this
// file; switch on them to read their fields.
type Event interface {
	// Info returns the pipeline the event is about and when it happened.
	Info() EventInfo
	// Kind names the event type in snake case, e.g. "chunk_fetched".
	Kind() string
	level() slog.Level
	attrs() []slog.Attr
}

// EventInfo is embedded in every event.
type EventInfo struct {
	// Pipeline is the ID of the pipeline the event is about.
	Pipeline ID
	// Name is the pipeline's name.
	Name string
	// Time is when the event happened, on the pipeline's clock.
	Time time.Time
}

// Info returns the event's header.
func (i EventInfo) Info() EventInfo { return i }

// Action names what an [Intervention] did.
type Action string

// The interventions.
const (
	ActionPause   Action = "pause"
	ActionResume  Action = "resume"
	ActionCancel  Action = "cancel"
	ActionStop    Action = "stop"
	ActionRestart Action = "restart"
	ActionDegrade Action = "degrade"
	ActionRestore Action = "restore"
)

// MemoryLevel grades a [MemoryWarning].
type MemoryLevel string

// The memory levels, in increasing severity.
const (
	MemoryDegraded MemoryLevel = "degraded"
	MemoryPaused   MemoryLevel = "paused"
	MemoryCritical MemoryLevel = "critical"
)

// PipelineStarted is emitted once the pipeline is registered and running.
type PipelineStarted struct {
	EventInfo
	ChunkSize   int
	MemoryLimit int64
}

// PipelineStopped is emitted last, with the final status and totals.
type PipelineStopped struct {
	EventInfo
	Status   Status
	Reason   string
	Err      error
	Counters Counters
	Duration time.Duration
}

// PipelineException reports a panic (Restarting tells whether the
// supervisor restarts the component) or the error that fails the pipeline
// (Fatal).
type PipelineException struct {
	EventInfo
	Component  string
	Err        error
	Reason     string
	Restarting bool
	Fatal      bool
}

// ChunkFetched is emitted for every chunk obtained from the source or the
// cache, after its lookups ran.
type ChunkFetched struct {
	EventInfo
	After, Next Position
	Limit       int
	Records     int
	Bytes       int64
	Duration    time.Duration
	Cached      bool
}

// FetchFailed is emitted for every failed fetch attempt. Attempt counts
// from 1; Final is set when no retry follows, otherwise Delay is the wait
// before the next attempt.
type FetchFailed struct {
	EventInfo
	After      Position
	Attempt    int
	MaxRetries int
	Delay      time.Duration
	Final      bool
	Err        error
}

// RecordFailed is emitted for every record skipped because its transform
// failed in a stage with SkipErrors.
type RecordFailed struct {
	EventInfo
	Stage  string
	Offset int64
	Err    error
}

// BatchTransformed is emitted by a stage for every batch it processed.
// Failed counts transform errors, Rejected counts records the aggregate
// hook rejected (for example past a group limit).
type BatchTransformed struct {
	EventInfo
	Stage                     string
	In, Out, Failed, Rejected int
	Duration                  time.Duration
}

// AggregationComputed is emitted after a stage's Aggregate hook consumed a
// batch, with the state its AggregateStatus hook reported.
type AggregationComputed struct {
	EventInfo
	Stage    string
	Records  int
	State    any
	Duration time.Duration
}

// GroupLimitReached is emitted once each time an aggregate reports a newly
// reached group limit.
type GroupLimitReached struct {
	EventInfo
	Stage    string
	Limit    int
	Rejected int64
}

// BufferFull is emitted when a stage's buffer reaches [BufferWarnAt] of its
// size; it is re-armed once the buffer drains below that.
type BufferFull struct {
	EventInfo
	Stage              string
	Buffered, Capacity int
}

// MemoryWarning reports memory pressure and the level reached.
type MemoryWarning struct {
	EventInfo
	Level        MemoryLevel
	Usage, Limit int64
	ChunkSize    int
}

// HealthCheck is emitted by a [Monitor] for every pipeline it checks.
type HealthCheck struct {
	EventInfo
	Status        Status
	Healthy       bool
	Problem       string
	Usage, Limit  int64
	SinceProgress time.Duration
}

// Throughput is emitted by a [Monitor] for every running pipeline it
// checks: records delivered to the sink since the previous check.
type Throughput struct {
	EventInfo
	Records   int64
	Interval  time.Duration
	PerSecond float64
}

// Intervention reports an action taken on a pipeline, By whom ("registry",
// "breaker", "monitor", "supervisor"), and why.
type Intervention struct {
	EventInfo
	Action Action
	By     string
	Reason string
}

// Paused is emitted when the producer actually stops at a chunk boundary;
// Offset is the source offset of the next record it will emit.
type Paused struct {
	EventInfo
	Offset int64
	Reason PauseReason
}

// Resumed is emitted when a paused producer goes on.
type Resumed struct {
	EventInfo
	Offset int64
}

// Kind implements [Event].
func (PipelineStarted) Kind() string { return "pipeline_started" }

// Kind implements [Event].
func (PipelineStopped) Kind() string { return "pipeline_stopped" }

// Kind implements [Event].
func (PipelineException) Kind() string { return "pipeline_exception" }

// Kind implements [Event].
func (ChunkFetched) Kind() string { return "chunk_fetched" }

// Kind implements [Event].
func (FetchFailed) Kind() string { return "fetch_failed" }

// Kind implements [Event].
func (RecordFailed) Kind() string { return "record_failed" }

// Kind implements [Event].
func (BatchTransformed) Kind() string { return "batch_transformed" }

// Kind implements [Event].
func (AggregationComputed) Kind() string { return "aggregation_computed" }

// Kind implements [Event].
func (GroupLimitReached) Kind() string { return "group_limit_reached" }

// Kind implements [Event].
func (BufferFull) Kind() string { return "buffer_full" }

// Kind implements [Event].
func (MemoryWarning) Kind() string { return "memory_warning" }

// Kind implements [Event].
func (HealthCheck) Kind() string { return "health_check" }

// Kind implements [Event].
func (Throughput) Kind() string { return "throughput" }

// Kind implements [Event].
func (Intervention) Kind() string { return "intervention" }

// Kind implements [Event].
func (Paused) Kind() string { return "paused" }

// Kind implements [Event].
func (Resumed) Kind() string { return "resumed" }
