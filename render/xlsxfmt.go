package render

import (
	"strings"
)

// Excel number formats for the XLSX renderer: a column's format pattern
// (see [ParseFormat]) turned into an Excel custom number format code, so
// that the cell keeps its value and Excel shows it as the other formats
// would.

// The Excel formats of values whose column has no pattern (or one that
// does not apply to the value): integers as they are, decimals with
// DefaultDecimalPlaces places, floats in Excel's General format, dates
// and timestamps in ISO order.
const (
	xlsxIntFormat     = "0"
	xlsxDecimalFormat = "0.00"
	xlsxFloatFormat   = "" // General
	xlsxDateFormat    = "yyyy-mm-dd"
	xlsxTimeFormat    = "yyyy-mm-dd hh:mm:ss"
)

// xlsxNumberFormat returns the Excel format code of a number pattern:
// "#,##0.00" → `#,##0.00`, "$#,##0.00" → `"$"#,##0.00`, "0.0%" →
// `0.0%`, "#,##0 kg" → `#,##0" kg"`. Every number pattern maps.
func xlsxNumberFormat(p numberPattern) string {
	var b strings.Builder
	b.WriteString(xlsxLiteral(p.prefix))
	digits := strings.Repeat("0", p.minInt)
	if p.group {
		if len(digits) < 4 {
			digits = strings.Repeat("#", 4-len(digits)) + digits
		}
		digits = groupThousands(digits)
	}
	b.WriteString(digits)
	if p.maxFrac > 0 {
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", p.minFrac))
		b.WriteString(strings.Repeat("#", p.maxFrac-p.minFrac))
	}
	if p.percent {
		b.WriteByte('%')
	}
	b.WriteString(xlsxLiteral(p.suffix))
	return b.String()
}

// xlsxLiteral quotes s as literal text of a format code ("" stays "").
func xlsxLiteral(s string) string {
	if s == "" {
		return ""
	}
	return `"` + strings.ReplaceAll(s, `"`, `"\""`) + `"`
}

// xlsxDateCodes returns the Excel format code of a date pattern, and
// false when the pattern has a directive Excel cannot show (%j, %u, %w,
// %V, %G, %q; %I without %p; %M neither after an hour nor before seconds,
// which Excel would read as a month): "%b %-d, %Y" → `mmm d", "yyyy`,
// "%Y-%m-%d %H:%M" → `yyyy-mm-dd hh:mm`, "%I:%M %p" → `hh:mm AM/PM`.
func xlsxDateCodes(toks []dateToken) (string, bool) {
	hasP := false
	for _, t := range toks {
		hasP = hasP || t.dir == 'p'
	}
	var b strings.Builder
	lastDir := byte(0)
	for i, t := range toks {
		if t.dir == 0 {
			b.WriteString(xlsxLiteral(t.lit))
			continue
		}
		code, ok := xlsxDateCode(t, hasP)
		if t.dir == 'M' && lastDir != 'H' && lastDir != 'I' && !nextIsSeconds(toks[i+1:]) {
			ok = false
		}
		if !ok {
			return "", false
		}
		b.WriteString(code)
		lastDir = t.dir
	}
	return b.String(), true
}

// nextIsSeconds reports whether the next directive of toks is %S.
func nextIsSeconds(toks []dateToken) bool {
	for _, t := range toks {
		if t.dir != 0 {
			return t.dir == 'S'
		}
	}
	return false
}

// xlsxDateCode maps one date directive.
func xlsxDateCode(t dateToken, hasP bool) (string, bool) {
	pad := func(padded, bare string) (string, bool) {
		if t.nopad {
			return bare, true
		}
		return padded, true
	}
	switch t.dir {
	case 'Y':
		return "yyyy", true
	case 'y':
		return "yy", true
	case 'm':
		return pad("mm", "m")
	case 'd':
		return pad("dd", "d")
	case 'e':
		return "d", true // Excel has no space padding
	case 'b', 'h':
		return "mmm", true
	case 'B':
		return "mmmm", true
	case 'a':
		return "ddd", true
	case 'A':
		return "dddd", true
	case 'H':
		if hasP {
			return "", false // Excel would show the hour on a 12-hour clock
		}
		return pad("hh", "h")
	case 'I':
		if !hasP {
			return "", false
		}
		return pad("hh", "h")
	case 'M':
		return pad("mm", "m")
	case 'S':
		return pad("ss", "s")
	case 'p':
		return "AM/PM", true
	case 'F':
		return "yyyy-mm-dd", true
	case 'T':
		if hasP {
			return "", false
		}
		return "hh:mm:ss", true
	case '%':
		return `"%"`, true
	}
	return "", false // %j, %u, %w, %V, %G, %q
}

// xlsxFormats are the Excel formats of one grid column, by the kind of
// value: its pattern's where the pattern applies, else the defaults.
type xlsxFormats struct {
	intFmt, decFmt, floatFmt, dateFmt, timeFmt string
}

// xlsxDefaults are the formats of values without a pattern.
var xlsxDefaults = newXlsxFormats(Formatter{})

// newXlsxFormats maps f, falling back to the defaults for a date pattern
// Excel cannot show.
func newXlsxFormats(f Formatter) xlsxFormats {
	x := xlsxFormats{xlsxIntFormat, xlsxDecimalFormat, xlsxFloatFormat, xlsxDateFormat, xlsxTimeFormat}
	switch f.kind {
	case formatNumber:
		code := xlsxNumberFormat(f.num)
		x.intFmt, x.decFmt, x.floatFmt = code, code, code
	case formatDate:
		if code, ok := xlsxDateCodes(f.date); ok {
			x.dateFmt, x.timeFmt = code, code
		}
	}
	return x
}
