package exec

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// execScan runs the report with its aggregation in the CSV scanner (see
// scanagg.go). A non-empty note means it fell back: nothing was written.
func (p *Runner) execScan(ctx context.Context, pl *plan.Plan) (res *result, note string, err error) {
	st := pl.Scan
	defer st.Close()
	start := time.Now()
	var rows atomic.Int64
	src := &scanSource{p: p, csv: st.Csv, table: newScanTable(st.Sp), rows: &rows, until: -1, tune: pl.Tune, chunkSet: pl.Cfg.ChunkSize > 0}
	defer src.close()
	if err := src.split(pl.Workers, func() (plan.ScanFile, error) {
		// Another reader of the same file, which stops at a bad record
		// (the main reader reads its range again then).
		return p.openAnother(ctx, src, input.Options{Params: pl.Params, Unused: p.m.Unused})
	}); err != nil {
		return nil, "the file could not be split among readers: " + err.Error(), nil
	}
	src.openPartner = func() (plan.ScanFile, error) {
		// It skips bad records without a word: the main reader reads
		// the same records and reports them.
		return p.openAnother(ctx, src, input.Options{Params: pl.Params, Unused: p.m.Unused, Skip: true})
	}
	if pl.Cfg.Progress != nil {
		var read func() (int64, int64, bool)
		var stop func() error
		ctx, read, stop = p.progressFunc(ctx, scanProgress{st.Csv, src}, &rows)
		defer func() { err = cmp.Or(err, stop()) }()
		pl.Cfg.Progress(read)
	}
	return p.runCarriers(ctx, pl, st.Pp, src, func(res *result) {
		t := &res.Totals
		t.RecordsRead = rows.Load() + st.Csv.Skipped()
		st.Skips.Total(t)
		t.Elapsed = time.Since(start)
		ignoredKeys(res, []input.RecordSource{st.Csv}) // the only reader that met any (see keysWhy)
	}, true)
}

// openAnother opens another reader of the scan's file, closed with src.
func (p *Runner) openAnother(ctx context.Context, src *scanSource, o input.Options) (plan.ScanFile, error) {
	rs, cleanup, err := p.in.Open(ctx, p.m.Source, o)
	if err != nil {
		return nil, err
	}
	src.closers = append(src.closers, func() { rs.Close(); cleanup() })
	return rs.(plan.ScanFile), nil
}

// batchOf is the records each reader reads per fetch of limit records: at
// least Tuning.Batch, unless the caller set the chunk size.
func batchOf(limit int, tune plan.Tuning, chunkSet bool) int {
	if chunkSet {
		return limit
	}
	return max(limit, tune.Batch)
}

// rescanBatch is the number of records read at a time when the main reader
// reads a range again.
const rescanBatch = 1 << 16

// scanSource is the pipeline's source of a scan aggregation. Its first
// fetches aggregate the file, as many records at a time as the fetch's
// limit (per reader), and return no
// record; then it returns the groups' partial states. Its positions are
// the records read while scanning, then (1, groups returned); its
// offsets count the records aggregated. It cannot go back: the table holds
// what the records before its position made of it.
type scanSource struct {
	p     *Runner // protects the readers (see Runner.protect)
	csv   plan.ScanFile
	table *scanTable
	rows  *atomic.Int64 // records aggregated, for progress and the totals
	at    stream.Position
	done  bool // the file is scanned: the table's partial states are returned
	// until is where the main reader stops, the start of ranges[0] (-1:
	// the end of the file); the ranges are read on goroutines of their own.
	until    int64
	ranges   []*scanRange
	mainDone bool
	n        int64        // records read, in every range (for positions)
	read     int64        // records read by the main reader and the ranges stitched (for the totals)
	parts    []*scanTable // the main table and the ranges' stitched
	reported [2]int64     // the records read and kept that chunks counted
	groups   *scanGroups  // once the file is read
	closers  []func()
	judged   bool // whether ranges pay was decided
	// partner, once ranges are dropped for holding too many groups, reads
	// the rest of the file again from where the main reader stood, into a
	// table of its own that takes the keys of one hash partition; the
	// main table takes the other's from there (see startPartner).
	partner     *scanRange
	openPartner func() (plan.ScanFile, error)
	tune        plan.Tuning
	chunkSet    bool // RunConfig.ChunkSize was set: batches are fetches

	fallback
}

// account sets the chunk's Read and Kept to the records read and kept
// since the last chunk: the main reader's, and the ranges' once stitched
// (a range read again counts once).
func (s *scanSource) account(ch *stream.Chunk[value.Record]) {
	kept := s.table.rows
	if s.partner != nil {
		kept += s.partner.table.rows
	}
	if s.parts != nil {
		kept = 0
		for _, t := range s.parts {
			kept += t.rows
		}
	}
	ch.Read, ch.Kept = s.read-s.reported[0], kept-s.reported[1]
	s.reported = [2]int64{s.read, kept}
}

// scanProgress reports the bytes every reader of a scan has read.
type scanProgress struct {
	input.RecordSource
	s *scanSource
}

// Progress returns the bytes read by the main reader (from the start of the
// file) and by each range's (from its start), and the file's size.
func (p scanProgress) Progress() (read, size int64) {
	read, size = p.s.csv.Progress()
	for _, r := range p.s.ranges {
		if n, _ := r.csv.Progress(); n > r.begin {
			read += n - r.begin
		}
	}
	return min(read, size), size
}

// dropRanges ends the ranges' readers and discards their tables: the main
// reader reads to the end of the file.
func (s *scanSource) dropRanges() {
	s.endRanges()
	s.ranges, s.until = nil, -1
	s.mainDone = false
}

// endRanges ends the ranges' goroutines, and the partner's.
func (s *scanSource) endRanges() {
	for _, r := range append(s.ranges, s.partner) {
		if r != nil && r.token != nil {
			close(r.token)
			<-r.exited
			r.token = nil
		}
	}
}

// startPartner starts the partner (see scanSource.partner) at the main
// reader's position: from there the main table aggregates the records
// whose key hashes to partition 0 and the partner's those of partition 1,
// each reader splitting and parsing every record (the main one to report
// bad records, the partner to find its keys) but looking up and updating
// only half the groups, which for many groups is most of the work. The
// tables share a hash seed; their states are merged like ranges'. When the
// partner cannot be opened, the main reader reads on alone.
func (s *scanSource) startPartner() {
	off, ok := source.Offset(s.at)
	if !ok || s.openPartner == nil {
		return
	}
	c, err := s.openPartner()
	if err != nil {
		return
	}
	t := newScanTable(s.table.sp)
	t.index.ShareSeed(s.table.index)
	t.parts, t.part, t.lenient = 2, 1, true
	s.table.parts, s.table.part = 2, 0
	r := &scanRange{csv: c, table: t, begin: off, until: -1,
		token: make(chan scanToken), done: make(chan struct{}, 1), exited: make(chan struct{})}
	r.start = c.At(off)
	r.at = r.start
	s.partner = r
	if s.tune.Partners != nil {
		s.tune.Partners.Add(1)
	}
	go r.run(s.p, "CSV scan partner")
}

// partnerStep lets the partner read up to limit records, if it is still
// reading, and returns a function that waits for it; a stop (an
// overflow, too many groups) or a read error is returned as the scan's.
func (s *scanSource) partnerStep(ctx context.Context, limit int) func() error {
	r := s.partner
	if r == nil || r.finished() {
		return func() error { return nil }
	}
	r.token <- scanToken{ctx, limit}
	return func() error {
		<-r.done
		return r.err
	}
}

// close ends the ranges' goroutines and closes their readers.
func (s *scanSource) close() {
	s.endRanges()
	for _, c := range s.closers {
		c()
	}
	s.closers = nil
}

// split divides the file among workers readers when it is large enough:
// the main one reads from the start to the first range; each range, from a
// line start to the next range's (a guess: a newline inside a quoted field
// starts no record, which stitch finds out), on a goroutine of its own.
func (s *scanSource) split(workers int, open func() (plan.ScanFile, error)) error {
	_, size := s.csv.Progress()
	parts := min(int64(workers), size/s.tune.MinRange)
	var begins []int64
	for i := int64(1); i < parts; i++ {
		b, err := s.csv.LineStart(size * i / parts)
		if err != nil {
			return err
		}
		if b < size && (len(begins) == 0 || b > begins[len(begins)-1]) {
			begins = append(begins, b)
		}
	}
	for i, b := range begins {
		c, err := open()
		if err != nil {
			return err
		}
		r := &scanRange{csv: c, table: newScanTable(s.table.sp), begin: b, until: -1,
			token: make(chan scanToken), done: make(chan struct{}, 1), exited: make(chan struct{})}
		if i+1 < len(begins) {
			r.until = begins[i+1]
		}
		r.start = c.At(b)
		r.at = r.start
		s.ranges = append(s.ranges, r)
		go r.run(s.p, "CSV scan range")
	}
	if len(begins) > 0 {
		s.until = begins[0]
	}
	return nil
}

// scanRange is a part of the file read by a reader and a table of its own.
type scanRange struct {
	csv          plan.ScanFile
	table        *scanTable
	begin, until int64           // the records that start in [begin, until); until -1: to the end
	start, at    stream.Position // At(begin), and where the reader stands
	n            int64           // records read (skipped ones aside)
	eof          bool
	err          error // a bad record or a stop: the main reader reads the range again; a panic fails the run
	token        chan scanToken
	done, exited chan struct{} // done holds one signal: a reader never waits for a fetch that failed
}

// scanToken lets a range's reader read up to limit records.
type scanToken struct {
	ctx   context.Context
	limit int
}

// run reads one batch per token; part names the reader should it panic.
func (r *scanRange) run(p *Runner, part string) {
	defer close(r.exited)
	for tok := range r.token {
		if !r.finished() {
			if err := p.protect(part, func() error {
				next, n, eof, _, err := r.csv.ScanRange(tok.ctx, r.at, tok.limit, r.until, r.table.addFn)
				r.at, r.n, r.eof, r.err = next, r.n+int64(n), eof, err
				return nil
			}); err != nil {
				r.err = err
			}
		}
		r.done <- struct{}{}
	}
}

func (r *scanRange) finished() bool { return r.eof || r.err != nil }

// scanFailed turns the error of a read into the note of a scan that must
// fall back; a context's error is returned instead.
func (s *scanSource) scanFailed(ctx context.Context, err error) error {
	if pe := panicOf(err); pe != nil {
		return stream.Permanent(pe) // a reader panicked: the run fails
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var stop *plan.ErrScanStop
	var de *source.DataError
	switch {
	case errors.As(err, &stop):
		s.stop(stop.Why)
	case errors.As(err, &de):
		s.stop("a bad record (" + de.Error() + "): the records are read to report it")
	default:
		s.stop(err.Error())
	}
	return nil
}

// stitch adds the ranges' tables to the main one, in file order, once every
// reader is done. A range whose start the main reading did not end exactly
// at (its first record was not one: a quoted field ran across it), or
// whose reader stopped, is read again by the main reader instead.
func (s *scanSource) stitch(ctx context.Context) error {
	cur := s.at
	s.parts = []*scanTable{s.table}
	for i, r := range s.ranges {
		if off, _ := source.Offset(cur); off == r.begin && r.err == nil {
			s.parts = append(s.parts, r.table)
			cur, _ = source.Advance(cur, r.start, r.at)
			s.read += r.n
			continue
		}
		until := int64(-1)
		if i+1 < len(s.ranges) {
			until = s.ranges[i+1].begin
		}
		for eof := false; !eof; {
			var err error
			var n int
			if cur, n, eof, _, err = s.csv.ScanRange(ctx, cur, rescanBatch, until, s.table.addFn); err != nil {
				return err
			}
			s.read += int64(n)
		}
	}
	if s.partner != nil {
		s.parts = append(s.parts, s.partner.table)
	}
	s.at = cur
	return nil
}

// Fetch aggregates the next records, or returns partial states. A panic
// fails the run: the tables may hold part of a batch, which the pipeline's
// restart would count again.
func (s *scanSource) Fetch(ctx context.Context, after stream.Position, limit int) (ch stream.Chunk[value.Record], err error) {
	if pe := s.p.protect("CSV scan", func() error {
		ch, err = s.fetch(ctx, after, limit)
		return nil
	}); pe != nil {
		return stream.Chunk[value.Record]{}, stream.Permanent(pe)
	}
	return ch, err
}

// fetch is Fetch, unprotected. While the file is scanned a position is
// its offset alone (no key to allocate per fetch); then (1, groups
// returned).
func (s *scanSource) fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	done := stream.Chunk[value.Record]{Next: after, Done: true}
	if s.note() != "" {
		return done, nil
	}
	phase, pos := 0, int(after.Offset)
	if after.Key != nil {
		var ok bool
		if phase, pos, ok = pdPosition(after.Key); !ok || phase > 1 {
			return done, stream.Permanent(fmt.Errorf("position %v was not returned by this source", after))
		}
	}
	if s.done {
		return s.groupsChunk(after, phase, pos, limit)
	}
	if phase != 0 || int64(pos) != s.n {
		// A restart: the table holds the records before the position it
		// stands at, and no other.
		s.stop(fmt.Sprintf("the pipeline restarted at %v, where the scanner cannot go back", after))
		return done, nil
	}
	for {
		read, bytes, err := s.scanBatch(ctx, batchOf(limit, s.tune, s.chunkSet))
		if err != nil {
			return stream.Chunk[value.Record]{}, s.scanFailed(ctx, err)
		}
		s.n += read
		s.rows.Store(s.n)
		chunk := stream.Chunk[value.Record]{Bytes: bytes, Next: stream.Position{Offset: s.n}}
		if s.finished() {
			return s.endScan(ctx, chunk, done)
		}
		if read > 0 {
			s.account(&chunk)
			return chunk, nil
		}
		// The main reader stood at the end of its range and the ranges
		// were dropped: it reads on now (a chunk must move).
	}
}

// scanBatch lets every reader still reading read a batch of up to limit
// records, at once, and returns the records read, the main reader's bytes,
// and the first error. After rangeJudge records it judges whether ranges
// pay, and drops them for a partner if not.
func (s *scanSource) scanBatch(ctx context.Context, limit int) (read, bytes int64, err error) {
	var running []*scanRange
	var before int64 // the records the ranges had read
	for _, r := range s.ranges {
		if !r.finished() {
			before += r.n
			r.token <- scanToken{ctx, limit}
			running = append(running, r)
		}
	}
	wait := s.partnerStep(ctx, limit)
	if !s.mainDone {
		var next stream.Position
		var n int
		next, n, s.mainDone, bytes, err = s.csv.ScanRange(ctx, s.at, limit, s.until, s.table.addFn)
		if err == nil {
			s.at, s.read, read = next, s.read+int64(n), int64(n)
		}
	}
	read -= before
	for _, r := range running {
		<-r.done
		read += r.n
		if panicOf(r.err) != nil {
			err = scanError(err, r.err) // another error of a range makes the main reader read it again
		}
	}
	err = scanError(err, wait())
	for err == nil && s.mainDone && s.partner != nil && !s.partner.finished() {
		err = s.partnerStep(ctx, limit)() // the partner's last records
	}
	if len(s.ranges) > 0 && !s.judged && (s.read >= s.tune.RangeJudge || s.mainDone) {
		s.judged = true
		if int64(s.table.index.Len())*s.tune.GroupsPer > s.read {
			// More than a group per groupsPer records: every range's table
			// would hold most of the groups, which costs more than reading
			// alone saves. The main reader reads on, sharing the groups
			// with a partner.
			s.dropRanges()
			if err == nil && !s.mainDone {
				s.startPartner()
			}
		}
	}
	return read, bytes, err
}

// finished reports whether every reader has read its part of the file.
func (s *scanSource) finished() bool {
	if !s.mainDone || (s.partner != nil && !s.partner.finished()) {
		return false
	}
	for _, r := range s.ranges {
		if !r.finished() {
			return false
		}
	}
	return true
}

// endScan merges the readers' tables once the file is read, and returns
// the last scanning chunk, which moves to the groups (or done, when the
// groups pass a level's max_groups: the run reads the records instead).
func (s *scanSource) endScan(ctx context.Context, chunk, done stream.Chunk[value.Record]) (stream.Chunk[value.Record], error) {
	if err := s.stitch(ctx); err != nil {
		return stream.Chunk[value.Record]{}, s.scanFailed(ctx, err)
	}
	s.rows.Store(s.read)
	s.done = true
	if why := s.keysWhy(); why != "" {
		s.stop(why)
		return done, nil
	}
	var err error
	if s.groups, err = sortGroups(s.table.sp, s.parts); err != nil {
		return stream.Chunk[value.Record]{}, s.scanFailed(ctx, err)
	}
	if why := s.groups.overLimit(); why != "" {
		s.stop(why)
		return done, nil
	}
	chunk.Next.Key = []any{int64(1), int64(0)}
	chunk.Done = s.groups.len() == 0
	s.account(&chunk)
	return chunk, nil
}

// keysWhy says why the scan gives way when a JSON lines file's records had
// keys the sample did not have (or lacked declared ones) and more than the
// main reader read them: each reader knows only its records' keys, and the
// pipeline reports them for the whole file.
func (s *scanSource) keysWhy() string {
	readers := []plan.ScanFile{s.csv}
	for _, r := range s.ranges {
		readers = append(readers, r.csv)
	}
	if s.partner != nil {
		readers = append(readers, s.partner.csv)
	}
	if len(readers) == 1 {
		return ""
	}
	for _, f := range readers {
		if j, ok := f.(interface{ Ignored() source.IgnoredKeys }); ok && !j.Ignored().Empty() {
			return "records had keys the sample did not have, which the pipeline reports"
		}
	}
	return ""
}

// groupsChunk returns the partial states of groups pos to pos+limit.
func (s *scanSource) groupsChunk(after stream.Position, phase, pos, limit int) (stream.Chunk[value.Record], error) {
	n := s.groups.len()
	if phase != 1 || pos > n {
		return stream.Chunk[value.Record]{Next: after, Done: true}, stream.Permanent(fmt.Errorf("position %v was not returned by this source", after))
	}
	end := min(pos+limit, n)
	return stream.Chunk[value.Record]{Records: s.groups.results(pos, end), Done: end == n,
		Next: stream.Position{Offset: after.Offset, Key: []any{int64(1), int64(end)}}}, nil
}

// scanError returns the error that decides a fetch's fate: err, the first,
// unless other is a panic and err is not (a panic fails the run, where
// another error makes it read the records instead).
func scanError(err, other error) error {
	if other != nil && (err == nil || panicOf(other) != nil && panicOf(err) == nil) {
		return other
	}
	return err
}
