package interp

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reportsh/reportsh/runtime/stream"
)

// randomSales builds n rows with nt territories and nc customers, some
// amounts empty, in a random order.
func randomSales(r *rand.Rand, n, nt, nc int) string {
	var b strings.Builder
	b.WriteString("id,territory,customer,amount,quantity\n")
	for i := 0; i < n; i++ {
		amount := ""
		if r.IntN(20) != 0 {
			amount = fmt.Sprintf("%d.%02d", r.IntN(500)-50, r.IntN(100))
		}
		fmt.Fprintf(&b, "%d,T%d,C%d,%s,%d\n", i+1, r.IntN(nt), r.IntN(nc), amount, r.IntN(9)+1)
	}
	return b.String()
}

// Scenarios A23, S13 (through the interpreter, in parallel): aggregation
// split among workers and merged gives output byte-identical to one worker,
// with and without group limits, including when more than one level
// reaches its limit (the run then starts over on one worker).
func TestParallelAggregationIsExact(t *testing.T) {
	t.Parallel() // its runs are its own: it shares nothing with the other tests
	r := rand.New(rand.NewPCG(7, 11))
	rows := 3000
	if raceEnabled {
		rows = 1000 // chunks of 7 make hundreds of batches, slow under the race detector
	}
	for i, c := range []struct {
		nt, nc       int
		limit0, lim1 string
		passes       int // pipelines a parallel run starts: 2 when it starts over
	}{
		{5, 40, "", "", 1},
		{30, 200, "max_groups 12", "", 1},
		{6, 300, "", "max_groups 25", 1},
		{30, 300, "max_groups 12", "max_groups 20", 2},
		{3, 5, "max_groups 100", "max_groups 100", 1},
	} {
		data := randomSales(r, rows, c.nt, c.nc)
		script := fmt.Sprintf(`
source csv("s.csv") { amount: decimal }
let revenue = amount * quantity
group territory %s {
  group customer %s {
    footer { customer, n: COUNT(), revenue: SUM(revenue), first: FIRST(id), last: LAST(id), lo: MIN(amount), share: PERCENT_OF_TOTAL(revenue) }
  }
  footer { territory, n: COUNT(), revenue: SUM(revenue), avg: AVG(amount), d: COUNT_DISTINCT(customer), med: MEDIAN(amount) }
}
summary { n: COUNT(), revenue: SUM(revenue), first: FIRST(id) }`, c.limit0, c.lim1)
		files := map[string]string{"s.csv": data}
		want, wres := mustRun(t, script, files, &RunConfig{Workers: 1, Format: "text"})
		for _, w := range []int{2, 3} {
			for _, chunk := range []int{7, 1000} {
				var started atomic.Int32
				obs := stream.ObserverFunc(func(ev stream.Event) {
					if _, ok := ev.(stream.PipelineStarted); ok {
						started.Add(1)
					}
				})
				got, gres := mustRun(t, script, files, &RunConfig{Workers: w, ChunkSize: chunk, Format: "text", Observer: obs})
				if int(started.Load()) != c.passes {
					t.Errorf("case %d: %d pipelines started, want %d", i, started.Load(), c.passes)
				}
				if got != want {
					t.Errorf("case %d, %d workers, chunk %d: output differs from one worker:\n%s\n--- one worker ---\n%s", i, w, chunk, got, want)
				}
				if gres.Totals.Rejected != wres.Totals.Rejected || gres.Snapshot.Counters.Rejected != wres.Snapshot.Counters.Rejected {
					t.Errorf("case %d: rejected %d/%d vs %d/%d", i, gres.Totals.Rejected, gres.Snapshot.Counters.Rejected, wres.Totals.Rejected, wres.Snapshot.Counters.Rejected)
				}
			}
		}
	}
}
