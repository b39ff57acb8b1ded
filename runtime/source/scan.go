package source

import (
	"context"

	"github.com/reportsh/reportsh/runtime/stream"
)

// RawRecord is one CSV record as read, its cells not yet converted: see
// [CSV.Scan].
type RawRecord struct {
	// Fields holds the text of the record's cells, in column order (as
	// many as the header has). The slices are valid until the function
	// Scan calls returns.
	Fields [][]byte
	// Valid reports that the record's text is known to be valid UTF-8. When
	// it is false, text used as a string must be checked (Convert does).
	Valid bool
	// Line is the physical line where the record starts; Record its number
	// among the data records, bad ones included.
	Line, Record int64

	c *CSV
}

// Convert converts the record's cells into rec (one slot per column) as
// Fetch does, columns named in Config.Unused included (they are checked and
// left nil). A cell that is not of its column's kind gives the *DataError
// Fetch would report for the record.
func (r *RawRecord) Convert(rec []any) error {
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
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.dec.(*csvDecoder)
	raw := &RawRecord{c: c}
	r, err := c.readRecords(ctx, after, limit, func() (func(int) error, error) {
		return func(int) error {
			fields, err := d.split(&c.textSource)
			if err != nil {
				return err
			}
			raw.Fields, raw.Valid, raw.Line, raw.Record = fields, d.sc.valid, d.sc.recLine, c.record
			if err := fn(raw); err != nil {
				if _, ok := err.(*DataError); ok {
					return err
				}
				return &stopError{err}
			}
			return nil
		}, nil
	})
	return r.next, r.n, r.done, r.bytes, err
}
