package source

import (
	"encoding/json"

	"github.com/reportsh/reportsh/runtime/value"
)

// The fast path of the JSON lines decoder. Most published JSON lines are
// flat objects of scalars: for such a line the decoder finds each member's
// value in the bytes and converts only those, as jsonCell would convert
// what encoding/json decodes, with no map, no reflection and one string a
// value. Anything else on a line — a nested object or array, an escape in
// a string or a key, a key that is not a column, a repeated key, a syntax
// error — sends the line to the general path (decodeMap), which decides
// and words any error: the fast path never reports one of its own but the
// conversions' (TestJSONLFastAgrees checks the two agree).

// jsonSpan is where a member's value lies in the line, and its kind.
type jsonSpan struct {
	start, end int
	kind       byte // '"' string (without its quotes), 'n' number, 't' true, 'f' false, '0' null
}

// jsonlFast decodes lines by the fast path: the decoder's own, on the
// reading goroutine, and one more per goroutine that decodes lines ahead
// (jsonl_batch.go), each with columns of its own (their interners and
// date boxes are not safe for concurrent use).
type jsonlFast struct {
	cols    []column
	index   map[string]int // shared, read only
	sampled int
	unused  []bool // shared, read only
	spans   []jsonSpan
	seen    []uint32 // per column: the line (gen) that set its span
	gen     uint32
	order   []int // per member of the last line: its column (lines mostly repeat their keys' order)
}

// fast decodes line into rec when it is a flat object of scalars whose
// keys are columns, each once: ok reports it did (then col and err are the
// first conversion error, in column order, as the general path reports
// it, and met has bit i set when the line has the i-th column outside the
// sample, for keyLog.meetAll once the record is taken).
func (f *jsonlFast) fast(line []byte, rec []any) (ok bool, col string, met uint64, err error) {
	if !f.begin() || !f.scanFlat(line) {
		return false, "", 0, nil
	}
	clear(rec)
	for i := range f.cols {
		if f.seen[i] != f.gen || f.unused != nil && f.unused[i] {
			continue
		}
		sp := f.spans[i]
		if c, ok := f.cols[i].jsonFastCell(line[sp.start:sp.end], sp.kind); ok {
			rec[i] = c
			continue
		}
		var v any
		switch sp.kind {
		case '"':
			v = string(line[sp.start:sp.end])
		case 'n':
			v = json.Number(line[sp.start:sp.end])
		case 't':
			v = true
		case 'f':
			v = false
		case '0':
			continue
		}
		c, err := jsonCell(v, f.cols[i].kind)
		if err != nil {
			return true, f.cols[i].name, 0, err
		}
		rec[i] = c
	}
	return true, "", f.met(), nil
}

// begin starts a line: false when the fast path cannot take the source's
// lines at all.
func (f *jsonlFast) begin() bool {
	if len(f.cols)-f.sampled > 64 {
		return false // met has a bit for 64 declared columns
	}
	if len(f.seen) != len(f.cols) {
		f.seen, f.spans = make([]uint32, len(f.cols)), make([]jsonSpan, len(f.cols))
	}
	f.gen++
	if f.gen == 0 { // wrapped: forget every line seen
		clear(f.seen)
		f.gen = 1
	}
	return true
}

// met has bit i set when the line has the i-th column outside the sample.
func (f *jsonlFast) met() (met uint64) {
	for i := f.sampled; i < len(f.cols); i++ {
		if f.seen[i] == f.gen {
			met |= 1 << (i - f.sampled)
		}
	}
	return met
}

// cells sets cells to the bytes of line's values, one per column (nil for
// null, a missing key or a column the consumer does not read), when line
// is a flat object of scalars whose every read value the fast path
// converts from those bytes as a CSV cell's (a non-empty string in a
// string column, an ISO date string in a date column, an integer or plain
// decimal number in an int or decimal column): then Fetch would make of
// the line exactly what a CSV scanner makes of the cells. ok is false for
// any other line; met is fast's.
func (f *jsonlFast) cells(line []byte, cells [][]byte) (ok bool, met uint64) {
	if !f.begin() || !f.scanFlat(line) {
		return false, 0
	}
	for i := range f.cols {
		cells[i] = nil
		if f.seen[i] != f.gen || f.unused != nil && f.unused[i] || f.spans[i].kind == '0' {
			continue
		}
		sp := f.spans[i]
		b := line[sp.start:sp.end]
		if !f.cols[i].plainCell(b, sp.kind) {
			return false, 0
		}
		cells[i] = b
	}
	return true, f.met()
}

// plainCell reports whether b, of JSON kind kind, converts by jsonFastCell
// to what a CSV cell of the same bytes converts to.
func (c *column) plainCell(b []byte, kind byte) bool {
	switch {
	case kind == '"' && c.kind == value.KindString:
		return len(b) > 0 // "" is a string, where an empty CSV cell is nil
	case kind == '"' && c.kind == value.KindDate:
		_, ok := atodate(b)
		return ok
	case kind == 'n' && c.kind == value.KindInt:
		_, ok := ParseInt(b)
		return ok
	case kind == 'n' && c.kind == value.KindDecimal:
		_, _, ok := ParseDecimal(b)
		return ok
	}
	return false
}

// scanFlat finds the members of a flat object of scalars, each a column
// met once, setting their spans; false for any other line.
func (f *jsonlFast) scanFlat(line []byte) bool {
	i := skipJSONSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return false
	}
	i = skipJSONSpace(line, i+1)
	if i < len(line) && line[i] == '}' {
		return skipJSONSpace(line, i+1) == len(line)
	}
	for m := 0; ; m++ {
		ks, ke, ok := jsonPlainString(line, i)
		if !ok {
			return false
		}
		c, known := f.column(m, line[ks:ke])
		if !known || f.seen[c] == f.gen {
			return false
		}
		i = skipJSONSpace(line, ke+1)
		if i >= len(line) || line[i] != ':' {
			return false
		}
		i = skipJSONSpace(line, i+1)
		sp, next, ok := jsonScalar(line, i)
		if !ok {
			return false
		}
		f.seen[c], f.spans[c] = f.gen, sp
		i = skipJSONSpace(line, next)
		if i >= len(line) {
			return false
		}
		switch line[i] {
		case ',':
			i = skipJSONSpace(line, i+1)
		case '}':
			return skipJSONSpace(line, i+1) == len(line)
		default:
			return false
		}
	}
}

// column returns the column of member m, named key: the column member m
// of the last line had when the names agree, else the index's.
func (f *jsonlFast) column(m int, key []byte) (int, bool) {
	if m < len(f.order) && f.cols[f.order[m]].name == string(key) {
		return f.order[m], true
	}
	c, ok := f.index[string(key)]
	if ok {
		if m < len(f.order) {
			f.order[m] = c
		} else if m == len(f.order) {
			f.order = append(f.order, c)
		}
	}
	return c, ok
}

// skipJSONSpace returns the index of the first byte at or after i that
// is not JSON whitespace.
func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// jsonPlainString returns the bounds of the contents of the string that
// starts at b[i] (a quote), when it has no escape and no control
// character.
func jsonPlainString(b []byte, i int) (start, end int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return i + 1, j, true
		case c == '\\' || c < 0x20:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// jsonScalar reads the scalar value at b[i]: a plain string, a number as
// JSON writes one, true, false or null; next is the index after it.
func jsonScalar(b []byte, i int) (sp jsonSpan, next int, ok bool) {
	if i >= len(b) {
		return sp, 0, false
	}
	switch c := b[i]; {
	case c == '"':
		s, e, ok := jsonPlainString(b, i)
		return jsonSpan{start: s, end: e, kind: '"'}, e + 1, ok
	case c == '-' || c >= '0' && c <= '9':
		e, ok := jsonNumberEnd(b, i)
		return jsonSpan{start: i, end: e, kind: 'n'}, e, ok
	}
	for _, lit := range []struct {
		text string
		kind byte
	}{{"true", 't'}, {"false", 'f'}, {"null", '0'}} {
		if len(b)-i >= len(lit.text) && string(b[i:i+len(lit.text)]) == lit.text {
			return jsonSpan{start: i, end: i + len(lit.text), kind: lit.kind}, i + len(lit.text), true
		}
	}
	return sp, 0, false
}

// jsonNumberEnd returns the index after the JSON number at b[i]
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), false when there is
// none.
func jsonNumberEnd(b []byte, i int) (int, bool) {
	digits := func(j int) int {
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

// jsonFastCell converts the common cases from the bytes, as jsonCell
// would convert what encoding/json decodes: strings in string columns
// (interned), ISO dates, integers and plain decimals of up to 18 digits;
// ok is false for anything else.
func (c *column) jsonFastCell(b []byte, kind byte) (any, bool) {
	switch {
	case kind == '"' && c.kind == value.KindString:
		if len(b) == 0 {
			return "", true // "" is a string in a string column
		}
		v, _ := c.strings.get(b, true) // the line is valid UTF-8
		return v, true
	case kind == '"' && c.kind == value.KindDate && len(b) > 0:
		if d, ok := atodate(b); ok {
			return c.dates.box(d), true
		}
	case kind == 'n' && c.kind == value.KindInt:
		if i, ok := atoi(b); ok {
			return i, true
		}
	case kind == 'n' && c.kind == value.KindDecimal:
		if d, ok := atod(b); ok {
			return d, true
		}
	}
	return nil, false
}
