package salesgen

import (
	"iter"
	"strings"
	"testing"
	"time"
)

// TestValueRanges checks every column of a mid-sized data set against the
// documented ranges and shapes.
func TestValueRanges(t *testing.T) {
	cfg := Config{Rows: 10000, Seed: 11}
	customers := map[int64]Customer{}
	for c := range Customers(cfg) {
		customers[c.ID] = c
	}
	if len(customers) != cfg.NumCustomers() {
		t.Fatalf("%d customers, want %d", len(customers), cfg.NumCustomers())
	}
	knownProduct := map[string]bool{}
	for _, p := range products {
		knownProduct[p.name] = true
	}
	var (
		nulls     int
		prevDate  string
		byTerr    = map[string]int{}
		pairs     = map[[2]string]bool{}
		amountMin = int64(1 << 62)
		amountMax = int64(0)
	)
	id := int64(0)
	for s := range Rows(cfg) {
		id++
		if s.ID != id {
			t.Fatalf("row %d has id %d", id, s.ID)
		}
		c, ok := customers[s.CustomerID]
		if !ok {
			t.Fatalf("row %d: unknown customer_id %d", id, s.CustomerID)
		}
		if s.Customer != c.Name || s.Territory != c.Territory {
			t.Fatalf("row %d: customer %q in %s, but customer %d is %q in %s", id, s.Customer, s.Territory, c.ID, c.Name, c.Territory)
		}
		if !knownProduct[s.Product] {
			t.Fatalf("row %d: unknown product %q", id, s.Product)
		}
		if s.HasAmount {
			amountMin, amountMax = min(amountMin, s.AmountCents), max(amountMax, s.AmountCents)
		} else {
			nulls++
			if s.AmountCents != 0 {
				t.Fatalf("row %d: missing amount with AmountCents %d", id, s.AmountCents)
			}
		}
		if s.Quantity < 1 || s.Quantity > 20 {
			t.Fatalf("row %d: quantity %d", id, s.Quantity)
		}
		if _, err := time.Parse(time.DateOnly, s.SaleDate); err != nil || s.SaleDate < "2023-01-01" || s.SaleDate > "2024-12-31" {
			t.Fatalf("row %d: sale_date %q", id, s.SaleDate)
		}
		if s.SaleDate < prevDate {
			t.Fatalf("row %d: sale_date %s before the previous row's %s", id, s.SaleDate, prevDate)
		}
		prevDate = s.SaleDate
		byTerr[s.Territory]++
		pairs[[2]string{s.Territory, s.Customer}] = true
	}
	if id != int64(cfg.Rows) {
		t.Fatalf("%d rows, want %d", id, cfg.Rows)
	}
	// About 1% missing amounts: 100 expected, binomial sd 10.
	if nulls < 60 || nulls > 140 {
		t.Errorf("%d missing amounts in %d rows, want about 1%%", nulls, cfg.Rows)
	}
	if amountMin < 100 || amountMax > 200000 {
		t.Errorf("amounts span %s..%s, want within 1.00..2000.00", FormatCents(amountMin), FormatCents(amountMax))
	}
	if amountMin > 500 || amountMax < 150000 {
		t.Errorf("amounts span only %s..%s", FormatCents(amountMin), FormatCents(amountMax))
	}
	// Skewed territories: all eight present, North clearly ahead of Pacific.
	if len(byTerr) != len(territories) {
		t.Errorf("territories %v, want all of %v", byTerr, territories)
	}
	if byTerr["North"] < 2*byTerr["Pacific"] {
		t.Errorf("North %d, Pacific %d: territories not skewed", byTerr["North"], byTerr["Pacific"])
	}
	// The dates span the whole range.
	if d := first(Rows(cfg)).SaleDate; d != "2023-01-01" || prevDate != "2024-12-31" {
		t.Errorf("dates span %s..%s, want 2023-01-01..2024-12-31", d, prevDate)
	}
	// 1000 customers, 10 sales each on average: nearly all of them buy.
	if len(pairs) < cfg.NumCustomers()*95/100 {
		t.Errorf("%d distinct (territory, customer) pairs, want about %d", len(pairs), cfg.NumCustomers())
	}
}

// first returns the first element of seq.
func first[T any](seq iter.Seq[T]) T {
	for v := range seq {
		return v
	}
	var zero T
	return zero
}

func TestCustomerValues(t *testing.T) {
	segments := map[string]int{}
	countries := map[string]int{}
	for c := range Customers(Config{Rows: 20000, Seed: 2}) {
		segments[c.Segment]++
		countries[c.Country]++
		if _, err := time.Parse(time.DateOnly, c.Since); err != nil || c.Since < "2012-01-01" || c.Since > "2022-12-31" {
			t.Fatalf("customer %d: since %q", c.ID, c.Since)
		}
	}
	for _, s := range []string{"Enterprise", "SMB", "Consumer"} {
		if segments[s] == 0 {
			t.Errorf("no %s customer in %v", s, segments)
		}
	}
	if len(segments) != 3 || len(countries) < 5 {
		t.Errorf("segments %v, countries %v", segments, countries)
	}
}

// TestNamesUnique checks that company and person names are unique to their
// index, never equal each other, and never hold a CSV special character.
// Names are index·stride mod space decoded in mixed radix, plus a suffix
// for index/space, so they are unique if the strides are coprime with the
// spaces; the test checks that, then checks names by hand around every
// boundary where a suffix appears or changes.
func TestNamesUnique(t *testing.T) {
	if gcd(companyStride, companySpace) != 1 || gcd(personStride, personSpace) != 1 {
		t.Fatalf("strides not coprime: company %d/%d, person %d/%d", companyStride, companySpace, personStride, personSpace)
	}
	var indexes []int
	span := func(from, n int) {
		for s := max(0, from); s < from+n; s++ {
			indexes = append(indexes, s)
		}
	}
	span(0, 12000) // more than a company space
	for gen := 1; gen <= len(branchCities)+2; gen++ {
		span(gen*companySpace-50, 100)
	}
	for gen := 1; gen <= len(personSuffixes)+2; gen++ {
		span(gen*personSpace-50, 100)
	}
	seen := make(map[string]int, 2*len(indexes))
	for _, s := range indexes {
		for _, name := range []string{companyName(s), personName(s)} {
			if prev, dup := seen[name]; dup && prev != s {
				t.Fatalf("name %q for index %d and %d", name, prev, s)
			}
			seen[name] = s
			if strings.ContainsAny(name, ",\"\r\n") || strings.TrimSpace(name) != name || strings.Contains(name, "  ") {
				t.Fatalf("name %q holds a CSV special character or stray space", name)
			}
		}
	}
}

func TestProductNames(t *testing.T) {
	if len(products) != 20 || len(productDist.cum) != len(products) {
		t.Fatalf("%d products, %d weights", len(products), len(productDist.cum))
	}
	for _, p := range products {
		// The largest multiplier is 1150‰: no amount past 2000.00.
		if p.cents < 100 || p.cents*1150/1000 > 200000 {
			t.Errorf("product %q priced %s", p.name, FormatCents(p.cents))
		}
	}
}
