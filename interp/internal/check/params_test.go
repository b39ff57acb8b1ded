package check

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/reportsh/reportsh/runtime/value"
)

// Issue 15 item 1: a string parameter keeps its text exactly (spaces
// inside, and outside unless the text is quoted); other types are parsed
// from the text without the spaces around it, and spaces inside are
// theirs: a timestamp keeps the one between day and time, and "1 000" is
// no int.
func TestParseParamText(t *testing.T) {
	day, _ := value.ParseDate("2024-06-01")
	for _, c := range []struct {
		kind value.Kind
		text string
		want any
		err  string
	}{
		{value.KindString, "Harbor Analytics LLC", "Harbor Analytics LLC", ""},
		{value.KindString, `"x y"`, "x y", ""},
		{value.KindString, ` 'x  y' `, "x  y", ""},
		{value.KindString, "E a s t", "E a s t", ""},
		{value.KindString, " East ", " East ", ""},
		{value.KindString, "", "", ""},
		{value.KindString, `""`, "", ""},
		{value.KindInt, " 42 ", int64(42), ""},
		{value.KindInt, `"1_000"`, int64(1000), ""},
		{value.KindInt, "1 000", nil, `invalid int "1 000"`},
		{value.KindInt, "10 * 1000", nil, `invalid int "10 * 1000"`},
		{value.KindDate, " 2024-06-01 ", day, ""},
		{value.KindDate, "2024-06-01 09:30:00", day, ""},
		{value.KindTime, "2024-06-01 09:30:00", time.Date(2024, 6, 1, 9, 30, 0, 0, time.UTC), ""},
		{value.KindTime, "'2024-06-01 09:30:00'", time.Date(2024, 6, 1, 9, 30, 0, 0, time.UTC), ""},
		{value.KindBool, " yes ", true, ""},
		{value.KindInt, "  ", nil, ""},
		{value.KindAny, " 12 ", int64(12), ""},
	} {
		got, err := ParseParamText(c.kind, c.text)
		if c.err != "" {
			assert.EqualError(t, err, c.err, "%s %q", c.kind, c.text)
			continue
		}
		if assert.NoError(t, err, "%s %q", c.kind, c.text) {
			assert.Equal(t, c.want, got, "%s %q", c.kind, c.text)
		}
	}
}
