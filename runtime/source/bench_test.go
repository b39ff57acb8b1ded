package source

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// benchScan reads src to the end in chunks of 1000 per iteration and
// reports ns/record.
func benchScan(b *testing.B, open func() RecordSource, rows int) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		src := open()
		n := 0
		var pos stream.Position
		for {
			chunk, err := src.Fetch(context.Background(), pos, 1000)
			if err != nil {
				b.Fatal(err)
			}
			n += len(chunk.Records)
			pos = chunk.Next
			if chunk.Done {
				break
			}
		}
		if c, ok := src.(stream.Closer); ok {
			c.Close()
		}
		if n != rows {
			b.Fatalf("%d records", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/record")
}

// BenchmarkCSVScan reads a 100,000-row sales CSV (open, header, type
// inference and every record converted).
func BenchmarkCSVScan(b *testing.B) {
	const rows = 100_000
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sales.csv"), []byte(salesCSV(rows)), 0o644); err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(dir)
	benchScan(b, func() RecordSource {
		c, err := OpenCSV(fsys, "sales.csv", CSVConfig{Config: Config{Extra: 2}})
		if err != nil {
			b.Fatal(err)
		}
		return c
	}, rows)
}

// BenchmarkJSONLScan reads a 20,000-row sales JSONL file.
func BenchmarkJSONLScan(b *testing.B) {
	const rows = 20_000
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sales.jsonl"), []byte(salesJSONL(rows)), 0o644); err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(dir)
	benchScan(b, func() RecordSource {
		j, err := OpenJSONL(fsys, "sales.jsonl", JSONLConfig{})
		if err != nil {
			b.Fatal(err)
		}
		return j
	}, rows)
}

// BenchmarkSQLiteScan reads a 100,000-row sales table by keyset pages.
func BenchmarkSQLiteScan(b *testing.B) {
	const rows = 100_000
	path := salesDB(b, rows)
	benchScan(b, func() RecordSource {
		s, err := OpenSQLite(path, SQLiteConfig{Table: "sales"})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, rows)
}

// BenchmarkCSVScanPeer is the straightforward way, run side by side with
// BenchmarkCSVScan for a ratio: encoding/csv (reusing its record) and
// value.Parse on every field, one allocated record per row.
func BenchmarkCSVScanPeer(b *testing.B) {
	const rows = 100_000
	dir := b.TempDir()
	path := filepath.Join(dir, "sales.csv")
	if err := os.WriteFile(path, []byte(salesCSV(rows)), 0o644); err != nil {
		b.Fatal(err)
	}
	kinds := []value.Kind{value.KindInt, value.KindString, value.KindString, value.KindString, value.KindDecimal, value.KindInt, value.KindDate}
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r := csv.NewReader(bufio.NewReaderSize(f, readBufSize))
		r.ReuseRecord = true
		if _, err := r.Read(); err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			fields, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rec := make(value.Record, len(fields), len(fields)+2)
			for i, s := range fields {
				if rec[i], err = value.Parse(kinds[i], s); err != nil {
					b.Fatal(err)
				}
			}
			n++
		}
		f.Close()
		if n != rows {
			b.Fatalf("%d records", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/record")
}
