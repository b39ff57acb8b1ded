// Command gensales writes a deterministic sales data set (see package
// [github.com/reportsh/reportsh/bench/salesgen]) into a directory.
//
// Usage:
//
//	gensales -rows 3000 -seed 1 -out DIR [-formats csv,jsonl,sqlite,customers]
//
// It writes, depending on -formats, DIR/sales.csv (csv), DIR/sales.jsonl
// (jsonl), DIR/sales.db with the tables sales and customers (sqlite) and
// DIR/customers.csv (customers), creating DIR if needed and replacing
// existing files. The bundled example data is made with
//
//	go run ./bench/cmd/gensales -rows 3000 -seed 1 -out examples/data
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/reportsh/reportsh/bench/salesgen"
)

// writers maps each format name to its output file and writer.
var writers = []struct {
	format, file string
	write        func(io.Writer, salesgen.Config) error
}{
	{"csv", "sales.csv", salesgen.WriteCSV},
	{"jsonl", "sales.jsonl", salesgen.WriteJSONL},
	{"sqlite", "sales.db", nil}, // WriteSQLite takes a path
	{"customers", "customers.csv", salesgen.WriteCustomersCSV},
}

func main() {
	err := run(os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "gensales:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("gensales", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.Int("rows", 3000, "number of sales rows")
	seed := fs.Uint64("seed", 1, "seed selecting the data set")
	out := fs.String("out", "", "output directory (required)")
	formats := fs.String("formats", "csv,jsonl,sqlite,customers", "comma-separated formats to write: csv, jsonl, sqlite, customers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return errors.New("-out DIR is required")
	}
	if *rows < 0 {
		return fmt.Errorf("-rows %d: must not be negative", *rows)
	}
	want := map[string]bool{}
	for _, f := range strings.Split(*formats, ",") {
		f = strings.TrimSpace(f)
		known := false
		for _, w := range writers {
			known = known || w.format == f
		}
		if !known {
			return fmt.Errorf("-formats: unknown format %q (want csv, jsonl, sqlite or customers)", f)
		}
		want[f] = true
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	cfg := salesgen.Config{Rows: *rows, Seed: *seed}
	for _, w := range writers {
		if !want[w.format] {
			continue
		}
		path := filepath.Join(*out, w.file)
		var err error
		if w.write == nil {
			err = salesgen.WriteSQLite(path, cfg)
		} else {
			err = writeFile(path, cfg, w.write)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes path with write, reporting any write or close error.
func writeFile(path string, cfg salesgen.Config, write func(io.Writer, salesgen.Config) error) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw, cfg); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return bw.Flush()
}
