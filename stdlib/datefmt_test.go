package stdlib

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// formatDate writes its numbers as fmt's %04d, %02d, %2d and %03d do
// (it no longer calls fmt): checked over dates from year -12 to 12345,
// every directive.
func TestFormatDatePadding(t *testing.T) {
	const layout = "%Y|%y|%m|%d|%e|%j|%H|%M|%S|%V|%G|%F|%u|%q|%b|%%"
	for _, tm := range []time.Time{
		time.Date(2024, 3, 1, 9, 5, 7, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(7, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(0, 6, 15, 12, 30, 0, 0, time.UTC),
		time.Date(-12, 2, 9, 1, 2, 3, 0, time.UTC),
		time.Date(12345, 11, 20, 13, 14, 15, 0, time.UTC),
	} {
		got, err := formatDate(tm, layout, 1<<20)
		require.NoError(t, err)
		_, w := tm.ISOWeek()
		gy, _ := tm.ISOWeek()
		want := fmt.Sprintf("%04d|%02d|%02d|%02d|%2d|%03d|%02d|%02d|%02d|%02d|%04d|%04d-%02d-%02d|%d|%d|%s|%%",
			tm.Year(), tm.Year()%100, int(tm.Month()), tm.Day(), tm.Day(), tm.YearDay(), tm.Hour(), tm.Minute(), tm.Second(),
			w, gy, tm.Year(), int(tm.Month()), tm.Day(), isoWeekday(tm), (int(tm.Month())-1)/3+1, tm.Month().String()[:3])
		assert.Equal(t, want, got, "%v", tm)
	}
}
