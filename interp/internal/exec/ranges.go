package exec

import (
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
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// The ranges strategy (plan/ranges.go): the file is read in byte ranges,
// each by a reader, a transform and a band.Part of its own on a goroutine
// of its own; the parts merge in input order once every range is read.

// rangeFile is a CSV or JSON lines source read in ranges: a file the
// scanner reads, whose records it can also decode range by range.
type rangeFile interface {
	plan.ScanFile
	ReadRange(ctx context.Context, after stream.Position, limit int, until int64, rec []any, fn func([]any) error) (stream.Position, int, bool, error)
}

// seqShift places a range's records after every record of the ranges
// before it: a record's sequence number is its range's index shifted by
// it, plus its number within the range.
const seqShift = 40

// execRanges runs the report over the file's byte ranges. A non-empty note
// means it gave way: nothing was written.
func (p *Runner) execRanges(ctx context.Context, pl *plan.Plan) (res *result, note string, err error) {
	rc, params := pl.Cfg, pl.Params
	start := time.Now()
	w := p.newReport(rc, params)
	res = w.res
	defer w.done(&err)
	b := band.New(p.m, p.guard(), w, params, 0)
	defer b.Close()
	b.SortLimit = pl.SortBuffer
	b.Ctx = ctx
	w.global = b.GlobalEvent

	src := &rangesSource{p: p, tune: pl.Tune, chunkSet: pl.Cfg.ChunkSize > 0}
	defer src.close()
	if err := src.open(ctx, pl, b); err != nil {
		return nil, "", fmt.Errorf("%s: %w", program.PosString(p.m.Source.Pos), err)
	}
	if rc.Progress != nil {
		rc.Progress(func() (int64, int64, bool) {
			read, size := src.Progress()
			return read, size, size > 0
		})
	}
	pipe := stream.Pipeline[value.Record]{
		Source:     src,
		Sink:       func(context.Context, []value.Record) error { return nil },
		SinkStatus: b.Status,
		Options: stream.Options{Name: p.m.Title, ChunkSize: rc.ChunkSize, Registry: rc.Registry, Observer: rc.Observer,
			Summarizing: true},
	}
	snap, err := runPipeline(ctx, pipe, rc.OnStart)
	res.Snapshot = snap
	if pe := panicOf(err); pe != nil {
		return res, "", pe // a range's reader panicked: the run fails
	}
	if n := src.note(); n != "" {
		if !src.many && !pl.ParallelPays {
			// Splitting one level's groups by key among the workers pays
			// only for the many groups the judge found.
			pl.Fallback = plan.StrategyPipeline
		}
		return nil, n, nil
	}
	if err != nil {
		return res, "", p.runError(err)
	}
	if err := b.MergeParts(src.parts()); errors.Is(err, band.ErrInexact) {
		return nil, "a group level reached its max_groups: the groups kept depend on every range's records", nil
	} else if err != nil {
		return res, "", p.runError(err)
	}
	if err := p.complete(w, b); err != nil {
		return res, "", err
	}
	p.totals(&res.Totals, src.read, b, &plan.SkipLog{}, start)
	return res, "", w.close()
}

// rangesSource is the pipeline's source of a ranges run: each fetch lets
// every range read up to the fetch's limit of records at once, and returns
// none (what the ranges read is in their parts); the last fetch checks
// that the ranges meet. Its positions count the records read.
type rangesSource struct {
	p      *Runner
	ranges []*fileRange
	read   int64 // records read, for positions and the totals
	size   int64
	done   bool
	judged bool // whether the ranges' groups were weighed (judge)
	many   bool // the judge found many groups
	tune   plan.Tuning
	// chunkSet: RunConfig.ChunkSize was set, and batches are fetches.
	chunkSet bool
	fallback
}

// fileRange is one range: a reader from begin to until (-1: the end of the
// file), its transform and its part.
type fileRange struct {
	src          rangeFile
	cleanup      func()
	begin, until int64
	at           stream.Position
	pos          atomic.Int64 // at's byte offset, for Progress
	transform    func(value.Record) (value.Record, bool, error)
	part         *band.Part
	rec          value.Record
	seq          int64 // the next record's sequence number
	n            int64 // records read
	eof          bool
	err          error // a bad record, a failing expression, a group limit: the run gives way; a panic fails it
	panicked     error
	token        chan rangeToken
	done         chan struct{}
}

// rangeToken lets a range's reader read up to limit records.
type rangeToken struct {
	ctx   context.Context
	limit int
}

// open opens the first reader, cuts the file at line starts into ranges,
// opens a reader for each other range and starts their goroutines.
func (s *rangesSource) open(ctx context.Context, pl *plan.Plan, b *band.Builder) error {
	p := s.p
	openOne := func() (rangeFile, func(), error) {
		// Bad records are not skipped: the pipeline the run gives way to
		// skips or reports them, in input order.
		rs, cleanup, err := p.in.Open(ctx, p.m.Source, input.Options{Params: pl.Params, Unused: p.m.Unused})
		if err != nil {
			return nil, nil, err
		}
		f, ok := rs.(rangeFile)
		if !ok {
			rs.Close()
			cleanup()
			return nil, nil, fmt.Errorf("a %T cannot be read in ranges", rs)
		}
		if j, ok := f.(*source.JSONL); ok {
			j.DecodeAlone()
		}
		return f, cleanup, nil
	}
	first, cleanup, err := openOne()
	if err != nil {
		return err
	}
	_, s.size = first.Progress()
	n := plan.RangeCount(s.size, pl.Workers, pl.Tune.MinRange)
	begins := []int64{0}
	for i := 1; i < n; i++ {
		b, err := first.LineStart(s.size * int64(i) / int64(n))
		if err != nil {
			first.Close()
			cleanup()
			return err
		}
		if b < s.size && b > begins[len(begins)-1] {
			begins = append(begins, b)
		}
	}
	for i, begin := range begins {
		r := &fileRange{src: first, cleanup: cleanup, begin: begin, until: -1,
			transform: eval.Transform(p.m, pl.Params, nil), part: b.NewPart(),
			rec: make(value.Record, len(first.Schema().Fields), p.m.Width), seq: int64(i) << seqShift,
			token: make(chan rangeToken), done: make(chan struct{})}
		if i > 0 {
			if r.src, r.cleanup, err = openOne(); err != nil {
				return err
			}
			r.at = r.src.At(begin)
		}
		r.pos.Store(begin)
		if i+1 < len(begins) {
			r.until = begins[i+1]
		}
		s.ranges = append(s.ranges, r)
		go r.run(p)
	}
	return nil
}

// run reads one batch per token.
func (r *fileRange) run(p *Runner) {
	defer close(r.done)
	for tok := range r.token {
		if !r.finished() {
			if err := p.protect("range reader", func() error {
				r.readBatch(tok)
				return nil
			}); err != nil {
				r.panicked = err
			}
		}
		r.done <- struct{}{}
	}
}

// readBatch reads up to tok.limit records: each transformed, and, unless
// where drops it, aggregated into the range's part.
func (r *fileRange) readBatch(tok rangeToken) {
	next, n, eof, err := r.src.ReadRange(tok.ctx, r.at, tok.limit, r.until, r.rec, func(rec []any) error {
		out, keep, err := r.transform(rec)
		if err != nil || !keep {
			return err
		}
		err = r.part.Add(r.seq, out)
		r.seq++
		return err
	})
	r.at, r.n, r.eof, r.err = next, r.n+int64(n), eof, err
	if off, ok := source.Offset(next); ok {
		r.pos.Store(off)
	}
}

func (r *fileRange) finished() bool { return r.eof || r.err != nil || r.panicked != nil }

// Fetch lets every range still reading read up to limit records, and
// returns how many were read.
func (s *rangesSource) Fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	done := stream.Chunk[value.Record]{Next: after, Done: true}
	if s.note() != "" || s.done {
		return done, nil
	}
	if after.Key != nil || after.Offset != s.read {
		// The parts hold the records before the position they stand at.
		s.stop(fmt.Sprintf("the pipeline restarted at %v, where the ranges cannot go back", after))
		return done, nil
	}
	before := s.count()
	var running []*fileRange
	for _, r := range s.ranges {
		if !r.finished() {
			r.token <- rangeToken{ctx: ctx, limit: batchOf(limit, s.tune, s.chunkSet)}
			running = append(running, r)
		}
	}
	for _, r := range running {
		<-r.done
	}
	read := s.count() - before
	s.read += read
	chunk := stream.Chunk[value.Record]{Read: read, Kept: read, Next: stream.Position{Offset: s.read}}
	if err := s.failed(ctx); err != nil {
		return stream.Chunk[value.Record]{}, err
	}
	s.judge()
	if s.note() != "" {
		return done, nil
	}
	for _, r := range s.ranges {
		if !r.finished() {
			return chunk, nil
		}
	}
	s.done = true
	s.meet()
	chunk.Done = true
	return chunk, nil
}

// judge gives way, once the ranges have read Tuning.RangeJudge records,
// when they hold more than a group per Tuning.GroupsPer records: each
// range would hold most of the groups, their memory times the ranges, and
// merging them would redo most of the work.
func (s *rangesSource) judge() {
	if s.judged || len(s.ranges) < 2 || s.read < s.tune.RangeJudge {
		return
	}
	s.judged = true
	groups := 0
	for _, r := range s.ranges {
		groups += r.part.Groups()
	}
	if int64(groups)*s.tune.GroupsPer > s.read {
		s.many = true
		s.stop(fmt.Sprintf("%d groups in the first %d records: each range would hold most of the groups", groups, s.read))
	}
}

// count is the records every range read.
func (s *rangesSource) count() int64 {
	n := int64(0)
	for _, r := range s.ranges {
		n += r.n
	}
	return n
}

// failed returns a range's panic, or the context's end; a range's other
// error (or a group limit reached) makes the run give way.
func (s *rangesSource) failed(ctx context.Context) error {
	for _, r := range s.ranges {
		if r.panicked != nil {
			return stream.Permanent(r.panicked)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, r := range s.ranges {
		switch {
		case r.err != nil && (errors.Is(r.err, context.Canceled) || errors.Is(r.err, context.DeadlineExceeded)):
			return r.err
		case r.err != nil:
			s.stop(fmt.Sprintf("range %d of %d: %v", i+1, len(s.ranges), rangeError(r.err)))
		case r.part.Limited():
			s.stop("a group level reached its max_groups: the groups kept depend on every range's records")
		}
	}
	return nil
}

// rangeError words a range's error for the note: its kind, as the run it
// gives way to reports the error itself, in input order.
func rangeError(err error) string {
	var de *source.DataError
	if errors.As(err, &de) {
		return "a bad record (read again in input order)"
	}
	return "a record's expression failed (read again in input order)"
}

// meet checks that every range ended where the next begins: one that ran
// past it read a record of the next range's, which began inside a record.
func (s *rangesSource) meet() {
	for i, r := range s.ranges[:len(s.ranges)-1] {
		end, ok := source.Offset(r.at)
		if !ok || end != s.ranges[i+1].begin {
			s.stop(fmt.Sprintf("range %d of %d began inside a record (a quoted field holding a newline)", i+2, len(s.ranges)))
			return
		}
	}
	for _, r := range s.ranges {
		j, ok := r.src.(interface{ Ignored() source.IgnoredKeys })
		if ok && !j.Ignored().Empty() {
			s.stop("records had keys the sample did not have, which the pipeline reports")
			return
		}
	}
}

// parts returns the ranges' parts in input order.
func (s *rangesSource) parts() []*band.Part {
	out := make([]*band.Part, len(s.ranges))
	for i, r := range s.ranges {
		out[i] = r.part
	}
	return out
}

// Progress returns the bytes the ranges read and the file's size.
func (s *rangesSource) Progress() (read, size int64) {
	for _, r := range s.ranges {
		read += r.pos.Load() - r.begin
	}
	return read, s.size
}

// close stops the ranges' goroutines and closes their readers.
func (s *rangesSource) close() {
	for _, r := range s.ranges {
		close(r.token)
		<-r.done
	}
	closed := map[rangeFile]bool{}
	for _, r := range s.ranges {
		if !closed[r.src] {
			closed[r.src] = true
			r.src.Close()
			r.cleanup()
		}
	}
}
