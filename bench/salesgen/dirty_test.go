package salesgen

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// dirtyProblems lists, by line, the problems planted by hand in
// examples/data/sales_dirty.csv; its README lists the same.
var dirtyProblems = []string{
	`line 15: 7 fields, want 8`,
	`line 22: sale_date "2024-02-30" is not a valid date`,
	`line 27: amount "12,5O" is not a number`,
	`line 34: amount is empty`,
}

// TestDirtyData finds the problems of sales_dirty.csv with simple checks
// and compares them with the documented list, so the file and its README
// stay in step.
func TestDirtyData(t *testing.T) {
	f, err := os.Open(filepath.Join(exampleDir, "sales_dirty.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // report wrong counts ourselves
	header, err := r.Read()
	if err != nil || !slices.Equal(header, salesColumns) {
		t.Fatalf("header %q, %v; want %q", header, err, salesColumns)
	}
	var got []string
	records := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		records++
		line, _ := r.FieldPos(0)
		problem := func(format string, args ...any) {
			got = append(got, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
		}
		if len(rec) != len(salesColumns) {
			problem("%d fields, want %d", len(rec), len(salesColumns))
			continue
		}
		if rec[0] != strconv.Itoa(records) {
			problem("id %q, want %d", rec[0], records)
		}
		if amount := rec[5]; amount == "" {
			problem("amount is empty")
		} else if _, err := strconv.ParseFloat(amount, 64); err != nil {
			problem("amount %q is not a number", amount)
		}
		if q, err := strconv.Atoi(rec[6]); err != nil || q < 1 || q > 20 {
			problem("quantity %q is not 1..20", rec[6])
		}
		if _, err := time.Parse(time.DateOnly, rec[7]); err != nil {
			problem("sale_date %q is not a valid date", rec[7])
		}
	}
	if records < 30 || records > 50 {
		t.Errorf("%d records, want about 40", records)
	}
	if !slices.Equal(got, dirtyProblems) {
		t.Errorf("problems found:\n%q\nwant (as documented in examples/data/README.md):\n%q", got, dirtyProblems)
	}
}
