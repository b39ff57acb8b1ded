// Package stream moves batches of records from a [Source] through stages to
// a sink with demand-driven backpressure: the sink asks for records, every
// stage asks upstream for at most its MaxDemand, and the producer fetches from
// the source in chunks and emits exactly what was asked for.
//
// The package knows nothing of report scripts; it is generic over the record
// type. A [Registry] tracks every pipeline's status and counters, a health
// monitor watches them on an injectable clock, and a supervisor restarts
// crashed producers and stages from their last committed position.
//
// # Shape of a run
//
// [Run] (or [Start]) wires one goroutine per component:
//
//	source ─Fetch→ producer ─batch→ stage 1 ─batch→ … ─batch→ sink
//	               producer ←demand─ stage 1 ←demand─ … ←demand─ sink
//
// Records cross goroutines in slices, never one by one, and the runtime
// allocates nothing per record: stages transform in place and compact the
// records they keep. Demand flows the other way as counts. The sink grants
// Options.MaxDemand and re-grants only as batches return from the [Sink]
// function, so a slow sink slows everything upstream; a stage grants
// upstream no more than its MaxDemand and never more than its free buffer,
// so it holds at most BufferSize transformed records; the producer emits no
// more than the demand it has been granted, accumulated across requests,
// and keeps what a chunk holds beyond it for later demand. Memory is thus
// bounded by configuration, not by the size of the input.
//
// # Control
//
// Pause (through the [Registry] or the [Handle]) takes effect at the
// producer's next chunk boundary: records already emitted drain to the sink,
// nothing further is emitted, and demand arriving meanwhile is served after
// Resume, from exactly the record where the producer stopped. Cancelling the
// context, [Handle.Cancel] or [Registry.Cancel] stops every component; Run
// returns only after every goroutine has exited and the source has been
// closed.
//
// # Failures
//
// A failing fetch is retried with exponential backoff and jitter
// ([Backoff]) up to Options.MaxRetries times, then fails the pipeline with a
// [*FetchError]; errors marked [Permanent] are not retried. A fetch that
// exceeds Options.FetchTimeout is cancelled and retried. A transform error
// fails the run with a [*RecordError] naming the stage and the record's
// source offset, or, with Stage.SkipErrors, skips and counts the record.
// Both fail the run in input order: the error travels down behind the
// records before it, which go through the remaining stages and the sink
// first, so the run fails with the error of the earliest record, whichever
// component meets it and whatever the chunk size and workers (a source
// that meets a bad record after good ones returns those first). A
// panic in the source, a lookup or a transform is recovered and the
// component restarted where it stopped (the supervisor), up to
// Options.MaxRestarts within Options.RestartWindow. Panics in aggregate
// hooks and sinks are fatal, since replaying them could apply a batch twice.
//
// # Memory
//
// With Options.MemoryLimit set, the producer measures the live heap
// attributed to its pipeline (see [RuntimeMemory] and [Registry]) before
// every fetch: at [DegradeAt] of the limit it fetches quarter-size chunks,
// at the limit it pauses and emits a [MemoryWarning] until usage drops.
// Pausing frees only the records in flight: memory a component holds
// beyond them (an aggregate's groups, reported in [AggregateStatus].Held;
// a source's, through [MemoryHolder]) stays. So once nothing is in flight
// and usage, measured again after a garbage collection ([MemorySettler]),
// is still at the limit while components hold memory, the pipeline fails
// with a [*MemoryError] that names them ([ErrMemoryHeld]) instead of
// waiting. A [Monitor] adds registry-wide thresholds: it pauses pipelines
// past MonitorOptions.PauseAt, resumes them below ResumeAt (failing them
// in the same way when that cannot happen) and stops them at CriticalAt,
// and fails pipelines that make no progress for StallTimeout.
//
// # Telemetry
//
// An [Observer] receives typed events ([PipelineStarted], [ChunkFetched],
// [BatchTransformed], [Intervention], …), each carrying the pipeline's ID;
// [SlogObserver] logs them. [Snapshot] is the read-only view of a
// pipeline's status, counters, times, memory and per-stage backpressure.
package stream
