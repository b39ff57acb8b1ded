package value

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01 (negative before).
type Date int32

// MinDate and MaxDate bound the dates the language computes: the days a
// YYYY-MM-DD text can write, which are those the readers accept. A date
// computed outside them is an error (ErrDateRange), never a date such as
// 10000-01-01 that nothing could read back.
var (
	MinDate = NewDate(0, time.January, 1)
	MaxDate = NewDate(9999, time.December, 31)
)

// ErrDateRange reports a date computed outside MinDate to MaxDate.
var ErrDateRange = errors.New("date out of range")

// InRange reports whether d is within MinDate and MaxDate.
func (d Date) InRange() bool { return d >= MinDate && d <= MaxDate }

// NewDate returns the Date of year, month, day (normalised like time.Date).
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	if u < 0 && u%86400 != 0 {
		return Date(u/86400 - 1)
	}
	return Date(u / 86400)
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, fmt.Errorf("invalid date %q (want YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String renders d as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format("2006-01-02") }

// MarshalJSON renders d as a JSON string "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }
