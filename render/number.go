package render

import (
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// numberPattern is a compiled number format such as "$#,##0.00".
type numberPattern struct {
	prefix, suffix   string
	group            bool // thousands separators
	minInt           int  // integer digits always shown (at least 1)
	minFrac, maxFrac int  // fraction digits: zeros, zeros plus #s
	percent          bool // ×100 and a '%' after the number
}

const numberChars = "#0.,"

// parseNumberPattern compiles prefix, number, optional '%', suffix.
func parseNumberPattern(s string) (numberPattern, error) {
	var p numberPattern
	bad := func(off int, msg string) (numberPattern, error) {
		return numberPattern{}, &FormatError{Format: s, Offset: off, Msg: msg}
	}
	start := strings.IndexAny(s, "#0")
	if start < 0 {
		return bad(0, "no digit placeholder ('#' or '0') and no date directive ('%Y', '%m', …)")
	}
	for start > 0 && strings.IndexByte(numberChars, s[start-1]) >= 0 {
		start-- // a pattern may start with '.' or ','
	}
	end := start
	for end < len(s) && strings.IndexByte(numberChars, s[end]) >= 0 {
		end++
	}
	p.prefix = s[:start]
	if i := strings.IndexByte(p.prefix, '%'); i >= 0 {
		return bad(i, "'%' must follow the number")
	}
	rest := s[end:]
	if strings.HasPrefix(rest, "%") {
		p.percent = true
		rest = rest[1:]
	}
	if i := strings.IndexAny(rest, "#0%"); i >= 0 {
		return bad(len(s)-len(rest)+i, "stray '"+rest[i:i+1]+"' after the number")
	}
	p.suffix = rest

	core := s[start:end]
	intPart, frac := core, ""
	if i := strings.IndexByte(core, '.'); i >= 0 {
		intPart, frac = core[:i], core[i+1:]
		if j := strings.IndexByte(frac, '.'); j >= 0 {
			return bad(start+i+1+j, "second '.' in the number")
		}
	}
	sawZero := false
	for i := 0; i < len(intPart); i++ {
		switch intPart[i] {
		case ',':
			if i == 0 || i == len(intPart)-1 {
				return bad(start+i, "',' must stand between digit placeholders")
			}
			p.group = true
		case '0':
			sawZero = true
			p.minInt++
		case '#':
			if sawZero {
				return bad(start+i, "'#' after '0' in the integer part")
			}
		}
	}
	p.minInt = max(p.minInt, 1)
	fracOff := start + len(intPart) + 1
	sawHash := false
	for i := 0; i < len(frac); i++ {
		switch frac[i] {
		case ',':
			return bad(fracOff+i, "',' in the fraction")
		case '0':
			if sawHash {
				return bad(fracOff+i, "'0' after '#' in the fraction")
			}
			p.minFrac++
		case '#':
			sawHash = true
		}
		p.maxFrac++
	}
	return p, nil
}

// scaled returns d as the pattern shows it (×100 for a percent pattern).
func (p numberPattern) scaled(d value.Decimal) value.Decimal {
	if p.percent {
		return d.Mul(value.DecimalFromInt(100))
	}
	return d
}

// round rounds d to the places the pattern shows, in d's own unit, keeping
// at least the pattern's fixed places: the machine-readable form.
func (p numberPattern) round(d value.Decimal) value.Decimal {
	shift := int32(0)
	if p.percent {
		shift = 2
	}
	return trimTo(d.Round(int32(p.maxFrac)+shift), int32(p.minFrac)+shift)
}

// trimTo rescales d to its significant fraction digits but at least minScale.
func trimTo(d value.Decimal, minScale int32) value.Decimal {
	r := d.Reduced()
	if r.Scale() < minScale {
		return r.Rescale(minScale)
	}
	return r
}

// format renders d with the pattern.
func (p numberPattern) format(d value.Decimal) string {
	r := trimTo(p.scaled(d).Round(int32(p.maxFrac)), int32(p.minFrac))
	s := r.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intDigits, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intDigits, frac = s[:i], s[i+1:]
	}
	if n := p.minInt - len(intDigits); n > 0 {
		intDigits = strings.Repeat("0", n) + intDigits
	}
	var b strings.Builder
	if neg && !r.IsZero() {
		b.WriteByte('-')
	}
	b.WriteString(p.prefix)
	if p.group {
		b.WriteString(groupThousands(intDigits))
	} else {
		b.WriteString(intDigits)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	if p.percent {
		b.WriteByte('%')
	}
	b.WriteString(p.suffix)
	return b.String()
}

// groupThousands inserts ',' every three digits from the right.
func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
