package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/bench/salesgen"
)

func TestRunWritesAllFormats(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	if err := run([]string{"-rows", "250", "-seed", "3", "-out", dir}, io.Discard); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"customers.csv", "sales.csv", "sales.db", "sales.jsonl"}; !slices.Equal(names, want) {
		t.Fatalf("wrote %q, want %q", names, want)
	}
	got, err := os.ReadFile(filepath.Join(dir, "sales.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := salesgen.WriteCSV(&want, salesgen.Config{Rows: 250, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Error("sales.csv differs from salesgen.WriteCSV's output")
	}
}

func TestRunFormats(t *testing.T) {
	dir := t.TempDir()
	if err := run([]string{"-rows", "10", "-out", dir, "-formats", "jsonl, customers"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"sales.jsonl", "customers.csv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	for _, f := range []string{"sales.csv", "sales.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s written, but not asked for", f)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-rows", "10"}, "-out DIR is required"},
		{[]string{"-out", dir, "-formats", "csv,parquet"}, `unknown format "parquet"`},
		{[]string{"-out", dir, "-rows", "-5"}, "must not be negative"},
		{[]string{"-out", dir, "extra"}, `unexpected argument "extra"`},
		{[]string{"-nosuchflag"}, "not defined"},
	} {
		err := run(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}
