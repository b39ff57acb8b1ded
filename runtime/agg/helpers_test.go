package agg

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

// rec is one record as the interpreter would hand it over: its group keys
// and its evaluated aggregate arguments.
type rec struct {
	keys []any
	args []any
}

// show renders a value with its kind, so that int 1, decimal 1 and float 1
// differ: the "byte for byte" form results are compared in.
func show(v any) string {
	if v == nil {
		return "nil"
	}
	return value.KindOf(v).String() + ":" + value.String(v)
}

func showAll(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = show(v)
	}
	return strings.Join(parts, " ")
}

func groupLine(g *Group) string {
	return fmt.Sprintf("L%d [%s] n=%d | %s", g.Level, showAll(g.Keys), g.Count, showAll(g.Results))
}

// sink collects what an engine emits.
type sink struct {
	groups []*Group
	events []Event
}

func (s *sink) lines() []string {
	out := make([]string, len(s.groups))
	for i, g := range s.groups {
		out[i] = groupLine(g)
	}
	return out
}

// at returns the emitted group at level with the given key path.
func (s *sink) at(level int, keys ...any) *Group {
	for _, g := range s.groups {
		if g.Level == level && showAll(g.Keys) == showAll(keys) {
			return g
		}
	}
	return nil
}

func (s *sink) config(cfg Config) Config {
	cfg.OnClose = func(g *Group) error { s.groups = append(s.groups, g); return nil }
	cfg.OnEvent = func(ev Event) { s.events = append(s.events, ev) }
	return cfg
}

// feedBatches feeds recs in batches of size n (the last may be shorter),
// calling after (if not nil) after each batch.
func feedBatches(t testing.TB, e *Engine, recs []rec, n int, after func(batch int)) {
	t.Helper()
	for b, i := 0, 0; i < len(recs); b, i = b+1, i+n {
		for _, r := range recs[i:min(i+n, len(recs))] {
			if err := e.Add(r.keys, r.args); err != nil {
				t.Fatalf("Add(%v, %v): %v", r.keys, r.args, err)
			}
		}
		if after != nil {
			after(b)
		}
	}
}

// run feeds recs to a new engine in batches of n and finishes it.
func run(t testing.TB, cfg Config, recs []rec, n int) (*sink, *Engine) {
	t.Helper()
	s := &sink{}
	e := NewEngine(s.config(cfg))
	feedBatches(t, e, recs, max(n, 1), nil)
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	return s, e
}

func dec(s string) value.Decimal { return value.MustDecimal(s) }

// sales is a small fixed dataset: territory, customer; amount (decimal),
// quantity (int), note (string).
func sales() []rec {
	rows := []struct {
		terr, cust string
		amount     any
		qty        any
	}{
		{"East", "Acme", dec("120.50"), int64(3)},
		{"East", "Acme", dec("80.00"), int64(1)},
		{"East", "Bolt", dec("15.25"), int64(7)},
		{"North", "Crux", dec("300.00"), int64(2)},
		{"North", "Crux", nil, int64(5)},
		{"North", "Dyna", dec("0.00"), nil},
		{"West", "Echo", dec("42.42"), int64(1)},
		{"West", "Echo", dec("57.58"), int64(9)},
		{"West", "Fern", dec("-10.00"), int64(-1)},
		{"West", "Fern", dec("10.00"), int64(4)},
	}
	out := make([]rec, len(rows))
	for i, r := range rows {
		out[i] = rec{keys: []any{r.terr, r.cust}, args: []any{r.amount, r.qty, "note"}}
	}
	return out
}

// randValue returns a random value for numeric columns: nils, zeros,
// negatives, large values, in one kind.
func randInt(r *rand.Rand) any {
	switch x := r.Intn(20); {
	case x == 0:
		return nil
	case x == 1:
		return int64(0)
	case x == 2:
		return int64(r.Int63n(2e15) - 1e15)
	default:
		return int64(r.Intn(2001) - 1000)
	}
}

func randDec(r *rand.Rand) any {
	v := randInt(r)
	if v == nil {
		return nil
	}
	return value.NewDecimal(v.(int64), 2)
}

func randFloat(r *rand.Rand) any {
	if r.Intn(15) == 0 {
		return nil
	}
	return (r.Float64() - 0.3) * float64(int64(1)<<r.Intn(40))
}

// randRecs makes n records with nested keys (level 0: nk0 keys, level 1:
// nk1 keys) and args [int, decimal, float, string, date].
func randRecs(r *rand.Rand, n, nk0, nk1 int) []rec {
	out := make([]rec, n)
	for i := range out {
		var s any = fmt.Sprintf("s%02d", r.Intn(30))
		if r.Intn(10) == 0 {
			s = nil
		}
		k0 := any(int64(r.Intn(nk0)))
		if r.Intn(50) == 0 {
			k0 = nil
		}
		out[i] = rec{
			keys: []any{k0, fmt.Sprintf("c%d", r.Intn(nk1))},
			args: []any{randInt(r), randDec(r), randFloat(r), s, value.Date(r.Intn(400))},
		}
	}
	return out
}
