package stream

import "time"

// Snapshot is a read-only copy of a pipeline's state, safe to keep and to
// pass around: later changes to the pipeline do not show in it.
type Snapshot struct {
	ID   ID
	Name string
	// Status is the lifecycle state; PauseReason says who paused it.
	Status      Status
	PauseReason PauseReason
	// Reason condenses Err ("stalled", "fetch failed", "record error",
	// "panic", "cancelled", ...); both are empty unless the pipeline
	// failed or was cancelled.
	Reason string
	Err    error
	// Counters are the running totals.
	Counters Counters
	// StartedAt, FinishedAt (zero while active) and LastProgress, the last
	// time records moved, on the pipeline's clock.
	StartedAt, FinishedAt, LastProgress time.Time
	// ChunkSize is the chunk size in force; Degraded is set while the
	// memory breaker has shrunk it.
	ChunkSize int
	Degraded  bool
	// MemoryUsage is the live heap last attributed to the pipeline,
	// PeakMemory the highest seen, MemoryLimit its configured limit.
	MemoryUsage, PeakMemory, MemoryLimit int64
	// Producer shows the producer's demand and surplus.
	Producer ProducerSnapshot
	// Stages shows each stage's buffer and demand, in pipeline order.
	Stages []StageSnapshot
	// SinkDemand is the demand the sink has granted and not yet received.
	SinkDemand int64
}

// Counters are a pipeline's running totals.
type Counters struct {
	// RecordsIn counts records fetched from the source.
	RecordsIn int64
	// RecordsOut counts records the sink accepted.
	RecordsOut int64
	// Failed counts records skipped because a transform failed.
	Failed int64
	// Rejected counts records an aggregate hook rejected.
	Rejected int64
	// Chunks counts chunks fetched (cache hits included).
	Chunks int64
	// Bytes sums the Bytes the source reported for its chunks.
	Bytes int64
	// Retries counts fetch retries.
	Retries int64
	// Restarts counts components the supervisor restarted.
	Restarts int64
	// CacheHits counts chunks served by the cache.
	CacheHits int64
}

// ProducerSnapshot shows the producer's side of backpressure.
type ProducerSnapshot struct {
	// Demand is the demand granted by downstream and not yet served;
	// PeakDemand the highest it has been.
	Demand, PeakDemand int64
	// Surplus counts records fetched but not yet emitted.
	Surplus int64
	// Offset is the source offset of the next record to emit.
	Offset int64
}

// StageSnapshot shows one stage's side of backpressure.
type StageSnapshot struct {
	Name string
	// Buffered counts transformed records waiting for downstream demand,
	// PeakBuffered the most there have been, BufferSize the bound.
	Buffered, PeakBuffered, BufferSize int64
	// Outstanding is the demand the stage has granted upstream and not
	// yet received; PeakOutstanding the highest, MaxDemand the bound.
	Outstanding, PeakOutstanding, MaxDemand int64
	// In, Out, Failed and Rejected count the stage's records.
	In, Out, Failed, Rejected int64
}

// Duration is how long the pipeline ran, or has run so far.
func (s Snapshot) Duration() time.Duration {
	if s.FinishedAt.IsZero() {
		return s.LastProgress.Sub(s.StartedAt)
	}
	return s.FinishedAt.Sub(s.StartedAt)
}

func (e *entry) counters() Counters {
	return Counters{
		RecordsIn:  e.in.Load(),
		RecordsOut: e.out.Load(),
		Failed:     e.failed.Load(),
		Rejected:   e.rejected.Load(),
		Chunks:     e.chunks.Load(),
		Bytes:      e.bytes.Load(),
		Retries:    e.retries.Load(),
		Restarts:   e.restarts.Load(),
		CacheHits:  e.cacheHits.Load(),
	}
}

func (e *entry) snapshot() Snapshot {
	e.mu.Lock()
	if e.final != nil {
		s := *e.final
		e.mu.Unlock()
		s.Stages = append([]StageSnapshot(nil), s.Stages...)
		return s
	}
	s := Snapshot{
		ID:          e.id,
		Name:        e.name,
		Status:      e.statusNow(),
		PauseReason: e.pauseReason,
		Err:         e.err,
		StartedAt:   e.startedAt,
		FinishedAt:  e.finishedAt,
	}
	e.mu.Unlock()
	s.Reason = reasonOf(s.Err)
	s.Counters = e.counters()
	s.LastProgress = time.Unix(0, e.lastProgress.Load()).In(s.StartedAt.Location())
	s.ChunkSize = int(e.chunkSize.Load())
	s.Degraded = e.degraded.Load()
	s.MemoryUsage, s.PeakMemory, s.MemoryLimit = e.memUsage.Load(), e.peakMem.Load(), e.memLimit
	if g := e.producer.demand; g != nil {
		s.Producer.Demand, s.Producer.PeakDemand = g.n.Load(), g.peak.Load()
	}
	s.Producer.Surplus = e.producer.surplus.Load()
	s.Producer.Offset = e.producer.offset.Load()
	if e.sinkDemand != nil {
		s.SinkDemand = e.sinkDemand.n.Load()
	}
	for _, st := range e.stages {
		s.Stages = append(s.Stages, st.snapshot())
	}
	return s
}
