package stream

import (
	"context"
	"log/slog"
)

// SlogObserver returns an [Observer] that logs every event to l: the message
// is the event's Kind, the attributes its fields plus "pipeline" and "name".
// Failures and warnings log at Warn or Error, lifecycle events at Info and
// per-chunk or per-batch events at Debug.
func SlogObserver(l *slog.Logger) Observer {
	return ObserverFunc(func(e Event) {
		lvl := e.level()
		if !l.Enabled(context.Background(), lvl) {
			return
		}
		info := e.Info()
		attrs := append([]slog.Attr{
			slog.Uint64("pipeline", uint64(info.Pipeline)),
			slog.String("name", info.Name),
		}, e.attrs()...)
		l.LogAttrs(context.Background(), lvl, e.Kind(), attrs...)
	})
}

func errAttr(err error) slog.Attr {
	if err == nil {
		return slog.String("err", "")
	}
	return slog.String("err", err.Error())
}

func (PipelineStarted) level() slog.Level { return slog.LevelInfo }
func (e PipelineStarted) attrs() []slog.Attr {
	return []slog.Attr{slog.Int("chunk_size", e.ChunkSize), slog.Int64("memory_limit", e.MemoryLimit)}
}

func (e PipelineStopped) level() slog.Level {
	if e.Status == StatusFailed {
		return slog.LevelError
	}
	return slog.LevelInfo
}
func (e PipelineStopped) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("status", e.Status.String()), slog.String("reason", e.Reason), errAttr(e.Err),
		slog.Int64("records_in", e.Counters.RecordsIn), slog.Int64("records_out", e.Counters.RecordsOut),
		slog.Int64("failed", e.Counters.Failed), slog.Int64("rejected", e.Counters.Rejected),
		slog.Int64("chunks", e.Counters.Chunks), slog.Duration("duration", e.Duration),
	}
}

func (PipelineException) level() slog.Level { return slog.LevelError }
func (e PipelineException) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("component", e.Component), errAttr(e.Err), slog.String("reason", e.Reason),
		slog.Bool("restarting", e.Restarting), slog.Bool("fatal", e.Fatal),
	}
}

func (ChunkFetched) level() slog.Level { return slog.LevelDebug }
func (e ChunkFetched) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("after", e.After.String()), slog.String("next", e.Next.String()),
		slog.Int("limit", e.Limit), slog.Int("records", e.Records), slog.Int64("bytes", e.Bytes),
		slog.Duration("duration", e.Duration), slog.Bool("cached", e.Cached),
	}
}

func (FetchFailed) level() slog.Level { return slog.LevelWarn }
func (e FetchFailed) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("after", e.After.String()), slog.Int("attempt", e.Attempt),
		slog.Int("max_retries", e.MaxRetries), slog.Duration("delay", e.Delay),
		slog.Bool("final", e.Final), errAttr(e.Err),
	}
}

func (RecordFailed) level() slog.Level { return slog.LevelWarn }
func (e RecordFailed) attrs() []slog.Attr {
	return []slog.Attr{slog.String("stage", e.Stage), slog.Int64("offset", e.Offset), errAttr(e.Err)}
}

func (BatchTransformed) level() slog.Level { return slog.LevelDebug }
func (e BatchTransformed) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("stage", e.Stage), slog.Int("in", e.In), slog.Int("out", e.Out),
		slog.Int("failed", e.Failed), slog.Int("rejected", e.Rejected), slog.Duration("duration", e.Duration),
	}
}

func (AggregationComputed) level() slog.Level { return slog.LevelDebug }
func (e AggregationComputed) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("stage", e.Stage), slog.Int("records", e.Records),
		slog.Any("state", e.State), slog.Duration("duration", e.Duration),
	}
}

func (GroupLimitReached) level() slog.Level { return slog.LevelWarn }
func (e GroupLimitReached) attrs() []slog.Attr {
	return []slog.Attr{slog.String("stage", e.Stage), slog.Int("limit", e.Limit), slog.Int64("rejected", e.Rejected)}
}

func (BufferFull) level() slog.Level { return slog.LevelWarn }
func (e BufferFull) attrs() []slog.Attr {
	return []slog.Attr{slog.String("stage", e.Stage), slog.Int("buffered", e.Buffered), slog.Int("capacity", e.Capacity)}
}

func (MemoryWarning) level() slog.Level { return slog.LevelWarn }
func (e MemoryWarning) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("level", string(e.Level)), slog.Int64("usage", e.Usage),
		slog.Int64("limit", e.Limit), slog.Int("chunk_size", e.ChunkSize),
	}
}

func (e HealthCheck) level() slog.Level {
	if !e.Healthy {
		return slog.LevelWarn
	}
	return slog.LevelDebug
}
func (e HealthCheck) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("status", e.Status.String()), slog.Bool("healthy", e.Healthy),
		slog.String("problem", e.Problem), slog.Int64("usage", e.Usage), slog.Int64("limit", e.Limit),
		slog.Duration("since_progress", e.SinceProgress),
	}
}

func (Throughput) level() slog.Level { return slog.LevelDebug }
func (e Throughput) attrs() []slog.Attr {
	return []slog.Attr{
		slog.Int64("records", e.Records), slog.Duration("interval", e.Interval),
		slog.Float64("per_second", e.PerSecond),
	}
}

func (Intervention) level() slog.Level { return slog.LevelInfo }
func (e Intervention) attrs() []slog.Attr {
	return []slog.Attr{slog.String("action", string(e.Action)), slog.String("by", e.By), slog.String("reason", e.Reason)}
}

func (Paused) level() slog.Level { return slog.LevelInfo }
func (e Paused) attrs() []slog.Attr {
	return []slog.Attr{slog.Int64("offset", e.Offset), slog.String("reason", string(e.Reason))}
}

func (Resumed) level() slog.Level    { return slog.LevelInfo }
func (e Resumed) attrs() []slog.Attr { return []slog.Attr{slog.Int64("offset", e.Offset)} }
