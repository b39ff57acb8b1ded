package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// Scan hands out what Fetch would convert, record for record, with the
// same positions, skips and errors.
func TestScanMatchesFetch(t *testing.T) {
	data := "k,x,n\na,1.50,2\nb,oops,1\n\n\"c, d\",2,3\ne,1\nf,\xff,4\ng,3.25,5\n"
	for _, skip := range []bool{true, false} {
		var fetched []string
		c := openCSV(t, data, CSVConfig{Config: Config{SkipErrors: skip, Types: map[string]value.Kind{"x": value.KindDecimal}}})
		var ferr error
		for after := (stream.Position{}); ; {
			ch, err := c.Fetch(context.Background(), after, 2)
			if err != nil {
				ferr = err
				break
			}
			for _, r := range ch.Records {
				fetched = append(fetched, fmt.Sprint(r))
			}
			after = ch.Next
			if ch.Done {
				break
			}
		}

		var scanned []string
		var lines []int64
		c = openCSV(t, data, CSVConfig{Config: Config{SkipErrors: skip, Types: map[string]value.Kind{"x": value.KindDecimal}}})
		var serr error
		total := 0
		for after := (stream.Position{}); ; {
			next, n, done, bytes, err := c.Scan(context.Background(), after, 2, func(r *RawRecord) error {
				rec := make([]any, len(r.Fields))
				if err := r.Convert(rec); err != nil {
					return err
				}
				scanned = append(scanned, fmt.Sprint(rec))
				lines = append(lines, r.Line)
				return nil
			})
			if err != nil {
				serr = err
				break
			}
			if n > 0 && bytes <= 0 {
				t.Errorf("%d records in %d bytes", n, bytes)
			}
			total += n
			after = next
			if done {
				break
			}
		}
		if !skip {
			// Fetch drops the chunk of a bad record; Scan has handed out
			// the records before it.
			fetched = []string{"[a 1.50 2]"}
		}
		if fmt.Sprint(scanned) != fmt.Sprint(fetched) || fmt.Sprint(serr) != fmt.Sprint(ferr) {
			t.Errorf("skip %v: scanned %v, %v; fetched %v, %v", skip, scanned, serr, fetched, ferr)
		}
		if skip && (total != len(scanned) || fmt.Sprint(lines) != "[2 5 8]" || c.Skipped() != 3) {
			t.Errorf("%d scanned, lines %v, %d skipped", total, lines, c.Skipped())
		}
	}
}

// An error of the callback that is not a DataError stops the scan as it is.
func TestScanStops(t *testing.T) {
	c := openCSV(t, "k\na\nb\n", CSVConfig{})
	stop := errors.New("enough")
	_, n, _, _, err := c.Scan(context.Background(), stream.Position{}, 10, func(r *RawRecord) error {
		if string(r.Fields[0]) == "b" {
			return stop
		}
		return nil
	})
	if err != stop || n != 1 {
		t.Errorf("%d records, %v", n, err)
	}
	c.Close()
	if _, _, _, _, err := c.Scan(context.Background(), stream.Position{}, 10, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestParseNumbers(t *testing.T) {
	for _, tc := range []struct {
		in    string
		coef  int64
		scale int32
		ok    bool
	}{{"1.50", 150, 2, true}, {"-0.5", -5, 1, true}, {"+7", 7, 0, true}, {".25", 25, 2, true}, {"", 0, 0, false},
		{"1e3", 0, 0, false}, {"-", 0, 0, false}, {"1.2.3", 0, 0, false}, {"1234567890123456789", 0, 0, false}} {
		c, s, ok := ParseDecimal([]byte(tc.in))
		if c != tc.coef || s != tc.scale || ok != tc.ok {
			t.Errorf("ParseDecimal(%q) = %d, %d, %v", tc.in, c, s, ok)
		}
	}
	for in, want := range map[string]bool{"12": true, "-3": true, "+0": true, "": false, "1.0": false, strings.Repeat("9", 19): false} {
		if _, ok := ParseInt([]byte(in)); ok != want {
			t.Errorf("ParseInt(%q): %v", in, ok)
		}
	}
}
