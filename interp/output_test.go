package interp

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

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
