package source

import (
	"context"
	"errors"
	"io"

	"github.com/reportsh/reportsh/runtime/stream"
)

// Byte ranges: a CSV or JSON lines file read by several readers at once,
// each from a line start (LineStart, At) to the next reader's (ReadRange),
// for a consumer that processes the ranges in parallel and combines what it
// made of them in file order. A range may begin inside a record (a CSV
// quoted field holding a newline): the reader before it then ends past its
// start, which the consumer checks (ReadRange's next) before trusting it.

// At returns a position at byte offset off, which must be the start of a
// line, for Scan and ScanRange to read from: lines and records are counted
// from there, so the numbers in its errors are relative (see Advance).
func (t *textSource) At(off int64) stream.Position {
	return stream.Position{Key: []any{off, t.dataLine, int64(0)}}
}

// LineStart returns the byte offset of the first line that starts at or
// after off, past the header: off itself when a line starts there, else
// the byte after the next newline; the size of the file when there is none
// (or when the line at off is longer than a record may be).
// (Inside a quoted field a newline starts no record: Scan from the offset
// tells.)
func (t *textSource) LineStart(off int64) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return 0, ErrClosed
	}
	t.atValid = false
	if off <= t.dataStart {
		return t.dataStart, nil
	}
	if err := t.rd.seek(off - 1); err != nil {
		return 0, err
	}
	// A line past the limit is a record too long, which the reader before
	// reports: there is no line start after off to look for.
	err := t.rd.discardLine(int64(t.rd.maxRecord()))
	if errors.Is(err, errRecordTooLong) {
		return max(t.size, off), nil
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	return t.rd.pos(), nil
}

// ReadRange reads up to limit records after the position after (as Fetch
// does: the zero Position, one of At, or a Next it returned) that start
// before the byte offset until (every record when until is negative). Each
// record is decoded into rec (one slot per field; reused for the next, so
// fn must not keep it) and handed to fn; an error of fn stops the read and
// is returned as it is. A bad record is skipped under Config.SkipErrors,
// else returned as its *DataError.
//
// It returns where the reader stands (Offset gives its byte offset: until
// itself when the range ends at a record's start, more when the last
// record ran across until), the records handed to fn, and whether none is
// left before until. Blank lines before until are read past.
func (t *textSource) ReadRange(ctx context.Context, after stream.Position, limit int, until int64, rec []any, fn func([]any) error) (next stream.Position, n int, done bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := rangeStep{t: t, until: until, rec: rec, fn: fn}
	r, err := t.readRecords(ctx, after, limit, &s)
	return r.next, r.n, r.done, err
}

// rangeStep decodes the records of a ReadRange.
type rangeStep struct {
	t     *textSource
	until int64
	rec   []any
	fn    func([]any) error
}

func (s *rangeStep) start() {}

func (s *rangeStep) step(int) error {
	t := s.t
	if err := t.rangeEnd(s.until); err != nil {
		return err
	}
	clear(s.rec)
	if err := t.dec.decode(t, s.rec); err != nil {
		return err
	}
	if err := s.fn(s.rec); err != nil {
		return &stopError{err} // the consumer's, returned as it is
	}
	return nil
}

// rangeEnd returns io.EOF when the reader stands at or past until (never
// when until is negative) or at the end of the data. The blank lines
// before until are the range's own: the record after them may be the next
// range's. (A line that starts with other than a space or a line end is
// not blank.)
func (t *textSource) rangeEnd(until int64) error {
	if until < 0 {
		return nil
	}
	if rd := &t.rd; rd.r >= rd.w || blankStart(rd.buf[rd.r]) {
		if end, err := t.atEnd(); err != nil || end {
			if err == nil {
				err = io.EOF
			}
			return err
		}
	}
	if t.rd.pos() >= until {
		return io.EOF
	}
	return nil
}

// DecodeAlone makes the JSON lines reader decode every line on the
// goroutine that reads it, none ahead on others: for a reader of one of
// several ranges read at once, which already keep the cores busy.
func (j *JSONL) DecodeAlone() {
	j.mu.Lock()
	j.jdec.ahead.procs = 1
	j.mu.Unlock()
}

// Width returns the number of slots a record of ReadRange needs.
func (t *textSource) Width() int { return t.width }

// blankStart reports whether a line that starts with c may be blank.
func blankStart(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
