package agg

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

// Benchmarks: SUM, COUNT, AVG, MIN and MAX of a decimal amount per group,
// over 10 and over 100,000 groups, with one engine, with two partitioned
// engines merged at the end, and streaming over sorted input. Each
// iteration aggregates benchRecords records; the figure that matters is the
// ns/record metric.

const benchRecords = 500_000

func benchData(groups int, sorted bool) []rec {
	r := rand.New(rand.NewSource(1))
	recs := make([]rec, benchRecords)
	for i := range recs {
		g := int64(r.Intn(groups))
		if sorted {
			g = int64(i * groups / benchRecords)
		}
		recs[i] = rec{keys: []any{g}, args: []any{value.NewDecimal(r.Int63n(1_000_000), 2), int64(r.Intn(10))}}
	}
	return recs
}

func benchConfig(groups int, sorted bool) Config {
	return Config{Sorted: sorted, Levels: []Level{{Name: "g", MaxGroups: groups, Specs: []Spec{
		{Func: Sum, Arg: 0}, {Func: Count, Arg: -1}, {Func: Avg, Arg: 0}, {Func: Min, Arg: 0}, {Func: Max, Arg: 0},
	}}}, OnClose: func(*Group) error { return nil }}
}

func reportPerRecord(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkEngine(b *testing.B) {
	for _, groups := range []int{10, 100_000} {
		recs := benchData(groups, false)
		cfg := benchConfig(groups, false)
		b.Run(fmt.Sprintf("groups=%d/hash/workers=1", groups), func(b *testing.B) {
			for b.Loop() {
				e := NewEngine(cfg)
				for i := range recs {
					if err := e.Add(recs[i].keys, recs[i].args); err != nil {
						b.Fatal(err)
					}
				}
				if err := e.Finish(); err != nil {
					b.Fatal(err)
				}
			}
			reportPerRecord(b, len(recs))
		})
		// Two workers: the dispatcher has split the records by Partition
		// (not timed: it is the stream stage's job, see BenchmarkPartition).
		var parts [2][]int
		for i := range recs {
			p := Partition(recs[i].keys, 2)
			parts[p] = append(parts[p], i)
		}
		b.Run(fmt.Sprintf("groups=%d/hash/workers=2", groups), func(b *testing.B) {
			for b.Loop() {
				engines := [2]*Engine{NewEngine(cfg), NewEngine(cfg)}
				var wg sync.WaitGroup
				for w := range engines {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for _, i := range parts[w] {
							_ = engines[w].AddSeq(int64(i), recs[i].keys, recs[i].args)
						}
					}()
				}
				wg.Wait()
				if err := engines[0].Merge(engines[1]); err != nil {
					b.Fatal(err)
				}
				if err := engines[0].Finish(); err != nil {
					b.Fatal(err)
				}
			}
			reportPerRecord(b, len(recs))
		})
		sortedRecs := benchData(groups, true)
		scfg := benchConfig(groups, true)
		b.Run(fmt.Sprintf("groups=%d/streaming/workers=1", groups), func(b *testing.B) {
			for b.Loop() {
				e := NewEngine(scfg)
				for i := range sortedRecs {
					if err := e.Add(sortedRecs[i].keys, sortedRecs[i].args); err != nil {
						b.Fatal(err)
					}
				}
				if err := e.Finish(); err != nil {
					b.Fatal(err)
				}
			}
			reportPerRecord(b, len(sortedRecs))
		})
	}
}

// BenchmarkAccumulators is the cost of one Add per function.
func BenchmarkAccumulators(b *testing.B) {
	vals := map[string]any{"int": int64(12345), "decimal": value.NewDecimal(12345, 2), "float": 123.45}
	for _, f := range []Func{Sum, Count, Avg, Min, Max} {
		for _, kind := range []string{"int", "decimal", "float"} {
			v := vals[kind]
			b.Run(f.String()+"/"+kind, func(b *testing.B) {
				a := New(f, 0)
				b.ReportAllocs()
				for b.Loop() {
					_ = a.Add(v)
				}
			})
		}
	}
}

func BenchmarkPartition(b *testing.B) {
	keys := []any{"territory-17"}
	for b.Loop() {
		Partition(keys, 2)
	}
}
