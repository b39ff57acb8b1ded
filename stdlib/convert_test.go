package stdlib

import (
	"math"
	"testing"
)

var convertCases = []callCase{
	{fn: "int", args: []any{"12"}, want: int64(12)},
	{fn: "int", args: []any{" 12 "}, want: int64(12)},
	{fn: "int", args: []any{"1_000"}, want: int64(1000)},
	{fn: "int", args: []any{""}, want: nil},
	{fn: "int", args: []any{dec("2.00")}, want: int64(2)},
	{fn: "int", args: []any{3.0}, want: int64(3)},
	{fn: "int", args: []any{true}, want: int64(1)},
	{fn: "int", args: []any{int64(5)}, want: int64(5)},
	{fn: "int", args: []any{"abc"}, err: `int: invalid int "abc"`},
	{fn: "int", args: []any{"99999999999999999999"}, err: "out of range"},
	{fn: "int", args: []any{dec("2.5")}, err: "int: cannot convert decimal 2.5 to int"},
	{fn: "int", args: []any{2.5}, err: "int: cannot convert float 2.5 to int"},
	{fn: "int", args: []any{date("2024-03-01")}, err: "int: argument 1 is date, want number, string or bool"},

	{fn: "float", args: []any{"1.5e3"}, want: 1500.0},
	{fn: "float", args: []any{dec("0.1")}, want: 0.1},
	{fn: "float", args: []any{int64(2)}, want: 2.0},
	{fn: "float", args: []any{2.5}, want: 2.5},
	{fn: "float", args: []any{"x"}, err: `float: invalid float "x"`},
	{fn: "float", args: []any{true}, err: "float: argument 1 is bool, want number or string"},

	{fn: "decimal", args: []any{"12.50"}, want: dec("12.50")},
	{fn: "decimal", args: []any{int64(5)}, want: dec("5")},
	{fn: "decimal", args: []any{0.1}, want: dec("0.1")},
	{fn: "decimal", args: []any{"1.005", int64(2)}, want: dec("1.01")},
	{fn: "decimal", args: []any{int64(5), int64(2)}, want: dec("5.00")},
	{fn: "decimal", args: []any{"", int64(2)}, want: nil},
	{fn: "decimal", args: []any{math.NaN()}, err: "decimal: cannot convert NaN to decimal"},
	{fn: "decimal", args: []any{"1,5"}, err: `decimal: invalid decimal "1,5"`},
	{fn: "decimal", args: []any{dec("1"), int64(31)}, err: "decimal: scale 31 out of range [0, 30]"},
	{fn: "decimal", args: []any{dec("1"), int64(-1)}, err: "scale -1 out of range"},

	{fn: "string", args: []any{int64(5)}, want: "5"},
	{fn: "string", args: []any{dec("1.50")}, want: "1.50"},
	{fn: "string", args: []any{2.5}, want: "2.5"},
	{fn: "string", args: []any{date("2024-03-01")}, want: "2024-03-01"},
	{fn: "string", args: []any{ts}, want: "2024-03-01T10:30:00Z"},
	{fn: "string", args: []any{true}, want: "true"},
	{fn: "string", args: []any{"x"}, want: "x"},
	{fn: "string", args: []any{rec}, want: "map[a:1]"},
	{fn: "string", args: []any{nil}, want: nil},
	{fn: "string", args: []any{}, err: "string: takes 1 argument, got 0"},

	{fn: "date", args: []any{"2024-03-01"}, want: date("2024-03-01")},
	{fn: "date", args: []any{" 2024-03-01T10:30:00Z"}, want: date("2024-03-01")},
	{fn: "date", args: []any{ts}, want: date("2024-03-01")},
	{fn: "date", args: []any{tsEST}, want: date("2024-03-31")},
	{fn: "date", args: []any{date("2024-03-01")}, want: date("2024-03-01")},
	{fn: "date", args: []any{"2024-02-30"}, err: `date: invalid date "2024-02-30" (want YYYY-MM-DD)`},
	{fn: "date", args: []any{int64(1)}, err: "date: argument 1 is int, want string, date or timestamp"},

	{fn: "bool", args: []any{"yes"}, want: true},
	{fn: "bool", args: []any{"0"}, want: false},
	{fn: "bool", args: []any{int64(1)}, want: true},
	{fn: "bool", args: []any{true}, want: true},
	{fn: "bool", args: []any{int64(2)}, err: "bool: cannot convert int 2 to bool"},
	{fn: "bool", args: []any{"maybe"}, err: `bool: invalid bool "maybe"`},
	{fn: "bool", args: []any{1.0}, err: "bool: argument 1 is float, want bool, int or string"},
}

func TestConvertFuncs(t *testing.T) { runCases(t, convertCases) }
