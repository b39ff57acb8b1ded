package source

import (
	"fmt"
	"hash/maphash"
	"unicode/utf8"

	"github.com/reportsh/reportsh/runtime/value"
)

// column is how a text source converts one column's cells.
type column struct {
	name     string
	kind     value.Kind
	inferred bool      // the kind came from the sample, not a declaration
	strings  *interner // for string columns
	dates    *dateBoxes
}

// parseCell converts one CSV cell. Empty text is nil for every kind. The
// common cases (strings, integers, plain decimals, ISO dates) are converted
// from the bytes without building a string; everything else goes through
// value.Parse, whose errors the fast paths never change. valid says b is
// known to be valid UTF-8.
func (c *column) parseCell(b []byte, valid bool) (any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	switch c.kind {
	case value.KindString:
		return c.strings.get(b, valid)
	case value.KindInt:
		if i, ok := atoi(b); ok {
			return i, nil
		}
	case value.KindDecimal:
		if d, ok := atod(b); ok {
			return d, nil
		}
	case value.KindDate:
		if d, ok := atodate(b); ok {
			return c.dates.box(d), nil
		}
	}
	if !utf8.Valid(b) {
		return nil, errInvalidUTF8
	}
	s := string(b)
	v, err := value.Parse(c.kind, s)
	if err != nil {
		return nil, c.hint(s, err)
	}
	return v, nil
}

// hint explains a parse failure in a column whose kind was inferred from a
// sample when the value would have fitted a wider kind: "invalid int
// "12.5" (kind inferred from the sample; declare the column as decimal)".
func (c *column) hint(s string, err error) error {
	if !c.inferred {
		return err
	}
	if k := value.Unify(c.kind, value.InferKind(s)); k != value.KindString && k != c.kind {
		return fmt.Errorf("%w (kind inferred from the first records; declare the column as %s)", err, k)
	}
	return err
}

// atoi parses an optionally signed decimal integer of at most 18 digits.
func atoi(b []byte) (int64, bool) {
	neg := false
	switch b[0] {
	case '-':
		neg = true
		b = b[1:]
	case '+':
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// atod parses an optionally signed decimal with at most 18 digits and no
// exponent, keeping the number of fraction digits written as the scale.
func atod(b []byte) (value.Decimal, bool) {
	n, scale, ok := ParseDecimal(b)
	if !ok {
		return value.Decimal{}, false
	}
	return value.NewDecimal(n, scale), true
}

// ParseDecimal parses b as a decimal cell's fast path does: an optionally
// signed decimal of at most 18 digits and no exponent, returned as its
// coefficient and scale (the fraction digits written). ok is false for
// anything else, which the cell's full conversion may still accept.
func ParseDecimal(b []byte) (coef int64, scale int32, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	neg := false
	switch b[0] {
	case '-':
		neg = true
		b = b[1:]
	case '+':
		b = b[1:]
	}
	var n int64
	digits, dot := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int64(c-'0')
			digits++
			if dot {
				scale++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, 0, false
		}
	}
	if digits == 0 || digits > 18 {
		return 0, 0, false
	}
	if neg {
		n = -n
	}
	return n, scale, true
}

// ParseDate parses b as a date cell's fast path does: YYYY-MM-DD, as the
// number of days since 1970-01-01 (a value.Date); ok is false for anything
// else, which the cell's full conversion may still accept.
func ParseDate(b []byte) (value.Date, bool) { return atodate(b) }

// ParseInt parses b as an int cell's fast path does: an optionally signed
// decimal integer of at most 18 digits; ok is false for anything else.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	return atoi(b)
}

// atodate parses YYYY-MM-DD.
func atodate(b []byte) (value.Date, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	num := func(p []byte) (int, bool) {
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	m, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return value.Date(daysFromCivil(y, m, d)), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// dateBoxes shares the boxed values of recent dates: a report's dates
// repeat (a year has 365), and boxing each one would cost an allocation
// per record. It is a direct-mapped cache, so it never grows.
type dateBoxes [512]struct {
	d   value.Date
	box any
}

func (c *dateBoxes) box(d value.Date) any {
	if c == nil {
		return d
	}
	e := &c[uint32(d)%uint32(len(c))]
	if e.box == nil || e.d != d {
		e.d, e.box = d, d
	}
	return e.box
}

const (
	internWays    = 4                 // entries per bucket
	internBuckets = 4096 / internWays // a power of two
	internMaxLen  = 64                // longer strings are not interned
)

// interner shares the boxed string of repeated values (territories,
// products, statuses), saving two allocations and the memory of every
// repeat. It is a 4-way set-associative cache of 4096 values per column
// (a new value evicts its bucket's least recently used one), so it never
// grows, and it turns itself off for columns whose values rarely repeat.
type interner struct {
	seed     maphash.Seed
	buckets  [][internWays]internSlot
	hits     int
	misses   int
	disabled bool
}

type internSlot struct {
	s   string
	box any
}

// get returns b as a boxed string, or errInvalidUTF8 (unless valid says b
// is known to be valid UTF-8).
func (in *interner) get(b []byte, valid bool) (any, error) {
	if in == nil || in.disabled || len(b) > internMaxLen {
		if !valid && !utf8.Valid(b) {
			return nil, errInvalidUTF8
		}
		return string(b), nil
	}
	if in.buckets == nil {
		in.seed, in.buckets = maphash.MakeSeed(), make([][internWays]internSlot, internBuckets)
	}
	bucket := &in.buckets[maphash.Bytes(in.seed, b)&(internBuckets-1)]
	for i := range bucket {
		if e := bucket[i]; e.box != nil && e.s == string(b) {
			if i > 0 { // move to front
				copy(bucket[1:i+1], bucket[:i])
				bucket[0] = e
			}
			in.hits++
			return e.box, nil
		}
	}
	if !valid && !utf8.Valid(b) {
		return nil, errInvalidUTF8
	}
	in.misses++
	if in.misses >= internWays*internBuckets && in.hits < in.misses {
		in.disabled, in.buckets = true, nil
	}
	s := string(b)
	var v any = s
	if in.buckets != nil {
		copy(bucket[1:], bucket[:internWays-1])
		bucket[0] = internSlot{s, v}
	}
	return v, nil
}
