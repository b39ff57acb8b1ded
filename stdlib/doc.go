// Package stdlib holds the built-in functions that report expressions can
// call: numbers (round, abs, …), conversions (int, decimal, date, …),
// strings (upper, substr, …), dates (year, date_trunc, add_months, …) and nil
// handling (coalesce, nullif, …). Aggregates live in runtime/agg.
//
// Every function is a [Func]: its Check gives the result kind for the
// static argument kinds, so the interpreter can type a script before running
// it, and its Call evaluates it on the canonical values of runtime/value.
//
// The functions follow SQL's nil semantics: a nil argument gives a nil
// result, except where a function's Doc says otherwise (coalesce, concat,
// greatest, is_nil, …). Conversions and parse_date read empty text as nil,
// like the sources do. Exact decimals stay exact: round(x, 2) of a decimal
// is a decimal, and only sqrt and pow work in binary floating point.
//
// The interpreter registers each function with expr.Function under an
// internal name ("__f_" + f.Name, so that a field named like a function
// never shadows it) and rewrites calls to that name; expr's own builtins
// are disabled, so upper, len, round and the rest always mean these.
package stdlib
