package stdlib

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/reportsh/reportsh/runtime/value"
)

// formatDate renders t by a strftime layout, in at most maxBytes (a
// directive writes up to 9 bytes for 2: the text is checked as it grows).
func formatDate(t time.Time, layout string, maxBytes int64) (string, error) {
	var arr [32]byte // most results fit: no allocation but the string's
	b := arr[:0]
	year, month, day := t.Date()
	for i := 0; i < len(layout); i++ {
		if int64(len(b)) > maxBytes {
			return "", value.CheckSize(int64(len(b)), maxBytes)
		}
		c := layout[i]
		if c != '%' {
			b = append(b, c)
			continue
		}
		i++
		if i == len(layout) {
			return "", fmt.Errorf("layout %q ends with a lone %%", layout)
		}
		switch layout[i] {
		case 'Y':
			b = appendPadded(b, year, 4, '0')
		case 'y':
			b = appendPadded(b, year%100, 2, '0')
		case 'm':
			b = appendPadded(b, int(month), 2, '0')
		case 'd':
			b = appendPadded(b, day, 2, '0')
		case 'e':
			b = appendPadded(b, day, 2, ' ')
		case 'j':
			b = appendPadded(b, t.YearDay(), 3, '0')
		case 'H':
			b = appendPadded(b, t.Hour(), 2, '0')
		case 'M':
			b = appendPadded(b, t.Minute(), 2, '0')
		case 'S':
			b = appendPadded(b, t.Second(), 2, '0')
		case 'b':
			b = append(b, month.String()[:3]...)
		case 'B':
			b = append(b, month.String()...)
		case 'a':
			b = append(b, t.Weekday().String()[:3]...)
		case 'A':
			b = append(b, t.Weekday().String()...)
		case 'u':
			b = strconv.AppendInt(b, int64(isoWeekday(t)), 10)
		case 'V':
			_, w := t.ISOWeek()
			b = appendPadded(b, w, 2, '0')
		case 'G':
			y, _ := t.ISOWeek()
			b = appendPadded(b, y, 4, '0')
		case 'q':
			b = strconv.AppendInt(b, int64((int(month)-1)/3+1), 10)
		case 'F':
			b = appendPadded(b, year, 4, '0')
			b = appendPadded(append(b, '-'), int(month), 2, '0')
			b = appendPadded(append(b, '-'), day, 2, '0')
		case '%':
			b = append(b, '%')
		default:
			return "", fmt.Errorf("unknown directive %%%c in layout %q", layout[i], layout)
		}
	}
	return string(b), nil
}

// appendPadded appends n as fmt's %0Wd (pad '0') or %Wd (pad ' ') would
// write it, width wide: the sign counts in the width.
func appendPadded(b []byte, n, width int, pad byte) []byte {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	if pad == '0' && n < 0 {
		b = append(b, '-')
		d = d[1:]
		width--
	}
	for i := len(d); i < width; i++ {
		b = append(b, pad)
	}
	return append(b, d...)
}

// dateScanner reads a date from s by a strftime layout.
type dateScanner struct {
	s, layout      string
	pos            int // in s
	year, month    int
	day, yday      int
	hasYear, hasMD bool
}

// parseLayout reads s, which must match layout completely.
func parseLayout(s, layout string) (any, error) {
	p := &dateScanner{s: s, layout: layout, month: 1, day: 1}
	if err := p.scan(); err != nil {
		return nil, fmt.Errorf("%q does not match layout %q: %v", s, layout, err)
	}
	if !p.hasYear {
		return nil, fmt.Errorf("layout %q has no year (%%Y or %%y)", layout)
	}
	if p.yday != 0 && !p.hasMD {
		if p.yday > time.Date(p.year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() {
			return nil, fmt.Errorf("invalid date %q: day %d of %d", s, p.yday, p.year)
		}
		return value.NewDate(p.year, 1, p.yday), nil
	}
	d, err := makeDate(int64(p.year), int64(p.month), int64(p.day))
	if err != nil {
		return nil, fmt.Errorf("invalid date %q: %v", s, err)
	}
	return d, nil
}

func (p *dateScanner) scan() error {
	for i := 0; i < len(p.layout); i++ {
		c := p.layout[i]
		switch {
		case c == ' ':
			for p.pos < len(p.s) && unicode.IsSpace(rune(p.s[p.pos])) {
				p.pos++
			}
			continue
		case c != '%':
			if p.pos >= len(p.s) || p.s[p.pos] != c {
				return fmt.Errorf("want %q at offset %d", c, p.pos)
			}
			p.pos++
			continue
		}
		i++
		if i == len(p.layout) {
			return fmt.Errorf("layout ends with a lone %%")
		}
		if err := p.directive(p.layout[i]); err != nil {
			return err
		}
	}
	if p.pos < len(p.s) {
		return fmt.Errorf("extra text %q", p.s[p.pos:])
	}
	return nil
}

func (p *dateScanner) directive(c byte) error {
	var err error
	switch c {
	case 'Y':
		p.year, err = p.number("year", 1, 4, minYear, maxYear)
		p.hasYear = true
	case 'y':
		var y int
		y, err = p.number("two-digit year", 2, 2, 0, 99)
		// POSIX: 69–99 are 1969–1999, 00–68 are 2000–2068.
		if y >= 69 {
			p.year = 1900 + y
		} else {
			p.year = 2000 + y
		}
		p.hasYear = true
	case 'm':
		p.month, err = p.number("month", 1, 2, 1, 12)
		p.hasMD = true
	case 'e':
		if p.pos < len(p.s) && p.s[p.pos] == ' ' {
			p.pos++
		}
		fallthrough
	case 'd':
		p.day, err = p.number("day", 1, 2, 1, 31)
		p.hasMD = true
	case 'j':
		p.yday, err = p.number("day of year", 1, 3, 1, 366)
	case 'H':
		_, err = p.number("hour", 1, 2, 0, 23)
	case 'M':
		_, err = p.number("minute", 1, 2, 0, 59)
	case 'S':
		_, err = p.number("second", 1, 2, 0, 60)
	case 'b', 'B':
		var m int
		m, err = p.name("month", 12, func(i int) string { return time.Month(i + 1).String() })
		p.month = m + 1
		p.hasMD = true
	case 'a', 'A':
		_, err = p.name("weekday", 7, func(i int) string { return time.Weekday(i).String() })
	case 'F':
		for i, part := range []byte{'Y', '-', 'm', '-', 'd'} {
			if i%2 == 1 {
				if p.pos >= len(p.s) || p.s[p.pos] != '-' {
					return fmt.Errorf("want '-' at offset %d", p.pos)
				}
				p.pos++
				continue
			}
			if err := p.directive(part); err != nil {
				return err
			}
		}
	case '%':
		if p.pos >= len(p.s) || p.s[p.pos] != '%' {
			return fmt.Errorf("want '%%' at offset %d", p.pos)
		}
		p.pos++
	default:
		return fmt.Errorf("directive %%%c is not supported when parsing", c)
	}
	return err
}

// number reads minDigits to maxDigits decimal digits in [lo, hi].
func (p *dateScanner) number(what string, minDigits, maxDigits, lo, hi int) (int, error) {
	start := p.pos
	n := 0
	for p.pos < len(p.s) && p.pos-start < maxDigits && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		n = n*10 + int(p.s[p.pos]-'0')
		p.pos++
	}
	if p.pos-start < minDigits {
		return 0, fmt.Errorf("want %s at offset %d", what, start)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s %d out of range [%d, %d]", what, n, lo, hi)
	}
	return n, nil
}

// name reads one of count names (full or the first three letters, any
// case) and returns its index.
func (p *dateScanner) name(what string, count int, names func(int) string) (int, error) {
	rest := p.s[p.pos:]
	for i := range count {
		full := names(i)
		for _, n := range []string{full, full[:3]} {
			if len(rest) >= len(n) && strings.EqualFold(rest[:len(n)], n) {
				p.pos += len(n)
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("want %s name at offset %d", what, p.pos)
}
