package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync/atomic"
	"unicode/utf8"

	"github.com/reportsh/reportsh/runtime/value"
)

const (
	// readBufSize is the initial read buffer: large enough that a read
	// system call brings in thousands of records.
	readBufSize = 256 << 10
	// firstRead bounds the first read of a file opened at its start: the
	// header, the type sample and a streaming report's first rows are in
	// it, and the rest of the buffer is not touched (no page faults, no
	// UTF-8 check) until the records are fetched.
	firstRead = 32 << 10
)

// DefaultMaxRecordBytes is the longest record a CSV or JSON lines file may
// hold when [Config.MaxRecordBytes] is zero.
const DefaultMaxRecordBytes = 64 << 20

// errRecordTooLong is the cause of a record past the reader's limit: what
// the reader's functions return, and what [tooLongError] is.
var errRecordTooLong = errors.New("record too long")

// tooLongError is the cause of a DataError (or of a header's error) for a
// record past the limit, as the person reading the message needs it.
type tooLongError struct {
	what  string // "record", "line", "header"
	limit int
	hint  string // such as "unterminated quoted field?", or ""
}

func (e *tooLongError) Error() string {
	msg := fmt.Sprintf("%s longer than %s", e.what, value.SizeText(int64(e.limit)))
	if e.hint != "" {
		msg += " (" + e.hint + ")"
	}
	return msg
}

// Is makes errors.Is(err, errRecordTooLong) true.
func (e *tooLongError) Is(target error) bool { return target == errRecordTooLong }

// fileReader is a buffered reader over one file of an fs.FS that knows the
// file offset of every byte it holds, so a record's position can be kept
// and sought back to.
type fileReader struct {
	fsys fs.FS
	name string
	f    fs.File
	buf  []byte
	r, w int // unread data is buf[r:w]
	// valid: buf[r:valid] is known to be valid UTF-8 (when valid > r), so
	// the fields of records inside it need no check of their own.
	valid int
	off   int64  // file offset of buf[0]
	eof   bool   // the file has no data after buf[w]
	gen   uint64 // changes whenever buf[:w] stops holding the bytes it held (a move or a reset)
	read  *atomic.Int64
	// limit bounds a record, its terminator included (Config.MaxRecordBytes;
	// zero means DefaultMaxRecordBytes): a line or record that needs more is
	// errRecordTooLong.
	limit int
	// ctx, when not nil, is the context of the read in progress: fill
	// returns its error once it is done, so that no read of a long record
	// (or of the rest of one being skipped) outlasts it.
	ctx context.Context
}

// maxRecord returns the limit on a record's bytes.
func (fr *fileReader) maxRecord() int {
	if fr.limit <= 0 {
		return DefaultMaxRecordBytes
	}
	return fr.limit
}

// pos returns the file offset of the next unread byte.
func (fr *fileReader) pos() int64 { return fr.off + int64(fr.r) }

// seek positions the reader at file offset at, reusing the open file and
// the buffered data where it can.
func (fr *fileReader) seek(at int64) error {
	if fr.f != nil && at >= fr.off && at <= fr.off+int64(fr.w) {
		fr.r = int(at - fr.off)
		return nil
	}
	if fr.f != nil {
		if s, ok := fr.f.(io.Seeker); ok {
			if _, err := s.Seek(at, io.SeekStart); err == nil {
				fr.reset(at)
				return nil
			}
		}
		fr.close()
	}
	f, err := fr.fsys.Open(fr.name)
	if err != nil {
		return err
	}
	fr.f = f
	if fr.buf == nil {
		fr.buf = make([]byte, readBufSize)
	}
	fr.reset(at)
	if at == 0 {
		return nil
	}
	if s, ok := f.(io.Seeker); ok {
		_, err = s.Seek(at, io.SeekStart)
	} else {
		var n int64
		n, err = io.CopyN(io.Discard, f, at)
		fr.read.Add(n)
		if err == io.EOF {
			err, fr.eof = nil, true
		}
	}
	return err
}

func (fr *fileReader) reset(at int64) {
	fr.r, fr.w, fr.valid, fr.off, fr.eof = 0, 0, 0, at, false
	fr.gen++
}

// validate extends the valid prefix over the buffered data: one check of a
// whole block instead of one per field. A rune cut by the end of the
// buffer waits for the next fill; data that is not valid UTF-8 leaves the
// prefix where it is, and its records are checked field by field.
func (fr *fileReader) validate() {
	from := max(fr.valid, fr.r)
	data := fr.buf[from:fr.w]
	end := len(data)
	if !fr.eof {
		// Back off from a rune the buffer's end cuts.
		for i := 1; i < utf8.UTFMax && i <= end; i++ {
			if c := data[end-i]; c < utf8.RuneSelf {
				break
			} else if utf8.RuneStart(c) {
				if !utf8.FullRune(data[end-i:]) {
					end -= i
				}
				break
			}
		}
	}
	if utf8.Valid(data[:end]) {
		fr.valid = from + end
	}
}

// fill reads more data after buf[w], keeping the unread data (which moves
// to the front of the buffer: slices into it are invalidated). It reports
// whether any byte was added; false with a nil error means end of file.
// The unread data is the start of one record (or line) that needs more:
// when it holds more than the limit, fill returns errRecordTooLong.
func (fr *fileReader) fill() (bool, error) {
	if fr.eof {
		return false, nil
	}
	if fr.ctx != nil {
		if err := fr.ctx.Err(); err != nil {
			return false, err
		}
	}
	if fr.r > 0 {
		n := copy(fr.buf, fr.buf[fr.r:fr.w])
		fr.off += int64(fr.r)
		fr.valid = max(fr.valid-fr.r, 0)
		fr.r, fr.w = 0, n
		fr.gen++
	}
	if fr.w > fr.maxRecord() {
		return false, errRecordTooLong
	}
	if fr.w == len(fr.buf) {
		// At most limit+1 bytes: room to learn that a record of limit
		// bytes ends there.
		nb := make([]byte, min(2*len(fr.buf), fr.maxRecord()+1))
		copy(nb, fr.buf[:fr.w])
		fr.buf = nb
	}
	end := len(fr.buf)
	if fr.off == 0 && fr.w < firstRead {
		end = firstRead
	}
	for {
		n, err := fr.f.Read(fr.buf[fr.w:end])
		fr.w += n
		fr.read.Add(int64(n))
		if errors.Is(err, io.EOF) {
			fr.eof = true
			fr.validate()
			return n > 0, nil
		}
		if err != nil {
			return n > 0, err
		}
		if n > 0 {
			fr.validate()
			return true, nil
		}
	}
}

// fillTo reads until at least n bytes are unread, or to the end of the
// file: for a parser that reads a record again from its start after each
// read, so that it does so a logarithmic number of times, however small
// the reads are. It reports whether any byte was added.
func (fr *fileReader) fillTo(n int) (bool, error) {
	added := false
	for fr.w-fr.r < n {
		more, err := fr.fill()
		added = added || more
		if err != nil || !more {
			return added, err
		}
	}
	return added, nil
}

// peekLine returns the next line without its terminator ("\n" or "\r\n")
// and the number of bytes to consume for it, without consuming them. The
// last line may lack a terminator. It returns io.EOF when no data is left,
// errRecordTooLong for a line past the limit (leaving it unread).
func (fr *fileReader) peekLine() ([]byte, int, error) {
	from := 0
	for {
		data := fr.buf[fr.r:fr.w]
		if i := bytes.IndexByte(data[from:], '\n'); i >= 0 {
			i += from
			if i+1 > fr.maxRecord() {
				return nil, 0, errRecordTooLong
			}
			return trimCR(data[:i]), i + 1, nil
		}
		from = len(data)
		more, err := fr.fill()
		if err != nil {
			return nil, 0, err
		}
		if !more {
			data = fr.buf[fr.r:fr.w]
			if len(data) == 0 {
				return nil, 0, io.EOF
			}
			if len(data) > fr.maxRecord() {
				return nil, 0, errRecordTooLong
			}
			return trimCR(data), len(data), nil
		}
	}
}

// discardLine consumes data up to and including the next newline. It is
// how a reader resynchronises after a bad record. With most at least zero,
// it gives up with errRecordTooLong once it has consumed more than most
// bytes without finding one; else it goes on however long the line is (a
// line with no end, until the context is done).
func (fr *fileReader) discardLine(most int64) error {
	var n int64
	for {
		data := fr.buf[fr.r:fr.w]
		i := bytes.IndexByte(data, '\n')
		rest := len(data)
		if i >= 0 {
			rest = i
		}
		if n += int64(rest); most >= 0 && n > most {
			return errRecordTooLong // however much of it is buffered
		}
		if i >= 0 {
			fr.r += i + 1
			return nil
		}
		fr.r = fr.w
		more, err := fr.fill()
		if err != nil || !more {
			return err
		}
	}
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// close closes the file and keeps the buffer for a later seek.
func (fr *fileReader) close() error {
	if fr.f == nil {
		return nil
	}
	err := fr.f.Close()
	fr.f = nil
	fr.reset(0)
	return err
}
