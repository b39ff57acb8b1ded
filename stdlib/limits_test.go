package stdlib

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/value"
)

// Issue 15 item 16: AllWith binds the functions to a bound on one value;
// those that build strings refuse a result past it, naming themselves, and
// those that can grow without bound check before building.
func TestAllWithBoundsValues(t *testing.T) {
	funcs := map[string]*Func{}
	for _, f := range AllWith(Limits{MaxValueBytes: 100}) {
		funcs[f.Name] = f
	}
	require.Len(t, funcs, len(All()))
	s60 := strings.Repeat("a", 60)
	for _, c := range []struct {
		fn   string
		args []any
		size int64 // 0: fits; -1: too large, the size known only in part
	}{
		{"concat", []any{s60, nil, s60}, 120},
		{"concat", []any{s60, int64(12)}, 0},
		{"replace", []any{s60, "a", "bb"}, 120},
		{"replace", []any{s60, "a", "b"}, 0},
		{"replace", []any{strings.Repeat("a", 100), "a", strings.Repeat("b", 1<<20)}, 100 << 20},
		{"pad_left", []any{"x", int64(101)}, 101},
		{"pad_left", []any{"x", int64(100)}, 0},
		{"pad_right", []any{"x", int64(40), "日"}, 118},
		{"pad_right", []any{"x", int64(1) << 62, "ab"}, 1 << 62},
		{"upper", []any{strings.Repeat("ɐ", 40)}, 120}, // Ɐ takes 3 bytes, ɐ 2
		{"string", []any{value.MustDecimal("1e200")}, 201},
		{"decimal", []any{"1e200"}, 201},
		{"format_date", []any{value.NewDate(2024, 9, 1), strings.Repeat("%B", 20)}, -1}, // September: 9 bytes for 2
		{"format_date", []any{value.NewDate(2024, 9, 1), strings.Repeat("%B", 10)}, 0},
	} {
		r, err := funcs[c.fn].Call(c.args...)
		if c.size == 0 {
			assert.NoError(t, err, c.fn)
			continue
		}
		var se *value.SizeError
		if assert.True(t, errors.As(err, &se), "%s: %v, %v", c.fn, r, err) {
			if c.size > 0 {
				assert.Equal(t, c.size, se.Size, c.fn)
			}
			assert.Equal(t, int64(100), se.Max, c.fn)
			assert.True(t, strings.HasPrefix(err.Error(), c.fn+": value too large"), err.Error())
		}
	}
	// Negative: no bound.
	for _, f := range AllWith(Limits{MaxValueBytes: -1}) {
		if f.Name == "pad_left" {
			r, err := f.Call("x", int64(1000))
			require.NoError(t, err)
			assert.Len(t, r, 1000)
		}
	}
}
