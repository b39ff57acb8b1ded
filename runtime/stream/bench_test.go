package stream

import (
	"context"
	"fmt"
	"testing"
)

// benchSize is the dataset the benchmarks cycle through: large enough to
// amortise a run's setup, small enough that the input does not dominate
// the heap the garbage collector scans.
const benchSize = 100_000

func benchRecords() []rec {
	recs := make([]rec, benchSize)
	for i := range recs {
		recs[i] = makeRec(int64(i))
	}
	return recs
}

func identity3(r rec) (rec, bool, error) { return r, true, nil }

// transform is called through a variable, as a pipeline calls it, so that
// the floor does not get an inlined call the runtime cannot have.
var transform = identity3

// BenchmarkPipeline measures the runtime's per-record overhead: in-memory
// source → identity stage → discarding sink. One op is one record, so
// ns/op is ns/record and allocs/op is allocs/record; the runs cycle over a
// 100,000-record slice until b.N records have streamed. The source shares
// its slice, so the figures are the runtime's alone; the copy=true cases
// add what a source producing fresh records costs (allocation, copying, GC).
func BenchmarkPipeline(b *testing.B) {
	recs := benchRecords()
	type bench struct {
		chunk int
		copy  bool
	}
	for _, bc := range []bench{{1, false}, {100, false}, {1000, false}, {10000, false}, {1000, true}} {
		chunk := bc.chunk
		b.Run(fmt.Sprintf("chunk=%d/copy=%v", chunk, bc.copy), func(b *testing.B) {
			var n int
			var sum int64
			b.ReportAllocs()
			b.ResetTimer()
			for left := b.N; left > 0; left -= benchSize {
				p := Pipeline[rec]{
					Source: &SliceSource[rec]{Records: recs[:min(left, benchSize)], Shared: !bc.copy},
					Stages: []Stage[rec]{{Transform: transform}},
					Sink: func(_ context.Context, batch []rec) error {
						for i := range batch {
							sum += batch[i].ID
						}
						n += len(batch)
						return nil
					},
					Options: Options{ChunkSize: chunk, MaxDemand: max(chunk, 1000)},
				}
				if _, err := Run(context.Background(), p); err != nil {
					b.Fatal(err)
				}
			}
			if n != b.N {
				b.Fatalf("%d records out of %d", n, b.N)
			}
			loopSink = sum
		})
	}
}

var loopSink int64

// BenchmarkPlainLoop is the floor: the same records through the same
// transform into a discarding sink, in a plain Go loop.
func BenchmarkPlainLoop(b *testing.B) {
	recs := benchRecords()
	b.ReportAllocs()
	b.ResetTimer()
	var sum int64
	for i := range b.N {
		r, keep, err := transform(recs[i%benchSize])
		if keep && err == nil {
			sum += r.ID
		}
	}
	loopSink = sum
}
