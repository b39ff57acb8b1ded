package agg

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

// The engine shares states between specs (see plan.layout) and keeps them
// in columns; a model with one accumulator per spec (New), fed in spec
// order and stopped at the first failure, must give the same results, also
// for records that MIN or MAX refuses halfway.

// model is one accumulator per spec (and hidden sum) of a plan.
type model struct {
	count int64
	accs  []Accumulator
}

func newModel(specs []Spec, hidden []int) *model {
	m := &model{}
	for _, s := range specs {
		m.accs = append(m.accs, New(s.Func, s.Param))
	}
	for range hidden {
		m.accs = append(m.accs, New(Sum, 0))
	}
	return m
}

// feed is the engine's documented order: the specs, then the hidden sums,
// stopping at the first error.
func (m *model) feed(specs []Spec, hidden []int, args []any) error {
	m.count++
	for i, s := range specs {
		v := any(true)
		if s.Arg >= 0 {
			v = args[s.Arg]
		}
		if err := m.accs[i].Add(v); err != nil {
			return err
		}
	}
	for j, a := range hidden {
		if err := m.accs[len(specs)+j].Add(args[a]); err != nil {
			return err
		}
	}
	return nil
}

func randomSpecs(r *rand.Rand, n int, pot bool) []Spec {
	var specs []Spec
	for range n {
		// Args: 0 and 2 are numbers, 1 mixes ints and strings (MIN and
		// MAX of it fail), 3 is anything.
		switch r.Intn(11) {
		case 0:
			specs = append(specs, Spec{Func: []Func{Sum, RunningSum}[r.Intn(2)], Arg: 2 * r.Intn(2)})
		case 1:
			specs = append(specs, Spec{Func: []Func{Avg, RunningAvg}[r.Intn(2)], Arg: 2 * r.Intn(2)})
		case 2:
			if pot {
				specs = append(specs, Spec{Func: PercentOfTotal, Arg: 2 * r.Intn(2)})
			}
		case 3:
			specs = append(specs, Spec{Func: []Func{Count, RunningCount, CountStar}[r.Intn(3)], Arg: -1})
		case 4:
			specs = append(specs, Spec{Func: []Func{Count, RunningCount, CountStar}[r.Intn(3)], Arg: r.Intn(4)})
		case 5, 6:
			specs = append(specs, Spec{Func: []Func{Min, Max}[r.Intn(2)], Arg: 1})
		case 7:
			specs = append(specs, Spec{Func: []Func{Min, Max}[r.Intn(2)], Arg: 2 * r.Intn(2)})
		case 8:
			specs = append(specs, Spec{Func: []Func{First, Last, CountDistinct}[r.Intn(3)], Arg: r.Intn(4)})
		default:
			specs = append(specs, Spec{Func: []Func{Sum, Avg, Count}[r.Intn(3)], Arg: 2 * r.Intn(2)})
		}
	}
	return specs
}

func randomArgs(r *rand.Rand) []any {
	a1 := any(int64(r.Intn(10)))
	switch r.Intn(8) {
	case 0:
		a1 = fmt.Sprint("s", r.Intn(3))
	case 1:
		a1 = nil
	}
	a0 := genNumber(r)
	if r.Intn(40) == 0 {
		a0 = "refused by SUM's kind check"
	}
	return []any{a0, a1, genNumber(r), []any{nil, int64(1), "x", value.Date(2)}[r.Intn(4)]}
}

func TestLayoutMatchesModel(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	trials := 300
	if testing.Short() || raceEnabled {
		trials = 60
	}
	for trial := range trials {
		level := randomSpecs(r, 1+r.Intn(7), true)
		global := randomSpecs(r, r.Intn(4), false)
		var hidden []int
		for _, s := range level {
			if s.Func == PercentOfTotal && !slices.Contains(hidden, s.Arg) {
				hidden = append(hidden, s.Arg)
			}
		}
		var recs []rec
		for range 1 + r.Intn(60) {
			recs = append(recs, rec{keys: []any{int64(r.Intn(4))}, args: randomArgs(r)})
		}
		for _, sorted := range []bool{false, true} {
			if sorted {
				slices.SortStableFunc(recs, func(a, b rec) int { return canonCmp(a.keys[0], b.keys[0]) })
			}
			// The model.
			all := append(slices.Clone(level), global...)
			gm := newModel(global, hidden)
			groups := map[any]*model{}
			var order []any
			for _, rc := range recs {
				refused := false
				for _, s := range all {
					if v := rc.args[max(s.Arg, 0)]; s.Arg >= 0 && v != nil && accepts(s.Func)&(1<<value.KindOf(v)) == 0 {
						refused = true
					}
				}
				if refused {
					continue
				}
				if gm.feed(global, hidden, rc.args) != nil {
					continue
				}
				k := rc.keys[0]
				m := groups[k]
				if m == nil {
					m = newModel(level, nil)
					groups[k] = m
					order = append(order, k)
				}
				_ = m.feed(level, nil, rc.args)
			}
			slices.SortFunc(order, canonCmp)
			var want []string
			for _, k := range order {
				m := groups[k]
				res := make([]any, len(level))
				for i, s := range level {
					res[i] = m.accs[i].Result()
					if s.Func == PercentOfTotal {
						res[i] = PercentOf(res[i], gm.accs[len(global)+slices.Index(hidden, s.Arg)].Result())
					}
				}
				want = append(want, fmt.Sprintf("L0 [%s] n=%d | %s", show(k), m.count, showAll(res)))
			}
			gres := make([]any, len(global))
			for i := range global {
				gres[i] = gm.accs[i].Result()
			}
			want = append(want, "global "+showAll(gres))

			// The engine.
			s := &sink{}
			e := NewEngine(s.config(Config{Sorted: sorted, Levels: []Level{{Name: "k", Specs: level}}, Global: global}))
			for _, rc := range recs {
				_ = e.Add(rc.keys, rc.args)
			}
			if err := e.Finish(); err != nil {
				t.Fatal(err)
			}
			got := append(s.lines(), "global "+showAll(e.Global()))
			if !slices.Equal(got, want) {
				t.Fatalf("trial %d sorted=%v level %v global %v:\n got %q\nwant %q", trial, sorted, level, global, got, want)
			}
		}
	}
}
