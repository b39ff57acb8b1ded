package source

import (
	"errors"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/stream"
)

// ErrClosed is returned by Fetch and Load after Close.
var ErrClosed = errors.New("source: closed")

// errInvalidUTF8 is the cause of a DataError for text that is not UTF-8.
var errInvalidUTF8 = errors.New("invalid UTF-8")

// DataError reports a record whose data cannot be read as the schema says.
// Its message locates the record the way an editor would:
//
//	sales.csv:17: column "amount": invalid decimal "abc"
//	sales.jsonl:4: invalid JSON: invalid character 'x' looking for beginning of value
//	sales.db:table sales: rowid 42: column "amount": invalid decimal "abc"
type DataError struct {
	// File is the file's name as given to the source (for SQLite, the
	// configured Name, by default the path).
	File string
	// Line is the physical line (1-based) where the record starts, for
	// CSV and JSONL; 0 for SQLite.
	Line int64
	// Record is the record's 1-based number among the data records of the
	// source, bad ones included (for CSV the header is not counted); 0
	// when unknown (SQLite tables read by keyset).
	Record int64
	// Offset is the number of good records the source returned before
	// this one: the stream offset of the record that follows it. A
	// consumer that also meets errors in later stages (which know a
	// record by its offset) orders the two kinds by it, and numbers a
	// later stage's record among all the source's records.
	Offset int64
	// Where locates a record that has no line: "table sales: rowid 42" or
	// "query: row 42". Empty for CSV and JSONL.
	Where string
	// Column is the column whose value is bad, or "" when the whole
	// record is (wrong field count, malformed JSON).
	Column string
	// Err is the cause, such as the error of [value.Parse].
	Err error
}

// Error formats the error as file:line: column "name": cause.
func (e *DataError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	switch {
	case e.Where != "":
		b.WriteByte(':')
		b.WriteString(e.Where)
	case e.Line > 0:
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(e.Line, 10))
	case e.Record > 0:
		b.WriteString(": record ")
		b.WriteString(strconv.FormatInt(e.Record, 10))
	}
	b.WriteString(": ")
	if e.Column != "" {
		b.WriteString("column ")
		b.WriteString(names.Quote(e.Column)) // a long name is cut
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *DataError) Unwrap() error { return e.Err }

// skipper applies Config.SkipErrors and OnSkip, counting each bad record
// once even when restarts read it again.
type skipper struct {
	skip   bool
	onSkip func(*DataError)
	count  atomic.Int64

	// Records are identified by an int64 id (record number, byte offset
	// or rowid). When ids arrive in increasing order between restarts,
	// a high-water mark suffices; otherwise the ids seen are kept.
	monotonic bool
	high      int64
	seen      map[int64]struct{}
}

func newSkipper(cfg Config, monotonic bool) *skipper {
	return &skipper{skip: cfg.SkipErrors, onSkip: cfg.OnSkip, monotonic: monotonic, high: -1 << 63}
}

// handle returns the error Fetch must return for e (wrapped as permanent)
// or nil when the record is to be skipped; offset is the number of good
// records returned before it (DataError.Offset).
func (s *skipper) handle(e *DataError, id, offset int64) error {
	e.Offset = offset
	if !s.skip {
		return stream.Permanent(e)
	}
	if s.monotonic {
		if id <= s.high {
			return nil
		}
		s.high = id
	} else {
		if _, dup := s.seen[id]; dup {
			return nil
		}
		if s.seen == nil {
			s.seen = make(map[int64]struct{})
		}
		s.seen[id] = struct{}{}
	}
	s.count.Add(1)
	if s.onSkip != nil {
		s.onSkip(e)
	}
	return nil
}
