package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// DefaultDecimalPlaces is the number of fraction digits a decimal shows when
// its column has no format: money, rounded half away from zero.
const DefaultDecimalPlaces = 2

// defaultFloatPlaces is the most fraction digits a float shows by default;
// trailing zeros are trimmed.
const defaultFloatPlaces = 6

// FormatError reports a format pattern that [ParseFormat] cannot use. Offset
// lets a caller point at the exact character inside the script's string.
type FormatError struct {
	// Format is the whole pattern.
	Format string
	// Offset is the byte offset in Format of the problem.
	Offset int
	// Msg says what is wrong.
	Msg string
}

// Error returns "format "#,#0.0#0": '0' after '#' in the fraction (at byte 7)".
func (e *FormatError) Error() string {
	return fmt.Sprintf("format %q: %s (at byte %d)", e.Format, e.Msg, e.Offset)
}

type formatKind uint8

const (
	formatDefault formatKind = iota
	formatNumber
	formatDate
)

// Formatter turns values into display strings. The zero Formatter is the
// default formatting; [ParseFormat] makes the others.
//
// Number patterns: an optional literal prefix, the number, an optional '%',
// an optional literal suffix. In the number, '0' is a digit always shown and
// '#' a digit shown when needed; a ',' in the integer part groups thousands
// and a '.' starts the fraction: "#,##0.00" (1234.5 → 1,234.50), "0"
// (no decimals), "0.00##" (2 to 4 places), "0.0%" (×100: 0.1234 → 12.3%),
// "$#,##0.00" (-5 → -$5.00), "#,##0 kg". Rounding is half away from zero,
// exact for decimals.
//
// Date patterns hold strftime directives: %Y year, %y two-digit year, %m
// month, %d day, %e space-padded day, %j day of year, %b/%h and %B month
// name, %a and %A weekday name, %u weekday 1–7 (Monday 1), %w weekday 0–6
// (Sunday 0), %V ISO week, %G ISO year, %q quarter 1–4, %H, %I, %M, %S, %p
// (AM/PM), %F (%Y-%m-%d), %T (%H:%M:%S), %% a percent sign. A '-' after the
// '%' drops the zero padding: "%b %-d, %Y" → "Mar 5, 2024".
//
// A number pattern shows non-numbers, and a date pattern non-dates, as the
// default formatting would.
type Formatter struct {
	pattern string
	kind    formatKind
	num     numberPattern
	date    []dateToken
}

// ParseFormat compiles a format pattern; "" gives the default [Formatter].
// Its errors are [*FormatError]s.
func ParseFormat(s string) (Formatter, error) {
	f := Formatter{pattern: s}
	if s == "" {
		return f, nil
	}
	if isDatePattern(s) {
		toks, err := parseDatePattern(s)
		if err != nil {
			return Formatter{}, err
		}
		f.kind, f.date = formatDate, toks
		return f, nil
	}
	n, err := parseNumberPattern(s)
	if err != nil {
		return Formatter{}, err
	}
	f.kind, f.num = formatNumber, n
	return f, nil
}

// MustFormat is [ParseFormat] for patterns known to be good; it panics on a
// bad one.
func MustFormat(s string) Formatter {
	f, err := ParseFormat(s)
	if err != nil {
		panic(err)
	}
	return f
}

// String returns the pattern the Formatter was made from.
func (f Formatter) String() string { return f.pattern }

// IsDate reports whether f is a date pattern.
func (f Formatter) IsDate() bool { return f.kind == formatDate }

// IsNumber reports whether f is a number pattern.
func (f Formatter) IsNumber() bool { return f.kind == formatNumber }

// Format renders v for people. Nil is "".
func (f Formatter) Format(v any) string {
	v = value.Normalize(v)
	switch f.kind {
	case formatNumber:
		if d, ok := toDecimal(v); ok {
			return f.num.format(d)
		}
	case formatDate:
		if t, ok := toTime(v); ok {
			return formatDateTokens(f.date, t)
		}
	}
	return defaultString(v)
}

// machine returns v as machine-readable output (CSV, JSON) shows it: a
// number pattern rounds numbers other than integers to its places (the
// value stays a number), a date pattern turns dates into strings; anything
// else is returned unchanged.
func (f Formatter) machine(v any) any {
	v = value.Normalize(v)
	switch f.kind {
	case formatNumber:
		if _, isInt := v.(int64); isInt {
			return v
		}
		if d, ok := toDecimal(v); ok {
			return f.num.round(d)
		}
	case formatDate:
		if t, ok := toTime(v); ok {
			return formatDateTokens(f.date, t)
		}
	}
	return v
}

// defaultString is the default formatting of a normalized value.
func defaultString(v any) string {
	switch x := v.(type) {
	case value.Decimal:
		return x.Rescale(DefaultDecimalPlaces).String()
	case float64:
		return formatFloat(x)
	}
	return value.String(v)
}

// formatFloat renders f with at most defaultFloatPlaces fraction digits,
// trailing zeros trimmed.
func formatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'f', defaultFloatPlaces, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// toDecimal converts a finite number to an exact decimal.
func toDecimal(v any) (value.Decimal, bool) {
	switch x := v.(type) {
	case int64:
		return value.DecimalFromInt(x), true
	case value.Decimal:
		return x, true
	case float64:
		d, err := value.DecimalFromFloat(x)
		return d, err == nil
	}
	return value.Decimal{}, false
}

// toTime converts a date or timestamp to a time.
func toTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case value.Date:
		return x.Time(), true
	case time.Time:
		return x, true
	}
	return time.Time{}, false
}

// isNumber reports whether v is an int, decimal or float.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, value.Decimal, float64:
		return true
	}
	return false
}
