package agg

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// Property tests with fixed seeds: merging the states of any split of the
// input gives the result of one pass (every function, splits with empty
// parts, across the exact/sketch thresholds); order does not matter to the
// order-insensitive functions; engines merge exactly.

func genNumber(r *rand.Rand) any {
	switch r.Intn(12) {
	case 0:
		return nil
	case 1:
		return int64(0)
	case 2:
		return int64(math.MaxInt64 - r.Intn(3))
	case 3:
		return int64(math.MinInt64 + r.Intn(3))
	case 4, 5:
		return value.NewDecimal(r.Int63n(2_000_000)-1_000_000, int32(r.Intn(5)))
	case 6:
		return (r.Float64() - 0.5) * math.Pow(10, float64(r.Intn(30)-10))
	case 7:
		return float64(r.Intn(5))
	default:
		return int64(r.Intn(2001) - 1000)
	}
}

// genFamily returns a generator of mutually comparable values for
// MIN/MAX, or of anything for the functions that accept anything.
func genFamily(r *rand.Rand, f Func) func() any {
	if accepts(f) == maskNumeric {
		kind := r.Intn(4)
		return func() any {
			for {
				v := genNumber(r)
				switch kind {
				case 0: // mixed
					return v
				case 1:
					if _, ok := v.(int64); ok || v == nil {
						return v
					}
				case 2:
					if _, ok := v.(value.Decimal); ok || v == nil {
						return v
					}
				case 3:
					if _, ok := v.(float64); ok || v == nil {
						return v
					}
				}
			}
		}
	}
	strs := func() any { return fmt.Sprintf("s%d", r.Intn(40)) }
	dates := func() any { return value.Date(r.Intn(100)) }
	times := func() any {
		return time.Unix(int64(r.Intn(50)), 0).In(time.FixedZone(fmt.Sprint("Z", r.Intn(2)), 3600*r.Intn(2)))
	}
	bools := func() any { return r.Intn(2) == 0 }
	fams := []func() any{func() any { return genNumber(r) }, strs, dates, times, bools}
	pick := fams[r.Intn(len(fams))]
	anything := accepts(f) == maskAll
	return func() any {
		if r.Intn(10) == 0 {
			return nil
		}
		if anything {
			return fams[r.Intn(len(fams))]()
		}
		return pick()
	}
}

// randomSplit cuts xs into k parts at random points (parts may be empty).
func randomSplit(r *rand.Rand, xs []any, k int) [][]any {
	cuts := make([]int, k-1)
	for i := range cuts {
		cuts[i] = r.Intn(len(xs) + 1)
	}
	slices.Sort(cuts)
	var parts [][]any
	prev := 0
	for _, c := range cuts {
		parts = append(parts, xs[prev:c])
		prev = c
	}
	return append(parts, xs[prev:])
}

func sizes(trial int) int {
	switch trial {
	case 0:
		return 0
	case 1:
		return QuantileExactCap + 2500 // crosses the exact caps
	}
	return trial * 7 % 300
}

func TestSplitMergeInvariance(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	for f := Func(1); f < numFuncs; f++ {
		for trial := 0; trial < 40; trial++ {
			n := sizes(trial)
			if trial == 1 && f != CountDistinct && f != Median && f != Percentile {
				n = 500
			}
			gen := genFamily(r, f)
			xs := make([]any, n)
			if f == CountDistinct && trial == 1 {
				for i := range xs {
					xs[i] = int64(r.Intn(3 * DistinctExactCap))
				}
			} else {
				for i := range xs {
					xs[i] = gen()
				}
			}
			p := r.Float64()
			whole := New(f, p)
			for _, x := range xs {
				if err := whole.Add(x); err != nil {
					t.Fatalf("%v: %v", f, err)
				}
			}
			want := show(whole.Result())
			parts := randomSplit(r, xs, 1+r.Intn(5))

			// In order, fed with Add: the argument of Merge follows.
			acc := New(f, p)
			for _, part := range parts {
				a := New(f, p)
				for _, x := range part {
					_ = a.Add(x)
				}
				if err := acc.Merge(a); err != nil {
					t.Fatal(err)
				}
			}
			if got := show(acc.Result()); got != want {
				t.Fatalf("%v trial %d (n=%d, %d parts): merged %s, one pass %s", f, trial, n, len(parts), got, want)
			}

			// Fed with sequence numbers and merged in a random order.
			var accs []Accumulator
			seq := int64(0)
			for _, part := range parts {
				a := New(f, p)
				for _, x := range part {
					if s, ok := a.(Sequenced); ok {
						_ = s.AddAt(x, seq)
					} else {
						_ = a.Add(x)
					}
					seq++
				}
				accs = append(accs, a)
			}
			r.Shuffle(len(accs), func(i, j int) { accs[i], accs[j] = accs[j], accs[i] })
			for _, a := range accs[1:] {
				if err := accs[0].Merge(a); err != nil {
					t.Fatal(err)
				}
			}
			if got := show(accs[0].Result()); got != want {
				t.Fatalf("%v trial %d: shuffled sequenced merge %s, one pass %s", f, trial, got, want)
			}
		}
	}
}

func TestOrderInvariance(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for f := Func(1); f < numFuncs; f++ {
		if f == First || f == Last {
			continue // order is their meaning
		}
		for trial := 0; trial < 25; trial++ {
			n := sizes(trial)
			if trial == 1 && f != CountDistinct && f != Median && f != Percentile {
				n = 400
			}
			gen := genFamily(r, f)
			xs := make([]any, n)
			for i := range xs {
				xs[i] = gen()
			}
			a := addAll(t, New(f, 0.3), xs...)
			r.Shuffle(n, func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
			b := addAll(t, New(f, 0.3), xs...)
			if show(a.Result()) != show(b.Result()) {
				t.Fatalf("%v trial %d: %s vs %s after shuffling", f, trial, show(a.Result()), show(b.Result()))
			}
		}
	}
}

// engineLines runs cfg over recs as one engine (fed with AddSeq when seq).
func engineLines(t *testing.T, cfg Config, recs []rec, seq bool) []string {
	t.Helper()
	s := &sink{}
	e := NewEngine(s.config(cfg))
	for i, r := range recs {
		var err error
		if seq {
			err = e.AddSeq(int64(i), r.keys, r.args)
		} else {
			err = e.Add(r.keys, r.args)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	return append(s.lines(), showAll(e.Global()), fmt.Sprint(e.Rejected(0), e.Rejected(1), e.Groups(0), e.Groups(1)))
}

// mergedLines splits recs among n engines with assign, feeds each with
// sequence numbers, merges them in a random order and finishes.
func mergedLines(t *testing.T, r *rand.Rand, cfg Config, recs []rec, n int, assign func(i int, r rec) int, seq bool) []string {
	t.Helper()
	s := &sink{}
	engines := make([]*Engine, n)
	for i := range engines {
		engines[i] = NewEngine(s.config(cfg))
	}
	for i, rc := range recs {
		e := engines[assign(i, rc)]
		var err error
		if seq {
			err = e.AddSeq(int64(i), rc.keys, rc.args)
		} else {
			err = e.Add(rc.keys, rc.args)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if seq {
		r.Shuffle(n, func(i, j int) { engines[i], engines[j] = engines[j], engines[i] })
	}
	for _, o := range engines[1:] {
		if err := engines[0].Merge(o); err != nil {
			t.Fatal(err)
		}
	}
	e := engines[0]
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	return append(s.lines(), showAll(e.Global()), fmt.Sprint(e.Rejected(0), e.Rejected(1), e.Groups(0), e.Groups(1)))
}

func TestEngineMergeInvariance(t *testing.T) {
	r := rand.New(rand.NewSource(99))
	trials := 12
	if raceEnabled {
		trials = 3
	}
	for trial := 0; trial < trials; trial++ {
		recs := randRecs(r, 200+r.Intn(1500), 1+r.Intn(20), 1+r.Intn(6))
		maxGroups := 0
		if trial%3 == 2 {
			maxGroups = 1 + r.Intn(8) // the level-0 limit is reached
		}
		cfg := allConfig(false, maxGroups)
		want := engineLines(t, cfg, recs, true)
		n := 2 + r.Intn(3)

		// Partitioned by the level-0 key, as the interpreter's workers are.
		got := mergedLines(t, r, cfg, recs, n, func(_ int, rc rec) int { return Partition(rc.keys, n) }, true)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: partitioned merge differs: %s", trial, diffLines(got, want))
		}
		// Split anyhow: groups spread over engines and merge state by state
		// (exact when no limit is reached: see Merge).
		if maxGroups == 0 {
			got = mergedLines(t, r, cfg, recs, n, func(int, rec) int { return r.Intn(n) }, true)
			if !slices.Equal(got, want) {
				t.Fatalf("trial %d: random-split merge differs: %s", trial, diffLines(got, want))
			}
		}
		// The streaming strategy over the sorted input gives the same groups.
		sorted := sortRecs(recs)
		hash := engineLines(t, cfg, sorted, false)
		scfg := cfg
		scfg.Sorted = true
		if stream := engineLines(t, scfg, sorted, false); !slices.Equal(stream, hash) {
			t.Fatalf("trial %d: streaming and hash differ: %s", trial, diffLines(stream, hash))
		}
		// Contiguous chunks fed with Add, merged in order.
		if maxGroups > 0 {
			continue // contiguous chunks may share groups: see Merge
		}
		if w := engineLines(t, cfg, recs, false); !slices.Equal(w, want) {
			t.Fatalf("trial %d: Add and AddSeq differ", trial)
		}
		chunk := len(recs)/n + 1
		got = mergedLines(t, r, cfg, recs, n, func(i int, _ rec) int { return i / chunk }, false)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: chunked merge differs: %s", trial, diffLines(got, want))
		}
	}
}
