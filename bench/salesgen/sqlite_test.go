package salesgen

import (
	"database/sql"
	"iter"
	"os"
	"path/filepath"
	"testing"
)

// checkDatabase compares the sales and customers tables of the database
// at path, read through database/sql, with Rows(cfg) and Customers(cfg).
func checkDatabase(t *testing.T, path string, cfg Config) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	rows, err := db.Query(`SELECT id, territory, customer_id, customer, product, amount, typeof(amount), quantity,
			CAST(sale_date AS TEXT) -- modernc.org/sqlite scans a DATE column as a time.Time
		FROM sales ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	next, stop := iter.Pull(Rows(cfg))
	defer stop()
	n := 0
	for rows.Next() {
		var got Sale
		var amount sql.NullString
		var amountType string
		if err := rows.Scan(&got.ID, &got.Territory, &got.CustomerID, &got.Customer, &got.Product, &amount, &amountType,
			&got.Quantity, &got.SaleDate); err != nil {
			t.Fatal(err)
		}
		want, ok := next()
		if !ok {
			t.Fatalf("sales: more than %d rows", cfg.Rows)
		}
		n++
		wantType, wantAmount := "null", ""
		if want.HasAmount {
			wantType, wantAmount = "text", FormatCents(want.AmountCents)
		}
		if amountType != wantType || amount.String != wantAmount {
			t.Fatalf("sales row %d: amount %q of type %s, want %q of type %s", n, amount.String, amountType, wantAmount, wantType)
		}
		want.AmountCents, want.HasAmount = 0, false
		if got != want {
			t.Fatalf("sales row %d = %+v, want %+v", n, got, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != cfg.Rows {
		t.Fatalf("sales: %d rows, want %d", n, cfg.Rows)
	}

	crows, err := db.Query(`SELECT id, name, segment, country, CAST(since AS TEXT) FROM customers ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer crows.Close()
	nextC, stopC := iter.Pull(Customers(cfg))
	defer stopC()
	n = 0
	for crows.Next() {
		var got Customer
		if err := crows.Scan(&got.ID, &got.Name, &got.Segment, &got.Country, &got.Since); err != nil {
			t.Fatal(err)
		}
		want, ok := nextC()
		if !ok {
			t.Fatalf("customers: more than %d rows", cfg.NumCustomers())
		}
		n++
		want.Territory = ""
		if got != want {
			t.Fatalf("customers row %d = %+v, want %+v", n, got, want)
		}
	}
	if err := crows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != cfg.NumCustomers() {
		t.Fatalf("customers: %d rows, want %d", n, cfg.NumCustomers())
	}
}

func TestWriteSQLite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sales.db")
	// Writing twice replaces the first database.
	if err := WriteSQLite(path, Config{Rows: 10, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Rows: 1000, Seed: 4} // not a multiple of the insert batch
	if err := WriteSQLite(path, cfg); err != nil {
		t.Fatal(err)
	}
	checkDatabase(t, path, cfg)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only sales.db (no temporary file left)", len(entries))
	}
}

// TestSQLiteAggregates checks SQLite's own GROUP BY over the written table
// against sums computed from Rows, in exact cents.
func TestSQLiteAggregates(t *testing.T) {
	cfg := Config{Rows: 1000, Seed: 6}
	path := filepath.Join(t.TempDir(), "sales.db")
	if err := WriteSQLite(path, cfg); err != nil {
		t.Fatal(err)
	}
	type agg struct{ count, amounts, revenue int64 }
	want := map[string]agg{}
	for s := range Rows(cfg) {
		a := want[s.Territory]
		a.count++
		if s.HasAmount {
			a.amounts++
			a.revenue += s.AmountCents * s.Quantity
		}
		want[s.Territory] = a
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT territory, COUNT(*), COUNT(amount),
		COALESCE(SUM(CAST(REPLACE(amount, '.', '') AS INTEGER) * quantity), 0)
		FROM sales GROUP BY territory`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var terr string
		var got agg
		if err := rows.Scan(&terr, &got.count, &got.amounts, &got.revenue); err != nil {
			t.Fatal(err)
		}
		if got != want[terr] {
			t.Errorf("%s: SQLite (count, count(amount), revenue cents) = %v, want %v", terr, got, want[terr])
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Errorf("SQLite found %d territories, want %d", n, len(want))
	}
}

func TestWriteSQLiteBadDir(t *testing.T) {
	if err := WriteSQLite(filepath.Join(t.TempDir(), "missing", "sales.db"), Config{Rows: 1}); err == nil {
		t.Error("WriteSQLite into a missing directory succeeded")
	}
}
