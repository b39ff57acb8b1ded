package render

import (
	"strconv"
	"strings"
	"time"
)

// dateToken is a literal (dir == 0) or one directive of a date pattern.
type dateToken struct {
	lit   string
	dir   byte
	nopad bool // "%-d": no zero padding
}

// isDatePattern reports whether s holds a strftime directive: a '%'
// followed by a letter, '-' or '%'. A '%' at the end is a percent sign.
func isDatePattern(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		c := s[i+1]
		if c == '-' || c == '%' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
			return true
		}
	}
	return false
}

const dateDirectives = "YymdejbhBaAuwVGqHIMSpFT%"

// parseDatePattern splits s into literals and directives.
func parseDatePattern(s string) ([]dateToken, error) {
	var toks []dateToken
	lit := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if lit < i {
			toks = append(toks, dateToken{lit: s[lit:i]})
		}
		at := i
		t := dateToken{}
		i++
		if i < len(s) && s[i] == '-' {
			t.nopad = true
			i++
		}
		if i >= len(s) {
			return nil, &FormatError{Format: s, Offset: at, Msg: "'%' at the end of a date pattern (write %% for a percent sign)"}
		}
		if strings.IndexByte(dateDirectives, s[i]) < 0 {
			return nil, &FormatError{Format: s, Offset: at, Msg: "unknown date directive '%" + s[at+1:i+1] + "'"}
		}
		t.dir = s[i]
		toks = append(toks, t)
		lit = i + 1
	}
	if lit < len(s) {
		toks = append(toks, dateToken{lit: s[lit:]})
	}
	return toks, nil
}

// formatDateTokens renders t with a compiled date pattern.
func formatDateTokens(toks []dateToken, t time.Time) string {
	var b []byte
	for _, tok := range toks {
		if tok.dir == 0 {
			b = append(b, tok.lit...)
			continue
		}
		b = appendDirective(b, tok, t)
	}
	return string(b)
}

func appendDirective(b []byte, tok dateToken, t time.Time) []byte {
	num := func(n, width int, pad byte) []byte {
		s := strconv.Itoa(n)
		if !tok.nopad {
			for i := len(s); i < width; i++ {
				b = append(b, pad)
			}
		}
		return append(b, s...)
	}
	switch tok.dir {
	case 'Y':
		return num(t.Year(), 4, '0')
	case 'y':
		return num((t.Year()%100+100)%100, 2, '0')
	case 'm':
		return num(int(t.Month()), 2, '0')
	case 'd':
		return num(t.Day(), 2, '0')
	case 'e':
		return num(t.Day(), 2, ' ')
	case 'j':
		return num(t.YearDay(), 3, '0')
	case 'b', 'h':
		return append(b, t.Month().String()[:3]...)
	case 'B':
		return append(b, t.Month().String()...)
	case 'a':
		return append(b, t.Weekday().String()[:3]...)
	case 'A':
		return append(b, t.Weekday().String()...)
	case 'u':
		return num((int(t.Weekday())+6)%7+1, 1, '0')
	case 'w':
		return num(int(t.Weekday()), 1, '0')
	case 'V':
		_, w := t.ISOWeek()
		return num(w, 2, '0')
	case 'G':
		y, _ := t.ISOWeek()
		return num(y, 4, '0')
	case 'q':
		return num((int(t.Month())-1)/3+1, 1, '0')
	case 'H':
		return num(t.Hour(), 2, '0')
	case 'I':
		return num((t.Hour()+11)%12+1, 2, '0')
	case 'M':
		return num(t.Minute(), 2, '0')
	case 'S':
		return num(t.Second(), 2, '0')
	case 'p':
		if t.Hour() < 12 {
			return append(b, "AM"...)
		}
		return append(b, "PM"...)
	case 'F':
		return append(b, t.Format("2006-01-02")...)
	case 'T':
		return append(b, t.Format("15:04:05")...)
	}
	return append(b, '%') // "%%"
}
