package value

import (
	"fmt"
	"math"
	"strconv"
)

// Op names an arithmetic operator for error messages.
type Op string

// The arithmetic operators.
const (
	OpAdd Op = "+"
	OpSub Op = "-"
	OpMul Op = "*"
	OpDiv Op = "/"
	OpMod Op = "%"
)

// TypeError reports an operator applied to values it does not accept.
type TypeError struct {
	Op          string
	Left, Right Kind
}

func (e *TypeError) Error() string {
	if e.Right == KindNil && e.Op == "-" {
		return fmt.Sprintf("cannot negate %s", e.Left)
	}
	return fmt.Sprintf("cannot apply %s to %s and %s", e.Op, e.Left, e.Right)
}

// numeric rank: 0 int, 1 decimal, 2 float; -1 not a number.
func rank(v any) int {
	switch v.(type) {
	case int64:
		return 0
	case Decimal:
		return 1
	case float64:
		return 2
	}
	return -1
}

// ToDecimal converts an int64 or Decimal to Decimal.
func ToDecimal(v any) (Decimal, bool) {
	switch x := v.(type) {
	case int64:
		return DecimalFromInt(x), true
	case Decimal:
		return x, true
	}
	return Decimal{}, false
}

// ToFloatChecked converts a number to float64: a decimal too large for a
// float is an ErrFloatOverflow error, not an infinity. Anything else is
// converted as ToFloat does (not a number: 0).
func ToFloatChecked(v any) (float64, error) {
	if d, ok := v.(Decimal); ok {
		return d.Float64Checked()
	}
	f, _ := ToFloat(v)
	return f, nil
}

// ToFloat converts any number to float64.
func ToFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case Decimal:
		return x.Float64(), true
	case float64:
		return x, true
	}
	return 0, false
}

// Arith applies op to a and b. A nil operand gives nil (SQL semantics).
// int op int stays int (overflow is an error, never a wrap) except for /,
// whose result is always an exact decimal (6 / 2 is the decimal 3); an int or decimal with a decimal gives a
// decimal; anything with a float gives a float. Strings concatenate with +.
// A date plus or minus an int shifts by days; date - date is the days between.
func Arith(op Op, a, b any) (any, error) {
	if a == nil || b == nil {
		return nil, nil
	}
	ra, rb := rank(a), rank(b)
	if ra < 0 || rb < 0 {
		return arithOther(op, a, b)
	}
	switch max(ra, rb) {
	case 0:
		return arithInt(op, a.(int64), b.(int64))
	case 1:
		x, _ := ToDecimal(a)
		y, _ := ToDecimal(b)
		r, err := arithDecimal(op, x, y)
		return r, withKinds(err, op, a, b)
	}
	x, err := ToFloatChecked(a)
	if err != nil {
		return nil, err
	}
	y, err := ToFloatChecked(b)
	if err != nil {
		return nil, err
	}
	r, err := arithFloat(op, x, y)
	return r, withKinds(err, op, a, b)
}

// withKinds returns err, unless it is the *TypeError of an operator an
// arithmetic helper does not know: that one names the operands' own kinds
// (an int beside a decimal is not a decimal to the reader).
func withKinds(err error, op Op, a, b any) error {
	if _, ok := err.(*TypeError); ok {
		return &TypeError{Op: string(op), Left: KindOf(a), Right: KindOf(b)}
	}
	return err
}

// arithInt is Arith of two ints: exact, an overflow an ErrOverflow error,
// a division a decimal.
func arithInt(op Op, x, y int64) (any, error) {
	var r int64
	ok := true
	switch op {
	case OpAdd:
		r, ok = addInt64(x, y)
	case OpSub:
		r, ok = subInt64(x, y)
	case OpMul:
		r, ok = mulInt64(x, y)
	case OpDiv:
		if y == 0 {
			return nil, ErrDivByZero
		}
		if x%y == 0 && !(x == math.MinInt64 && y == -1) {
			return DecimalFromInt(x / y), nil
		}
		q, err := DecimalFromInt(x).Div(DecimalFromInt(y))
		return q.Reduced(), err
	case OpMod:
		if y == 0 {
			return nil, ErrDivByZero
		}
		if y == -1 {
			return int64(0), nil
		}
		return x % y, nil
	default:
		return nil, &TypeError{Op: string(op), Left: KindInt, Right: KindInt}
	}
	if !ok {
		return nil, fmt.Errorf("%w: %d %s %d", ErrOverflow, x, op, y)
	}
	return r, nil
}

// arithDecimal is Arith of decimals (an int beside a decimal is one).
func arithDecimal(op Op, x, y Decimal) (any, error) {
	switch op {
	case OpAdd:
		return x.Add(y), nil
	case OpSub:
		return x.Sub(y), nil
	case OpMul:
		return x.Mul(y), nil
	case OpDiv:
		q, err := x.Div(y)
		if err != nil {
			return nil, err
		}
		return q.Reduced(), nil
	case OpMod:
		return x.Mod(y)
	}
	return nil, &TypeError{Op: string(op), Left: KindDecimal, Right: KindDecimal}
}

// arithFloat is Arith of floats (a number beside a float is one): an
// overflow or NaN made of numbers is an error (FloatResult).
func arithFloat(op Op, x, y float64) (any, error) {
	var r float64
	switch op {
	case OpAdd:
		r = x + y
	case OpSub:
		r = x - y
	case OpMul:
		r = x * y
	case OpDiv:
		if y == 0 {
			return nil, ErrDivByZero
		}
		r = x / y
	case OpMod:
		if y == 0 {
			return nil, ErrDivByZero
		}
		r = math.Mod(x, y)
	default:
		return nil, &TypeError{Op: string(op), Left: KindFloat, Right: KindFloat}
	}
	return r, FloatResult(r, op, x, y)
}

// FloatResult checks the float r that op made of x and y: an infinity
// made of finite operands is an ErrFloatOverflow error, NaN made of
// numbers that are not NaN an ErrNaN error. Infinities and NaN that come
// from the operands (the data) pass through. Unary operations pass y = 0.
func FloatResult(r float64, op Op, x, y float64) error {
	switch {
	case math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0):
		return fmt.Errorf("%w: %s %s %s", ErrFloatOverflow, formatG(x), op, formatG(y))
	case math.IsNaN(r) && !math.IsNaN(x) && !math.IsNaN(y):
		return fmt.Errorf("%w: %s %s %s", ErrNaN, formatG(x), op, formatG(y))
	}
	return nil
}

func formatG(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func arithOther(op Op, a, b any) (any, error) {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok && op == OpAdd {
			return x + y, nil
		}
	case Date:
		switch y := b.(type) {
		case int64:
			switch op {
			case OpAdd:
				return shiftDate(x, y, OpAdd)
			case OpSub:
				return shiftDate(x, y, OpSub)
			}
		case Date:
			if op == OpSub {
				return int64(x) - int64(y), nil
			}
		}
	case int64:
		if y, ok := b.(Date); ok && op == OpAdd {
			return shiftDate(y, x, OpAdd)
		}
	}
	return nil, &TypeError{Op: string(op), Left: KindOf(a), Right: KindOf(b)}
}

// shiftDate returns d + days (op OpAdd) or d - days (OpSub), or an
// ErrDateRange error when the result is outside MinDate to MaxDate.
func shiftDate(d Date, days int64, op Op) (any, error) {
	n := days
	if op == OpSub {
		n = -days
	}
	span := int64(MaxDate - MinDate)
	if !d.InRange() || days == math.MinInt64 || n > span || n < -span || !(d + Date(n)).InRange() {
		return nil, fmt.Errorf("%w: %s %s %d days", ErrDateRange, d, op, days)
	}
	return d + Date(n), nil
}

// Neg returns -a (nil stays nil).
func Neg(a any) (any, error) {
	switch x := a.(type) {
	case nil:
		return nil, nil
	case int64:
		if x == math.MinInt64 {
			return nil, fmt.Errorf("%w: -(%d)", ErrOverflow, x)
		}
		return -x, nil
	case Decimal:
		return x.Neg(), nil
	case float64:
		return -x, nil
	}
	return nil, &TypeError{Op: "-", Left: KindOf(a)}
}
