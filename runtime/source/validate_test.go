package source

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// The read buffer is checked for valid UTF-8 a block at a time; records
// inside a checked block skip the per-field check. These files put
// multibyte runes across the buffer's end and invalid bytes far into the
// file, in used and unused columns, and check every record against the
// per-field rules.
func TestCSVBlockValidation(t *testing.T) {
	t.Parallel()       // its own files and sources
	const rows = 30000 // about 3 buffers of data
	build := func(bad map[int]string) string {
		var b strings.Builder
		b.WriteString("id,name,note\n")
		for i := range rows {
			name, note := "n", "é"+strings.Repeat("ü", i%7) // two-byte runes land on every buffer offset
			if s, ok := bad[i]; ok {
				note = s
			}
			b.WriteString(strconv.Itoa(i) + "," + name + "," + note + "\n")
		}
		return b.String()
	}
	for _, tc := range []struct {
		name   string
		bad    map[int]string
		unused bool
	}{
		{"all valid", nil, false},
		{"all valid unused", nil, true},
		{"invalid used", map[int]string{5: "\xff", 20000: "a\xc3", 29999: "\xe2\x82"}, false},
		{"invalid unused", map[int]string{5: "\xff", 20000: "a\xc3", 29999: "\xe2\x82"}, true},
		{"quoted", map[int]string{7: `"q,é"`, 25000: "\"\xff\""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := CSVConfig{Config: Config{SkipErrors: true, Types: map[string]value.Kind{"note": value.KindString}}}
			if tc.unused {
				cfg.Unused = map[string]bool{"note": true}
			}
			c := openCSV(t, build(tc.bad), cfg)
			var got []value.Record
			pos := stream.Position{}
			for {
				ch, err := c.Fetch(context.Background(), pos, 777)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ch.Records...)
				pos = ch.Next
				if ch.Done {
					break
				}
			}
			wantSkipped := 0
			for _, s := range tc.bad {
				if !utf8.ValidString(s) {
					wantSkipped++
				}
			}
			if int(c.Skipped()) != wantSkipped || len(got) != rows-wantSkipped {
				t.Fatalf("%d records, %d skipped; want %d skipped", len(got), c.Skipped(), wantSkipped)
			}
			for _, rec := range got {
				id := int(rec[0].(int64))
				if tc.unused {
					if rec[2] != nil {
						t.Fatalf("record %d: unused column converted: %v", id, rec[2])
					}
					continue
				}
				want := "é" + strings.Repeat("ü", id%7)
				if s, ok := tc.bad[id]; ok {
					want = strings.Trim(s, `"`)
				}
				if rec[2] != want {
					t.Fatalf("record %d: note %q, want %q", id, rec[2], want)
				}
			}
		})
	}
}

func TestFileReaderValidate(t *testing.T) {
	dir := writeFile(t, "f", "ab\xc3\xa9\xe2\x82")
	fr := fileReader{fsys: os.DirFS(dir), name: "f", read: new(atomic.Int64)}
	if err := fr.seek(0); err != nil {
		t.Fatal(err)
	}
	defer fr.close()
	for {
		more, err := fr.fill()
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
	}
	// At the end of the file a cut rune is invalid: the prefix stays
	// before it.
	if !fr.eof || fr.valid != 4 {
		t.Fatalf("eof %t valid %d", fr.eof, fr.valid)
	}
	fr.reset(0)
	fr.buf = append(fr.buf[:0], "ab\xc3\xa9\xe2\x82"...)
	fr.w = len(fr.buf)
	fr.validate() // not at the end: the cut rune waits
	if fr.valid != 4 {
		t.Fatalf("valid %d, want 4", fr.valid)
	}
}
