package stream

import (
	"math/rand/v2"
	"time"
)

// Defaults applied to zero-valued [Options] and [Backoff] fields.
const (
	DefaultChunkSize           = 1000
	DefaultMaxRetries          = 3
	DefaultBackoffBase         = 100 * time.Millisecond
	DefaultBackoffCap          = 10 * time.Second
	DefaultBackoffJitter       = 0.5
	DefaultMaxDemand           = 1000
	DefaultMaxRestarts         = 10
	DefaultRestartWindow       = 60 * time.Second
	DefaultMemoryCheckInterval = 250 * time.Millisecond
	DefaultName                = "pipeline"
)

// Thresholds used by the memory breaker and the stage buffers, as fractions
// of the limit they apply to.
const (
	// DegradeAt is the share of Options.MemoryLimit at which the producer
	// shrinks its chunks to a quarter (degraded mode); it restores them once
	// usage is back under it.
	DegradeAt = 0.85
	// BufferWarnAt is the share of a stage's BufferSize at which it emits a
	// [BufferFull] event.
	BufferWarnAt = 0.85
)

// Options configures a pipeline. The zero value is valid: every field falls
// back to the default in its comment.
type Options struct {
	// Name labels the pipeline in snapshots, events and errors.
	// Default "pipeline".
	Name string
	// ChunkSize is how many records one source fetch asks for; records
	// beyond current demand are kept for later demand. Default 1000.
	ChunkSize int
	// Summarizing says that the source's records stand for others: partial
	// aggregates it computes while reading (a database's GROUP BY, a
	// scanner that aggregates as it parses). The counters then count what
	// the source read: RecordsIn sums the chunks' [Chunk.Read] and
	// RecordsOut their [Chunk.Kept], not the records; and a fetch that read
	// something (or moved its position) is progress, for the stall
	// detector, even when it returns no record yet.
	Summarizing bool
	// FirstChunk, if positive and smaller than ChunkSize, is the size of
	// the first fetch; each later fetch doubles it until it reaches
	// ChunkSize. The first records then reach the sink sooner — the first
	// rows of a report that streams its output — for the cost of a few
	// more fetches. Default 0: every fetch asks for ChunkSize.
	FirstChunk int
	// MaxRetries is how many times a failing fetch is retried before the
	// pipeline fails with a [*FetchError]. Default 3; negative: no retries.
	MaxRetries int
	// Backoff spaces the retries; see [Backoff] for its defaults.
	Backoff Backoff
	// FetchTimeout bounds one fetch together with its lookups; a fetch that
	// exceeds it is cancelled and retried. Default 0: no timeout.
	FetchTimeout time.Duration
	// MemoryLimit is the most live heap, in bytes, attributed to this
	// pipeline (see [Registry] for the attribution). At [DegradeAt] of it
	// chunks shrink; at 100% the producer pauses and a [MemoryWarning] is
	// emitted until usage drops. A pause that cannot help fails the
	// pipeline with a [*MemoryError] ([ErrMemoryHeld]) at the next
	// MemoryCheckInterval: when nothing is left in flight and the memory is
	// held by the pipeline's own components ([Held]). Default 0: no limit.
	MemoryLimit int64
	// MemoryCheckInterval is how often a producer paused by the memory
	// breaker measures again. Default 250ms.
	MemoryCheckInterval time.Duration
	// Cache, if set, serves repeated fetches of sources that implement
	// [Identified]. Default nil: no caching.
	Cache *Cache
	// Registry tracks the pipeline. Default nil: a private registry, which
	// the pipeline's [Handle] still reaches.
	Registry *Registry
	// Observer receives the pipeline's events. It is called synchronously
	// from the pipeline's goroutines, concurrently, and must be quick.
	// Default nil: no events are built.
	Observer Observer
	// Clock is the pipeline's time source. Default: the registry's clock.
	Clock Clock
	// MaxDemand is the most records the sink asks for at once, and the
	// default MaxDemand of every stage. Default 1000.
	MaxDemand int
	// BufferSize is the default BufferSize of every stage. Default: twice
	// the stage's MaxDemand.
	BufferSize int
	// MaxRestarts is how many panics of the producer or a stage the
	// supervisor recovers within RestartWindow before the pipeline fails.
	// Default 10; negative: never restart.
	MaxRestarts int
	// RestartWindow is the sliding window MaxRestarts counts in.
	// Default 60s.
	RestartWindow time.Duration
}

// Backoff spaces the retries of a failing fetch: the n-th retry waits
// Base·2ⁿ⁻¹, capped at Cap, minus a random part of up to Jitter of it.
type Backoff struct {
	// Base is the wait before the first retry. Default 100ms.
	Base time.Duration
	// Cap bounds every wait. Default 10s.
	Cap time.Duration
	// Jitter is the fraction of each wait that is randomised, in (0, 1].
	// Default 0.5; negative: no jitter.
	Jitter float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = DefaultBackoffBase
	}
	if b.Cap <= 0 {
		b.Cap = DefaultBackoffCap
	}
	if b.Cap < b.Base {
		b.Cap = b.Base
	}
	if b.Jitter == 0 {
		b.Jitter = DefaultBackoffJitter
	}
	if b.Jitter > 1 {
		b.Jitter = 1
	}
	return b
}

// Delay returns the wait before retry number retry (1 for the first retry),
// with the defaults applied.
func (b Backoff) Delay(retry int) time.Duration {
	b = b.withDefaults()
	d := b.Base
	for i := 1; i < retry && d < b.Cap; i++ {
		d *= 2
	}
	d = min(d, b.Cap)
	if b.Jitter > 0 {
		d -= time.Duration(rand.Float64() * b.Jitter * float64(d))
	}
	return d
}

// config is Options with every default resolved.
type config struct {
	Options
	maxRetries int
}

// resolve applies the defaults; o.Registry must be set.
func (o Options) resolve() config {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	c := config{maxRetries: o.MaxRetries}
	switch {
	case o.MaxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		c.maxRetries = 0
	}
	o.Backoff = o.Backoff.withDefaults()
	if o.MemoryCheckInterval <= 0 {
		o.MemoryCheckInterval = DefaultMemoryCheckInterval
	}
	if o.Clock == nil {
		o.Clock = o.Registry.clock
	}
	if o.MaxDemand <= 0 {
		o.MaxDemand = DefaultMaxDemand
	}
	if o.MaxRestarts == 0 {
		o.MaxRestarts = DefaultMaxRestarts
	}
	if o.RestartWindow <= 0 {
		o.RestartWindow = DefaultRestartWindow
	}
	c.Options = o
	return c
}

// degradedChunk is the chunk size used in degraded mode.
func degradedChunk(size int) int { return max(1, size/4) }
