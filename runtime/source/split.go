package source

import (
	"encoding/binary"
	"math/bits"
)

// Splitting a line into fields eight bytes at a time: one pass over the
// data finds both the delimiters and the newline, instead of one
// bytes.IndexByte call per field plus one for the line (each call costs
// more than the few bytes of a typical field).

const (
	swarLow  = 0x0101010101010101
	swarHigh = 0x8080808080808080
	swar7F   = 0x7f7f7f7f7f7f7f7f
)

// swarEq returns a mask with the high bit of every byte of w that equals
// the byte c (c repeated in each byte), and no other bit. Unlike the
// classic (x-1)&^x trick it has no false positives.
func swarEq(w, c uint64) uint64 {
	x := w ^ c
	t := (x & swar7F) + swar7F
	return ^(t | x | swar7F)
}

// splitStatus is how splitLine ended.
type splitStatus int

const (
	splitOK     splitStatus = iota // a whole line, newline included
	splitShort                     // no newline in data: more data, or the last line
	splitQuoted                    // a field starts with a quote: parse it as quoted
)

// splitLine splits the line at the start of data into fields (appended to
// fields[:0], slices of data, a trailing "\r" trimmed off the last) and
// returns them with the bytes consumed, newline included. At the end of
// the file (eof) the data's end also ends a line.
func splitLine(data []byte, delim byte, fields [][]byte, eof bool) ([][]byte, int, splitStatus) {
	fields = fields[:0]
	if len(data) > 0 && data[0] == '"' {
		return fields, 0, splitQuoted
	}
	cd, cn := uint64(delim)*swarLow, uint64('\n')*swarLow
	start, i := 0, 0
	for ; i+8 <= len(data); i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		m := swarEq(w, cd)
		end := 8 // the newline's byte in the word, if any
		if n := swarEq(w, cn); n != 0 {
			end = bits.TrailingZeros64(n) >> 3
			m &= n - 1 // the delimiters before it
		}
		for m != 0 {
			j := i + bits.TrailingZeros64(m)>>3
			m &= m - 1
			fields = append(fields, data[start:j])
			start = j + 1
			if start < len(data) && data[start] == '"' {
				return fields[:0], 0, splitQuoted
			}
		}
		if end < 8 {
			j := i + end
			return append(fields, trimCR(data[start:j])), j + 1, splitOK
		}
	}
	for ; i < len(data); i++ {
		switch data[i] {
		case '\n':
			return append(fields, trimCR(data[start:i])), i + 1, splitOK
		case delim:
			fields = append(fields, data[start:i])
			start = i + 1
			if start < len(data) && data[start] == '"' {
				return fields[:0], 0, splitQuoted
			}
		}
	}
	if eof && len(data) > 0 {
		return append(fields, trimCR(data[start:])), len(data), splitOK
	}
	return fields[:0], 0, splitShort
}
