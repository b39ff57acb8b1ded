package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/reportsh/reportsh/bench/salesgen"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/runtime/stream"
)

func live() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func TestScratch(t *testing.T) {
	for _, rows := range []int{1000, 10000, 100000} {
		dir := t.TempDir()
		cfg := salesgen.Config{Rows: rows, Seed: 1}
		t0 := time.Now()
		f, _ := os.Create(filepath.Join(dir, "sales.csv"))
		salesgen.WriteCSV(f, cfg)
		f.Close()
		t1 := time.Now()
		salesgen.WriteSQLite(filepath.Join(dir, "sales.db"), cfg)
		t2 := time.Now()
		fmt.Println("gen", rows, t1.Sub(t0), t2.Sub(t1))
		for _, src := range []string{`csv("sales.csv") { amount: decimal }`, `sqlite("sales.db", table: "sales") { amount: decimal }`} {
			script := "source " + src + `
let revenue = amount * quantity
group territory {
 group product {
 footer { product, n: COUNT(), s: SUM(revenue) }
 }
 footer { territory, n: COUNT(), s: SUM(revenue), a: AVG(amount) }
}
summary { n: COUNT(), s: SUM(revenue), mn: MIN(amount), mx: MAX(amount), a: AVG(amount) }
`
			p, err := interp.Compile("t.rpt", []byte(script), &interp.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var peak int64
			n := 0
			obs := stream.ObserverFunc(func(e stream.Event) {
				if _, ok := e.(stream.ChunkFetched); ok {
					mu.Lock()
					n++
					if n%5 == 1 {
						runtime.GC()
						peak = max(peak, live())
					}
					mu.Unlock()
				}
			})
			runtime.GC()
			base := live()
			start := time.Now()
			var buf bytes.Buffer
			res, err := p.Run(context.Background(), &interp.RunConfig{Output: &buf, Format: "csv", Observer: obs})
			el := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Println(src[:4], rows, el, float64(rows)/el.Seconds(), "base", base, "peak", peak, res.Totals.RecordsRead)
			if rows == 1000 { fmt.Println(buf.String()) }
		}
	}
}
