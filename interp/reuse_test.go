package interp

import (
	"bytes"
	"context"
	"io/fs"
	"sync"
	"testing"
	"testing/fstest"
)

// countFS counts its files opened and read (not those fs.Stat opens), and
// how many of them were closed.
type countFS struct {
	fs.FS
	mu            sync.Mutex
	opens, closes int
}

func (c *countFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err == nil && name == "s.csv" {
		f = &countFile{File: f, c: c}
	}
	return f, err
}

type countFile struct {
	fs.File
	c    *countFS
	read bool
}

func (f *countFile) Read(p []byte) (int, error) {
	if !f.read {
		f.read = true
		f.c.mu.Lock()
		f.c.opens++
		f.c.mu.Unlock()
	}
	return f.File.Read(p)
}

func (f *countFile) Close() error {
	if f.read {
		f.c.mu.Lock()
		f.c.closes++
		f.c.mu.Unlock()
	}
	return f.File.Close()
}

func (c *countFS) counts() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opens, c.closes
}

// With Options.ReuseSource the file Compile opens to describe the source
// is the one the first run reads (a detail report, and an aggregation in
// the scanner); later runs open it again; the output is the same.
func TestReuseSource(t *testing.T) {
	data := salesCSV(300, 3)
	for _, script := range []string{
		"source csv(\"s.csv\") { amount: decimal }\ndetail { id, territory, amount }",
		"source csv(\"s.csv\") { amount: decimal }\ngroup territory { footer { territory, n: COUNT(), s: SUM(amount * quantity) } }",
	} {
		var want string
		for _, reuse := range []bool{false, true} {
			fsys := &countFS{FS: fstest.MapFS{"s.csv": {Data: []byte(data)}}}
			p, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{FS: fsys, ReuseSource: reuse})
			if err != nil {
				t.Fatal(err)
			}
			if opens, closes := fsys.counts(); opens != 1 || closes != map[bool]int{false: 1, true: 0}[reuse] {
				t.Fatalf("reuse %v: after Compile %d opens, %d closes", reuse, opens, closes)
			}
			for run := 1; run <= 2; run++ {
				var out bytes.Buffer
				if _, err := p.Run(context.Background(), &RunConfig{Output: &out, Format: "csv", Workers: 1}); err != nil {
					t.Fatal(err)
				}
				if want == "" {
					want = out.String()
				} else if out.String() != want {
					t.Fatalf("reuse %v, run %d:\n%s\nwant:\n%s", reuse, run, out.String(), want)
				}
				opens, closes := fsys.counts()
				wantOpens := 1 + run
				if reuse {
					wantOpens = run
				}
				if opens != wantOpens || closes != opens {
					t.Errorf("reuse %v, after run %d: %d opens, %d closes, want %d of each", reuse, run, opens, closes, wantOpens)
				}
			}
		}
	}
}

// A script that does not compile closes the file it kept.
func TestReuseSourceCompileError(t *testing.T) {
	fsys := &countFS{FS: fstest.MapFS{"s.csv": {Data: []byte(salesCSV(10, 2))}}}
	if _, err := Compile(context.Background(), "t.rpt", []byte("source csv(\"s.csv\")\ndetail { nope }"), &Options{FS: fsys, ReuseSource: true}); err == nil {
		t.Fatal("compiled")
	}
	if opens, closes := fsys.counts(); opens == 0 || closes != opens {
		t.Errorf("%d opens, %d closes", opens, closes)
	}
}
