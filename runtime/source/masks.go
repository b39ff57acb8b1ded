package source

import (
	"encoding/binary"
	"math/bits"
)

// Splitting lines with bit masks: as data arrives in the read buffer, one
// pass over it (sixteen bytes per instruction on amd64, see
// masks_amd64.s) records which bytes are newlines, delimiters and quotes,
// one bit per byte. A line is then split by walking the set bits: no
// per-byte or per-word loop whose length changes from line to line, which
// is what a line-at-a-time splitter spends most of its time mispredicting.

// lineMasks holds the masks of a fileReader's buffer, for the bytes
// buf[:w] as they were when computed.
type lineMasks struct {
	nl, dl, ql []uint64 // newlines, delimiters, quotes; word i covers buf[64i:64i+64]
	gen        uint64   // the reader's gen they belong to
	done       int      // buf[:done] is covered by whole blocks (done%64 == 0)
	tail       int      // buf[done:tail] is covered by the partial block after them
	// The first quote at or after qFrom, in the data up to qTo, is at qAt
	// (qTo when there is none).
	qFrom, qTo, qAt int
}

// update extends the masks over the data read since the last call, or
// recomputes them when the reader moved its data.
func (m *lineMasks) update(rd *fileReader, delim byte) {
	if m.gen != rd.gen {
		m.gen, m.done, m.tail = rd.gen, 0, 0
		m.qFrom, m.qTo, m.qAt = 0, 0, 0
	}
	if rd.w == m.tail && m.tail >= m.done {
		return
	}
	if words := (len(rd.buf) + 63) >> 6; len(m.nl) < words {
		m.nl = append(m.nl[:0], make([]uint64, words)...)
		m.dl = append(m.dl[:0], make([]uint64, words)...)
		m.ql = append(m.ql[:0], make([]uint64, words)...)
		m.done = 0
	}
	full := rd.w &^ 63
	if full > m.done {
		k := m.done >> 6
		blockMasks(rd.buf[m.done:full], delim, m.nl[k:], m.dl[k:], m.ql[k:])
		m.done = full
	}
	if full < rd.w {
		k := full >> 6
		blockMasksGo(rd.buf[full:rd.w], delim, m.nl[k:], m.dl[k:], m.ql[k:])
	}
	m.tail = rd.w
}

// blockMasksGo is blockMasks in Go: for processors without the assembly
// version, for the partial block at the end of the data (which it may
// end anywhere: bits past it are zero) and as the tests' reference.
func blockMasksGo(data []byte, delim byte, nl, dl, ql []uint64) {
	cd, cn, cq := uint64(delim)*swarLow, uint64('\n')*swarLow, uint64('"')*swarLow
	for i := 0; i*64 < len(data); i++ {
		blk := data[i*64 : min(len(data), i*64+64)]
		var n, d, q uint64
		j := 0
		for ; j+8 <= len(blk); j += 8 {
			w := binary.LittleEndian.Uint64(blk[j:])
			n |= movemask8(swarEq(w, cn)) << j
			d |= movemask8(swarEq(w, cd)) << j
			q |= movemask8(swarEq(w, cq)) << j
		}
		for ; j < len(blk); j++ {
			switch blk[j] {
			case '\n':
				n |= 1 << j
			case delim:
				d |= 1 << j
			case '"':
				q |= 1 << j
			}
		}
		nl[i], dl[i], ql[i] = n, d, q
	}
}

// movemask8 gathers the high bits of m's eight bytes into its low byte.
func movemask8(m uint64) uint64 {
	return ((m >> 7) * 0x0102040810204080) >> 56
}

// splitAt splits the line that starts at data[r] into fields (appended to
// fields[:0], slices of data, a trailing "\r" trimmed off the last) and
// returns them with the bytes consumed from r, newline included. The masks
// cover data (len(data) is the buffer's w). At the end of the file (eof)
// the data's end also ends a line. A line holding a quote anywhere is left
// to the quoted parser (splitQuoted), which treats a quote inside an
// unquoted field as an ordinary character, as the fields here would.
func splitAt(data []byte, r int, m *lineMasks, fields [][]byte, eof bool) ([][]byte, int, splitStatus) {
	fields = fields[:0]
	w := len(data)
	if r >= w {
		return fields, 0, splitShort
	}
	// The line's end: the first newline at or after r.
	end := firstBit(m.nl, r, w)
	if end == w && !eof {
		return fields, 0, splitShort
	}
	n := end - r
	if end < w {
		n++ // the newline
	}
	if end == r {
		return append(fields, data[r:r]), n, splitOK
	}
	if m.quoteIn(r, end, w) {
		return fields, 0, splitQuoted
	}
	// The delimiters before it.
	j, lastw := r>>6, (end-1)>>6
	dl := m.dl[:lastw+1]
	d := dl[j] &^ (1<<(r&63) - 1)
	start := r
	for {
		if j == lastw {
			d &= ^uint64(0) >> (63 - (end-1)&63)
		}
		for ; d != 0; d &= d - 1 {
			p := j<<6 + bits.TrailingZeros64(d)
			fields = append(fields, data[start:p])
			start = p + 1
		}
		if j == lastw {
			break
		}
		j++
		d = dl[j]
	}
	return append(fields, trimCR(data[start:end])), n, splitOK
}

// quoteIn reports whether a quote is among the bytes [r, end) of the w
// covered by the masks. It remembers the first quote found after r, so
// that lines without quotes cost a comparison or two.
func (m *lineMasks) quoteIn(r, end, w int) bool {
	if m.qFrom > r || end > m.qTo || m.qAt < r {
		m.qFrom, m.qTo, m.qAt = r, w, firstBit(m.ql, r, w)
	}
	return m.qAt < end
}

// firstBit returns the position of the first bit set in mask at or after
// r, among the w bytes it covers, or w when there is none.
func firstBit(mask []uint64, r, w int) int {
	k, last := r>>6, (w-1)>>6
	b := mask[k] &^ (1<<(r&63) - 1)
	for b == 0 && k < last {
		k++
		b = mask[k]
	}
	if b == 0 {
		return w
	}
	return k<<6 + bits.TrailingZeros64(b)
}
