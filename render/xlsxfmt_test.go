package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The mapping of format patterns to Excel number formats: every number
// pattern maps; a date pattern with a directive Excel cannot show falls
// back to the default date formats.
func TestXlsxFormatMapping(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		num     string // the format of numbers
		date    string // the format of dates
	}{
		{"", "0.00", "yyyy-mm-dd"},
		{"#,##0.00", "#,##0.00", "yyyy-mm-dd"},
		{"$#,##0.00", `"$"#,##0.00`, "yyyy-mm-dd"},
		{"0.0%", "0.0%", "yyyy-mm-dd"},
		{"0", "0", "yyyy-mm-dd"},
		{"#", "0", "yyyy-mm-dd"},
		{"0.00##", "0.00##", "yyyy-mm-dd"},
		{"00,000", "00,000", "yyyy-mm-dd"},
		{"#,##0 kg", `#,##0" kg"`, "yyyy-mm-dd"},
		{`EUR "x" 0.0`, `"EUR "\""x"\"" "0.0`, "yyyy-mm-dd"},
		{".00", "0.00", "yyyy-mm-dd"},
		{"%b %-d, %Y", "0.00", `mmm" "d", "yyyy`},
		{"%Y-%m-%d", "0.00", `yyyy"-"mm"-"dd`},
		{"%F %T", "0.00", `yyyy-mm-dd" "hh:mm:ss`},
		{"%d/%m/%y %H:%M", "0.00", `dd"/"mm"/"yy" "hh":"mm`},
		{"%I:%M %p", "0.00", `hh":"mm" "AM/PM`},
		{"%A %e %B", "0.00", `dddd" "d" "mmmm`},
		{"%M:%S", "0.00", `mm":"ss`},
		{"100%%", "0.00", `"100""%"`},
		// unmappable: the defaults
		{"%Y-%j", "0.00", "yyyy-mm-dd"},
		{"Q%q %Y", "0.00", "yyyy-mm-dd"},
		{"week %V", "0.00", "yyyy-mm-dd"},
		{"%H:%M %p", "0.00", "yyyy-mm-dd"},
		{"%I:%M", "0.00", "yyyy-mm-dd"},
		{"%M", "0.00", "yyyy-mm-dd"},
	} {
		f, err := ParseFormat(tt.pattern)
		require.NoError(t, err, tt.pattern)
		x := newXlsxFormats(f)
		assert.Equal(t, tt.num, x.decFmt, "%q for decimals", tt.pattern)
		assert.Equal(t, tt.date, x.dateFmt, "%q for dates", tt.pattern)
		if f.IsNumber() {
			assert.Equal(t, tt.num, x.intFmt, "%q for ints", tt.pattern)
			assert.Equal(t, tt.num, x.floatFmt, "%q for floats", tt.pattern)
		} else {
			assert.Equal(t, "0", x.intFmt, tt.pattern)
			assert.Equal(t, "", x.floatFmt, tt.pattern)
		}
	}
}
