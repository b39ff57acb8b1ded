package main

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

func TestRunStats(t *testing.T) {
	dir := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"CREATE TABLE sales (territory TEXT, amount TEXT, quantity INTEGER)",
		"INSERT INTO sales VALUES ('East', '1.50', 2), ('West', '2.25', 1), ('East', '3.00', 4)",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	script := writeScript(t, dir, "r.rpt", `source sqlite("s.db", table: "sales") { amount: decimal }
group territory { footer { territory, revenue: SUM(amount * quantity) } }
`)
	code, out, errs := runCLI(t, "run", script, "-f", "csv", "--stats")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "band,level,territory,revenue\nfooter,0,East,15.00\nfooter,0,West,2.25\n"; out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
	for _, want := range []string{"stats: 3 records read", "stats: strategy pushdown-raw", "stats: peak RSS"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}
