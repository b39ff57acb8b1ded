package stdlib

import "testing"

var nilCases = []callCase{
	{fn: "coalesce", args: []any{nil, int64(2), int64(3)}, want: int64(2)},
	{fn: "coalesce", args: []any{nil, nil}, want: nil},
	{fn: "coalesce", args: []any{"a"}, want: "a"},
	{fn: "coalesce", args: []any{int64(1), dec("2.5")}, want: dec("1")},
	{fn: "coalesce", args: []any{nil, int64(2), 2.5}, want: 2.0},
	{fn: "coalesce", args: []any{date("2024-03-01"), ts}, want: date("2024-03-01").Time()},
	{fn: "coalesce", args: []any{rec, nil}, want: rec},
	{fn: "coalesce", args: []any{nil, "x", int64(1)}, err: "coalesce: argument 3 is int, want string like argument 2"},
	{fn: "coalesce", args: []any{rec, "x"}, err: "coalesce: argument 2 is string, want record like argument 1"},

	{fn: "if_nil", args: []any{nil, int64(0)}, want: int64(0)},
	{fn: "if_nil", args: []any{int64(5), int64(0)}, want: int64(5)},
	{fn: "if_nil", args: []any{nil, dec("0.00")}, want: dec("0.00")},
	{fn: "if_nil", args: []any{int64(5), dec("0.0")}, want: dec("5")},
	{fn: "if_nil", args: []any{nil, nil}, want: nil},
	{fn: "if_nil", args: []any{"x", int64(1)}, err: "if_nil: argument 2 is int, want string like argument 1"},

	{fn: "nullif", args: []any{int64(0), int64(0)}, want: nil},
	{fn: "nullif", args: []any{int64(1), int64(0)}, want: int64(1)},
	{fn: "nullif", args: []any{int64(1), dec("1.0")}, want: nil},
	{fn: "nullif", args: []any{nil, int64(1)}, want: nil},
	{fn: "nullif", args: []any{int64(1), nil}, want: int64(1)},
	{fn: "nullif", args: []any{"a", "a"}, want: nil},
	{fn: "nullif", args: []any{"", "n/a"}, want: ""},
	{fn: "nullif", args: []any{"a", int64(1)}, err: "nullif: argument 2 is int, want string like argument 1"},

	{fn: "is_nil", args: []any{nil}, want: true},
	{fn: "is_nil", args: []any{int64(0)}, want: false},
	{fn: "is_nil", args: []any{""}, want: false},
	{fn: "is_nil", args: []any{nil, nil}, err: "is_nil: takes 1 argument, got 2"},
}

func TestNilFuncs(t *testing.T) { runCases(t, nilCases) }
