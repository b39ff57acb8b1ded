package value

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	for _, c := range []struct {
		d    Date
		want string
		days int32
	}{
		{NewDate(1970, 1, 1), "1970-01-01", 0},
		{NewDate(1969, 12, 31), "1969-12-31", -1},
		{NewDate(2024, 2, 29), "2024-02-29", 19782},
		{NewDate(2024, 2, 30), "2024-03-01", 19783}, // normalised
		{NewDate(1900, 1, 1), "1900-01-01", -25567},
		{DateOf(time.Date(2024, 3, 1, 23, 30, 0, 0, time.FixedZone("W", -8*3600))), "2024-03-01", 19783},
		{DateOf(time.Date(1960, 6, 15, 12, 0, 0, 0, time.UTC)), "1960-06-15", -3487},
	} {
		if got := c.d.String(); got != c.want || int32(c.d) != c.days {
			t.Errorf("date %d = %s, want %s (%d)", int32(c.d), got, c.want, c.days)
		}
		if DateOf(c.d.Time()) != c.d {
			t.Errorf("DateOf(Time(%s)) = %s", c.want, DateOf(c.d.Time()))
		}
		if c.d.Time().Location() != time.UTC || c.d.Time().Hour() != 0 {
			t.Errorf("Time(%s) = %v, want midnight UTC", c.want, c.d.Time())
		}
		if b, err := c.d.MarshalJSON(); err != nil || string(b) != `"`+c.want+`"` {
			t.Errorf("MarshalJSON(%s) = %s, %v", c.want, b, err)
		}
	}
	if d, err := ParseDate("2024-02-29"); err != nil || d != NewDate(2024, 2, 29) {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	for _, bad := range []string{"2024-2-29", "2023-02-29", "29.02.2024", ""} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded", bad)
		}
	}
}
