package agg

import (
	"fmt"
	"math/rand"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// Benchmarks: SUM, COUNT, AVG, MIN and MAX of a decimal amount per group,
// over 10 and over 100,000 groups, with one engine, with two partitioned
// engines merged at the end, and streaming over sorted input. Each
// iteration aggregates benchRecords records; the figure that matters is the
// ns/record metric.

const benchRecords = 500_000

// benchSet holds the records compactly (indexes into pools of boxed
// values), so the benchmark's own data adds little to the live heap the
// garbage collector scans: in a pipeline, records are transient batches.
type benchSet struct {
	keys    [][]any // one key slice per group
	amounts []any   // a pool of boxed decimals
	group   []int32
	amount  []int32
}

func benchData(groups int, sorted bool) *benchSet {
	r := rand.New(rand.NewSource(1))
	s := &benchSet{keys: make([][]any, groups), amounts: make([]any, 4096),
		group: make([]int32, benchRecords), amount: make([]int32, benchRecords)}
	for g := range s.keys {
		s.keys[g] = []any{int64(g)}
	}
	for i := range s.amounts {
		s.amounts[i] = value.NewDecimal(r.Int63n(1_000_000), 2)
	}
	for i := range s.group {
		g := r.Intn(groups)
		if sorted {
			g = i * groups / benchRecords
		}
		s.group[i], s.amount[i] = int32(g), int32(r.Intn(len(s.amounts)))
	}
	return s
}

// feed adds the records idx, with their positions as sequence numbers.
func (s *benchSet) feed(b *testing.B, e *Engine, idx []int32) {
	args := make([]any, 1)
	for _, i := range idx {
		args[0] = s.amounts[s.amount[i]]
		if err := e.AddSeq(int64(i), s.keys[s.group[i]], args); err != nil {
			b.Fatal(err)
		}
	}
}

func benchConfig(groups int, sorted bool) Config {
	return Config{Sorted: sorted, Levels: []Level{{Name: "g", MaxGroups: groups, Specs: []Spec{
		{Func: Sum, Arg: 0}, {Func: Count, Arg: -1}, {Func: Avg, Arg: 0}, {Func: Min, Arg: 0}, {Func: Max, Arg: 0},
	}}}, OnClose: func(*Group) error { return nil }}
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perRecord reports wall time per record and, because the machine may be
// shared, CPU time per record (all threads, GC included).
func perRecord(b *testing.B, n int, body func()) {
	cpu0 := cpuTime()
	for b.Loop() {
		body()
	}
	records := float64(b.N) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/records, "ns/record")
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/records, "cpu-ns/record")
	b.ReportMetric(0, "ns/op")
}

func BenchmarkEngine(b *testing.B) {
	for _, groups := range []int{10, 100_000} {
		data := benchData(groups, false)
		all := make([]int32, benchRecords)
		for i := range all {
			all[i] = int32(i)
		}
		cfg := benchConfig(groups, false)
		b.Run(fmt.Sprintf("groups=%d/hash/workers=1", groups), func(b *testing.B) {
			perRecord(b, benchRecords, func() {
				e := NewEngine(cfg)
				data.feed(b, e, all)
				if err := e.Finish(); err != nil {
					b.Fatal(err)
				}
			})
		})
		// Two workers: the dispatcher has split the records by Partition
		// (not timed: it is the stream stage's job, see BenchmarkPartition).
		var parts [2][]int32
		for i := range all {
			p := Partition(data.keys[data.group[i]], 2)
			parts[p] = append(parts[p], int32(i))
		}
		b.Run(fmt.Sprintf("groups=%d/hash/workers=2", groups), func(b *testing.B) {
			perRecord(b, benchRecords, func() {
				engines := [2]*Engine{NewEngine(cfg), NewEngine(cfg)}
				var wg sync.WaitGroup
				for w := range engines {
					wg.Add(1)
					go func() {
						defer wg.Done()
						data.feed(b, engines[w], parts[w])
					}()
				}
				wg.Wait()
				if err := engines[0].Merge(engines[1]); err != nil {
					b.Fatal(err)
				}
				if err := engines[0].Finish(); err != nil {
					b.Fatal(err)
				}
			})
		})
		sorted := benchData(groups, true)
		scfg := benchConfig(groups, true)
		b.Run(fmt.Sprintf("groups=%d/streaming/workers=1", groups), func(b *testing.B) {
			perRecord(b, benchRecords, func() {
				e := NewEngine(scfg)
				sorted.feed(b, e, all)
				if err := e.Finish(); err != nil {
					b.Fatal(err)
				}
			})
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

// q2Set is a report like bench/peers/q2.rpt: territory > customer, with
// SUM(amount * quantity), COUNT(), AVG(amount), MIN(amount) and MAX(amount)
// per customer; amount is a decimal, quantity an int. Every customer has at
// least one record.
type q2Set struct {
	keys [][]any // per customer: territory, customer
	args [][]any // a pool of argument rows: amount, quantity, amount × quantity
	cust []int32
	arg  []int32
}

const q2Territories = 8

func q2Data(customers, records int) *q2Set {
	r := rand.New(rand.NewSource(2))
	s := &q2Set{keys: make([][]any, customers), args: make([][]any, 4096),
		cust: make([]int32, records), arg: make([]int32, records)}
	for c := range s.keys {
		s.keys[c] = []any{fmt.Sprintf("territory-%d", c%q2Territories), fmt.Sprintf("customer-%06d", c)}
	}
	for i := range s.args {
		amount, qty := value.NewDecimal(r.Int63n(100_000), 2), int64(1+r.Intn(20))
		s.args[i] = []any{amount, qty, amount.Mul(value.DecimalFromInt(qty))}
	}
	perm := r.Perm(customers)
	for i := range s.cust {
		c := r.Intn(customers)
		if i < customers {
			c = perm[i]
		}
		s.cust[i], s.arg[i] = int32(c), int32(r.Intn(len(s.args)))
	}
	return s
}

func q2Config(customers int) Config {
	return Config{Levels: []Level{
		{Name: "territory", MaxGroups: q2Territories},
		{Name: "customer", MaxGroups: customers, Specs: []Spec{
			{Func: Sum, Arg: 2}, {Func: CountStar, Arg: -1}, {Func: Avg, Arg: 0}, {Func: Min, Arg: 0}, {Func: Max, Arg: 0},
		}},
	}, OnClose: func(*Group) error { return nil }}
}

func (s *q2Set) feed(b *testing.B, e *Engine) {
	for i, c := range s.cust {
		if err := e.AddSeq(int64(i), s.keys[c], s.args[s.arg[i]]); err != nil {
			b.Fatal(err)
		}
	}
}

// liveHeap reports the growth of the live heap (after a collection) and
// the number of allocations made while build ran, per group of the engine
// it returns: what the engine holds for each group, keys and maps
// included, independent of load. The caller keeps its input data alive
// until liveHeap returns, so that it is not counted as freed.
func liveHeap(b *testing.B, build func() *Engine) {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	e := build()
	runtime.GC()
	runtime.ReadMemStats(&m1)
	groups := 0
	for L := range e.levels {
		groups += e.Groups(L)
	}
	b.ReportMetric(float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc))/float64(groups), "B/group")
	b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(groups), "allocs/group")
	runtime.KeepAlive(e)
}

// BenchmarkEngineQ2 is the hash strategy over 100,000 customer groups (about
// 10 records each, as Q2 over 1M rows): ns/record and cpu-ns/record for
// the whole run, Finish included, and B/group and allocs/group for the
// engine's state before Finish.
func BenchmarkEngineQ2(b *testing.B) {
	const customers = 100_000
	data := q2Data(customers, benchRecords)
	cfg := q2Config(customers)
	perRecord(b, benchRecords, func() {
		e := NewEngine(cfg)
		data.feed(b, e)
		if err := e.Finish(); err != nil {
			b.Fatal(err)
		}
	})
	liveHeap(b, func() *Engine {
		e := NewEngine(cfg)
		data.feed(b, e)
		return e
	})
	runtime.KeepAlive(data) // live across both measurements
}
