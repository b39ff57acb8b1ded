package stdlib

import (
	"fmt"
	"strings"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// Dates computed by these functions stay within value.MinDate and
// value.MaxDate (years 0 to 9999), as date arithmetic does.
var (
	minDate = value.MinDate
	maxDate = value.MaxDate
)

// minYear and maxYear are the years of minDate and maxDate.
const minYear, maxYear = 0, 9999

var dateFuncs = []spec{
	datePart("year", "The year of d (of a timestamp, in its own time zone).", func(t time.Time) int { return t.Year() }),
	datePart("month", "The month of d, 1 to 12.", func(t time.Time) int { return int(t.Month()) }),
	datePart("day", "The day of the month of d, 1 to 31.", func(t time.Time) int { return t.Day() }),
	datePart("quarter", "The quarter of d, 1 to 4.", func(t time.Time) int { return (int(t.Month())-1)/3 + 1 }),
	datePart("weekday", "The ISO day of the week of d: 1 is Monday, 7 is Sunday.", isoWeekday),
	datePart("day_of_year", "The day of the year of d, 1 to 366.", func(t time.Time) int { return t.YearDay() }),
	{
		name: "date_trunc", sig: "date_trunc(unit string, d date|timestamp) date|timestamp", min: 2, max: 2,
		doc: `d truncated to the first day of its "year", "quarter", "month" or ISO "week" (a Monday), ` +
			`or to its "day"; a timestamp stays a timestamp at midnight in its own zone.`,
		params: []kinds{tString, tDate}, result: sameAs(1), call: dateTrunc,
	},
	{
		name: "add_days", sig: "add_days(d date|timestamp, n int) date|timestamp", min: 2, max: 2,
		doc:    "d moved by n days (back when n is negative), like d + n for a date.",
		params: []kinds{tDate, tInt}, result: sameAs(0), call: addDays,
	},
	{
		name: "add_months", sig: "add_months(d date|timestamp, n int) date|timestamp", min: 2, max: 2,
		doc:    "d moved by n months; a day past the end of the new month becomes its last day (Jan 31 + 1 month is Feb 28 or 29).",
		params: []kinds{tDate, tInt}, result: sameAs(0), call: addMonths,
	},
	{
		name: "days_between", sig: "days_between(a date|timestamp, b date|timestamp) int", min: 2, max: 2,
		doc:    "The number of calendar days from a to b (negative when b is earlier), like b - a for dates.",
		params: []kinds{tDate, tDate}, result: returns(value.KindInt),
		call: func(args []any) (any, error) { return int64(dayOf(args[1])) - int64(dayOf(args[0])), nil },
	},
	{
		name: "format_date", sig: "format_date(d date|timestamp, layout string) string", min: 2, max: 2,
		doc: `d as text by a strftime layout: format_date(d, "%Y-%m") is "2024-03"; ` +
			"directives %Y %y %m %d %e %j %H %M %S %b %B %a %A %u %V %G %q %F %%.",
		params: []kinds{tDate, tString}, result: returns(value.KindString),
		grow: func(args []any, maxBytes int64) (any, error) {
			return formatDate(civil(args[0]), args[1].(string), maxBytes)
		},
	},
	{
		name: "make_date", sig: "make_date(year int, month int, day int) date", min: 3, max: 3,
		doc:    "The date of year, month and day; an error for a day that does not exist (no rolling over).",
		params: []kinds{tInt, tInt, tInt}, result: returns(value.KindDate),
		call: func(args []any) (any, error) {
			return makeDate(args[0].(int64), args[1].(int64), args[2].(int64))
		},
	},
	{
		name: "parse_date", sig: `parse_date(s string, layout string = "%Y-%m-%d") date`, min: 1, max: 2,
		doc: `s read as a date by a strftime layout: parse_date("31.01.2024", "%d.%m.%Y"); ` +
			`directives %Y %y %m %d %e %j %b %B %a %A %H %M %S %F %%, a space matches any run of spaces.`,
		params: []kinds{tString, tString}, result: returns(value.KindDate), call: parseDate,
	},
}

// datePart declares a function extracting one int from a date.
func datePart(name, doc string, part func(time.Time) int) spec {
	return spec{
		name: name, sig: name + "(d date|timestamp) int", min: 1, max: 1, doc: doc,
		params: []kinds{tDate}, result: returns(value.KindInt),
		call: func(args []any) (any, error) { return int64(part(civil(args[0]))), nil },
	}
}

// civil returns the calendar view of a date (midnight UTC) or timestamp
// (in its own zone).
func civil(v any) time.Time {
	if d, ok := v.(value.Date); ok {
		return d.Time()
	}
	return v.(time.Time)
}

// dayOf returns the calendar day of a date or timestamp.
func dayOf(v any) value.Date {
	if d, ok := v.(value.Date); ok {
		return d
	}
	return value.DateOf(v.(time.Time))
}

func isoWeekday(t time.Time) int {
	if wd := int(t.Weekday()); wd != 0 {
		return wd
	}
	return 7
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// asKindOf returns the day t as the kind of orig: a Date, or a timestamp at
// t's clock time in orig's zone.
func asKindOf(orig any, t time.Time) (any, error) {
	if y := t.Year(); y < minYear || y > maxYear {
		return nil, fmt.Errorf("%w (year %d)", value.ErrDateRange, y)
	}
	if _, ok := orig.(value.Date); ok {
		return value.NewDate(t.Date()), nil
	}
	return t, nil
}

func dateTrunc(args []any) (any, error) {
	unit := strings.ToLower(strings.TrimSpace(args[0].(string)))
	t := civil(args[1])
	y, m, d := t.Date()
	switch unit {
	case "year":
		m, d = time.January, 1
	case "quarter":
		m, d = (m-1)/3*3+1, 1
	case "month":
		d = 1
	case "week":
		d -= isoWeekday(t) - 1
	case "day":
	default:
		return nil, fmt.Errorf("unknown unit %q (want year, quarter, month, week or day)", args[0])
	}
	return asKindOf(args[1], time.Date(y, m, d, 0, 0, 0, 0, t.Location()))
}

func addDays(args []any) (any, error) {
	n := args[1].(int64)
	if span := int64(maxDate - minDate); n > span || n < -span {
		return nil, fmt.Errorf("%w (%d days)", value.ErrDateRange, n)
	}
	if d, ok := args[0].(value.Date); ok {
		r := int64(d) + n
		if r < int64(minDate) || r > int64(maxDate) {
			return nil, fmt.Errorf("%w (%s + %d days)", value.ErrDateRange, d, n)
		}
		return value.Date(r), nil
	}
	return asKindOf(args[0], args[0].(time.Time).AddDate(0, 0, int(n)))
}

func addMonths(args []any) (any, error) {
	n := args[1].(int64)
	if n > 12*10000 || n < -12*10000 {
		return nil, fmt.Errorf("%w (%d months)", value.ErrDateRange, n)
	}
	t := civil(args[0])
	y, m, d := t.Date()
	total := int64(y)*12 + int64(m-1) + n
	ny := total / 12
	if total < 0 && total%12 != 0 {
		ny--
	}
	nm := time.Month(total-ny*12) + 1
	d = min(d, daysIn(int(ny), nm))
	return asKindOf(args[0], time.Date(int(ny), nm, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location()))
}

func makeDate(y, m, d int64) (any, error) {
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > int64(daysIn(int(y), time.Month(m))) {
		return nil, fmt.Errorf("invalid date: year %d, month %d, day %d", y, m, d)
	}
	return value.NewDate(int(y), time.Month(m), int(d)), nil
}

func parseDate(args []any) (any, error) {
	s := strings.TrimSpace(args[0].(string))
	if len(args) < 2 {
		return value.Parse(value.KindDate, s)
	}
	if s == "" {
		return nil, nil
	}
	return parseLayout(s, args[1].(string))
}
