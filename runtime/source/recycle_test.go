package source

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// numbersCSV is "n,sq" with rows i, i*i for i in [0, rows).
func numbersCSV(rows int) string {
	var b strings.Builder
	b.WriteString("n,sq\n")
	for i := range rows {
		fmt.Fprintf(&b, "%d,%d\n", i, i*i)
	}
	return b.String()
}

func openNumbers(t *testing.T, rows int, rc *Recycler) *CSV {
	t.Helper()
	dir := writeFile(t, "n.csv", numbersCSV(rows))
	c, err := OpenCSV(os.DirFS(dir), "n.csv", CSVConfig{Config: Config{Extra: 1, Recycle: rc}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// tagOf returns what a record's last slot of capacity holds.
func tagOf(rec value.Record) any { return rec[:cap(rec)][cap(rec)-1] }

func fetchChunk(t *testing.T, src RecordSource, after stream.Position, limit int) stream.Chunk[value.Record] {
	t.Helper()
	ch, err := src.Fetch(context.Background(), after, limit)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestRecyclerReusesFinishedSlabs(t *testing.T) {
	rc := NewRecycler()
	c := openNumbers(t, 40, rc)
	a := fetchChunk(t, c, stream.Position{}, 10)
	if len(a.Records) != 10 || cap(a.Records[0]) != 4 || len(a.Records[0]) != 2 {
		t.Fatalf("chunk a: %d records, record len %d cap %d", len(a.Records), len(a.Records[0]), cap(a.Records[0]))
	}
	tagA := tagOf(a.Records[0])
	a3 := a.Records[3]
	rc.Done(a.Records[9]) // a is being processed: nothing released yet
	b := fetchChunk(t, c, a.Next, 10)
	if tagOf(b.Records[0]) == tagA {
		t.Fatal("chunk b reused the slab of a chunk still in use")
	}
	if got := b.Records[0][0]; got != int64(10) {
		t.Fatalf("b[0] = %v, want 10", got)
	}
	rc.Done(b.Records[0]) // a record of b: a is finished
	if a3[0] != nil || tagOf(a3) != nil || a.Records[3] != nil {
		t.Fatalf("released record not cleared: %v", a3[:4])
	}
	if b.Records[1][0] != int64(11) {
		t.Fatal("releasing a touched b")
	}
	cc := fetchChunk(t, c, b.Next, 10)
	if tagOf(cc.Records[0]) != tagA {
		t.Fatal("chunk c did not reuse a's slab")
	}
	for i, rec := range cc.Records {
		if rec[0] != int64(20+i) || rec[1] != int64((20+i)*(20+i)) {
			t.Fatalf("c[%d] = %v", i, rec)
		}
	}
	c0 := cc.Records[0]
	rc.Done(cc.Records[9])
	rc.End() // releases c; b was released when c's record came
	rc.End() // nothing left: a no-op
	if c0[0] != nil {
		t.Fatal("End did not release the last slab")
	}
}

func TestRecyclerIgnoresForeignRecords(t *testing.T) {
	var nilRC *Recycler
	nilRC.Done(value.Record{1})
	nilRC.End()
	rc := NewRecycler()
	rc.Done(nil)
	rc.Done(value.Record{int64(1), "x"}) // not from a recycling source
	rc.End()
	plain := openNumbers(t, 5, nil)
	ch := fetchChunk(t, plain, stream.Position{}, 5)
	rc.Done(ch.Records[4])
	rc.End()
	if ch.Records[4][0] != int64(4) {
		t.Fatal("a record of a source without the recycler was cleared")
	}
}

// A fetch larger than one recycled slab spans several; its list of records
// is then not reused, since the pipeline holds parts of it.
func TestRecyclerLargeFetch(t *testing.T) {
	rows := maxTaggedRecords + 100
	rc := NewRecycler()
	c := openNumbers(t, 2*rows, rc)
	a := fetchChunk(t, c, stream.Position{}, rows)
	first, last := tagOf(a.Records[0]).(*slabTag), tagOf(a.Records[rows-1]).(*slabTag)
	if first == last {
		t.Fatal("one slab for a fetch over the slab bound")
	}
	if first.recs != nil {
		t.Fatal("the list of a multi-slab fetch is kept for reuse")
	}
	kept := append([]value.Record(nil), a.Records...)
	rc.Done(a.Records[rows-1])
	b := fetchChunk(t, c, a.Next, rows)
	rc.Done(b.Records[0]) // releases the last slab of a
	for i, rec := range a.Records {
		if rec == nil || rec[0] != int64(i) && (i < maxTaggedRecords || rec[0] != nil) {
			t.Fatalf("a[%d] = %v: the list of a multi-slab fetch was touched", i, rec)
		}
	}
	if kept[rows-1][0] != nil {
		t.Fatal("a's last slab was not released")
	}
	if b.Records[rows-1][0] != int64(2*rows-1) {
		t.Fatalf("b's last record %v", b.Records[rows-1])
	}
}

// A producer fetching while a consumer finishes records on another
// goroutine (as in a pipeline) sees every value intact; run with -race.
func TestRecyclerConcurrent(t *testing.T) {
	const rows = 5000
	rc := NewRecycler()
	c := openNumbers(t, rows, rc)
	chunks := make(chan []value.Record, 4)
	var wg sync.WaitGroup
	wg.Add(1)
	var bad error
	go func() {
		defer wg.Done()
		next := int64(0)
		for recs := range chunks {
			for _, rec := range recs {
				if rec[0] != next || rec[1] != next*next {
					bad = fmt.Errorf("record %d = %v", next, rec)
				}
				next++
				rc.Done(rec)
			}
		}
		rc.End()
		if bad == nil && next != rows {
			bad = fmt.Errorf("%d records", next)
		}
	}()
	pos := stream.Position{}
	for {
		ch := fetchChunk(t, c, pos, 37)
		chunks <- ch.Records
		pos = ch.Next
		if ch.Done {
			break
		}
	}
	close(chunks)
	wg.Wait()
	if bad != nil {
		t.Fatal(bad)
	}
}
