package interp

import (
	"errors"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

const dScript = `
report "D"
source csv("sales.csv") { amount: decimal }
let revenue = amount * quantity
group territory max_groups 50 {
  group customer {
    footer { customer, n: COUNT(), revenue: SUM(revenue) }
  }
  footer { territory, n: COUNT(), revenue: SUM(revenue), avg: AVG(amount), low: MIN(amount), high: MAX(amount) }
}
summary { n: COUNT(), revenue: SUM(amount * quantity), avg: AVG(amount) }
`

// Scenarios D01, D02, D03, D04, D05, D06, D07: the compiled plan carries the
// aggregation configuration the script declared.
func TestPlanCarriesAggregations(t *testing.T) {
	p, err := compileFS(t, dScript, map[string]string{"sales.csv": salesCSV(10, 3)})
	if err != nil {
		t.Fatal(err)
	}
	// D01: the summary's aggregates are global aggregations.
	var globals []agg.Func
	for _, s := range p.m.Global {
		globals = append(globals, s.Func)
	}
	if want := []agg.Func{agg.CountStar, agg.Sum, agg.Avg}; !sameFuncs(globals, want) && !sameFuncs(globals, []agg.Func{agg.Count, agg.Sum, agg.Avg}) {
		t.Errorf("global aggregates = %v, want COUNT, SUM, AVG", globals)
	}
	// D02, D06: one grouping with two nested levels.
	if len(p.m.Groupings) != 1 || len(p.m.Groupings[0].Levels) != 2 {
		t.Fatalf("groupings = %+v", p.m.Groupings)
	}
	outer, inner := p.m.Groupings[0].Levels[0], p.m.Groupings[0].Levels[1]
	// D04: keys come from the group declarations.
	if outer.Name != "territory" || outer.Key.Text != "territory" || inner.Name != "customer" {
		t.Errorf("level names/keys = %q %q %q", outer.Name, outer.Key.Text, inner.Name)
	}
	// D05: max_groups reaches the engine configuration; the inner level gets the default.
	if outer.MaxGroups != 50 || inner.MaxGroups != agg.DefaultMaxGroups {
		t.Errorf("max groups = %d, %d", outer.MaxGroups, inner.MaxGroups)
	}
	// D03: aggregate kinds are inferred from the calls.
	var kinds []agg.Func
	for _, s := range outer.Specs {
		kinds = append(kinds, s.Func)
	}
	if len(kinds) != 5 || kinds[1] != agg.Sum || kinds[2] != agg.Avg || kinds[3] != agg.Min || kinds[4] != agg.Max {
		t.Errorf("territory specs = %v", kinds)
	}
	// D07: the stage computes each aggregate argument once; SUM(revenue) is shared.
	var args []string
	for _, a := range p.m.Args {
		args = append(args, a.Text)
	}
	if strings.Join(args, "|") != "revenue|amount|amount * quantity" {
		t.Errorf("aggregate arguments = %q", args)
	}
	// Bare field names are read from their record slot, not by the VM.
	if p.m.Args[0].Slot < 0 || p.m.Args[1].Slot < 0 || p.m.Args[2].Slot != -1 || outer.Key.Slot < 0 {
		t.Errorf("direct slots: revenue %d, amount %d, amount * quantity %d, territory %d",
			p.m.Args[0].Slot, p.m.Args[1].Slot, p.m.Args[2].Slot, outer.Key.Slot)
	}
	if outer.Specs[1].Arg != inner.Specs[1].Arg {
		t.Errorf("SUM(revenue) arguments not shared: %d vs %d", outer.Specs[1].Arg, inner.Specs[1].Arg)
	}
}

func sameFuncs(a, b []agg.Func) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Scenarios D08, D09, D02: 1,000 records through a territory-grouped report
// match independently computed values, SUM(amount * quantity) per record.
func TestGroupedReportMatchesIndependentComputation(t *testing.T) {
	script := `
source csv("sales.csv") { amount: decimal }
group territory {
  footer { territory, n: COUNT(), revenue: SUM(amount * quantity), low: MIN(amount), high: MAX(amount) }
}`
	_, res := mustRun(t, script, map[string]string{"sales.csv": salesCSV(1000, 4)}, &RunConfig{Collect: true})
	type tot struct {
		n        int64
		rev      value.Decimal
		low, hig value.Decimal
	}
	want := map[string]*tot{}
	for i := 0; i < 1000; i++ {
		k := "T" + itoa(i%4)
		amt := value.MustDecimal(itoa(i%100) + ".25")
		w := want[k]
		if w == nil {
			w = &tot{low: amt, hig: amt}
			want[k] = w
		}
		w.n++
		w.rev = w.rev.Add(amt.Mul(value.DecimalFromInt(int64(i%5 + 1))))
		if amt.Cmp(w.low) < 0 {
			w.low = amt
		}
		if amt.Cmp(w.hig) > 0 {
			w.hig = amt
		}
	}
	footers := 0
	for _, e := range res.Events {
		if e.Band.Kind != render.GroupFooter {
			continue
		}
		footers++
		w := want[e.Values[0].(string)]
		if e.Values[1] != w.n || !e.Values[2].(value.Decimal).Equal(w.rev) ||
			!e.Values[3].(value.Decimal).Equal(w.low) || !e.Values[4].(value.Decimal).Equal(w.hig) {
			t.Errorf("%v: got %v, want n=%d rev=%s low=%s high=%s", e.Values[0], e.Values, w.n, w.rev, w.low, w.hig)
		}
	}
	if footers != 4 {
		t.Errorf("footers = %d, want 4", footers)
	}
}

// Scenario D10: invalid aggregate syntax is rejected at compile time with
// file:line:col and a helpful message.
func TestAggregateErrors(t *testing.T) {
	files := map[string]string{"sales.csv": salesCSV(3, 1)}
	for _, c := range []struct{ script, want string }{
		{"source csv(\"sales.csv\")\nwhere SUM(amount) > 1", `test.rpt:2:7: aggregate SUM is not allowed in a where clause`},
		{"source csv(\"sales.csv\")\nsummary { s: SUM(MAX(amount)) }", `test.rpt:2:18: aggregate MAX cannot be nested inside another aggregate`},
		{"source csv(\"sales.csv\")\nsummary { s: SUM(amount, quantity) }", `test.rpt:2:14: SUM takes 1 argument, got 2`},
		{"source csv(\"sales.csv\")\nsummary { s: SUM(customer) }", `test.rpt:2:14: SUM of string is not allowed`},
		{"source csv(\"sales.csv\")\nsummary { s: SUMM(amount) }", `test.rpt:2:14: unknown function "SUMM"`},
		{"source csv(\"sales.csv\")\nlet x = COUNT()", `test.rpt:2:9: aggregate COUNT is not allowed in a let`},
		{"source csv(\"sales.csv\")\ngroup MAX(amount) {\n}", `test.rpt:2:7: aggregate MAX is not allowed in a group key`},
	} {
		_, err := compileFS(t, c.script, files)
		var list grammar.ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%q: error %v is not an ErrorList", c.script, err)
			continue
		}
		if !strings.HasPrefix(list[0].Error(), c.want) {
			t.Errorf("%q:\n got %s\nwant %s…", c.script, list[0], c.want)
		}
	}
}

// Scenario D11: grouping by a field the source does not have is rejected
// at compile time, naming the field and the known ones.
func TestGroupByUnknownField(t *testing.T) {
	_, err := compileFS(t, "source csv(\"sales.csv\")\ngroup region {\n}", map[string]string{"sales.csv": salesCSV(3, 1)})
	if err == nil {
		t.Fatal("no error")
	}
	want := `test.rpt:2:7: unknown field "region" (known: amount, customer, id, quantity, sale_date, territory)`
	if err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
	_, err = compileFS(t, "source csv(\"sales.csv\")\ngroup territry {\n}", map[string]string{"sales.csv": salesCSV(3, 1)})
	if err == nil || !strings.Contains(err.Error(), `unknown field "territry" (did you mean "territory"?)`) {
		t.Errorf("no suggestion: %v", err)
	}
}
