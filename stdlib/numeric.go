package stdlib

import (
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/reportsh/reportsh/runtime/value"
)

var numberFuncs = []spec{
	{
		name: "abs", sig: "abs(x number) number", min: 1, max: 1,
		doc:    "Absolute value of x, of the same kind as x.",
		params: []kinds{tNumber}, result: sameAs(0), call: abs,
	},
	{
		name: "round", sig: "round(x number, places int = 0) number", min: 1, max: 2,
		doc: "x rounded half away from zero to places fraction digits (negative places round to tens, hundreds…); " +
			"a decimal keeps exactly places digits, an int stays int, a float stays float.",
		params: []kinds{tNumber, tInt}, result: sameAs(0),
		call: func(args []any) (any, error) { return roundNumber(args, false) },
	},
	{
		name: "trunc", sig: "trunc(x number, places int = 0) number", min: 1, max: 2,
		doc:    "x truncated toward zero to places fraction digits (negative places truncate to tens, hundreds…).",
		params: []kinds{tNumber, tInt}, result: sameAs(0),
		call: func(args []any) (any, error) { return roundNumber(args, true) },
	},
	{
		name: "floor", sig: "floor(x number) number", min: 1, max: 1,
		doc:    "The largest integral value not greater than x, of the same kind as x.",
		params: []kinds{tNumber}, result: sameAs(0),
		call: func(args []any) (any, error) { return floorCeil(args[0], -1) },
	},
	{
		name: "ceil", sig: "ceil(x number) number", min: 1, max: 1,
		doc:    "The smallest integral value not less than x, of the same kind as x.",
		params: []kinds{tNumber}, result: sameAs(0),
		call: func(args []any) (any, error) { return floorCeil(args[0], 1) },
	},
	{
		name: "sign", sig: "sign(x number) int", min: 1, max: 1,
		doc:    "-1, 0 or 1 as x is negative, zero or positive.",
		params: []kinds{tNumber}, result: returns(value.KindInt), call: sign,
	},
	{
		name: "sqrt", sig: "sqrt(x number) float", min: 1, max: 1,
		doc:    "Square root of x as a float; an error for negative x.",
		params: []kinds{tNumber}, result: returns(value.KindFloat), call: sqrt,
	},
	{
		name: "pow", sig: "pow(x number, y number) float", min: 2, max: 2,
		doc:    "x raised to the power y as a float; an error when the result is not a finite real number.",
		params: []kinds{tNumber, tNumber}, result: returns(value.KindFloat), call: pow,
	},
	{
		name: "mod", sig: "mod(x number, y number) number", min: 2, max: 2,
		doc:    "Remainder of x / y truncated toward zero (the sign of x), like x % y; an error when y is 0.",
		params: []kinds{tNumber, tNumber}, result: unifyNumbers,
		call: func(args []any) (any, error) { return value.Arith(value.OpMod, args[0], args[1]) },
	},
	{
		name: "greatest", sig: "greatest(x T, more T...) T", min: 1, max: -1, nilIn: true,
		doc: "The largest argument, ignoring nils (nil only when all are nil); " +
			"numbers widen to the widest kind, dates to timestamps.",
		params: []kinds{tScalar}, result: unifyFamily,
		call: func(args []any) (any, error) { return extreme("greatest", args, 1) },
	},
	{
		name: "least", sig: "least(x T, more T...) T", min: 1, max: -1, nilIn: true,
		doc: "The smallest argument, ignoring nils (nil only when all are nil); " +
			"numbers widen to the widest kind, dates to timestamps.",
		params: []kinds{tScalar}, result: unifyFamily,
		call: func(args []any) (any, error) { return extreme("least", args, -1) },
	},
}

func abs(args []any) (any, error) {
	switch x := args[0].(type) {
	case int64:
		if x == math.MinInt64 {
			return nil, fmt.Errorf("%w: abs(%d)", value.ErrOverflow, x)
		}
		if x < 0 {
			return -x, nil
		}
		return x, nil
	case value.Decimal:
		if x.Sign() < 0 {
			return x.Neg(), nil
		}
		return x, nil
	}
	return math.Abs(args[0].(float64)), nil
}

// maxPlaces bounds the places argument of round and trunc.
const maxPlaces = 1000

// roundNumber implements round (trunc false) and trunc.
func roundNumber(args []any, trunc bool) (any, error) {
	places := int64(0)
	if len(args) > 1 {
		places = args[1].(int64)
	}
	if places < -maxPlaces || places > maxPlaces {
		return nil, fmt.Errorf("places %d out of range [%d, %d]", places, -maxPlaces, maxPlaces)
	}
	p := int32(places)
	switch x := args[0].(type) {
	case int64:
		if p >= 0 {
			return x, nil
		}
		i, ok := roundDecimal(value.DecimalFromInt(x), p, trunc).Int64()
		if !ok {
			return nil, fmt.Errorf("%w: round(%d, %d)", value.ErrOverflow, x, p)
		}
		return i, nil
	case value.Decimal:
		return roundDecimal(x, p, trunc), nil
	}
	f := args[0].(float64)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return f, nil
	}
	// Round the shortest decimal form of f, so round(2.675, 2) is 2.68 as
	// written, not 2.67 as stored in binary.
	d, _ := value.DecimalFromFloat(f)
	return roundDecimal(d, p, trunc).Float64(), nil
}

// roundDecimal rounds d half away from zero (or truncates it toward zero)
// to places fraction digits. A non-negative places gives exactly that scale
// (at most MaxScale); a negative one rounds to a multiple of 10^-places.
func roundDecimal(d value.Decimal, places int32, trunc bool) value.Decimal {
	if places >= 0 {
		places = min(places, value.MaxScale)
		if trunc {
			return d.Truncate(places).Rescale(places)
		}
		return d.Rescale(places)
	}
	c, s := d.Big()
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)-int64(places)), nil)
	q, r := new(big.Int).QuoRem(c, div, new(big.Int))
	if !trunc && r.Sign() != 0 {
		if r.Abs(r).Lsh(r, 1).Cmp(div) >= 0 {
			q.Add(q, big.NewInt(int64(c.Sign())))
		}
	}
	return value.DecimalFromBig(q, places)
}

// floorCeil implements floor (dir -1) and ceil (dir 1).
func floorCeil(v any, dir int) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case value.Decimal:
		t := x.Truncate(0)
		if !t.Equal(x) && x.Sign() == dir {
			t = t.Add(value.DecimalFromInt(int64(dir)))
		}
		return t, nil
	}
	if dir < 0 {
		return math.Floor(v.(float64)), nil
	}
	return math.Ceil(v.(float64)), nil
}

func sign(args []any) (any, error) {
	switch x := args[0].(type) {
	case int64:
		switch {
		case x < 0:
			return int64(-1), nil
		case x > 0:
			return int64(1), nil
		}
		return int64(0), nil
	case value.Decimal:
		return int64(x.Sign()), nil
	}
	f := args[0].(float64)
	switch {
	case math.IsNaN(f):
		return nil, errors.New("sign of NaN")
	case f < 0:
		return int64(-1), nil
	case f > 0:
		return int64(1), nil
	}
	return int64(0), nil
}

func sqrt(args []any) (any, error) {
	f, err := value.ToFloatChecked(args[0])
	if err != nil {
		return nil, err
	}
	if f < 0 {
		return nil, fmt.Errorf("square root of negative number %s", value.String(args[0]))
	}
	return math.Sqrt(f), nil
}

func pow(args []any) (any, error) {
	x, err := value.ToFloatChecked(args[0])
	if err != nil {
		return nil, err
	}
	y, err := value.ToFloatChecked(args[1])
	if err != nil {
		return nil, err
	}
	r := math.Pow(x, y)
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	if !finite(r) && finite(x) && finite(y) {
		return nil, fmt.Errorf("pow(%s, %s) is not a finite real number", value.String(args[0]), value.String(args[1]))
	}
	return r, nil
}

// extreme implements greatest (dir 1) and least (dir -1).
func extreme(name string, args []any, dir int) (any, error) {
	k, err := unifyFamily(name, kindsOf(args))
	if err != nil {
		return nil, err
	}
	var best any
	for _, a := range args {
		if a == nil {
			continue
		}
		if best == nil {
			best = a
			continue
		}
		c, err := value.Compare(a, best)
		if err != nil {
			return nil, err
		}
		if c*dir > 0 {
			best = a
		}
	}
	return widen(best, k)
}
