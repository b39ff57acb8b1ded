package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/bench/salesgen"
	"github.com/reportsh/reportsh/interp"
)

// Scenario I01
func TestDetailAllRecordsArrive(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	sales := d.sales()
	for _, src := range salesSources {
		t.Run(src.name, func(t *testing.T) {
			p := d.compile(t, `report "Every sale"
`+src.decl+`
let revenue = amount * quantity
detail { id, territory, customer_id, customer, product, amount, quantity, sale_date, revenue }
`)
			out, res := runTo(t, p, interp.RunConfig{ChunkSize: 100}, "csv")
			tb := parseCSV(t, out)
			rows := tb.band("detail")
			if len(rows) != len(sales) {
				t.Fatalf("%d detail rows, want %d", len(rows), len(sales))
			}
			for i, s := range sales {
				revenue := ""
				if s.HasAmount {
					revenue = salesgen.FormatCents(s.AmountCents * s.Quantity)
				}
				want := map[string]string{
					"id": strconv.FormatInt(s.ID, 10), "territory": s.Territory,
					"customer_id": strconv.FormatInt(s.CustomerID, 10), "customer": s.Customer,
					"product": s.Product, "amount": amount(s), "quantity": strconv.FormatInt(s.Quantity, 10),
					"sale_date": s.SaleDate, "revenue": revenue,
				}
				for _, name := range sortedKeys(want) {
					if got := tb.get(t, rows[i], name); got != want[name] {
						t.Fatalf("record %d: %s = %q, want %q (row %q)", i+1, name, got, want[name], rows[i])
					}
				}
			}
			if res.Totals.RecordsRead != 1000 || res.Totals.Skipped != 0 || res.Totals.Rejected != 0 {
				t.Errorf("totals: %+v", res.Totals)
			}
			c := res.Snapshot.Counters
			if c.RecordsIn != 1000 || c.RecordsOut != 1000 || c.Failed != 0 || c.Chunks < 10 {
				t.Errorf("pipeline counters: %+v (want 1000 in and out, at least 10 chunks of 100)", c)
			}
		})
	}
}

// Scenario I02
func TestDetailTransformations(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	const script = `report "Transformed"
%s
where quantity >= 3 && territory != "Pacific" && amount != nil
let revenue = amount * quantity
let label = upper(territory) + "/" + product
detail { id, label, who: lower(customer), month: format_date(sale_date, "%%Y-%%m"), revenue,
         big: revenue >= 1000, odd: quantity * 2 + 1, short: left(product, 4) }
summary { n: COUNT(), revenue: SUM(revenue) }
`
	// The same transformations, in Go.
	type row struct{ id, label, who, month, revenue, big, odd, short string }
	var want []row
	var sum int64
	for _, s := range d.sales() {
		if s.Quantity < 3 || s.Territory == "Pacific" || !s.HasAmount {
			continue
		}
		rev := s.AmountCents * s.Quantity
		sum += rev
		want = append(want, row{
			id:      strconv.FormatInt(s.ID, 10),
			label:   strings.ToUpper(s.Territory) + "/" + s.Product,
			who:     strings.ToLower(s.Customer),
			month:   s.SaleDate[:7],
			revenue: salesgen.FormatCents(rev),
			big:     strconv.FormatBool(rev >= 100000),
			odd:     strconv.FormatInt(s.Quantity*2+1, 10),
			short:   string([]rune(s.Product)[:min(4, len([]rune(s.Product)))]),
		})
	}
	if len(want) < 500 || len(want) > 900 {
		t.Fatalf("the where clause keeps %d of 1000 records; the test wants a real filter", len(want))
	}
	for _, src := range salesSources {
		t.Run(src.name, func(t *testing.T) {
			p := d.compile(t, fmt.Sprintf(script, src.decl))
			out, res := runTo(t, p, interp.RunConfig{ChunkSize: 64}, "csv")
			tb := parseCSV(t, out)
			rows := tb.band("detail")
			if len(rows) != len(want) {
				t.Fatalf("%d detail rows, want %d", len(rows), len(want))
			}
			for i, w := range want {
				r := rows[i]
				got := row{tb.get(t, r, "id"), tb.get(t, r, "label"), tb.get(t, r, "who"), tb.get(t, r, "month"),
					tb.get(t, r, "revenue"), tb.get(t, r, "big"), tb.get(t, r, "odd"), tb.get(t, r, "short")}
				if got != w {
					t.Fatalf("row %d:\n got %+v\nwant %+v", i, got, w)
				}
			}
			sumRow := tb.band("summary")
			if len(sumRow) != 1 || tb.get(t, sumRow[0], "n") != strconv.Itoa(len(want)) || tb.get(t, sumRow[0], "revenue") != salesgen.FormatCents(sum) {
				t.Errorf("summary %q, want n=%d revenue=%s", sumRow, len(want), salesgen.FormatCents(sum))
			}
			if res.Totals.RecordsRead != 1000 {
				t.Errorf("records read %d, want 1000 (the where clause filters after reading)", res.Totals.RecordsRead)
			}
		})
	}
}

// Scenario I03
func TestLookupsAppearInOutput(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	customers := map[int64]salesgen.Customer{}
	for c := range salesgen.Customers(d.cfg) {
		customers[c.ID] = c
	}
	sales := d.sales()

	t.Run("detail", func(t *testing.T) {
		// One lookup from SQLite, one from CSV, on the same key.
		p := d.compile(t, `report "Sales with their customers"
source csv("sales.csv")
lookup c = sqlite("sales.db", table: "customers") on customer_id == id
lookup k = csv("customers.csv") on customer_id == id
detail { id, customer, name: c.name, segment: c.segment, country: k.country, since: k.since,
         consumer: k.segment == "Consumer" }
`)
		out, _ := runTo(t, p, interp.RunConfig{ChunkSize: 128}, "csv")
		tb := parseCSV(t, out)
		rows := tb.band("detail")
		if len(rows) != len(sales) {
			t.Fatalf("%d detail rows, want %d", len(rows), len(sales))
		}
		for i, s := range sales {
			c := customers[s.CustomerID]
			want := map[string]string{"id": strconv.FormatInt(s.ID, 10), "customer": s.Customer, "name": c.Name,
				"segment": c.Segment, "country": c.Country, "since": c.Since,
				"consumer": strconv.FormatBool(c.Segment == "Consumer")}
			for _, name := range sortedKeys(want) {
				if got := tb.get(t, rows[i], name); got != want[name] {
					t.Fatalf("record %d: %s = %q, want %q", i+1, name, got, want[name])
				}
			}
		}
	})

	t.Run("grouped", func(t *testing.T) {
		p := d.compile(t, `report "Revenue by segment and country"
source sqlite("sales.db", table: "sales") { amount: decimal }
lookup c = sqlite("sales.db", table: "customers") on customer_id == id
group c.segment as segment {
  group c.country as country {
    footer { country, `+totalsColumns+` }
  }
  footer { segment, `+totalsColumns+` }
}
`)
		_, res := runTo(t, p, interp.RunConfig{Collect: true, ChunkSize: 100}, "csv")
		bySeg := grouped(sales, func(s salesgen.Sale) string { return customers[s.CustomerID].Segment })
		byCountry := grouped(sales, func(s salesgen.Sale) string {
			c := customers[s.CustomerID]
			return c.Segment + "/" + c.Country
		})
		outer := footers(res, 0)
		if got := keysOf(outer); !slices.Equal(got, sortedKeys(bySeg)) {
			t.Fatalf("segments %v, want %v", got, sortedKeys(bySeg))
		}
		for _, f := range outer {
			checkTotals(t, "segment "+f.keys[0], f.vals, bySeg[f.keys[0]])
		}
		inner := footers(res, 1)
		if len(inner) != len(byCountry) {
			t.Fatalf("%d segment/country groups, want %d", len(inner), len(byCountry))
		}
		for _, f := range inner {
			k := f.keys[0] + "/" + f.keys[1]
			if byCountry[k] == nil {
				t.Fatalf("unexpected group %s", k)
			}
			checkTotals(t, k, f.vals, byCountry[k])
		}
	})
}

// Scenario I04
func TestDetailOrderPreserved(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	sales := d.sales()

	// shuffled.jsonl, in this test's own directory, holds the JSONL lines
	// in a scrambled order: line i of it is record (i·617 mod 1000)+1 (617
	// is coprime with 1000).
	shuffledPath := filepath.Join(t.TempDir(), "shuffled.jsonl")
	raw, err := os.ReadFile(d.path("sales.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(raw, []byte("\n"))
	lines = lines[:len(lines)-1] // the empty tail after the last "\n"
	var shuffled bytes.Buffer
	var shuffledIDs []int64
	for i := range lines {
		j := i * 617 % len(lines)
		shuffled.Write(lines[j])
		shuffledIDs = append(shuffledIDs, sales[j].ID)
	}
	if err := os.WriteFile(shuffledPath, shuffled.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// The SQLite query's order, computed in Go: SQLite compares TEXT
	// bytewise, as Go compares strings.
	byCustomer := slices.Clone(sales)
	slices.SortFunc(byCustomer, func(a, b salesgen.Sale) int {
		if c := strings.Compare(a.Customer, b.Customer); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	var byCustomerIDs, naturalIDs []int64
	for i := range sales {
		byCustomerIDs = append(byCustomerIDs, byCustomer[i].ID)
		naturalIDs = append(naturalIDs, sales[i].ID)
	}

	for _, c := range []struct {
		name, decl string
		want       []int64
	}{
		{"csv", `source csv("sales.csv")`, naturalIDs},
		{"jsonl-shuffled", `source jsonl(` + strconv.Quote(shuffledPath) + `)`, shuffledIDs},
		{"sqlite-query", `source sqlite("sales.db", query: "SELECT id, customer, amount FROM sales ORDER BY customer, id DESC")`, byCustomerIDs},
	} {
		p := d.compile(t, `report "Order"
`+c.decl+`
detail { id, customer, n: RUNNING_COUNT() }
`)
		for _, chunk := range []int{1, 7, 1000} {
			t.Run(fmt.Sprintf("%s/chunk=%d", c.name, chunk), func(t *testing.T) {
				out, _ := runTo(t, p, interp.RunConfig{ChunkSize: chunk}, "csv")
				tb := parseCSV(t, out)
				rows := tb.band("detail")
				if len(rows) != len(c.want) {
					t.Fatalf("%d rows, want %d", len(rows), len(c.want))
				}
				for i, r := range rows {
					if got := tb.get(t, r, "id"); got != strconv.FormatInt(c.want[i], 10) {
						t.Fatalf("row %d is record %s, want %d: order not preserved", i, got, c.want[i])
					}
					if got := tb.get(t, r, "n"); got != strconv.Itoa(i+1) {
						t.Fatalf("row %d: running count %s, want %d", i, got, i+1)
					}
				}
			})
		}
	}
}
