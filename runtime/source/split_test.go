package source

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/bench/salesgen"
)

// splitRef is splitAt written the plain way, for a line at the start of
// data.
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
	// before a delimiter stays, as in splitAt.
	return append(fields, line), i + 1, splitOK
}

// masksOf returns the masks of data, computed by blockMasks (asm) or by
// blockMasksGo only.
func masksOf(data []byte, delim byte, asm bool) *lineMasks {
	if asm {
		var m lineMasks
		m.update(&fileReader{buf: data, w: len(data)}, delim)
		return &m
	}
	words := (len(data) + 63) / 64
	m := &lineMasks{nl: make([]uint64, words), dl: make([]uint64, words), ql: make([]uint64, words)}
	blockMasksGo(data, delim, m.nl, m.dl, m.ql)
	return m
}

// checkSplit splits the line at the start of data after prefixes of every
// length up to 64 bytes (so it starts at every offset of a mask word),
// with both mask implementations, and compares the result with splitRef.
func checkSplit(t *testing.T, data []byte, delim byte) {
	t.Helper()
	want, wn, wst := splitRef(data, delim, nil)
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	for p := range 65 {
		buf := append([]byte(strings.Repeat("z", p)), data...)
		if p > 0 {
			buf[p-1] = '\n'
		}
		for _, asm := range []bool{true, false} {
			got, n, st := splitAt(buf, p, masksOf(buf, delim, asm), nil, false)
			if st == splitQuoted && bytes.IndexByte(line, '"') >= 0 {
				continue // the quoted parser takes any line with a quote
			}
			if st != wst || n != wn || (st == splitOK && !slices.EqualFunc(got, want, bytes.Equal)) {
				t.Fatalf("splitAt(%q at %d, %q, asm %t) = %q %d %d, want %q %d %d", data, p, delim, asm, got, n, st, want, wn, wst)
			}
		}
	}
}

func TestSplitLine(t *testing.T) {
	for _, s := range []string{
		"", "\n", "\r\n", "a", "a\n", "a,b\n", "a,b,c,d,e,f,g,h,i,j\nnext", "12345678,12345678\n",
		"1234567,\n", ",,,,,,,,,,,,,,,,,\n", "a,\"b\",c\n", "\"a\",b\n", "a,b\"c,d\n", "x\r,y\r\n",
		"long field with no delimiter at all in the first words,z\n", "a,b", "a,\"", "\xff\xfe,\x80\n",
		"0123456\n0123456,\n", "01234567\n", "012345,\n",
		strings.Repeat("a,", 70) + "\n", strings.Repeat("x", 200) + ",y\n", "a,b\n\"c\n",
	} {
		checkSplit(t, []byte(s), ',')
		checkSplit(t, []byte(s), '\t')
	}
	// At the end of the file the data's end ends the last line.
	for _, tc := range []struct {
		data string
		want []string
	}{{"a,b", []string{"a", "b"}}, {"a,b\r", []string{"a", "b"}}, {"x", []string{"x"}}, {"0123456789,abcdefgh,z", []string{"0123456789", "abcdefgh", "z"}}} {
		data := []byte(tc.data)
		got, n, st := splitAt(data, 0, masksOf(data, ',', true), nil, true)
		if st != splitOK || n != len(tc.data) || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
			t.Errorf("at EOF %q: %q %d %d", tc.data, got, n, st)
		}
	}
	if _, _, st := splitAt(nil, 0, &lineMasks{}, nil, true); st != splitShort {
		t.Errorf("no data at EOF: %d", st)
	}
	// A quote later in the data does not make a line before it quoted,
	// and is found again after lines that moved past the one remembered.
	data := []byte("a,b\nc\"d,e\nf,g\n\"h\"\n")
	m := masksOf(data, ',', true)
	var sts []splitStatus
	for _, r := range []int{0, 4, 10, 14, 0} {
		_, _, st := splitAt(data, r, m, nil, true)
		sts = append(sts, st)
	}
	if fmt.Sprint(sts) != fmt.Sprint([]splitStatus{splitOK, splitQuoted, splitOK, splitQuoted, splitOK}) {
		t.Errorf("statuses %v", sts)
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

// The assembly and the Go masks agree, and mark exactly the newlines,
// delimiters and quotes, on data of every length and byte value.
func TestBlockMasks(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{',', '\n', '"', '\t', 'a', 0, 0x80, 0xff, 0x2c ^ 0x80, 0x0a ^ 0x80}
	for n := range 300 {
		data := make([]byte, n)
		for i := range data {
			if rng.IntN(2) == 0 {
				data[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				data[i] = byte(rng.IntN(256))
			}
		}
		for _, delim := range []byte{',', '\t', 0, 0xff} {
			asm, gom := masksOf(data, delim, true), masksOf(data, delim, false)
			for i, c := range data {
				w, bit := i/64, uint(i%64)
				for _, mk := range []struct {
					name     string
					a, g     []uint64
					expected bool
				}{{"nl", asm.nl, gom.nl, c == '\n'}, {"dl", asm.dl, gom.dl, c == delim}, {"ql", asm.ql, gom.ql, c == '"'}} {
					if a, g := mk.a[w]>>bit&1 == 1, mk.g[w]>>bit&1 == 1; a != mk.expected || g != mk.expected {
						t.Fatalf("len %d delim %q byte %d (%q): %s asm %t go %t, want %t", n, delim, i, c, mk.name, a, g, mk.expected)
					}
				}
			}
			for w := len(data) / 64; w < len(asm.nl); w++ { // bits past the data are zero
				if bits := (asm.nl[w] | asm.dl[w] | asm.ql[w]) >> (uint(len(data)) % 64); len(data)%64 != 0 && bits != 0 {
					t.Fatalf("len %d: bits past the data: %#x", n, bits)
				}
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

// BenchmarkSplit splits generated sales lines (20,000, as in the peer
// benchmarks' files) with the masks, and the plain way for comparison.
func BenchmarkSplit(b *testing.B) {
	var buf bytes.Buffer
	if err := salesgen.WriteCSV(&buf, salesgen.Config{Rows: 20000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	perLine := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/20001, "ns/line")
	}
	b.Run("masks", func(b *testing.B) {
		var fields [][]byte
		for b.Loop() {
			m := lineMasks{}
			m.update(&fileReader{buf: data, w: len(data)}, ',')
			for r := 0; r < len(data); {
				var n int
				var st splitStatus
				if fields, n, st = splitAt(data, r, &m, fields, true); st != splitOK {
					n = bytes.IndexByte(data[r:], '\n') + 1
				}
				r += n
			}
		}
		perLine(b)
	})
	b.Run("indexbyte", func(b *testing.B) {
		var fields [][]byte
		for b.Loop() {
			for d := data; len(d) > 0; {
				var n int
				var st splitStatus
				if fields, n, st = splitRef(d, ',', fields); st != splitOK {
					n = bytes.IndexByte(d, '\n') + 1
				}
				d = d[n:]
			}
		}
		perLine(b)
	})
}
