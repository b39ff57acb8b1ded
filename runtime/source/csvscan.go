package source

import (
	"bytes"
	"errors"
)

// scanError is a record the CSV scanner could not split into fields. The
// scanner has already skipped the physical line where the record starts.
type scanError struct {
	line  int64
	field int // 0-based field index, -1 for the whole record
	err   error
	// stuck: the line could not be skipped (see textSource.skipBad), and
	// the reader stands inside it.
	stuck bool
}

func (e *scanError) Error() string { return e.err.Error() }

var (
	errQuoteAfter  = errors.New(`extraneous character after closing quote`)
	errUnterminted = errors.New("unterminated quoted field")
)

// csvScanner splits a CSV file into records (RFC 4180): fields separated
// by delim, records by "\n" or "\r\n", fields optionally quoted with '"'
// (a quoted field may hold delimiters, newlines and doubled quotes). A
// quote inside an unquoted field is an ordinary character. Empty lines are
// skipped.
//
// Lines without a quote take a fast path: the fields are slices of the
// read buffer, valid until the next call. Quoted records are unescaped
// into a scratch buffer.
type csvScanner struct {
	delim   byte
	masks   lineMasks
	fields  [][]byte
	scratch []byte
	ends    []int
	recLine int64 // line where the last record returned starts
	valid   bool  // the last record's text is known to be valid UTF-8
	inQuote bool  // parseQuoted wanted more data inside a quoted field
}

// next returns the fields of the next record and advances t.line past it.
// It returns io.EOF at the end of the file, a *scanError for a malformed
// record (after skipping its first line), or a read error.
func (s *csvScanner) next(t *textSource) ([][]byte, error) {
	rd := &t.rd
	for {
		// The common case: a whole unquoted line in the buffer.
		s.masks.update(rd, s.delim)
		fields, n, st := splitAt(rd.buf[:rd.w], rd.r, &s.masks, s.fields, rd.eof)
		s.fields = fields
		switch {
		case st == splitOK && len(fields) == 1 && len(fields[0]) == 0: // an empty line
			rd.r += n
			t.line++
			continue
		case st == splitOK && n > rd.maxRecord():
			s.recLine = t.line
			return nil, s.resync(t, -1, s.tooLong(t, ""))
		case st == splitOK:
			s.recLine = t.line
			s.valid = rd.r+n <= rd.valid
			rd.r += n
			t.line++
			return fields, nil
		case st == splitQuoted:
			s.recLine = t.line
			s.valid = false
			return s.quoted(t)
		}
		// The line runs past the buffer: read up to its end, then split it.
		if _, _, err := rd.peekLine(); err != nil {
			if errors.Is(err, errRecordTooLong) {
				s.recLine = t.line
				return nil, s.resync(t, -1, s.tooLong(t, ""))
			}
			return nil, err
		}
	}
}

// tooLong is the error of a record past the limit.
func (s *csvScanner) tooLong(t *textSource, hint string) error {
	return &tooLongError{what: "record", limit: t.rd.maxRecord(), hint: hint}
}

// resync skips the physical line where the current record starts, as
// textSource.skipBad says, and reports err for it.
func (s *csvScanner) resync(t *textSource, field int, err error) error {
	se := &scanError{line: s.recLine, field: field, err: err}
	if derr := t.skipBad(errors.Is(err, errRecordTooLong)); derr != nil {
		if !errors.Is(derr, errRecordTooLong) {
			return derr
		}
		se.stuck = true
	}
	t.line = s.recLine + 1
	return se
}

// quoted parses a record holding at least one quote, reading more data
// when a quoted field runs past the buffered bytes.
func (s *csvScanner) quoted(t *textSource) ([][]byte, error) {
	rd := &t.rd
	for {
		n, newlines, field, err := s.parseQuoted(rd.buf[rd.r:rd.w], rd.eof)
		switch {
		case err == errNeedMore:
			// Twice the data at least: the record is parsed again from
			// its start.
			if _, ferr := rd.fillTo(2 * (rd.w - rd.r)); ferr != nil {
				if errors.Is(ferr, errRecordTooLong) {
					hint := ""
					if s.inQuote {
						hint = "unterminated quoted field?"
					}
					return nil, s.resync(t, field, s.tooLong(t, hint))
				}
				return nil, ferr
			}
			continue
		case err != nil:
			return nil, s.resync(t, field, err)
		case n > rd.maxRecord():
			return nil, s.resync(t, -1, s.tooLong(t, ""))
		}
		rd.r += n
		t.line += int64(newlines) + 1
		s.fields = s.fields[:0]
		start := 0
		for _, end := range s.ends {
			s.fields = append(s.fields, s.scratch[start:end:end])
			start = end
		}
		return s.fields, nil
	}
}

var errNeedMore = errors.New("need more data")

// parseQuoted splits the record at the start of data into s.scratch and
// s.ends. It returns the bytes consumed (terminator included) and the
// newlines inside quoted fields, or errNeedMore when the record may
// continue past data and more can be read (eof false), or a syntax error
// with the index of the bad field.
func (s *csvScanner) parseQuoted(data []byte, eof bool) (n, newlines, field int, err error) {
	s.scratch, s.ends = s.scratch[:0], s.ends[:0]
	s.inQuote = false
	pos := 0
	for field = 0; ; field++ {
		if pos < len(data) && data[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(data[pos:], '"')
				if i < 0 {
					if !eof {
						s.inQuote = true
						return 0, 0, field, errNeedMore
					}
					return 0, 0, field, errUnterminted
				}
				seg := data[pos : pos+i]
				newlines += bytes.Count(seg, []byte{'\n'})
				s.scratch = append(s.scratch, seg...)
				pos += i + 1
				if pos == len(data) && !eof {
					return 0, 0, field, errNeedMore // maybe a doubled quote
				}
				if pos < len(data) && data[pos] == '"' {
					s.scratch = append(s.scratch, '"')
					pos++
					continue
				}
				break
			}
			s.ends = append(s.ends, len(s.scratch))
			switch {
			case pos == len(data):
				return pos, newlines, field, nil
			case data[pos] == s.delim:
				pos++
				continue
			case data[pos] == '\n':
				return pos + 1, newlines, field, nil
			case data[pos] == '\r' && pos+1 < len(data) && data[pos+1] == '\n':
				return pos + 2, newlines, field, nil
			case data[pos] == '\r' && pos+1 == len(data):
				if !eof {
					return 0, 0, field, errNeedMore
				}
				return pos + 1, newlines, field, nil
			}
			return 0, 0, field, errQuoteAfter
		}
		// An unquoted field runs to the delimiter or the end of the line.
		rest := data[pos:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			if !eof {
				return 0, 0, field, errNeedMore
			}
			i = len(rest)
		}
		line := rest[:i]
		if j := bytes.IndexByte(line, s.delim); j >= 0 {
			s.scratch = append(s.scratch, line[:j]...)
			s.ends = append(s.ends, len(s.scratch))
			pos += j + 1
			continue
		}
		s.scratch = append(s.scratch, trimCR(line)...)
		s.ends = append(s.ends, len(s.scratch))
		if i < len(rest) {
			i++
		}
		return pos + i, newlines, field, nil
	}
}
