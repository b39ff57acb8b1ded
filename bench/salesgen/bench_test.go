package salesgen

import (
	"io"
	"testing"
)

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkWriteCSV measures generating and formatting 100,000 rows; it
// reports bytes/s and rows/s.
func BenchmarkWriteCSV(b *testing.B) {
	cfg := Config{Rows: 100_000, Seed: 1}
	var cw countingWriter
	if err := WriteCSV(&cw, cfg); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(cw.n)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(io.Discard, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cfg.Rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
