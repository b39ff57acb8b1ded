package stdlib

import (
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

var (
	tToInt    = kindSet("number, string or bool", value.KindInt, value.KindFloat, value.KindDecimal, value.KindString, value.KindBool)
	tToNumber = kindSet("number or string", value.KindInt, value.KindFloat, value.KindDecimal, value.KindString)
	tToDate   = kindSet("string, date or timestamp", value.KindString, value.KindDate, value.KindTime)
	tToBool   = kindSet("bool, int or string", value.KindBool, value.KindInt, value.KindString)
)

var convertFuncs = []spec{
	{
		name: "int", sig: "int(x number|string|bool) int", min: 1, max: 1,
		doc: `x as an int: integral numbers, text such as "12" (surrounding spaces ignored; "" is nil), ` +
			"true as 1; 2.5 is an error (round or trunc it first).",
		params: []kinds{tToInt}, result: returns(value.KindInt), call: converter(value.KindInt),
	},
	{
		name: "float", sig: "float(x number|string) float", min: 1, max: 1,
		doc:    `x as a binary float: any number, or text such as "1.5e3".`,
		params: []kinds{tToNumber}, result: returns(value.KindFloat), call: converter(value.KindFloat),
	},
	{
		name: "decimal", sig: "decimal(x number|string, scale int = as written) decimal", min: 1, max: 2,
		doc: `x as an exact decimal: an int, a float by its shortest form (0.1 is 0.1), or text such as "12.50"; ` +
			"with scale, rounded half away from zero to exactly scale fraction digits.",
		params: []kinds{tToNumber, tInt}, result: returns(value.KindDecimal), call: toDecimal,
	},
	{
		name: "string", sig: "string(x any) string", min: 1, max: 1,
		doc:    "x as text: numbers exactly (a decimal keeps its scale), dates as YYYY-MM-DD, timestamps as RFC 3339.",
		params: []kinds{tAny}, result: returns(value.KindString),
		call: func(args []any) (any, error) { return value.String(args[0]), nil },
	},
	{
		name: "date", sig: "date(x string|date|timestamp) date", min: 1, max: 1,
		doc:    `x as a date: text "YYYY-MM-DD" (or a timestamp's text), or a timestamp's calendar day in its own zone.`,
		params: []kinds{tToDate}, result: returns(value.KindDate), call: converter(value.KindDate),
	},
	{
		name: "bool", sig: "bool(x bool|int|string) bool", min: 1, max: 1,
		doc:    `x as a bool: 1 and 0, or text such as "true", "yes", "y", "1" and "false", "no", "n", "0" (any case).`,
		params: []kinds{tToBool}, result: returns(value.KindBool), call: converter(value.KindBool),
	},
}

// converter returns a call converting its argument to k with value.Convert.
func converter(k value.Kind) func([]any) (any, error) {
	return func(args []any) (any, error) { return convert(args[0], k) }
}

func convert(v any, k value.Kind) (any, error) {
	if s, ok := v.(string); ok && k != value.KindString {
		v = strings.TrimSpace(s)
	}
	return value.Convert(v, k)
}

func toDecimal(args []any) (any, error) {
	v, err := convert(args[0], value.KindDecimal)
	if err != nil || v == nil || len(args) < 2 {
		return v, err
	}
	scale := args[1].(int64)
	if scale < 0 || scale > value.MaxScale {
		return nil, fmt.Errorf("scale %d out of range [0, %d]", scale, value.MaxScale)
	}
	return v.(value.Decimal).Rescale(int32(scale)), nil
}
