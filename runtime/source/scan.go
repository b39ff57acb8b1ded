package source

import (
	"context"
	"io"

	"github.com/reportsh/reportsh/runtime/stream"
)

// RawRecord is one CSV or JSON lines record as read, its cells not yet
// converted: see [CSV.Scan] and [JSONL.Scan].
type RawRecord struct {
	// Fields holds the text of the record's cells, in column order (as
	// many as the header has). The slices are valid until the function
	// Scan calls returns.
	Fields [][]byte
	// Valid reports that the record's text is known to be valid UTF-8. When
	// it is false, text used as a string must be checked (Convert does).
	// A JSON lines record is Valid only when its cells are exactly what
	// Fetch would convert (see JSONL.Scan); else Convert must decode it.
	Valid bool
	// Line is the physical line where the record starts; Record its number
	// among the data records, bad ones included.
	Line, Record int64

	c    *CSV
	j    *JSONL
	line []byte // a JSON lines record's line
}

// Convert converts the record's cells into rec (one slot per column) as
// Fetch does, columns named in Config.Unused included (they are checked and
// left nil). A cell that is not of its column's kind gives the *DataError
// Fetch would report for the record.
func (r *RawRecord) Convert(rec []any) error {
	if r.j != nil {
		return r.j.jdec.decodeLine(&r.j.textSource, r.line, r.Line, r.Record, rec)
	}
	d := r.c.dec.(*csvDecoder)
	return d.convert(&r.c.textSource, r.Fields, rec)
}

// Scan reads up to limit records after the position after, as Fetch would,
// but hands each record's cells to fn unconverted instead of returning
// records: the way for a consumer that converts only the cells it needs,
// from the bytes. A record that cannot be split into the header's number of
// fields is bad, and so is one for which fn returns a *DataError (that of
// Convert, say): it is skipped and counted under Config.SkipErrors, and
// returned (as a permanent error) otherwise. Any other error of fn stops the
// scan and is returned as it is.
//
// Scan returns the position after the last record scanned (for Fetch or
// Scan to continue from), the number of records handed to fn and not
// rejected, whether the file has no record after them, and the bytes read.
func (c *CSV) Scan(ctx context.Context, after stream.Position, limit int, fn func(*RawRecord) error) (next stream.Position, n int, done bool, bytes int64, err error) {
	return c.ScanRange(ctx, after, limit, -1, fn)
}

// ScanRange is Scan over the records that start before the byte offset
// until (all of them when until is negative): done is set once the next
// record would start at or after it, and next then says where the reader
// stands (Offset returns the byte offset; when it is past until, the
// record before it ran across until).
func (c *CSV) ScanRange(ctx context.Context, after stream.Position, limit int, until int64, fn func(*RawRecord) error) (next stream.Position, n int, done bool, bytes int64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scan = scanStep{c: c, until: until, fn: fn}
	c.scan.raw.c = c
	r, err := c.readRecords(ctx, after, limit, &c.scan)
	c.scan.fn = nil
	return r.next, r.n, r.done, r.bytes, err
}

// scanStep hands the records of a ScanRange to its function. It lives in
// the CSV, so that a scan allocates nothing per call but its position.
type scanStep struct {
	c     *CSV
	until int64
	fn    func(*RawRecord) error
	raw   RawRecord
}

func (s *scanStep) start() {}

func (s *scanStep) step(int) error {
	c := s.c
	if s.until >= 0 && c.rd.pos() >= s.until {
		return io.EOF
	}
	d := c.dec.(*csvDecoder)
	fields, err := d.split(&c.textSource)
	if err != nil {
		return err
	}
	raw := &s.raw
	raw.Fields, raw.Valid, raw.Line, raw.Record = fields, d.sc.valid, d.sc.recLine, c.record
	if err := s.fn(raw); err != nil {
		if _, ok := err.(*DataError); ok {
			return err
		}
		return &stopError{err}
	}
	return nil
}

// Offset returns the byte offset of a position returned by Scan, Fetch or
// At; false for another.
func Offset(pos stream.Position) (int64, bool) {
	off, _, _, ok := textKey(pos.Key)
	return off, ok
}

// Advance returns base moved by what was read from start (a position of
// At) to end (where that read stopped): the position, with absolute line
// and record numbers, of end's byte offset for a read that had reached
// base where start begins.
func Advance(base, start, end stream.Position) (stream.Position, bool) {
	_, bl, br, ok1 := textKey(base.Key)
	_, sl, sr, ok2 := textKey(start.Key)
	eo, el, er, ok3 := textKey(end.Key)
	if !ok1 || !ok2 || !ok3 {
		return stream.Position{}, false
	}
	return stream.Position{Offset: base.Offset + end.Offset - start.Offset, Key: []any{eo, bl + el - sl, br + er - sr}}, true
}
