package exec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/reportsh/reportsh/interp/internal/band"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// The pipeline strategy: every record read, transformed in the stage and
// aggregated in the sink.

// StreamFirstChunk is the first fetch of a report whose rows stream out as
// their records are read: its first rows are out after that many records
// rather than a whole chunk (measured: the first row of a 1M-row detail
// report 11.2 ms after exec with the first chunk of 1000, 8.0 ms with 50;
// from the start of Run to the first write, medians of 10 cold runs, 1.18
// ms with 64, 0.78 with 4). Fetches double from there up to the chunk
// size.
const StreamFirstChunk = 4

// firstChunk is the pipeline's FirstChunk: small when the report streams
// detail rows, else none (an aggregate report writes nothing until the end,
// nor one whose detail rows wait for their groups).
func (p *Runner) firstChunk() int {
	if p.m.Detail != nil && p.m.DetailWaits() == "" {
		return StreamFirstChunk
	}
	return 0
}

// run is one pass over the input with the settings of rc (the plan's or
// a copy); aggWorkers > 1 splits the aggregation among that many
// goroutines.
func (p *Runner) run(ctx context.Context, pl *plan.Plan, rc plan.Settings, aggWorkers int) (res *result, err error) {
	params := pl.Params
	skip := pl.OnError == "skip"
	start := time.Now()

	skips := &plan.SkipLog{OnSkip: rc.OnSkip}

	// A sink that keeps no record lets the source reuse their slots.
	var recycle *source.Recycler
	if !p.m.NeedSort && p.m.Detail == nil && aggWorkers <= 1 {
		recycle = source.NewRecycler()
	}
	src, cleanup, err := p.in.Open(ctx, p.m.Source, input.Options{Params: params, Extra: p.m.Width - p.m.NSource, Skip: skip, Unused: p.m.Unused,
		OnSkip: func(e *source.DataError) { skips.NoteBad(p.dataError(e)) }, Recycle: recycle})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", program.PosString(p.m.Source.Pos), err)
	}
	defer cleanup()
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	var lookupSrcs []input.RecordSource
	lookups, err := p.in.OpenLookups(ctx, p.m, params, &closers, &lookupSrcs)
	if err != nil {
		src.Close()
		return nil, err
	}

	var fetched atomic.Int64 // records fetched, for Progress
	if rc.Progress != nil {
		var read func() (int64, int64, bool)
		var stop func() error
		ctx, read, stop = p.progressFunc(ctx, src, &fetched)
		defer func() { err = cmp.Or(err, stop()) }()
		rc.Progress(read)
	}
	w := p.newReport(rc, params)
	res = w.res
	defer w.done(&err)
	b := band.New(p.m, p.guard(), w, params, aggWorkers)
	defer b.Close()
	b.SortLimit = pl.SortBuffer
	b.Ctx = ctx
	w.global = b.GlobalEvent
	if err := w.begin(); err != nil {
		src.Close()
		return nil, err
	}

	flight := eval.NewFlight(p.m, rc.MemoryLimit)
	stage := eval.Stage(p.m, params, skip, pl.Workers, flight)
	pipe := stream.Pipeline[value.Record]{
		Source:  src,
		Lookups: lookups,
		Stages:  []stream.Stage[value.Record]{stage},
		Sink: func(ctx context.Context, batch []value.Record) error {
			if err := b.AddBatch(batch); err != nil {
				return err
			}
			flight.Done(batch)
			if err := w.flush(); err != nil {
				return err
			}
			if len(batch) > 0 {
				recycle.Done(batch[len(batch)-1])
			}
			return nil
		},
		SinkStatus: b.Status,
		// Closing the groups is part of the pipeline, so its errors fail it
		// and its final rejection counts reach the registry.
		SinkEnd: func(context.Context) error { recycle.End(); return b.Finish() },
		Options: stream.Options{Name: p.m.Title, ChunkSize: rc.ChunkSize, FirstChunk: p.firstChunk(), MemoryLimit: rc.MemoryLimit,
			Registry: rc.Registry, Observer: p.observer(rc.Observer, &fetched, skips)},
	}
	snap, err := runPipeline(ctx, pipe, rc.OnStart)
	res.Snapshot = snap
	if errors.Is(err, band.ErrInexact) {
		return res, band.ErrInexact
	}
	if err != nil {
		return res, p.runError(b.FirstError(err))
	}
	if err := w.end(); err != nil {
		return res, err
	}
	p.totals(&res.Totals, snap.Counters.RecordsIn+skippedBySource(src), b, skips, start)
	ignoredKeys(res, append([]input.RecordSource{src}, lookupSrcs...))
	return res, w.close()
}

// observer counts the records fetched (for Progress) and notes the
// records a stage skipped under on_error skip, besides the caller's
// observer.
func (p *Runner) observer(caller stream.Observer, fetched *atomic.Int64, skips *plan.SkipLog) stream.Observer {
	return stream.Observers(caller, stream.ObserverFunc(func(ev stream.Event) {
		if cf, ok := ev.(stream.ChunkFetched); ok {
			fetched.Add(int64(cf.Records))
		}
		if rf, ok := ev.(stream.RecordFailed); ok {
			skips.NoteFailed(rf.Offset, func(record int64) error {
				// Named by its number among all the source's records, the
				// bad ones it skipped included (runError adds 1).
				return p.runError(&stream.RecordError{Stage: rf.Stage, Offset: record - 1, Err: rf.Err})
			})
		}
	}))
}

// totals sets a pipeline run's totals: records read, rejected by group
// limits (by level, with a warning each), skipped, and the time taken.
func (p *Runner) totals(t *render.Totals, read int64, b *band.Builder, skips *plan.SkipLog, start time.Time) {
	t.RecordsRead = read
	t.Rejected = b.Rejected
	for gi, gr := range p.m.Groupings { // every top-level grouping's levels
		for l, lv := range gr.Levels {
			if n := b.Engines[gi].Rejected(l); n > 0 {
				t.RejectedByLevel = append(t.RejectedByLevel, render.LevelCount{Level: l, Group: lv.Name, Count: n})
				t.Warnings = append(t.Warnings, fmt.Sprintf("group %s reached max_groups %d: %d records rejected", lv.Name, lv.MaxGroups, n))
			}
		}
	}
	skips.Total(t)
	t.Elapsed = time.Since(start)
}

// ignoredKeys sets what the JSON lines sources among srcs did not read of
// their records' keys, and warns of it. The sources read every record by
// then (a lookup's at its first use, if any), whatever the chunk size.
func ignoredKeys(res *result, srcs []input.RecordSource) {
	for _, src := range srcs {
		j, ok := src.(interface{ Ignored() source.IgnoredKeys })
		if !ok {
			continue
		}
		ig := j.Ignored()
		if ig.Empty() {
			continue
		}
		var columns []string
		for _, f := range src.Schema().Fields {
			columns = append(columns, f.Name)
		}
		res.IgnoredKeys = append(res.IgnoredKeys, ig)
		res.Totals.Warnings = append(res.Totals.Warnings, plan.KeyWarnings(ig, columns)...)
	}
}

func skippedBySource(src input.RecordSource) int64 {
	if s, ok := src.(interface{ Skipped() int64 }); ok {
		return s.Skipped()
	}
	return 0
}

// progressFunc reports how much of src has been read: bytes for files that
// know their size, rows for a SQLite table whose count runs in the
// background. stop ends and waits for that count, and returns its panic:
// the run's context, which progressFunc returns, is then cancelled with it.
func (p *Runner) progressFunc(ctx context.Context, src input.RecordSource, fetched *atomic.Int64) (_ context.Context, read func() (int64, int64, bool), stop func() error) {
	if f, ok := src.(interface{ Progress() (int64, int64) }); ok {
		return ctx, func() (int64, int64, bool) {
			read, size := f.Progress()
			return read, size, size > 0
		}, func() error { return nil }
	}
	var total atomic.Int64
	total.Store(-1)
	stop = func() error { return nil }
	if c, ok := src.(interface {
		Count(context.Context) (int64, error)
	}); ok && p.m.Source.Table != "" {
		var fail context.CancelCauseFunc
		ctx, fail = context.WithCancelCause(ctx)
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		var perr error
		go func() {
			defer close(done)
			perr = p.protect("progress count", func() error {
				if n, err := c.Count(cctx); err == nil {
					total.Store(n)
				}
				return nil
			})
			if perr != nil {
				fail(perr) // the run stops
			}
		}()
		stop = func() error { cancel(); <-done; fail(nil); return perr }
	}
	return ctx, func() (int64, int64, bool) {
		t := total.Load()
		return fetched.Load(), t, t > 0
	}, stop
}

// runPipeline runs pl to the end, handing its handle to onStart first.
func runPipeline(ctx context.Context, pl stream.Pipeline[value.Record], onStart func(*stream.Handle)) (stream.Snapshot, error) {
	if onStart == nil {
		return stream.Run(ctx, pl)
	}
	h, err := stream.Start(ctx, pl)
	if err != nil {
		return stream.Snapshot{}, err
	}
	onStart(h)
	return h.Wait()
}
