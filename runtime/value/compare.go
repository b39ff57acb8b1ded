package value

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Compare orders two non-nil values: numbers of any kind with each other,
// strings, bools (false < true), dates and timestamps (a date is midnight
// UTC), and a date with a "YYYY-MM-DD" string. Other pairs are an error.
func Compare(a, b any) (int, error) {
	ra, rb := rank(a), rank(b)
	if ra >= 0 && rb >= 0 {
		switch max(ra, rb) {
		case 0:
			return cmp.Compare(a.(int64), b.(int64)), nil
		case 1:
			x, _ := ToDecimal(a)
			y, _ := ToDecimal(b)
			return x.Cmp(y), nil
		default:
			x, _ := ToFloat(a)
			y, _ := ToFloat(b)
			return cmp.Compare(x, y), nil
		}
	}
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(x, y), nil
		case Date:
			if d, err := ParseDate(x); err == nil {
				return cmp.Compare(d, y), nil
			}
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp.Compare(b2i(x), b2i(y)), nil
		}
	case Date:
		switch y := b.(type) {
		case Date:
			return cmp.Compare(x, y), nil
		case time.Time:
			return x.Time().Compare(y), nil
		case string:
			if d, err := ParseDate(y); err == nil {
				return cmp.Compare(x, d), nil
			}
		}
	case time.Time:
		switch y := b.(type) {
		case time.Time:
			return x.Compare(y), nil
		case Date:
			return x.Compare(y.Time()), nil
		}
	}
	return 0, fmt.Errorf("cannot compare %s with %s", KindOf(a), KindOf(b))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Equal reports whether a and b are equal: nil equals only nil, numbers
// compare by value across kinds (1 == 1.0), and values of kinds that cannot
// be compared are unequal.
func Equal(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	c, err := Compare(a, b)
	if err != nil {
		return false
	}
	return c == 0
}

// Less is a total order for sorting: nil first, then by Compare, then by kind.
func Less(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b != nil
	}
	c, err := Compare(a, b)
	if err != nil {
		return KindOf(a) < KindOf(b)
	}
	return c < 0
}

// HashKey returns a comparable key such that Equal values of the same
// numeric family share a key (1, 1.0 and 1.00 group together). It is meant
// for grouping and DISTINCT.
func HashKey(v any) any {
	switch x := v.(type) {
	case Decimal:
		r := x.Reduced()
		if r.big == nil {
			if r.scale == 0 {
				return r.coef
			}
			return decKey{r.coef, r.scale}
		}
		return bigKey{r.String()}
	case float64:
		if i, ok := floatToInt64(x); ok {
			return i
		}
		if d, err := DecimalFromFloatExact(x); err == nil {
			return HashKey(d)
		}
		return x
	case map[string]any:
		return fmt.Sprint(x)
	}
	return v
}

type decKey struct {
	coef  int64
	scale int32
}

type bigKey struct{ s string }
