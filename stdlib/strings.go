package stdlib

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reportsh/reportsh/runtime/value"
)

var stringFuncs = []spec{
	{
		name: "upper", sig: "upper(s string) string", min: 1, max: 1,
		doc: "s in upper case.", params: []kinds{tString}, result: returns(value.KindString),
		call: func(args []any) (any, error) { return strings.ToUpper(args[0].(string)), nil },
	},
	{
		name: "lower", sig: "lower(s string) string", min: 1, max: 1,
		doc: "s in lower case.", params: []kinds{tString}, result: returns(value.KindString),
		call: func(args []any) (any, error) { return strings.ToLower(args[0].(string)), nil },
	},
	{
		name: "trim", sig: "trim(s string, chars string = spaces) string", min: 1, max: 2,
		doc:    "s without leading and trailing white space, or without the characters in chars.",
		params: []kinds{tString, tString}, result: returns(value.KindString),
		call: func(args []any) (any, error) {
			return trim(args, strings.TrimSpace, strings.Trim), nil
		},
	},
	{
		name: "ltrim", sig: "ltrim(s string, chars string = spaces) string", min: 1, max: 2,
		doc:    "s without leading white space, or without the leading characters in chars.",
		params: []kinds{tString, tString}, result: returns(value.KindString),
		call: func(args []any) (any, error) {
			return trim(args, func(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) }, strings.TrimLeft), nil
		},
	},
	{
		name: "rtrim", sig: "rtrim(s string, chars string = spaces) string", min: 1, max: 2,
		doc:    "s without trailing white space, or without the trailing characters in chars.",
		params: []kinds{tString, tString}, result: returns(value.KindString),
		call: func(args []any) (any, error) {
			return trim(args, func(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) }, strings.TrimRight), nil
		},
	},
	{
		name: "len", sig: "len(s string) int", min: 1, max: 1,
		doc: "The number of characters (Unicode code points) in s.", params: []kinds{tString}, result: returns(value.KindInt),
		call: func(args []any) (any, error) { return int64(utf8.RuneCountInString(args[0].(string))), nil },
	},
	{
		name: "substr", sig: "substr(s string, start int, length int = rest) string", min: 2, max: 3,
		doc: "The characters of s from position start (1 is the first) for length characters, like SQL: " +
			`positions before 1 count but yield nothing, so substr("hello", 0, 3) is "he".`,
		params: []kinds{tString, tInt, tInt}, result: returns(value.KindString), call: substr,
	},
	{
		name: "left", sig: "left(s string, n int) string", min: 2, max: 2,
		doc:    "The first n characters of s; a negative n drops the last -n characters.",
		params: []kinds{tString, tInt}, result: returns(value.KindString),
		call: func(args []any) (any, error) { return leftRight(args, true), nil },
	},
	{
		name: "right", sig: "right(s string, n int) string", min: 2, max: 2,
		doc:    "The last n characters of s; a negative n drops the first -n characters.",
		params: []kinds{tString, tInt}, result: returns(value.KindString),
		call: func(args []any) (any, error) { return leftRight(args, false), nil },
	},
	{
		name: "replace", sig: "replace(s string, old string, new string) string", min: 3, max: 3,
		doc:    "s with every occurrence of old replaced by new (s unchanged when old is empty).",
		params: []kinds{tString, tString, tString}, result: returns(value.KindString), grow: replace,
	},
	{
		name: "concat", sig: "concat(x any, more any...) string", min: 1, max: -1, nilIn: true,
		doc:    `The text of every argument joined, skipping nils: concat("a", nil, 1) is "a1" (never nil).`,
		params: []kinds{tAny}, result: returns(value.KindString), grow: concat,
	},
	{
		name: "contains", sig: "contains(s string, sub string) bool", min: 2, max: 2,
		doc:    "Whether sub occurs in s; in expressions write s contains sub, as expr reads contains as an operator.",
		params: []kinds{tString, tString}, result: returns(value.KindBool),
		call: func(args []any) (any, error) { return strings.Contains(args[0].(string), args[1].(string)), nil },
	},
	{
		name: "starts_with", sig: "starts_with(s string, prefix string) bool", min: 2, max: 2,
		doc: "Whether s begins with prefix.", params: []kinds{tString, tString}, result: returns(value.KindBool),
		call: func(args []any) (any, error) { return strings.HasPrefix(args[0].(string), args[1].(string)), nil },
	},
	{
		name: "ends_with", sig: "ends_with(s string, suffix string) bool", min: 2, max: 2,
		doc: "Whether s ends with suffix.", params: []kinds{tString, tString}, result: returns(value.KindBool),
		call: func(args []any) (any, error) { return strings.HasSuffix(args[0].(string), args[1].(string)), nil },
	},
	{
		name: "split_part", sig: "split_part(s string, sep string, n int) string", min: 3, max: 3,
		doc: "Field n of s split at sep: 1 is the first field, -1 the last; " +
			`"" past the last field; an error for n = 0.`,
		params: []kinds{tString, tString, tInt}, result: returns(value.KindString), call: splitPart,
	},
	{
		name: "pad_left", sig: `pad_left(s string, n int, fill string = " ") string`, min: 2, max: 3,
		doc: `s padded on the left with fill to n characters, like SQL lpad: pad_left("7", 3, "0") is "007"; ` +
			"a longer s is cut to its first n characters.",
		params: []kinds{tString, tInt, tString}, result: returns(value.KindString),
		grow: func(args []any, maxBytes int64) (any, error) { return pad(args, true, maxBytes) },
	},
	{
		name: "pad_right", sig: `pad_right(s string, n int, fill string = " ") string`, min: 2, max: 3,
		doc:    "s padded on the right with fill to n characters, like SQL rpad; a longer s is cut to its first n characters.",
		params: []kinds{tString, tInt, tString}, result: returns(value.KindString),
		grow: func(args []any, maxBytes int64) (any, error) { return pad(args, false, maxBytes) },
	},
}

func trim(args []any, spaces func(string) string, chars func(string, string) string) string {
	s := args[0].(string)
	if len(args) < 2 {
		return spaces(s)
	}
	return chars(s, args[1].(string))
}

// substr follows SQL: the characters at positions [start, start+length)
// that exist.
func substr(args []any) (any, error) {
	r := []rune(args[0].(string))
	start := args[1].(int64)
	end := int64(math.MaxInt64) // exclusive, 1-based
	if len(args) > 2 {
		n := args[2].(int64)
		if n < 0 {
			return nil, fmt.Errorf("negative length %d", n)
		}
		if start < 0 || n <= math.MaxInt64-start {
			end = start + n
		}
	}
	from := max(start, 1)
	to := min(end, int64(len(r))+1)
	if to <= from {
		return "", nil
	}
	return string(r[from-1 : to-1]), nil
}

func leftRight(args []any, left bool) string {
	r := []rune(args[0].(string))
	n := args[1].(int64)
	size := int64(len(r))
	keep := n
	if n < 0 {
		keep = max(size+n, 0) // size+n cannot overflow: size >= 0, n < 0
	}
	keep = min(keep, size)
	if left {
		return string(r[:keep])
	}
	return string(r[size-keep:])
}

// replace is replace(s, old, new): the size of the result is known
// before it is built (len(s) plus, for each occurrence, the difference).
func replace(args []any, maxBytes int64) (any, error) {
	s, old, repl := args[0].(string), args[1].(string), args[2].(string)
	if old == "" {
		return s, nil
	}
	if len(repl) > len(old) {
		n := int64(strings.Count(s, old))
		grow, ok := value.MulInt64(n, int64(len(repl)-len(old)))
		if !ok {
			grow = -1 // overflowed: sumSat saturates
		}
		if err := value.CheckSize(sumSat(int64(len(s)), grow), maxBytes); err != nil {
			return nil, err
		}
	}
	return strings.ReplaceAll(s, old, repl), nil
}

// concat is concat(x, more...): the text of every argument, checked
// together before they are joined.
func concat(args []any, maxBytes int64) (any, error) {
	parts := make([]string, len(args))
	var size int64
	for i, a := range args {
		parts[i] = value.String(a)
		size += int64(len(parts[i]))
		if err := value.CheckSize(size, maxBytes); err != nil {
			return nil, err
		}
	}
	return strings.Join(parts, ""), nil
}

func splitPart(args []any) (any, error) {
	s, sep, n := args[0].(string), args[1].(string), args[2].(int64)
	if n == 0 {
		return nil, errors.New("field position must not be zero")
	}
	if sep == "" {
		if n == 1 || n == -1 {
			return s, nil
		}
		return "", nil
	}
	// Walk to field n without splitting s into every field: a long s of
	// short fields would make a slice many times its size. Fields are
	// those of strings.Split, counted from the left.
	if n < 0 {
		n += int64(strings.Count(s, sep)) + 2 // -1 is the last field
		if n < 1 {
			return "", nil
		}
	}
	for ; n > 1; n-- {
		i := strings.Index(s, sep)
		if i < 0 {
			return "", nil
		}
		s = s[i+len(sep):]
	}
	if i := strings.Index(s, sep); i >= 0 {
		s = s[:i]
	}
	return s, nil
}

// pad is pad_left (left) and pad_right: the size of the result is known
// before it is built.
func pad(args []any, left bool, maxBytes int64) (any, error) {
	s, n := args[0].(string), args[1].(int64)
	fill := " "
	if len(args) > 2 {
		fill = args[2].(string)
	}
	if n <= 0 {
		return "", nil
	}
	count := int64(utf8.RuneCountInString(s))
	if count >= n {
		return cutRunes(s, n), nil
	}
	if fill == "" {
		return s, nil
	}
	f := []rune(fill)
	need := n - count // runes of padding
	full, rest := need/int64(len(f)), int(need%int64(len(f)))
	restBytes := len(string(f[:rest]))
	size, ok := value.MulInt64(full, int64(len(fill)))
	if !ok {
		size = -1 // overflowed: sumSat saturates
	}
	if err := value.CheckSize(sumSat(int64(len(s)), size, int64(restBytes)), maxBytes); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(len(s) + int(size) + restBytes)
	if !left {
		b.WriteString(s)
	}
	for range full {
		b.WriteString(fill)
	}
	b.WriteString(string(f[:rest]))
	if left {
		b.WriteString(s)
	}
	return b.String(), nil
}

// sumSat returns the sum of sizes, math.MaxInt64 when it overflows (or
// when one is negative: a product that overflowed).
func sumSat(sizes ...int64) int64 {
	var t int64
	for _, n := range sizes {
		if n < 0 || t > math.MaxInt64-n {
			return math.MaxInt64
		}
		t += n
	}
	return t
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int64) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
