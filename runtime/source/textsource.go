package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// slabRecords is the number of records whose slots are allocated together.
// It is small so that a record kept alive long after its chunk (a group's
// first record, say) does not pin much memory.
const slabRecords = 32

// recordDecoder reads the next record of a text format.
type recordDecoder interface {
	// decode reads the next record into rec, which has one slot per
	// field. It returns io.EOF at the end of the data, a *DataError for a
	// bad record (which it has consumed), or another error when reading
	// fails.
	decode(t *textSource, rec []any) error
	// blank reports whether a line holds no record.
	blank(line []byte) bool
}

// textSource is what CSV and JSONL share: a file read record by record,
// positions made of byte offsets, restarts by seeking.
type textSource struct {
	mu       sync.Mutex
	file     string // the name shown in errors (CSVConfig.Name, JSONLConfig.Name)
	cfg      Config
	schema   *value.Schema
	width    int
	stride   int
	identity string
	size     int64
	modTime  int64
	fsID     string
	read     atomic.Int64 // bytes read from the file, restarts and sampling included
	furthest atomic.Int64 // the furthest file offset a fetch has reached
	skip     *skipper
	dec      recordDecoder
	rd       fileReader

	dataStart int64 // byte offset of the first data record
	dataLine  int64 // line of the first data record

	line   int64 // physical line of the next record
	record int64 // data records consumed, bad ones included

	at      stream.Position // where the reader stands, when atValid
	atValid bool
	// pending is the error of a bad record that stopped a read after good
	// records, which that read returned: the next read from pendingAt
	// (where the bad record starts) returns it.
	pending   error
	pendingAt stream.Position
	closed    bool
	mode      readMode // what a bad record's line becomes

	idKind, idExtra string // for the identity: the format and its settings
}

// readMode says what a reader does with the rest of a bad record's line.
type readMode int8

const (
	// readFetch skips it when bad records are skipped (Config.SkipErrors),
	// else leaves it: the read stops at the bad record.
	readFetch readMode = iota
	// readHeader leaves it: opening fails.
	readHeader
	// readSample skips at most a record's limit of it, so that the sample
	// goes on; a record or a line past the limit ends the sample.
	readSample
)

// skipBad consumes the rest of the physical line where a bad record starts
// (its first bytes may have been consumed), so that reading resumes at the
// next line, as t.mode says. Nothing is consumed when the bad record stops
// the read: a line with no end would never be. It returns errRecordTooLong
// when the sample must end there (the record, tooLong, or its line is past
// the limit), or a read error.
func (t *textSource) skipBad(tooLong bool) error {
	var err error
	switch {
	case t.mode == readSample && tooLong:
		return errRecordTooLong
	case t.mode == readSample:
		err = t.rd.discardLine(int64(t.rd.maxRecord()))
	case t.mode == readFetch && t.skip.skip:
		err = t.rd.discardLine(-1) // however long: fill stops at the context's end
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// records hands out record slots carved from small slabs, or, with a
// Recycler, from one tagged slab per fetch.
type records struct {
	slab          []any
	i             int
	width, stride int
	rc            *Recycler
	tag           *slabTag
}

// newRecords returns the record maker of one fetch.
func newRecords(cfg Config, width, stride int) records {
	return records{width: width, stride: stride, rc: cfg.Recycle}
}

// next returns a record of width slots and stride capacity; remaining is
// the number of records still wanted, to size a new slab.
func (r *records) next(remaining int) []any {
	if r.rc != nil {
		return r.nextTagged(remaining)
	}
	if r.i+r.stride > len(r.slab) {
		r.slab, r.i = make([]any, min(remaining, slabRecords)*r.stride), 0
	}
	rec := r.slab[r.i : r.i+r.width : r.i+r.stride]
	r.i += r.stride
	return rec
}

// nextTagged carves records of stride+1 slots from one slab for the whole
// fetch (a second one if the first runs out), the last slot holding the
// slab's tag, for the Recycler.
func (r *records) nextTagged(remaining int) []any {
	s := r.stride + 1
	if r.i+s > len(r.slab) {
		if r.tag != nil {
			// The fetch's list of records outlives this slab's records
			// (pipelines hold parts of it): it is not reused.
			r.tag.recs = nil
		}
		r.tag = r.rc.get(min(remaining, maxTaggedRecords) * s)
		r.slab, r.i = r.tag.slab, 0
	}
	rec := r.slab[r.i : r.i+r.width : r.i+s]
	rec[:s][s-1] = r.tag
	r.i += s
	return rec
}

// list returns the slice a fetch of at most limit records collects them
// in: with a Recycler, the first slab's, reused with it.
func (r *records) list(limit int) []value.Record {
	if r.rc == nil {
		return make([]value.Record, 0, min(limit, 1024))
	}
	r.nextTagged(limit)
	r.unget(r.slab[: r.width : r.stride+1])
	if cap(r.tag.recs) < min(limit, maxTaggedRecords) {
		r.tag.recs = make([]value.Record, 0, min(limit, maxTaggedRecords))
	}
	return r.tag.recs[:0]
}

// maxTaggedRecords bounds a recycled slab, whatever the fetch limit.
const maxTaggedRecords = 4096

// unget gives back the record next returned last, cleared.
func (r *records) unget(rec []any) {
	if r.rc != nil {
		clear(rec[:cap(rec)-1])
		r.i -= r.stride + 1
		return
	}
	clear(rec)
	r.i -= r.stride
}

// init opens name in fsys; shown names it in errors (name when empty).
func (t *textSource) init(fsys fs.FS, name, shown string, cfg Config, dec recordDecoder) error {
	if shown == "" {
		shown = name
	}
	t.file, t.cfg, t.dec = shown, cfg, dec
	t.skip = newSkipper(cfg, true)
	t.rd = fileReader{fsys: fsys, name: name, read: &t.read, limit: cfg.maxRecordBytes()}
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return err
	}
	if info.IsDir() {
		return fmt.Errorf("%s: is a directory", shown)
	}
	t.size, t.modTime, t.fsID = info.Size(), info.ModTime().UnixNano(), fsID(fsys)
	t.line = 1
	if err := t.rd.seek(0); err != nil {
		return err
	}
	// A UTF-8 byte order mark is not part of the data.
	if _, err := t.rd.fill(); err != nil {
		t.rd.close()
		return err
	}
	if d := t.rd.buf[t.rd.r:t.rd.w]; len(d) >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF {
		t.rd.r += 3
	}
	return nil
}

// finish completes opening once the header and sample are read: it sets
// the schema and identity, and leaves the reader at the first record.
func (t *textSource) finish(kind, extra string, fields []value.Field) error {
	t.schema = &value.Schema{Fields: fields}
	t.width = len(fields)
	t.stride = t.width + t.cfg.extra()
	t.idKind, t.idExtra = kind, extra
	t.setIdentity()
	t.line, t.record, t.mode = t.dataLine, 0, readFetch
	if err := t.rd.seek(t.dataStart); err != nil {
		return err
	}
	t.at, t.atValid = stream.Position{}, true
	return nil
}

// setIdentity sets the identity from the file, the settings and the
// schema.
func (t *textSource) setIdentity() {
	t.identity = fmt.Sprintf("%s|fs=%s|name=%q|size=%d|mtime=%d|%s|types=%s|sample=%d|maxrecord=%d|skip=%t|schema=%s",
		t.idKind, t.fsID, t.rd.name, t.size, t.modTime, t.idExtra,
		t.cfg.typesString(), t.cfg.sampleRows(), t.cfg.maxRecordBytes(), t.cfg.SkipErrors, schemaString(t.schema))
}

// fsID names a file system for identities: two sources reading the same
// name from different directories must not share cache entries.
func fsID(fsys fs.FS) string {
	v := reflect.ValueOf(fsys)
	switch v.Kind() {
	case reflect.String:
		return fmt.Sprintf("%T(%q)", fsys, v.String())
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return fmt.Sprintf("%T@%x", fsys, v.Pointer())
	}
	return fmt.Sprintf("%T(%v)", fsys, fsys)
}

// Schema returns the columns of the records, in record order.
func (t *textSource) Schema() *value.Schema { return t.schema }

// Identity returns a string naming everything that determines the records:
// format, file system, file name, size and modification time, options,
// declared types and the resulting schema.
func (t *textSource) Identity() string { return t.identity }

// Skipped returns the number of bad records skipped so far. It is safe to
// call concurrently with Fetch.
func (t *textSource) Skipped() int64 { return t.skip.count.Load() }

// Progress returns how far into the file the fetches have come (a byte
// offset, never more than the size unless the file grew) and the file's size
// when it was opened, for progress reports. It is safe to call concurrently.
func (t *textSource) Progress() (read, size int64) { return t.furthest.Load(), t.size }

// Close closes the file. Fetch after Close returns ErrClosed.
func (t *textSource) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.rd.buf = nil
	return t.rd.close()
}

// Fetch returns up to limit records after the position after, which must be
// the zero Position or one this source (or one opened with the same
// arguments) returned. Fetching from the Next of the previous chunk
// continues reading; any other position seeks.
func (t *textSource) Fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := &fetchStep{t: t, limit: limit}
	r, err := t.readRecords(ctx, after, limit, f)
	if err != nil {
		return stream.Chunk[value.Record]{}, err
	}
	return stream.Chunk[value.Record]{Records: f.recs, Next: r.next, Done: r.done, Bytes: r.bytes}, nil
}

// stepper reads records one at a time for readRecords.
type stepper interface {
	// start is called once the reader stands where the read begins.
	start()
	// step reads one record (remaining is the number still wanted) and
	// returns nil when it keeps it, io.EOF at the end of the data, a
	// *DataError for a bad record (which it has consumed), or another
	// error, which stops the read.
	step(remaining int) error
}

// fetchStep decodes the records of a Fetch.
type fetchStep struct {
	t     *textSource
	limit int
	slots records
	recs  []value.Record
}

func (f *fetchStep) start() {
	f.slots = newRecords(f.t.cfg, f.t.width, f.t.stride)
	f.recs = f.slots.list(f.limit)
}

func (f *fetchStep) step(remaining int) error {
	rec := f.slots.next(remaining)
	if err := f.t.dec.decode(f.t, rec); err != nil {
		f.slots.unget(rec)
		return err
	}
	f.recs = append(f.recs, rec)
	return nil
}

// readResult is how far a read came.
type readResult struct {
	next  stream.Position
	n     int // records read and kept
	done  bool
	bytes int64
}

// readRecords reads up to limit records after the position after (see
// Fetch), with t.mu held, with s: a bad record is skipped or returned, as
// Config.SkipErrors says.
func (t *textSource) readRecords(ctx context.Context, after stream.Position, limit int, s stepper) (readResult, error) {
	var r readResult
	if t.closed {
		return r, ErrClosed
	}
	if limit < 1 {
		return r, fmt.Errorf("%s: fetch limit %d, want at least 1", t.file, limit)
	}
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if t.pending != nil {
		if samePosition(after, t.pendingAt) {
			return r, t.pending
		}
		t.pending = nil
	}
	t.rd.ctx = ctx
	defer func() { t.rd.ctx = nil }()
	if !t.atValid || !samePosition(after, t.at) {
		t.atValid = false
		if err := t.seekTo(ctx, after); err != nil {
			return r, err
		}
	}
	startByte := t.rd.pos()
	t.atValid = false // until this read completes
	s.start()
	var mark textMark // where the record being read starts, when bad ones stop the read
	for r.n < limit {
		if r.n&255 == 0 {
			if err := ctx.Err(); err != nil {
				return r, err
			}
		}
		if !t.skip.skip {
			mark = textMark{t.rd.pos(), t.line, t.record}
		}
		err := s.step(limit - r.n)
		if err == io.EOF {
			r.done = true
			break
		}
		if de, ok := err.(*DataError); ok {
			if err := t.skip.handle(de, de.Record, after.Offset+int64(r.n)); err != nil {
				if r.n == 0 {
					return r, err
				}
				// The records before the bad one are returned first, so
				// that a consumer meets every error in input order.
				return t.stopBefore(after, mark, startByte, err, r), nil
			}
			continue
		}
		if err != nil {
			var se *stopError
			if errors.As(err, &se) {
				return r, se.err
			}
			return r, fmt.Errorf("%s: %w", t.file, err)
		}
		r.n++
	}
	if !r.done {
		var err error
		if r.done, err = t.atEnd(); err != nil {
			return r, fmt.Errorf("%s: %w", t.file, err)
		}
	}
	r.bytes = t.rd.pos() - startByte
	if end := t.rd.pos(); end > t.furthest.Load() {
		t.furthest.Store(end) // single writer: reads hold t.mu
	}
	r.next = stream.Position{Offset: after.Offset + int64(r.n), Key: []any{t.rd.pos(), t.line, t.record}}
	t.at, t.atValid = r.next, true
	return r, nil
}

// textMark is where a record starts: byte offset, line, record number.
type textMark struct{ off, line, record int64 }

// stopBefore ends a read of r.n good records at the bad record at mark,
// whose error err the next read from there returns. The reader stands
// past the bad record: the read after that one seeks.
func (t *textSource) stopBefore(after stream.Position, mark textMark, startByte int64, err error, r readResult) readResult {
	r.bytes = mark.off - startByte
	if mark.off > t.furthest.Load() {
		t.furthest.Store(mark.off)
	}
	r.next = stream.Position{Offset: after.Offset + int64(r.n), Key: []any{mark.off, mark.line, mark.record}}
	t.pending, t.pendingAt = err, r.next
	return r
}

// stopError is an error of a Scan callback, returned as it is.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }

// atEnd consumes blank lines and reports whether any data is left.
func (t *textSource) atEnd() (bool, error) {
	for {
		line, n, err := t.rd.peekLine()
		if err == io.EOF {
			return true, nil
		}
		if errors.Is(err, errRecordTooLong) {
			return false, nil // a record, if a bad one
		}
		if err != nil {
			return false, err
		}
		if !t.dec.blank(line) {
			return false, nil
		}
		t.rd.r += n
		t.line++
	}
}

// seekTo positions the reader at after: directly when the position carries
// its byte offset, else by reading from the start and skipping after.Offset
// records.
func (t *textSource) seekTo(ctx context.Context, after stream.Position) error {
	if after.Key != nil {
		off, line, rec, ok := textKey(after.Key)
		if !ok || off < t.dataStart || line < t.dataLine || rec < 0 {
			return stream.Permanent(fmt.Errorf("%s: position %v was not returned by this source", t.file, after))
		}
		if err := t.rd.seek(off); err != nil {
			return err
		}
		t.line, t.record = line, rec
		return nil
	}
	if err := t.rd.seek(t.dataStart); err != nil {
		return err
	}
	t.line, t.record = t.dataLine, 0
	scratch := make([]any, t.width)
	for n := int64(0); n < after.Offset; {
		if n&255 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		err := t.dec.decode(t, scratch)
		if err == io.EOF {
			return nil
		}
		if de, ok := err.(*DataError); ok {
			if err := t.skip.handle(de, de.Record, n); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("%s: %w", t.file, err)
		}
		n++
	}
	return nil
}

// textKey decodes the Key of a CSV or JSONL position: byte offset, line,
// record number.
func textKey(key []any) (off, line, rec int64, ok bool) {
	if len(key) != 3 {
		return 0, 0, 0, false
	}
	var v [3]int64
	for i, k := range key {
		switch x := k.(type) {
		case int64:
			v[i] = x
		case int:
			v[i] = int64(x)
		default:
			return 0, 0, 0, false
		}
	}
	return v[0], v[1], v[2], true
}

// samePosition reports whether two positions are equal.
func samePosition(a, b stream.Position) bool {
	if a.Offset != b.Offset || len(a.Key) != len(b.Key) {
		return false
	}
	for i := range a.Key {
		if !keyEqual(a.Key[i], b.Key[i]) {
			return false
		}
	}
	return true
}

// keyEqual compares two key values of comparable or byte-slice types.
func keyEqual(a, b any) bool {
	if x, ok := a.([]byte); ok {
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	}
	if _, ok := b.([]byte); ok {
		return false
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || (ta != nil && !ta.Comparable()) {
		return false
	}
	return a == b
}
