package value

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Parse converts text to a value of kind k. Empty text is nil for every kind
// but string. KindAny infers: int, then decimal, then date, then string.
func Parse(k Kind, s string) (any, error) {
	if s == "" && k != KindString {
		return nil, nil
	}
	switch k {
	case KindString:
		return s, nil
	case KindInt:
		i, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, fmt.Errorf("integer %q out of range", s)
			}
			return nil, fmt.Errorf("invalid int %q", s)
		}
		return i, nil
	case KindDecimal:
		return ParseDecimal(s)
	case KindFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, fmt.Errorf("float %q out of range", s)
			}
			return nil, fmt.Errorf("invalid float %q", s)
		}
		return f, nil
	case KindBool:
		switch strings.ToLower(s) {
		case "true", "t", "yes", "y", "1":
			return true, nil
		case "false", "f", "no", "n", "0":
			return false, nil
		}
		return nil, fmt.Errorf("invalid bool %q", s)
	case KindDate:
		if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
			if t, err := ParseTime(s); err == nil {
				return DateOf(t), nil
			}
		}
		return ParseDate(s)
	case KindTime:
		return ParseTime(s)
	case KindAny:
		return Infer(s), nil
	}
	return nil, fmt.Errorf("cannot parse %q as %s", s, k)
}

// ParseTime parses RFC 3339 timestamps, with or without a zone, with T or a
// space between date and time.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
}

// InferKind guesses the kind of one text cell: int, decimal (digits with a
// point), date (YYYY-MM-DD), timestamp, bool (true/false), else string.
// Empty text gives KindNil (no information).
func InferKind(s string) Kind {
	if s == "" {
		return KindNil
	}
	if looksInt(s) {
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return KindString // out of range
		}
		if len(s) > 1 && s[0] == '0' {
			return KindString // leading zeros: an identifier such as a zip code
		}
		return KindInt
	}
	if looksDecimal(s) {
		if _, err := ParseDecimal(s); err == nil {
			return KindDecimal
		}
	}
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		if _, err := ParseDate(s); err == nil {
			return KindDate
		}
	}
	if len(s) > 10 && s[4] == '-' {
		if _, err := ParseTime(s); err == nil {
			return KindTime
		}
	}
	if s == "true" || s == "false" {
		return KindBool
	}
	return KindString
}

// looksInt reports whether s is digits after an optional sign: only then
// is it worth ParseInt, whose error for other text is an allocation.
func looksInt(s string) bool {
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	if i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func looksDecimal(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		case (c == '-' || c == '+') && i == 0:
		default:
			return false
		}
	}
	return dot
}

// Unify returns the kind that holds values of both kinds: int+decimal is
// decimal, int or decimal with float is float, nil with k is k; any other
// mix is string.
func Unify(a, b Kind) Kind {
	switch {
	case a == b:
		return a
	case a == KindNil:
		return b
	case b == KindNil:
		return a
	case a.IsNumeric() && b.IsNumeric():
		if a == KindFloat || b == KindFloat {
			return KindFloat
		}
		return KindDecimal
	case (a == KindDate && b == KindTime) || (a == KindTime && b == KindDate):
		return KindTime
	}
	return KindString
}

// Infer parses s as the kind InferKind gives.
func Infer(s string) any {
	v, err := Parse(InferKind(s), s)
	if err != nil {
		return s
	}
	return v
}

// Convert converts a run-time value to kind k where that is lossless or
// conventional (int to decimal, decimal to float, strings parsed, numbers
// to strings). It is used for typed parameters and declared columns.
func Convert(v any, k Kind) (any, error) {
	v = Normalize(v)
	if v == nil || k == KindAny || KindOf(v) == k {
		return v, nil
	}
	if s, ok := v.(string); ok {
		return Parse(k, s)
	}
	switch k {
	case KindString:
		return String(v), nil
	case KindDecimal:
		switch x := v.(type) {
		case int64:
			return DecimalFromInt(x), nil
		case float64:
			return DecimalFromFloatExact(x)
		}
	case KindFloat:
		if _, ok := ToFloat(v); ok {
			return ToFloatChecked(v)
		}
	case KindInt:
		switch x := v.(type) {
		case Decimal:
			if i, ok := x.Int64(); ok {
				return i, nil
			}
		case float64:
			if i, ok := floatToInt64(x); ok {
				return i, nil
			}
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
	case KindBool:
		if i, ok := v.(int64); ok && (i == 0 || i == 1) {
			return i == 1, nil
		}
	case KindDate:
		if t, ok := v.(time.Time); ok {
			return DateOf(t), nil
		}
	case KindTime:
		if d, ok := v.(Date); ok {
			return d.Time(), nil
		}
	}
	return nil, fmt.Errorf("cannot convert %s %s to %s", KindOf(v), String(v), k)
}

// String renders v canonically: nil as "", numbers exactly, dates as
// YYYY-MM-DD, timestamps as RFC 3339.
func String(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case Decimal:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case Date:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// floatToInt64 returns f as an int64 when f is integral and in range. (Go's
// conversion of an out-of-range float is implementation-defined: it
// saturates on arm64, so 2^63 would pass a round-trip test there.)
func floatToInt64(f float64) (int64, bool) {
	if f >= -(1<<63) && f < 1<<63 && f == math.Trunc(f) {
		return int64(f), true
	}
	return 0, false
}
