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
	var b strings.Builder
	for i := 0; i < len(layout); i++ {
		if int64(b.Len()) > maxBytes {
			return "", value.CheckSize(int64(b.Len()), maxBytes)
		}
		c := layout[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(layout) {
			return "", fmt.Errorf("layout %q ends with a lone %%", layout)
		}
		switch layout[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'e':
			fmt.Fprintf(&b, "%2d", t.Day())
		case 'j':
			fmt.Fprintf(&b, "%03d", t.YearDay())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 'b':
			b.WriteString(t.Month().String()[:3])
		case 'B':
			b.WriteString(t.Month().String())
		case 'a':
			b.WriteString(t.Weekday().String()[:3])
		case 'A':
			b.WriteString(t.Weekday().String())
		case 'u':
			b.WriteString(strconv.Itoa(isoWeekday(t)))
		case 'V':
			_, w := t.ISOWeek()
			fmt.Fprintf(&b, "%02d", w)
		case 'G':
			y, _ := t.ISOWeek()
			fmt.Fprintf(&b, "%04d", y)
		case 'q':
			b.WriteString(strconv.Itoa((int(t.Month())-1)/3 + 1))
		case 'F':
			fmt.Fprintf(&b, "%04d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
		case '%':
			b.WriteByte('%')
		default:
			return "", fmt.Errorf("unknown directive %%%c in layout %q", layout[i], layout)
		}
	}
	return b.String(), nil
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
