package source

import (
	"context"
	"unicode/utf8"

	"github.com/reportsh/reportsh/runtime/stream"
)

// Scan reads up to limit records after the position after, as Fetch would,
// but hands each record's cells to fn unconverted, as CSV.Scan does: one
// per column, the bytes of a number or of a string's contents (nil for
// null and missing keys). A record is Valid when those bytes are exactly
// what Fetch converts (a flat object of scalars, each read value of its
// column's kind as a CSV cell of the same bytes would be: see
// jsonlFast.cells); for any other line Valid is false and Convert decodes
// it as Fetch does, with Fetch's errors. Errors, skips and the results are
// CSV.Scan's.
func (j *JSONL) Scan(ctx context.Context, after stream.Position, limit int, fn func(*RawRecord) error) (next stream.Position, n int, done bool, bytes int64, err error) {
	return j.ScanRange(ctx, after, limit, -1, fn)
}

// ScanRange is Scan over the records that start before the byte offset
// until (all of them when until is negative), as CSV.ScanRange.
func (j *JSONL) ScanRange(ctx context.Context, after stream.Position, limit int, until int64, fn func(*RawRecord) error) (next stream.Position, n int, done bool, bytes int64, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := &j.scan
	*s = jsonlScanStep{j: j, until: until, fn: fn, cells: s.cells}
	if len(s.cells) != len(j.jdec.cols) {
		s.cells = make([][]byte, len(j.jdec.cols))
	}
	s.raw = RawRecord{j: j}
	r, err := j.readRecords(ctx, after, limit, s)
	s.fn = nil
	return r.next, r.n, r.done, r.bytes, err
}

// jsonlScanStep hands the records of a ScanRange to its function. It lives
// in the JSONL, so that a scan allocates nothing per call.
type jsonlScanStep struct {
	j     *JSONL
	until int64
	fn    func(*RawRecord) error
	raw   RawRecord
	cells [][]byte
}

func (s *jsonlScanStep) start() {}

func (s *jsonlScanStep) step(int) error {
	t, d := &s.j.textSource, s.j.jdec
	if err := t.rangeEnd(s.until); err != nil {
		return err
	}
	for {
		line, start, blank, err := d.readLine(t)
		if err != nil {
			return err
		}
		if blank {
			continue
		}
		raw := &s.raw
		raw.Line, raw.Record, raw.line, raw.Fields = start, t.record, line, s.cells
		raw.Valid = false
		if utf8.Valid(line) {
			var met uint64
			if raw.Valid, met = d.fast.cells(line, s.cells); raw.Valid {
				d.keys.meetAll(met)
			}
		}
		if err := s.fn(raw); err != nil {
			if _, ok := err.(*DataError); ok {
				return err
			}
			return &stopError{err}
		}
		return nil
	}
}
