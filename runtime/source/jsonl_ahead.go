package source

import (
	"bytes"
	"runtime"
	"sync"
	"unicode/utf8"
)

// Decoding JSON lines ahead, in parallel. Decoding a line costs ten times
// what splitting a CSV record does, and one goroutine reads the file: it
// would leave the other cores idle. When the reader's buffer holds many
// whole lines, the decoder decodes them at once by the fast path, split
// among goroutines (its own and up to three more, each with columns of its
// own), and then hands them out one by one exactly as it would have read
// them: the same records, the same errors in the same order (a line the
// fast path declines is decoded by the general path when its turn comes),
// the same keys noted. A batch is only used while the reader still stands
// where the batch says and its buffer still holds the same bytes.

const (
	aheadMinLines = 64   // fewer whole lines in the buffer: read them one at a time
	aheadMaxLines = 2048 // lines decoded ahead at most
	aheadMaxProcs = 4    // goroutines decoding a batch at most
)

// jsonlAhead holds the lines decoded ahead.
type jsonlAhead struct {
	procs   int          // goroutines that decode a batch (1: none ahead)
	workers []*jsonlFast // the fast paths of the goroutines other than the reader's
	items   []aheadItem
	next    int    // the next item to hand out
	gen     uint64 // the reader's buffer generation the items' lines are in
	pos     int    // the reader's offset in its buffer of items[next]
	short   bool   // the buffer of generation gen holds too few whole lines: read them one at a time
	vals    []any  // the items' values, width each
}

// aheadItem is one line of a batch.
type aheadItem struct {
	line  []byte // without its terminator, in the reader's buffer
	n     int    // the bytes to consume for it
	blank bool
	valid bool // valid UTF-8
	ok    bool // decoded by the fast path (else the general path decodes it)
	col   string
	err   error
	met   uint64
	vals  []any
}

// take returns the next line decoded ahead, decoding a batch when there is
// none and the buffer holds enough whole lines; nil when the line is to be
// read as usual.
func (d *jsonlDecoder) take(rd *fileReader) *aheadItem {
	a := &d.ahead
	if a.procs <= 1 {
		return nil
	}
	if a.next >= len(a.items) || a.gen != rd.gen || a.pos != rd.r {
		if a.short && a.gen == rd.gen {
			return nil // until the reader refills its buffer
		}
		if !d.decodeAhead(rd) {
			return nil
		}
	}
	it := &a.items[a.next]
	a.next++
	a.pos += it.n
	return it
}

// decodeAhead decodes the whole lines the buffer holds after the reader,
// when there are enough of them.
func (d *jsonlDecoder) decodeAhead(rd *fileReader) bool {
	a := &d.ahead
	a.items, a.next = a.items[:0], 0
	data, off := rd.buf[rd.r:rd.w], 0
	for len(a.items) < aheadMaxLines {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 || i+1 > rd.maxRecord() {
			break
		}
		a.items = append(a.items, aheadItem{line: trimCR(data[off : off+i]), n: i + 1})
		off += i + 1
	}
	a.gen, a.short = rd.gen, len(a.items) < aheadMinLines
	if a.short {
		a.items = a.items[:0]
		return false
	}
	a.pos = rd.r
	width := len(d.cols)
	if cap(a.vals) < len(a.items)*width {
		a.vals = make([]any, len(a.items)*width)
	}
	for i := range a.items {
		a.items[i].vals = a.vals[i*width : (i+1)*width : (i+1)*width]
	}
	d.decodeParts()
	return true
}

// decodeParts decodes the batch's items in a.procs parts, the first on
// this goroutine.
func (d *jsonlDecoder) decodeParts() {
	a := &d.ahead
	for len(a.workers) < a.procs-1 {
		a.workers = append(a.workers, d.newFast())
	}
	per := (len(a.items) + a.procs - 1) / a.procs
	var wg sync.WaitGroup
	for p := 1; p < a.procs; p++ {
		part := a.items[min(p*per, len(a.items)):min((p+1)*per, len(a.items))]
		f := a.workers[p-1]
		wg.Go(func() { decodeItems(f, part) })
	}
	decodeItems(&d.fast, a.items[:min(per, len(a.items))])
	wg.Wait()
}

// decodeItems decodes items by the fast path of f. A panic leaves the
// items it did not finish to the general path, on the reading goroutine,
// where the run reports it.
func decodeItems(f *jsonlFast, items []aheadItem) {
	done := 0
	defer func() {
		if recover() != nil {
			for i := done; i < len(items); i++ {
				items[i].ok, items[i].err = false, nil
			}
		}
	}()
	for i := range items {
		it := &items[i]
		it.blank = len(bytes.TrimSpace(it.line)) == 0
		it.valid = utf8.Valid(it.line)
		it.ok, it.col, it.err, it.met = false, "", nil, 0
		if !it.blank && it.valid {
			it.ok, it.col, it.met, it.err = f.fast(it.line, it.vals)
		}
		done = i + 1
	}
}

// newFast makes a fast path for another goroutine: columns of its own.
func (d *jsonlDecoder) newFast() *jsonlFast {
	cols := make([]column, len(d.cols))
	for i, c := range d.cols {
		cols[i] = column{name: c.name, kind: c.kind, inferred: c.inferred}
		if c.strings != nil {
			cols[i].strings = &interner{}
		}
		if c.dates != nil {
			cols[i].dates = &dateBoxes{}
		}
	}
	return &jsonlFast{cols: cols, index: d.index, sampled: d.sampled, unused: d.unused}
}

// aheadProcs is how many goroutines decode a batch: one per processor, up
// to aheadMaxProcs.
func aheadProcs() int { return min(runtime.GOMAXPROCS(0), aheadMaxProcs) }
