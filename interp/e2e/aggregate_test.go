package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, for the differential test

	"github.com/reportsh/reportsh/bench/salesgen"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// checkAvg checks an AVG of amounts against the exact mean in cents, to
// the 8 decimal places reportsh prints a non-terminating mean with.
func checkAvg(t testing.TB, what, got string, want *totals) {
	t.Helper()
	if want.withAmount == 0 {
		if got != "" {
			t.Errorf("%s: avg = %q, want nil", what, got)
		}
		return
	}
	g, ok := new(big.Rat).SetString(got)
	if !ok {
		t.Fatalf("%s: avg %q is not a number", what, got)
	}
	exact := big.NewRat(want.amountCents, 100*want.withAmount)
	diff := new(big.Rat).Sub(g, exact)
	if diff.Abs(diff).Cmp(big.NewRat(1, 100_000_000)) > 0 {
		t.Errorf("%s: avg = %s, want %s", what, got, exact.FloatString(10))
	}
}

// Scenario I11
func TestGlobalAggregates(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	var want totals
	for _, s := range d.sales() {
		want.add(s)
	}
	for _, src := range salesSources {
		t.Run(src.name, func(t *testing.T) {
			p := d.compile(t, `report "Totals"
`+src.decl+`
summary { `+totalsColumns+`, avg: AVG(amount) }
`)
			_, res := runTo(t, p, interp.RunConfig{Collect: true, ChunkSize: 250}, "text")
			sum := eventsOf(res, render.Summary, -1)
			if len(sum) != 1 {
				t.Fatalf("%d summary events, want 1", len(sum))
			}
			checkTotals(t, "summary", sum[0].vals, &want)
			checkAvg(t, "summary", sum[0].vals["avg"], &want)
		})
	}
}

// Scenarios I12, I13
func TestGroupedAggregates(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	sales := d.sales()
	var all totals
	for _, s := range sales {
		all.add(s)
	}
	byTerritory := grouped(sales, func(s salesgen.Sale) string { return s.Territory })
	byCustomer := grouped(sales, func(s salesgen.Sale) string { return s.Territory + "/" + s.Customer })
	if len(byTerritory) != 8 || len(byCustomer) < 90 {
		t.Fatalf("data set has %d territories and %d territory/customer pairs", len(byTerritory), len(byCustomer))
	}

	for _, src := range salesSources {
		// Scenario I12
		t.Run("territory/"+src.name, func(t *testing.T) {
			p := d.compile(t, `report "By territory"
`+src.decl+`
group territory {
  footer { territory, `+totalsColumns+`, avg: AVG(amount) }
}
summary { `+totalsColumns+` }
`)
			_, res := runTo(t, p, interp.RunConfig{Collect: true, ChunkSize: 100}, "text")
			fs := footers(res, 0)
			if got := keysOf(fs); !slices.Equal(got, sortedKeys(byTerritory)) {
				t.Fatalf("territories %v, want %v (sorted)", got, sortedKeys(byTerritory))
			}
			for _, f := range fs {
				checkTotals(t, f.keys[0], f.vals, byTerritory[f.keys[0]])
				checkAvg(t, f.keys[0], f.vals["avg"], byTerritory[f.keys[0]])
			}
			checkTotals(t, "summary", eventsOf(res, render.Summary, -1)[0].vals, &all)
		})

		// Scenario I13
		t.Run("territory>customer/"+src.name, func(t *testing.T) {
			p := d.compile(t, `report "By territory and customer"
`+src.decl+`
group territory {
  header "Territory {territory}"
  group customer {
    footer { customer, `+totalsColumns+` }
  }
  footer { territory, `+totalsColumns+` }
}
summary { `+totalsColumns+` }
`)
			_, res := runTo(t, p, interp.RunConfig{Collect: true, ChunkSize: 100}, "text")
			inner := footers(res, 1)
			if len(inner) != len(byCustomer) {
				t.Fatalf("%d customer groups, want %d", len(inner), len(byCustomer))
			}
			seen := map[string]bool{}
			for _, f := range inner {
				k := f.keys[0] + "/" + f.keys[1]
				if byCustomer[k] == nil || seen[k] {
					t.Fatalf("unexpected or repeated group %s", k)
				}
				seen[k] = true
				checkTotals(t, k, f.vals, byCustomer[k])
			}
			outer := footers(res, 0)
			if got := keysOf(outer); !slices.Equal(got, sortedKeys(byTerritory)) {
				t.Fatalf("territories %v, want %v", got, sortedKeys(byTerritory))
			}
			for _, f := range outer {
				checkTotals(t, f.keys[0], f.vals, byTerritory[f.keys[0]])
			}
			checkTotals(t, "summary", eventsOf(res, render.Summary, -1)[0].vals, &all)
			// Each territory's customers come between its header and its
			// footer.
			var current string
			for _, e := range res.Events {
				switch {
				case e.Band.Kind == render.GroupHeader:
					current = fmt.Sprint(e.Keys[0])
					if e.Text != "Territory "+current {
						t.Fatalf("header %q", e.Text)
					}
				case e.Band.Kind == render.GroupFooter && e.Band.Level == 1 && fmt.Sprint(e.Keys[0]) != current:
					t.Fatalf("customer %v of %v inside territory %s", e.Keys[1], e.Keys[0], current)
				}
			}
		})
	}
}

// Scenario I14
func TestMaxGroupsRejects(t *testing.T) {
	t.Parallel()
	d := newDataset(t, 1500, salesCSV)
	sales := d.sales()
	// The first 100 customers to appear get a group; the records of the
	// other 50 are rejected.
	var order []string
	count := map[string]int64{}
	for _, s := range sales {
		if count[s.Customer] == 0 {
			order = append(order, s.Customer)
		}
		count[s.Customer]++
	}
	if len(order) != 150 {
		t.Fatalf("data set has %d customers, want 150", len(order))
	}
	kept := map[string]bool{}
	for _, c := range order[:100] {
		kept[c] = true
	}
	var rejected int64
	for _, c := range order[100:] {
		rejected += count[c]
	}

	const body = `
group customer%s {
  footer { customer, n: COUNT() }
}
summary { n: COUNT(), customers: COUNT_DISTINCT(customer) }
`
	// The limit set three ways: for the report, for the level, and by the
	// embedder (Options.MaxGroups).
	for _, c := range []struct {
		name, script string
		maxGroups    int
	}{
		{"script", "max_groups 100\nsource csv(\"sales.csv\")" + fmt.Sprintf(body, ""), 0},
		{"level", "source csv(\"sales.csv\")" + fmt.Sprintf(body, " max_groups 100"), 0},
		{"option", "source csv(\"sales.csv\")" + fmt.Sprintf(body, ""), 100},
	} {
		// Scenario I14
		t.Run(c.name, func(t *testing.T) {
			p, err := interp.Compile(context.Background(), "test.rpt", []byte(c.script), &interp.Options{Dir: d.dir, MaxGroups: c.maxGroups})
			if err != nil {
				t.Fatal(err)
			}
			var limitEvents atomic.Int64
			obs := stream.ObserverFunc(func(e stream.Event) {
				if _, ok := e.(stream.GroupLimitReached); ok {
					limitEvents.Add(1)
				}
			})
			out, res := runTo(t, p, interp.RunConfig{Collect: true, ChunkSize: 100, Observer: obs}, "json")
			fs := footers(res, 0)
			if len(fs) != 100 {
				t.Fatalf("%d groups, want 100", len(fs))
			}
			for _, f := range fs {
				if !kept[f.keys[0]] {
					t.Errorf("group %q is not among the first 100 customers", f.keys[0])
				}
				if f.vals["n"] != strconv.FormatInt(count[f.keys[0]], 10) {
					t.Errorf("group %q counts %s records, want %d", f.keys[0], f.vals["n"], count[f.keys[0]])
				}
			}
			tot := res.Totals
			if tot.Rejected != rejected || tot.RecordsRead != 1500 {
				t.Errorf("totals: rejected %d, read %d; want %d, 1500", tot.Rejected, tot.RecordsRead, rejected)
			}
			if len(tot.RejectedByLevel) != 1 || tot.RejectedByLevel[0] != (render.LevelCount{Level: 0, Group: "customer", Count: rejected}) {
				t.Errorf("rejected by level: %+v", tot.RejectedByLevel)
			}
			wantWarning := fmt.Sprintf("group customer reached max_groups 100: %d records rejected", rejected)
			if !slices.Contains(tot.Warnings, wantWarning) {
				t.Errorf("warnings %q lack %q", tot.Warnings, wantWarning)
			}
			// The pipeline's registry entry and telemetry tell of the
			// rejections too.
			gap(t, "I14-registry", res.Snapshot.Counters.Rejected == rejected && limitEvents.Load() == 1,
				"registry Counters.Rejected = %d, %d group_limit_reached events; want %d, 1",
				res.Snapshot.Counters.Rejected, limitEvents.Load(), rejected)
			// Rejected records are not dropped from the report's totals.
			sum := eventsOf(res, render.Summary, -1)[0].vals
			if sum["n"] != "1500" || sum["customers"] != "150" {
				t.Errorf("summary %v, want n=1500 customers=150", sum)
			}
			// The rendered report carries the count too.
			var doc struct {
				Totals struct {
					Rejected int64 `json:"rejected"`
				} `json:"totals"`
			}
			if err := json.Unmarshal(out, &doc); err != nil || doc.Totals.Rejected != rejected {
				t.Errorf("JSON totals.rejected = %d (%v), want %d", doc.Totals.Rejected, err, rejected)
			}
		})
	}
}

// Scenario I25
func TestAggregatesMatchSQLite(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	db, err := sql.Open("sqlite", "file:"+d.path("sales.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// The aggregates in SQL: amount is TEXT 'd.dd', so sums are taken
	// exactly in cents and MIN/MAX compare numerically through REAL.
	const sqlAggs = `COUNT(*), COUNT(amount),
		SUM(CAST(REPLACE(amount, '.', '') AS INTEGER)),
		SUM(CAST(REPLACE(amount, '.', '') AS INTEGER) * quantity),
		MIN(CAST(amount AS REAL)), MAX(CAST(amount AS REAL)),
		SUM(quantity), COUNT(DISTINCT customer)`
	const reportAggs = `n: COUNT(), with_amount: COUNT(amount), amount: SUM(amount),
           revenue: SUM(amount * quantity), low: MIN(amount), high: MAX(amount),
           units: SUM(quantity), customers: COUNT_DISTINCT(customer)`

	// query runs an aggregate SQL query whose first nkeys columns are the
	// group keys; it returns the rows by their keys joined with "/".
	query := func(t *testing.T, nkeys int, q string, args ...any) map[string]map[string]string {
		t.Helper()
		rows, err := db.QueryContext(context.Background(), q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]map[string]string{}
		for rows.Next() {
			keys := make([]string, nkeys)
			var n, withAmount, units, customers int64
			var amountCents, revenueCents sql.NullInt64
			var low, high sql.NullFloat64
			dest := []any{}
			for i := range keys {
				dest = append(dest, &keys[i])
			}
			dest = append(dest, &n, &withAmount, &amountCents, &revenueCents, &low, &high, &units, &customers)
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			cents := func(c sql.NullInt64) string {
				if !c.Valid {
					return ""
				}
				return salesgen.FormatCents(c.Int64)
			}
			real := func(f sql.NullFloat64) string {
				if !f.Valid {
					return ""
				}
				return strconv.FormatFloat(f.Float64, 'g', -1, 64)
			}
			out[strings.Join(keys, "/")] = map[string]string{
				"n": strconv.FormatInt(n, 10), "with_amount": strconv.FormatInt(withAmount, 10),
				"amount": cents(amountCents), "revenue": cents(revenueCents),
				"low": real(low), "high": real(high),
				"units": strconv.FormatInt(units, 10), "customers": strconv.FormatInt(customers, 10),
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// compare checks report rows against SQL rows; MIN and MAX are
	// compared as the float64 nearest the report's exact decimal, which is
	// what CAST(amount AS REAL) gives.
	compare := func(t *testing.T, got []eventRow, want map[string]map[string]string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%d groups, SQLite has %d", len(got), len(want))
		}
		for _, r := range got {
			k := strings.Join(r.keys, "/")
			w, ok := want[k]
			if !ok {
				t.Fatalf("group %q is not in SQLite's GROUP BY", k)
			}
			for _, col := range sortedKeys(w) {
				g := r.vals[col]
				if (col == "low" || col == "high") && g != "" {
					f, err := strconv.ParseFloat(g, 64)
					if err != nil {
						t.Fatalf("%s %s: %q: %v", k, col, g, err)
					}
					g = strconv.FormatFloat(f, 'g', -1, 64)
				}
				if g != w[col] {
					t.Errorf("group %q: %s = %q, SQLite says %q", k, col, g, w[col])
				}
			}
		}
	}

	// Scenario I25
	t.Run("table/territory", func(t *testing.T) {
		p := d.compile(t, `report "By territory"
source sqlite("sales.db", table: "sales") { amount: decimal }
group territory {
  footer { territory, `+reportAggs+` }
}
summary { `+reportAggs+` }
`)
		_, res := runTo(t, p, interp.RunConfig{Collect: true, ChunkSize: 300}, "text")
		compare(t, footers(res, 0), query(t, 1, `SELECT territory, `+sqlAggs+` FROM sales GROUP BY territory`))
		compare(t, eventsOf(res, render.Summary, -1), query(t, 0, `SELECT `+sqlAggs+` FROM sales`))
	})

	// Scenario I25
	t.Run("query/month>product", func(t *testing.T) {
		p := d.compile(t, `report "By month and product"
param min_quantity: int = 1
source sqlite("sales.db", query: "SELECT * FROM sales WHERE quantity >= :min_quantity") { amount: decimal }
group format_date(sale_date, "%Y-%m") as month {
  group product {
    footer { product, `+reportAggs+` }
  }
  footer { month, `+reportAggs+` }
}
`)
		const minQ = 4
		_, res := runTo(t, p, interp.RunConfig{Collect: true, Values: map[string]any{"min_quantity": minQ}}, "text")
		compare(t, footers(res, 1), query(t, 2, `SELECT substr(sale_date, 1, 7), product, `+sqlAggs+`
			FROM sales WHERE quantity >= ? GROUP BY 1, 2`, minQ))
		compare(t, footers(res, 0), query(t, 1, `SELECT substr(sale_date, 1, 7), `+sqlAggs+`
			FROM sales WHERE quantity >= ? GROUP BY 1`, minQ))
	})
}
