package source

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
)

// splitRef is splitLine written the plain way.
func splitRef(data []byte, delim byte, fields [][]byte) ([][]byte, int, splitStatus) {
	fields = fields[:0]
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return nil, 0, splitShort
	}
	line := trimCR(data[:i])
	for {
		if len(line) > 0 && line[0] == '"' {
			return nil, 0, splitQuoted
		}
		j := bytes.IndexByte(line, delim)
		if j < 0 {
			break
		}
		fields = append(fields, line[:j])
		line = line[j+1:]
	}
	// The plain way sees the trimmed "\r" only on the last field: a "\r"
	// before a delimiter stays, as in splitLine.
	return append(fields, line), i + 1, splitOK
}

func checkSplit(t *testing.T, data []byte, delim byte) {
	t.Helper()
	got, n, st := splitLine(data, delim, nil, false)
	want, wn, wst := splitRef(data, delim, nil)
	if wst == splitShort && st == splitQuoted {
		return // a quoted field started before the data ran out: either way the quoted parser takes it
	}
	if st != wst || n != wn || (st == splitOK && !slices.EqualFunc(got, want, bytes.Equal)) {
		t.Fatalf("splitLine(%q, %q) = %q %d %d, want %q %d %d", data, delim, got, n, st, want, wn, wst)
	}
}

func TestSplitLine(t *testing.T) {
	for _, s := range []string{
		"", "\n", "\r\n", "a", "a\n", "a,b\n", "a,b,c,d,e,f,g,h,i,j\nnext", "12345678,12345678\n",
		"1234567,\n", ",,,,,,,,,,,,,,,,,\n", "a,\"b\",c\n", "\"a\",b\n", "a,b\"c,d\n", "x\r,y\r\n",
		"long field with no delimiter at all in the first words,z\n", "a,b", "a,\"", "\xff\xfe,\x80\n",
		"0123456\n0123456,\n", "01234567\n", "012345,\n",
	} {
		checkSplit(t, []byte(s), ',')
		checkSplit(t, []byte(s), '\t')
	}
	// At the end of the file the data's end ends the last line.
	for _, tc := range []struct {
		data string
		want []string
	}{{"a,b", []string{"a", "b"}}, {"a,b\r", []string{"a", "b"}}, {"x", []string{"x"}}, {"0123456789,abcdefgh,z", []string{"0123456789", "abcdefgh", "z"}}} {
		got, n, st := splitLine([]byte(tc.data), ',', nil, true)
		if st != splitOK || n != len(tc.data) || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
			t.Errorf("at EOF %q: %q %d %d", tc.data, got, n, st)
		}
	}
	if _, _, st := splitLine(nil, ',', nil, true); st != splitShort {
		t.Errorf("no data at EOF: %d", st)
	}
	// The mask finds exactly the bytes equal to c, whatever their
	// neighbours (the classic trick flags a 0x01 after a match).
	for _, w := range []uint64{0x2c2c2c2c2c2c2c2c, 0x012c012c2d2b2c00, 0x80ac2cff2c000001, 0} {
		m := swarEq(w, uint64(',')*swarLow)
		for b := range 8 {
			isC := byte(w>>(8*b)) == ','
			if got := m>>(8*b+7)&1 == 1; got != isC {
				t.Fatalf("swarEq(%#x) byte %d: %t, want %t", w, b, got, isC)
			}
		}
	}
}

func FuzzSplitLine(f *testing.F) {
	for _, s := range []string{"a,b\n", "a,\"b\"\n", "1,2,3,4,5,6,7,8,9\r\n", "\n"} {
		f.Add([]byte(s), byte(','))
	}
	f.Fuzz(func(t *testing.T, data []byte, delim byte) {
		if delim == '"' || delim == '\n' || delim == '\r' {
			return
		}
		checkSplit(t, data, delim)
	})
}

// BenchmarkSplitLine splits a typical sales line.
func BenchmarkSplitLine(b *testing.B) {
	line := []byte("123456,Northeast,Customer 12345,Widget Pro,123.45,3,2024-05-17\n")
	fields := make([][]byte, 0, 8)
	b.Run("swar", func(b *testing.B) {
		for b.Loop() {
			fields, _, _ = splitLine(line, ',', fields, false)
		}
	})
	b.Run("indexbyte", func(b *testing.B) {
		for b.Loop() {
			fields, _, _ = splitRef(line, ',', fields)
		}
	})
}
