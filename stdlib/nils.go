package stdlib

import (
	"github.com/reportsh/reportsh/runtime/value"
)

var nilFuncs = []spec{
	{
		name: "coalesce", sig: "coalesce(x T, more T...) T", min: 1, max: -1, nilIn: true,
		doc: "The first argument that is not nil (nil when all are); " +
			"numbers widen to the widest argument's kind, dates to timestamps.",
		params: []kinds{tAny}, result: unifyFamily,
		call: func(args []any) (any, error) { return coalesce("coalesce", args) },
	},
	{
		name: "if_nil", sig: "if_nil(x T, default T) T", min: 2, max: 2, nilIn: true,
		doc:    "x, or default when x is nil; the same as coalesce(x, default).",
		params: []kinds{tAny, tAny}, result: unifyFamily,
		call: func(args []any) (any, error) { return coalesce("if_nil", args) },
	},
	{
		name: "nullif", sig: "nullif(x T, y T) T", min: 2, max: 2, nilIn: true,
		doc:    "nil when x equals y (1 equals 1.0), else x; x when y is nil.",
		params: []kinds{tScalar, tScalar}, result: nullifKind, call: nullif,
	},
	{
		name: "is_nil", sig: "is_nil(x any) bool", min: 1, max: 1, nilIn: true,
		doc:    "Whether x is nil (never nil itself).",
		params: []kinds{tAny}, result: returns(value.KindBool),
		call: func(args []any) (any, error) { return args[0] == nil, nil },
	},
}

func coalesce(name string, args []any) (any, error) {
	k, err := unifyFamily(name, kindsOf(args))
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		if a != nil {
			return widen(a, k)
		}
	}
	return nil, nil
}

func nullifKind(name string, args []value.Kind) (value.Kind, error) {
	if _, err := unifyFamily(name, args); err != nil {
		return value.KindAny, err
	}
	if args[0] == value.KindNil {
		return value.KindNil, nil
	}
	return args[0], nil
}

func nullif(args []any) (any, error) {
	if _, err := unifyFamily("nullif", kindsOf(args)); err != nil {
		return nil, err
	}
	if args[0] == nil || value.Equal(args[0], args[1]) {
		return nil, nil
	}
	return args[0], nil
}
