package bench

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/reportsh/reportsh/bench/salesgen"
	"github.com/reportsh/reportsh/interp"
)

const benchRows = 100_000

// salesByTerritory is the shape of examples/sales_by_territory.rpt without
// the lookup: Q1 of the peer comparison.
const salesByTerritory = `
source %s
let revenue = amount * quantity
group territory {
  footer { territory, orders: COUNT(), revenue: SUM(revenue), avg: AVG(amount), low: MIN(amount), high: MAX(amount) }
}
summary { orders: COUNT(), revenue: SUM(revenue) }
`

func writeData(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	cfg := salesgen.Config{Rows: benchRows, Seed: 1}
	f, err := os.Create(filepath.Join(dir, "sales.csv"))
	if err != nil {
		b.Fatal(err)
	}
	if err := salesgen.WriteCSV(f, cfg); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if err := salesgen.WriteSQLite(filepath.Join(dir, "sales.db"), cfg); err != nil {
		b.Fatal(err)
	}
	return dir
}

func benchReport(b *testing.B, dir, src string) {
	script := []byte(sprintf(salesByTerritory, src))
	prog, err := interp.Compile(context.Background(), "bench.rpt", script, &interp.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := prog.Run(context.Background(), &interp.RunConfig{Output: io.Discard, Format: "csv"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/record")
	b.ReportMetric(float64(b.N*benchRows)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkSalesByTerritory runs the sales-by-territory report over 100,000
// generated rows from CSV and from SQLite.
func BenchmarkSalesByTerritory(b *testing.B) {
	dir := writeData(b)
	b.Run("csv", func(b *testing.B) {
		benchReport(b, dir, `csv("sales.csv") { amount: decimal }`)
	})
	b.Run("sqlite", func(b *testing.B) {
		benchReport(b, dir, `sqlite("sales.db", table: "sales") { amount: decimal }`)
	})
}
