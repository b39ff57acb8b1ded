package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// dataset is the data the session's source statement reads, opened
// directly through package source for :schema, :head and completion.
type dataset struct {
	kind   string // csv, jsonl or sqlite
	path   string // absolute
	name   string // as the script names it
	table  string
	query  string
	delim  rune
	sample int // sample: records the types are inferred from (JSON lines: the columns too)
	types  map[string]value.Kind
	schema *value.Schema
}

// openDataset opens the data a source statement names, with paths relative
// to dir, and reads its schema.
func openDataset(src *grammar.Source, dir string) (*dataset, error) {
	d := &dataset{kind: src.Call.Name.Name}
	for _, a := range src.Call.Args {
		if a.Name != nil && a.Name.Name == "sample" && a.Value.Int != nil {
			d.sample = int(*a.Value.Int)
		}
		if a.Value.Str == nil {
			continue
		}
		s := *a.Value.Str
		if a.Name == nil {
			d.name = s
			continue
		}
		switch a.Name.Name {
		case "table":
			d.table = s
		case "query":
			d.query = s
		case "delimiter":
			if r := []rune(s); len(r) == 1 {
				d.delim = r[0]
			}
		}
	}
	d.path = filepath.FromSlash(d.name)
	if !filepath.IsAbs(d.path) {
		d.path = filepath.Join(dir, d.path)
	}
	for _, ft := range src.Schema {
		if k, ok := value.ParseKind(ft.Type.Name); ok {
			if d.types == nil {
				d.types = map[string]value.Kind{}
			}
			d.types[ft.Name.Name] = k
		}
	}
	rs, err := d.open()
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	d.schema = rs.Schema()
	return d, nil
}

// recordSource is an opened source.
type recordSource interface {
	source.RecordSource
	Close() error
}

func (d *dataset) open() (recordSource, error) {
	cfg := source.Config{Types: d.types, SampleRows: d.sample}
	switch d.kind {
	case "csv":
		return source.OpenCSV(os.DirFS(filepath.Dir(d.path)), filepath.Base(d.path), source.CSVConfig{Config: cfg, Name: d.name, Delimiter: d.delim})
	case "jsonl":
		return source.OpenJSONL(os.DirFS(filepath.Dir(d.path)), filepath.Base(d.path), source.JSONLConfig{Config: cfg, Name: d.name})
	case "sqlite":
		if _, err := os.Stat(d.path); err != nil {
			return nil, err
		}
		return source.OpenSQLite(d.path, source.SQLiteConfig{Config: cfg, Name: d.name, Table: d.table, Query: d.query})
	}
	return nil, fmt.Errorf("unknown source kind %q (kinds: csv, jsonl, sqlite)", d.kind)
}

// head returns the first n records.
func (d *dataset) head(ctx context.Context, n int) ([]value.Record, error) {
	rs, err := d.open()
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var recs []value.Record
	var pos stream.Position
	for len(recs) < n {
		chunk, err := rs.Fetch(ctx, pos, n-len(recs))
		if err != nil {
			return recs, err
		}
		recs = append(recs, chunk.Records...)
		if chunk.Done || len(chunk.Records) == 0 {
			break
		}
		pos = chunk.Next
	}
	return recs, nil
}

// describe says what the dataset is, for :open.
func (d *dataset) describe() string {
	what := d.kind
	if d.table != "" {
		what += ", table " + d.table
	} else if d.query != "" {
		what += " query"
	}
	return fmt.Sprintf("%s (%s, %d fields)", d.name, what, len(d.schema.Fields))
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// sniffKind guesses the source kind of a data file: SQLite by its header,
// else JSON lines or CSV by the extension (a .tsv is CSV with tabs).
func sniffKind(path string) (kind string, delim rune, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", 0, err
	}
	if bytes.Equal(head[:n], sqliteMagic) {
		return "sqlite", 0, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json":
		return "jsonl", 0, nil
	case ".tsv", ".tab":
		return "csv", '\t', nil
	case ".db", ".sqlite", ".sqlite3":
		return "", 0, fmt.Errorf("%s is not a SQLite database", filepath.Base(path))
	}
	return "csv", 0, nil
}

// sqliteTables lists the tables and views of a SQLite database.
func sqliteTables(ctx context.Context, path string) ([][]any, error) {
	rs, err := source.OpenSQLite(path, source.SQLiteConfig{Name: filepath.Base(path),
		Query: "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"})
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var rows [][]any
	var pos stream.Position
	for {
		chunk, err := rs.Fetch(ctx, pos, 1000)
		if err != nil {
			return nil, err
		}
		for _, r := range chunk.Records {
			rows = append(rows, []any(r))
		}
		if chunk.Done || len(chunk.Records) == 0 {
			return rows, nil
		}
		pos = chunk.Next
	}
}

// sourceStmt writes the source statement that reads path (already relative
// to the script's directory), with an optional table and schema text.
func sourceStmt(kind, path string, delim rune, table, schema string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "source %s(%s", kind, strconv.Quote(filepath.ToSlash(path)))
	if delim != 0 {
		fmt.Fprintf(&b, ", delimiter: %s", strconv.Quote(string(delim)))
	}
	if table != "" {
		fmt.Fprintf(&b, ", table: %s", strconv.Quote(table))
	}
	b.WriteString(")")
	if schema != "" {
		b.WriteString(" " + schema)
	}
	return b.String()
}
