package interp

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reportsh/reportsh/interp/internal/exec"
	"github.com/reportsh/reportsh/runtime/stream"
)

// countingWriter counts writes and notes how many chunks had been fetched
// when the first one came.
type countingWriter struct {
	writes, bytes int
	fetched       *atomic.Int64
	atFirst       int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.writes == 0 {
		w.atFirst = w.fetched.Load()
	}
	w.writes++
	w.bytes += len(p)
	return len(p), nil
}

// The report is written a batch at a time: far fewer writes than rows, and
// still streaming (the first rows are out long before the input ends).
func TestOutputIsBufferedPerBatch(t *testing.T) {
	const rows = 20000
	var b strings.Builder
	b.WriteString("id,v\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,%d\n", i, i%7)
	}
	p, err := compileFS(t, "source csv(\"s.csv\")\ndetail { id, v }", map[string]string{"s.csv": b.String()})
	if err != nil {
		t.Fatal(err)
	}
	var fetched atomic.Int64
	w := &countingWriter{fetched: &fetched}
	obs := stream.ObserverFunc(func(ev stream.Event) {
		if _, ok := ev.(stream.ChunkFetched); ok {
			fetched.Add(1)
		}
	})
	if _, err := p.Run(context.Background(), &RunConfig{Output: w, Format: "csv", ChunkSize: 100, Observer: obs}); err != nil {
		t.Fatal(err)
	}
	chunks := fetched.Load()
	if chunks < rows/100 {
		t.Fatalf("%d chunks fetched", chunks)
	}
	// One write per batch of records (a batch may be split by demand),
	// plus the header and the end: nowhere near one per row.
	if w.writes > int(chunks)*3 || w.writes < 2 {
		t.Errorf("%d writes for %d rows in %d chunks", w.writes, rows, chunks)
	}
	if w.atFirst >= chunks {
		t.Errorf("first write after all %d chunks were fetched: not streaming", chunks)
	}
}

// A report that streams detail rows starts with a small fetch, so its first
// rows are out sooner; an aggregate report, which writes nothing until the
// end, fetches whole chunks from the start.
func TestFirstChunkForStreamingReports(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,v\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "%d,%d\n", i, i%7)
	}
	files := map[string]string{"s.csv": b.String()}
	for _, tc := range []struct {
		script string
		first  int
	}{
		{"source csv(\"s.csv\")\ndetail { id, v }", exec.StreamFirstChunk},
		{"source csv(\"s.csv\")\ngroup v { footer { v, n: COUNT() } }", 1000},
	} {
		p, err := compileFS(t, tc.script, files)
		if err != nil {
			t.Fatal(err)
		}
		var limits []int
		obs := stream.ObserverFunc(func(ev stream.Event) {
			if cf, ok := ev.(stream.ChunkFetched); ok {
				limits = append(limits, cf.Limit) // the producer's goroutine only
			}
		})
		if _, err := p.Run(context.Background(), &RunConfig{Observer: obs}); err != nil {
			t.Fatal(err)
		}
		if len(limits) < 2 || limits[0] != tc.first || limits[len(limits)-1] != 1000 {
			t.Errorf("%q: fetch limits %v, want %d first and 1000 last", tc.script, limits, tc.first)
		}
	}
}
