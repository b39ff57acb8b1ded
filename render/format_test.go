package render

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

func TestFormatNumbers(t *testing.T) {
	for _, c := range []struct {
		pattern string
		v       any
		want    string
	}{
		{"#,##0.00", dec("1234.5"), "1,234.50"},
		{"#,##0.00", dec("-1234567.005"), "-1,234,567.01"},
		{"#,##0.00", dec("12345678901234567890.555"), "12,345,678,901,234,567,890.56"},
		{"#,##0.00", int64(1000), "1,000.00"},
		{"#,##0.00", 0.125, "0.13"},
		{"#,##0.00", 999.999, "1,000.00"},
		{"#,##0", dec("-0.4"), "0"},
		{"#,##0", int64(100), "100"},
		{"0", dec("2.5"), "3"},
		{"0", dec("-2.5"), "-3"},
		{"0", int(42), "42"},
		{"0.0%", dec("0.1234"), "12.3%"},
		{"0.0%", 0.5, "50.0%"},
		{"0%", int64(1), "100%"},
		{"#,##0.0%", dec("12.3456"), "1,234.6%"},
		{"$#,##0.00", int64(-5), "-$5.00"},
		{"#,##0 kg", int64(1234567), "1,234,567 kg"},
		{"0.00##", dec("1.23456"), "1.2346"},
		{"0.00##", dec("1.5"), "1.50"},
		{"0.00##", dec("1.23000"), "1.23"},
		{"000", int64(7), "007"},
		{"#.##", dec("0.5"), "0.5"},
		{"#.##", int64(3), "3"},
		{".00", dec("0.5"), "0.50"},
		{"USD 0.00", dec("3"), "USD 3.00"},
		{"0.00", "abc", "abc"},
		{"0.00", nil, ""},
		{"0.00", math.NaN(), "NaN"},
		{"0.00", math.Inf(-1), "-Inf"},
		{"0.00", date("2024-03-05"), "2024-03-05"},
		{"0.00", true, "true"},
	} {
		f, err := ParseFormat(c.pattern)
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", c.pattern, err)
			continue
		}
		if !f.IsNumber() || f.IsDate() || f.String() != c.pattern {
			t.Errorf("%q: IsNumber %v IsDate %v String %q", c.pattern, f.IsNumber(), f.IsDate(), f.String())
		}
		if got := f.Format(c.v); got != c.want {
			t.Errorf("Format(%q, %v) = %q, want %q", c.pattern, c.v, got, c.want)
		}
	}
}

func TestFormatDates(t *testing.T) {
	d := date("2024-03-05") // a Tuesday, ISO week 10
	ts := time.Date(2023, 1, 1, 15, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		pattern string
		v       any
		want    string
	}{
		{"%Y-%m-%d", d, "2024-03-05"},
		{"%b %Y", d, "Mar 2024"},
		{"%B %-d, %Y", d, "March 5, 2024"},
		{"%h %e|%d|%-m", d, "Mar  5|05|3"},
		{"%a %A %j %-j %u %w", d, "Tue Tuesday 065 65 2 2"},
		{"%a %u %w", date("2024-03-10"), "Sun 7 0"},
		{"%y %V %G", d, "24 10 2024"},
		{"%G-W%V", ts, "2022-W52"},
		{"Q%q %Y", d, "Q1 2024"},
		{"Q%q", date("2024-12-31"), "Q4"},
		{"%F %T", ts, "2023-01-01 15:04:05"},
		{"%H:%M:%S %I%p", ts, "15:04:05 03PM"},
		{"%I %p", time.Date(2023, 1, 1, 0, 30, 0, 0, time.UTC), "12 AM"},
		{"100%% on %d", d, "100% on 05"},
		{"%Y", int64(5), "5"},
		{"%Y", nil, ""},
		{"%Y", "text", "text"},
	} {
		f, err := ParseFormat(c.pattern)
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", c.pattern, err)
			continue
		}
		if !f.IsDate() {
			t.Errorf("%q is not a date pattern", c.pattern)
		}
		if got := f.Format(c.v); got != c.want {
			t.Errorf("Format(%q, %v) = %q, want %q", c.pattern, c.v, got, c.want)
		}
	}
}

func TestFormatDefaults(t *testing.T) {
	ts := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, ""},
		{int64(-12345), "-12345"},
		{int32(7), "7"},
		{dec("3"), "3.00"},
		{dec("1.005"), "1.01"},
		{dec("-1.005"), "-1.01"},
		{dec("-0.001"), "0.00"},
		{dec("12.3456789"), "12.35"},
		{0.1 + 0.2, "0.3"},
		{2.5, "2.5"},
		{1.0 / 3, "0.333333"},
		{-1e-9, "0"},
		{1e7, "10000000"},
		{math.Inf(1), "+Inf"},
		{date("2024-03-05"), "2024-03-05"},
		{ts, "2024-03-05T10:00:00Z"},
		{true, "true"},
		{"as is", "as is"},
		{[]byte("bytes"), "bytes"},
	} {
		if got := (Formatter{}).Format(c.v); got != c.want {
			t.Errorf("default Format(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
	f, err := ParseFormat("")
	if err != nil || f.IsNumber() || f.IsDate() || f.Format(dec("1")) != "1.00" {
		t.Errorf(`ParseFormat("") = %v, %v`, f, err)
	}
}

func TestFormatMachine(t *testing.T) {
	for _, c := range []struct {
		pattern string
		v, want any
	}{
		{"", dec("1.23456"), dec("1.23456")},
		{"#,##0.00", dec("1234.5"), dec("1234.50")},
		{"#,##0.00", dec("1234.5678"), dec("1234.57")},
		{"#,##0.00", int64(5), int64(5)},
		{"#,##0.00", 0.1, dec("0.10")},
		{"0.0%", dec("0.12345"), dec("0.123")},
		{"0.00##", dec("1.2"), dec("1.20")},
		{"0.00", "x", "x"},
		{"%b %Y", date("2024-03-05"), "Mar 2024"},
		{"%b %Y", int64(1), int64(1)},
	} {
		got := MustFormat(c.pattern).machine(c.v)
		if value.KindOf(got) != value.KindOf(c.want) || value.String(got) != value.String(c.want) {
			t.Errorf("machine(%q, %v) = %#v, want %#v", c.pattern, c.v, got, c.want)
		}
	}
}

func TestFormatErrors(t *testing.T) {
	for _, c := range []struct {
		pattern string
		offset  int
		msg     string
	}{
		{"abc", 0, "no digit placeholder"},
		{"%", 0, "no digit placeholder"},
		{"#,##0.0#0", 8, "'0' after '#' in the fraction"},
		{"0.0.0", 3, "second '.'"},
		{",##0", 0, "',' must stand between"},
		{"##0,", 3, "',' must stand between"},
		{"0#", 1, "'#' after '0' in the integer part"},
		{"0.0,0", 3, "',' in the fraction"},
		{"0 0", 2, "stray '0' after the number"},
		{"0% %", 3, "stray '%' after the number"},
		{"$%0", 1, "'%' must follow the number"},
		{"%Q %Y", 0, "unknown date directive '%Q'"},
		{"%Y %-x", 3, "unknown date directive '%-x'"},
		{"%Y %", 3, "'%' at the end"},
		{"%Y %-", 3, "'%' at the end"},
	} {
		_, err := ParseFormat(c.pattern)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("ParseFormat(%q) = %v, want a *FormatError", c.pattern, err)
			continue
		}
		if fe.Format != c.pattern || fe.Offset != c.offset || !strings.Contains(fe.Msg, c.msg) {
			t.Errorf("ParseFormat(%q): offset %d msg %q, want offset %d msg containing %q", c.pattern, fe.Offset, fe.Msg, c.offset, c.msg)
		}
		if !strings.Contains(err.Error(), c.pattern) {
			t.Errorf("error %q does not quote the pattern", err)
		}
	}
}

func TestMustFormatPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustFormat of a bad pattern did not panic")
		}
	}()
	MustFormat("nope")
}

func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"#,##0.00", "0.0%", "%b %-d, %Y", "$#,##0.00 USD", "0.00##", "%Q", "0#"} {
		f.Add(s, "1234.5678")
	}
	f.Fuzz(func(t *testing.T, pattern, num string) {
		fm, err := ParseFormat(pattern)
		if err != nil {
			return
		}
		v := value.Infer(num)
		_ = fm.Format(v)
		_ = fm.machine(v)
		_ = fm.Format(date("2024-03-05"))
	})
}
