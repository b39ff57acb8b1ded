package exec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reportsh/reportsh/interp/internal/band"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// run aggregates in SQLite and renders the report. A non-empty note means
// the run fell back: nothing was written.
func (p *Runner) execPushdown(ctx context.Context, pd *plan.PdRun, pl *plan.Plan) (res *result, note string, err error) {
	start := time.Now()
	lo, hi, split, err := pd.Bounds(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, "SQLite: " + err.Error(), nil
	}
	var rows atomic.Int64 // source rows aggregated, for progress
	if pl.Cfg.Progress != nil {
		var read func() (int64, int64, bool)
		var stop func() error
		ctx, read, stop = p.progressFunc(ctx, pd.Src, &rows)
		defer func() { err = cmp.Or(err, stop()) }()
		pl.Cfg.Progress(read)
	}
	target := pl.Tune.RangeRows
	src := &pdSource{p: p, run: pd, workers: max(pl.Workers, 1), rows: &rows,
		split: split, next: lo - 1, hi: hi, span: max(target/4, 1), target: target, empty: lo > hi}
	src.ctx, src.cancel = context.WithCancel(context.Background())
	if pd.Pp.Raw != nil {
		src.rawConns = make(chan *source.RawConn, src.workers)
	}
	return p.runCarriers(ctx, pl, pd.Pp, src, func(res *result) {
		t := &res.Totals
		t.RecordsRead = rows.Load()
		t.Elapsed = time.Since(start)
	}, false)
}

// carrierSource is the source of a run whose records are partial aggregate
// states (keys, then pushPlan.cols): SQLite's or the CSV scanner's. A
// non-empty note says the states cannot be trusted, and why: the run must
// read the records instead.
type carrierSource interface {
	stream.Source[value.Record]
	stop(note string)
	note() string
}

// runCarriers aggregates the partial states src returns, with engines
// whose specs are pp's carriers, and renders the report; totals completes
// the totals. sorted says that src returns the groups in the engine's order
// of keys, one partial state each: the engine then closes each group as the
// next begins, holding none. A non-empty note means it fell back: nothing
// was written.
func (p *Runner) runCarriers(ctx context.Context, pl *plan.Plan, pp *plan.PushPlan, src carrierSource,
	totals func(*result), sorted bool) (res *result, note string, err error) {
	rc, params := pl.Cfg, pl.Params
	w := p.newReport(rc, params)
	res = w.res
	defer w.done(&err)
	b := band.New(p.m, p.guard(), w, params, 0)
	defer b.Close()
	b.Ctx = ctx
	w.global = func(bd *program.Band) (*render.Event, error) {
		return b.GlobalEventOf(bd, pp.Global.Translate(b.Global.Global()))
	}
	nk := len(pp.KeyCols)
	if len(p.m.Groupings) == 1 {
		gr := p.m.Groupings[0]
		cfg := agg.Config{Sorted: sorted}
		for l, lv := range gr.Levels {
			cfg.Levels = append(cfg.Levels, agg.Level{Name: lv.Name, MaxGroups: lv.MaxGroups, Specs: pp.Levels[l].Carriers})
		}
		cfg.OnClose = func(g *agg.Group) error {
			results := pp.Levels[g.Level].Translate(g.Results)
			return b.CloseGroup(0, &agg.Group{Level: g.Level, Keys: g.Keys, Results: results, Count: g.Count})
		}
		b.Engines[0] = agg.NewEngine(cfg)
	}
	b.Global = agg.NewEngine(agg.Config{Global: pp.Global.Carriers})
	rejected := func() bool {
		for l := range nk {
			if b.Engines[0].Rejected(l) > 0 {
				return true
			}
		}
		return false
	}
	pipe := stream.Pipeline[value.Record]{
		Source: src,
		Sink: func(ctx context.Context, batch []value.Record) error {
			// The report begins once every value conformed: when the
			// pipeline is done, or, with sorted partial states, when the
			// first arrives (they come after the whole input was
			// aggregated).
			if sorted && len(batch) > 0 {
				if err := w.begin(); err != nil {
					return err
				}
			}
			for _, rec := range batch {
				args := rec[nk:]
				if nk > 0 {
					if err := b.Engines[0].Add(rec[:nk], args); err != nil {
						return err
					}
				}
				if len(pp.Global.Carriers) > 0 {
					if err := b.Global.Add(nil, args); err != nil {
						return err
					}
				}
			}
			if nk > 0 && rejected() {
				if w.begun {
					return errors.New("a group level reached its max_groups after the report began")
				}
				// The groups a limit keeps are the first ones met in the
				// input, which partial states do not tell.
				src.stop("a group level reached its max_groups")
			}
			return nil
		},
		SinkStatus: b.Status,
		Options: stream.Options{Name: p.m.Title, ChunkSize: rc.ChunkSize, MemoryLimit: rc.MemoryLimit,
			Registry: rc.Registry, Observer: rc.Observer, Summarizing: true},
	}
	snap, err := runPipeline(ctx, pipe, rc.OnStart)
	res.Snapshot = snap
	if pe := panicOf(err); pe != nil {
		return res, "", pe // a part panicked: the run fails, whatever the note
	}
	if n := src.note(); n != "" && !w.begun {
		return nil, n, nil
	}
	if err != nil {
		return res, "", p.runError(err)
	}
	if err := p.complete(w, b); err != nil {
		return res, "", err
	}
	totals(res)
	if err := w.close(); err != nil {
		return res, "", err
	}
	return res, "", nil
}

// complete writes a report whose groups were all aggregated before it
// began (partial states, ranges): the beginning, every group, the end.
func (p *Runner) complete(w *report, b *band.Builder) error {
	if err := w.begin(); err != nil {
		return err
	}
	if err := b.Finish(); err != nil {
		return p.runError(err)
	}
	return w.end()
}

// pdSource is the pipeline's source of a pushed-down run: its records are
// the result rows of the aggregate statement, range of rowids after range
// (keys, then the aggregate columns), its positions (range, row) pairs,
// and its offsets the source rows aggregated. Ranges aim at tuning.rangeRows
// rows each: each range's width follows the density of rows seen so far,
// so a sparse table needs few statements. The first range is a quarter of
// that, run alone: if it holds too many groups the run reads the rows
// instead, having spent little. Then the statements of the next ranges run
// ahead, on up to workers connections.
type pdSource struct {
	p       *Runner // protects the statements
	run     *plan.PdRun
	workers int
	rows    *atomic.Int64

	split  bool  // ranges of rowids; else one statement over the table
	empty  bool  // the table has no row
	next   int64 // the rowid the next range starts after
	hi     int64 // the table's highest rowid
	span   int64 // the width of the next range
	target int64 // the rows a range aims at

	ctx     context.Context // of the statements run ahead; ended by Close
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	ranges  [][]any        // the bounds of the ranges started so far: (after, upto]
	results []chan pdRange // per range started, until taken
	// ahead and aheadBytes are the result rows of ranges done and not yet
	// taken, and their memory (HeldMemory).
	ahead, aheadBytes atomic.Int64
	all               bool // every range is started
	counted           int  // the ranges whose rows are counted in rows

	cur      int // the range whose result is buf
	buf      []value.Record
	bufBytes int64 // buf's memory (HeldMemory)
	curRows  int64 // the source rows of range cur

	rawConns chan *source.RawConn               // idle raw connections (with pp.raw)
	seed     maphash.Seed                       // of the partitions' indexes (startPartitions)
	panicked atomic.Pointer[program.PanicError] // the first statement's panic

	fallback
}

// pdRange is the result of one range's statement.
type pdRange struct {
	recs  []value.Record
	rows  int64 // source rows aggregated
	bytes int64 // recs' memory, for ranges run ahead
	note  string
	err   error
}

// fallback is why a source's partial states cannot be trusted, the first
// reason given: the run must read the records instead.
type fallback struct {
	mu  sync.Mutex
	why string
}

func (f *fallback) stop(note string) {
	f.mu.Lock()
	if f.why == "" {
		f.why = note
	}
	f.mu.Unlock()
}

func (f *fallback) note() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.why
}

// Fetch returns up to limit result rows after the position after.
func (s *pdSource) Fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	done := stream.Chunk[value.Record]{Next: after, Done: true}
	if s.note() != "" || s.empty {
		return done, nil
	}
	ri, pos := 0, 0
	if after.Key != nil {
		var ok bool
		if ri, pos, ok = pdPosition(after.Key); !ok || ri > len(s.ranges) {
			return done, stream.Permanent(fmt.Errorf("position %v was not returned by this source", after))
		}
		if ri == len(s.ranges) && s.all {
			return done, nil
		}
	}
	var read int64 // source rows aggregated by a range met for the first time
	if s.buf == nil || s.cur != ri {
		r, err := s.result(ctx, ri)
		if err != nil {
			return stream.Chunk[value.Record]{}, err
		}
		if r.note != "" {
			s.stop(r.note)
			return done, nil
		}
		if ri == s.counted {
			many := s.split && r.rows >= plan.PdJudgeRows && int64(len(r.recs))*2 > r.rows
			if many && s.run.Pp.Raw == nil {
				// Each result row costs more than a row read: with more
				// than one group per two rows, reading the rows is faster.
				s.stop(fmt.Sprintf("%d groups in %d rows: too many groups for SQLite's GROUP BY to pay", len(r.recs), r.rows))
				return done, nil
			}
			s.counted++
			s.rows.Add(r.rows)
			read = r.rows
			s.adapt(ri, r.rows, len(r.recs))
			if many {
				// Rows read in Go: partial results per range would each
				// hold most groups. The rest of the table is read by every
				// connection, each aggregating the keys of one hash
				// partition into a table of its own: the lookups, most of
				// the work with many groups, are shared, no group is in
				// two tables.
				s.startPartitions()
			}
		}
		s.cur, s.buf, s.bufBytes, s.curRows = ri, r.recs, r.bytes, r.rows
		if s.buf == nil {
			s.buf = []value.Record{}
		}
	}
	if pos > len(s.buf) {
		return done, stream.Permanent(fmt.Errorf("position %v was not returned by this source", after))
	}
	end := min(pos+limit, len(s.buf))
	chunk := stream.Chunk[value.Record]{Records: s.buf[pos:end:end], Next: stream.Position{Offset: after.Offset, Key: []any{int64(ri), int64(end)}},
		Read: read, Kept: read}
	if end == len(s.buf) {
		chunk.Next.Key = []any{int64(ri + 1), int64(0)}
		chunk.Next.Offset = after.Offset + s.curRows
		chunk.Done = ri+1 == len(s.ranges) && s.all
	}
	return chunk, nil
}

// adapt sets the width of the ranges still to start from the rows and the
// result rows range ri held: about target rows each (target grows
// fourfold while a range holds more than one group per eight rows, so
// that bigger ranges merge more rows per group), the width growing or
// shrinking at most sixteenfold at a time.
func (s *pdSource) adapt(ri int, rows int64, results int) {
	if !s.split {
		return
	}
	if rows >= plan.PdJudgeRows && int64(results)*8 > rows {
		s.target = min(s.target*4, 1<<24)
	}
	width := s.ranges[ri][1].(int64) - s.ranges[ri][0].(int64)
	switch {
	case rows == 0:
		s.span = width * 16
	default:
		s.span = min(max(width*s.target/rows, width/16, 1), width*16)
	}
	s.span = min(s.span, 1<<40)
}

// pdPosition decodes a position's key: (range, row).
func pdPosition(key []any) (ri, pos int, ok bool) {
	if len(key) != 2 {
		return 0, 0, false
	}
	k0, ok0 := key[0].(int64)
	k1, ok1 := key[1].(int64)
	if !ok0 || !ok1 || k0 < 0 || k1 < 0 {
		return 0, 0, false
	}
	return int(k0), int(k1), true
}

// start starts the statement of the next range.
func (s *pdSource) start() {
	var bounds []any
	if s.split {
		upto := s.hi
		if s.span < s.hi-s.next {
			upto = s.next + s.span
		}
		bounds = []any{s.next, upto}
		s.next = upto
		s.all = upto >= s.hi
	} else {
		s.all = true
	}
	s.startRange(bounds)
}

// startPartitions starts the rest of the table as one range per
// connection, each aggregating the keys of one hash partition (bounds
// after, upto, partition, partitions).
func (s *pdSource) startPartitions() {
	if s.all {
		return
	}
	s.seed = maphash.MakeSeed()
	for part := range s.workers {
		s.startRange([]any{s.next, s.hi, int64(part), int64(s.workers)})
	}
	s.next, s.all = s.hi, true
}

// startRange starts the statement of the range bounds (nil: the whole
// table).
func (s *pdSource) startRange(bounds []any) {
	ch := make(chan pdRange, 1)
	s.ranges = append(s.ranges, bounds)
	s.results = append(s.results, ch)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var r pdRange
		err := s.p.protect("SQLite push-down range", func() error {
			r = s.query(s.ctx, bounds)
			return nil
		})
		if pe, ok := err.(*program.PanicError); ok {
			s.panicked.CompareAndSwap(nil, pe)
			s.cancel() // the statements run ahead stop
			r = pdRange{err: pe}
		}
		r.bytes = recordsBytes(r.recs)
		s.ahead.Add(int64(len(r.recs)))
		s.aheadBytes.Add(r.bytes)
		ch <- r
	}()
}

// result returns the result of range ri, started ahead or run now.
func (s *pdSource) result(ctx context.Context, ri int) (pdRange, error) {
	ahead := ri + s.workers
	if s.counted == 0 {
		ahead = 1 // the first range, smaller, says whether to go on
	}
	for !s.all && len(s.ranges) < ahead {
		s.start()
	}
	ch := s.results[ri]
	if ch == nil { // taken before: a restart
		r := s.query(ctx, s.ranges[ri])
		return r, r.err
	}
	select {
	case r := <-ch:
		s.results[ri] = nil
		s.ahead.Add(-int64(len(r.recs)))
		s.aheadBytes.Add(-r.bytes)
		if pe := s.panicked.Load(); pe != nil {
			// A statement panicked, this one's or one run ahead (which
			// cancelled the rest): the run fails.
			return pdRange{}, stream.Permanent(pe)
		}
		return r, r.err
	case <-ctx.Done():
		return pdRange{}, ctx.Err()
	}
}

// query runs the statement over the range bounds (nil: the whole table)
// and converts its rows into
// records: keys read as the source reads them, sums, minima and maxima of
// decimals back from scaled integers. A value that does not conform, or an
// overflow, gives a note instead.
func (s *pdSource) query(ctx context.Context, bounds []any) pdRange {
	pp := s.run.Pp
	if pp.Raw != nil {
		return s.rawQuery(ctx, bounds)
	}
	stmt, args := pp.Sql, bounds
	if args == nil {
		stmt = pp.SqlAll
	}
	rows, err := s.run.Src.QueryContext(ctx, stmt, args...)
	if err != nil {
		return queryFailure(ctx, err)
	}
	defer rows.Close()
	nk := len(pp.KeyCols)
	raw := make([]any, nk+len(pp.Cols))
	ptrs := make([]any, len(raw))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	var out pdRange
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return queryFailure(ctx, err)
		}
		rec := make(value.Record, len(raw))
		if note := s.readKeys(rec, raw); note != "" {
			return pdRange{note: note}
		}
		for j, c := range pp.Cols {
			if note := pdValue(c, raw[nk+j], &rec[nk+j]); note != "" {
				return pdRange{note: s.nonConforming(raw[nk:], note)}
			}
		}
		out.rows += rec[nk].(int64)
		out.recs = append(out.recs, rec)
	}
	if err := rows.Err(); err != nil {
		return queryFailure(ctx, err)
	}
	return out
}

// readKeys converts the keys of a result row, raw[:len(keyCols)] as
// database/sql scans them, into rec's first slots as the source reads them;
// it returns a note when one cannot be read.
func (s *pdSource) readKeys(rec value.Record, raw []any) string {
	pp := s.run.Pp
	for l, i := range pp.KeyCols {
		v, err := s.run.Src.Cell(i, raw[l])
		if err != nil {
			return fmt.Sprintf("a value of group key %s cannot be read: %v", pp.KeyNames[l], err)
		}
		rec[l] = v
	}
	return ""
}

// pdValue converts one aggregate result into dst; it returns a note when
// the value shows SQLite left exact integer arithmetic.
func pdValue(c plan.PdCol, v any, dst *any) string {
	switch x := v.(type) {
	case nil:
		*dst = nil
	case int64:
		*dst = x
		if c.Dec {
			*dst = value.NewDecimal(x, c.Scale)
		}
	default:
		return c.Sql()
	}
	return ""
}

// nonConforming says why a result row shows a non-conforming value: the
// first field whose SUM is not an integer, else the expression's.
func (s *pdSource) nonConforming(raw []any, first string) string {
	for j, c := range s.run.Pp.Cols {
		if _, isInt := raw[j].(int64); c.Field != "" && raw[j] != nil && !isInt {
			return fmt.Sprintf("a value of %s is not %s", c.Field, c.What)
		}
	}
	return first + " is not an exact integer in SQLite (an overflow)"
}

// queryFailure classifies a failed statement: the context's end is an
// error; anything else (an overflowing SUM, a busy or damaged file) makes
// the run fall back, and reading the rows reports what there is to report.
func queryFailure(ctx context.Context, err error) pdRange {
	if ctx.Err() != nil {
		return pdRange{err: ctx.Err()}
	}
	if strings.Contains(err.Error(), "integer overflow") {
		return pdRange{note: "a sum overflows SQLite's 64-bit integers"}
	}
	return pdRange{note: "SQLite: " + err.Error()}
}

// Close ends the statements run ahead and closes the database.
func (s *pdSource) Close() error {
	s.cancel()
	s.wg.Wait()
	s.closeRaw()
	s.run.Done()
	return nil
}
