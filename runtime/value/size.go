package value

import (
	"fmt"
	"math"
	"strings"
)

// DefaultMaxBytes is the default bound on the size of one value that an
// operator or function builds (a string's bytes, a decimal's digits): 64
// MiB, the longest record the file readers accept, so that a value made of
// one record's fields always fits.
const DefaultMaxBytes = 64 << 20

// MaxBytes resolves a configured bound on one value's size: 0 is
// DefaultMaxBytes, a negative n is no bound (math.MaxInt64).
func MaxBytes(n int64) int64 {
	switch {
	case n == 0:
		return DefaultMaxBytes
	case n < 0:
		return math.MaxInt64
	}
	return n
}

// SizeError reports a value that would be larger than the bound on one
// value. It is returned before the value is built.
type SizeError struct {
	// Size is the size the value would have (a string's bytes, a
	// decimal's digits), Max the bound.
	Size, Max int64
}

// Error says what the value would take and the bound.
func (e *SizeError) Error() string {
	return fmt.Sprintf("value too large: %s, over the limit of %s on one value", SizeText(e.Size), SizeText(e.Max))
}

// CheckSize returns a *SizeError when size is over max (a resolved bound,
// see MaxBytes).
func CheckSize(size, max int64) error {
	if size > max {
		return &SizeError{Size: size, Max: max}
	}
	return nil
}

// Size is the size of v that the bound on one value applies to: a
// string's bytes, the digits (about) of a decimal too long for 64 bits, 0
// for values of fixed size.
func Size(v any) int64 {
	switch x := v.(type) {
	case string:
		return int64(len(x))
	case Decimal:
		return x.digits()
	}
	return 0
}

// digits returns about the number of digits of d's coefficient when it
// is a big.Int (at most one more), 0 when it fits 64 bits.
func (d Decimal) digits() int64 {
	if d.big == nil {
		return 0
	}
	// log10(2) ≈ 1233/4096.
	return int64(d.big.BitLen())*1233>>12 + 1
}

// CheckValue returns a *SizeError when v is over max.
func CheckValue(v any, max int64) error { return CheckSize(Size(v), max) }

// ArithMax is Arith for values bounded by max (a resolved bound, see
// MaxBytes): strings joined by + and decimals multiplied are checked
// before they are built, other decimal results after.
func ArithMax(op Op, a, b any, max int64) (any, error) {
	switch op {
	case OpAdd:
		if x, ok := a.(string); ok {
			if y, ok := b.(string); ok {
				if err := CheckSize(int64(len(x))+int64(len(y)), max); err != nil {
					return nil, err
				}
				return x + y, nil
			}
		}
	case OpMul:
		if x, ok := a.(Decimal); ok && x.big != nil {
			if err := CheckSize(x.digits()+Size(b), max); err != nil {
				return nil, err
			}
		} else if y, ok := b.(Decimal); ok && y.big != nil {
			if err := CheckSize(Size(a)+y.digits(), max); err != nil {
				return nil, err
			}
		}
	}
	r, err := Arith(op, a, b)
	if err != nil {
		return nil, err
	}
	if d, ok := r.(Decimal); ok && d.big != nil {
		if err := CheckSize(d.digits(), max); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// SizeText writes a size in bytes for people: exact in whole units where
// it is one ("1 byte", "512 bytes", "64 KiB", "64 MiB"), else to a tenth
// of its unit ("1.5 KiB", "1.2 GiB"). Every message that names a size or
// a limit in bytes uses it.
func SizeText(n int64) string {
	const k = 1024
	for _, u := range []struct {
		size int64
		name string
	}{{k * k * k, "GiB"}, {k * k, "MiB"}, {k, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	switch {
	case n == 1:
		return "1 byte"
	case n < k:
		return fmt.Sprintf("%d bytes", n)
	case n < k*k:
		return trimUnit(float64(n)/k, "KiB")
	case n < k*k*k:
		return trimUnit(float64(n)/(k*k), "MiB")
	}
	return trimUnit(float64(n)/(k*k*k), "GiB")
}

func trimUnit(f float64, unit string) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0") + " " + unit
}
