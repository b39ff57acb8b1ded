package memlimit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/runtime/stream"
)

// liveHeapAfterGC returns the heap found live by a garbage collection run now,
// as the memory breaker's meter reads it.
func liveHeapAfterGC() int64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// manyGroupsCSV writes dir/g.csv: n records of n distinct keys k, spread
// over 64 values of t.
func manyGroupsCSV(t *testing.T, dir string, n int) {
	t.Helper()
	b := []byte("t,k,amount\n")
	for i := range n {
		b = append(strconv.AppendInt(append(b, 't'), int64(i%64), 10), ",key-"...)
		b = append(strconv.AppendInt(b, int64(1e7+i), 10), ',')
		b = append(strconv.AppendInt(b, int64(i%1000), 10), ".5\n"...)
	}
	if err := os.WriteFile(filepath.Join(dir, "g.csv"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// manyGroupsScripts are reports over g.csv that keep a group per record.
var manyGroupsScripts = map[string]string{
	"one level": "report \"Groups\"\nmax_groups 1000000\nsource csv(\"g.csv\")\n" +
		"group k { footer { k, n: COUNT(), s: SUM(amount) } }\n",
	"two levels": "report \"Groups\"\nmax_groups 1000000\nsource csv(\"g.csv\")\n" +
		"group t { group k { footer { k, n: COUNT(), s: SUM(amount) } } }\n",
	"detail": "report \"Groups\"\nmax_groups 1000000\nsource csv(\"g.csv\")\n" +
		"group t { footer { t, n: COUNT() } }\ndetail { k, amount }\n",
}

// checkMemoryLimitError checks that err is the memory limit's *interp.LimitError,
// saying what holds the memory and what to do, and the texts of want; a
// deadline instead means the run waited rather than failing.
func checkMemoryLimitError(t *testing.T, err error, limit int64, want ...string) {
	t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the run waited for its timeout: %v", err)
	}
	var le *interp.LimitError
	if !errors.As(err, &le) || le.Limit != "memory limit" || le.Max != limit || le.Value < limit {
		t.Fatalf("err = %v, want a memory *interp.LimitError at %d", err, limit)
	}
	msg := err.Error()
	for _, want := range append(want, ", ~", " MiB", "larger memory limit") {
		if !strings.Contains(msg, want) {
			t.Errorf("the error does not say %q:\n%s", want, msg)
		}
	}
}

// A run whose groups pass the memory limit fails promptly with a
// *interp.LimitError naming them, whatever runs the aggregation: pausing the
// input cannot free groups. (Before, every strategy waited for the
// timeout.) The timeout is long: the error must not be a deadline.
func TestMemoryLimitHeldByGroups(t *testing.T) {
	dir := t.TempDir()
	manyGroupsCSV(t, dir, 400_000)
	for _, tc := range []struct {
		name, script string
		rc           interp.RunConfig
		held         string
	}{
		{"generic", "one level", interp.RunConfig{Strategy: interp.StrategyPipeline}, "held by aggregation state: "},
		{"scan", "one level", interp.RunConfig{Strategy: interp.StrategyScan}, "held by the CSV scanner's aggregation state: "},
		{"parallel", "two levels", interp.RunConfig{Strategy: interp.StrategyParallel, Workers: 2}, "held by aggregation state: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := interp.Compile(context.Background(), filepath.Join(dir, "g.rpt"), []byte(manyGroupsScripts[tc.script]), &interp.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			rc := tc.rc
			rc.MemoryLimit, rc.Timeout = liveHeapAfterGC()+8<<20, time.Minute
			_, err = p.Run(context.Background(), &rc)
			want := []string{tc.held, " groups", "max_groups", "`sorted by` its group keys"}
			if tc.name == "parallel" {
				want = append(want, " groups on 2 workers, ~")
			}
			checkMemoryLimitError(t, err, rc.MemoryLimit, want...)
		})
	}
	// A detail band over unsorted input holds its records until their groups close.
	t.Run("sort buffer", func(t *testing.T) {
		p, err := interp.Compile(context.Background(), filepath.Join(dir, "g.rpt"), []byte(manyGroupsScripts["detail"]), &interp.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		rc := interp.RunConfig{MemoryLimit: liveHeapAfterGC() + 8<<20, Timeout: time.Minute}
		_, err = p.Run(context.Background(), &rc)
		checkMemoryLimitError(t, err, rc.MemoryLimit, "held by sort buffer: ", " records, ~", "`sorted by` its group keys")
	})
}

// The SQLite push-down's partial results, and the groups the sink merges
// them into, count as the generic run's groups do. Each range of rows
// holds a group per three rows (the push-down gives up on more); the table
// is small, for SQLite is slow to fill under the race detector, and its
// keys long: 15,000 groups of 990-byte keys.
func TestMemoryLimitHeldByPushdown(t *testing.T) {
	dir := fixture.SQLite(t, "CREATE TABLE g (id INTEGER PRIMARY KEY, k TEXT, amount INTEGER)",
		"WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM c WHERE i < 29999) "+
			"INSERT INTO g SELECT i+1, printf('%0990d', i/2), i%1000 FROM c")
	script := "report \"Groups\"\nmax_groups 1000000\nsource sqlite(\"s.db\", table: \"g\")\n" +
		"group k { footer { k, n: COUNT(), s: SUM(amount) } }\n"
	p, err := interp.Compile(context.Background(), filepath.Join(dir, "g.rpt"), []byte(script), &interp.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	stages := -1
	rc := interp.RunConfig{Timeout: time.Minute, OnStart: func(h *stream.Handle) { stages = len(h.Snapshot().Stages) }}
	rc.MemoryLimit = liveHeapAfterGC() + 8<<20
	_, err = p.Run(context.Background(), &rc)
	checkMemoryLimitError(t, err, rc.MemoryLimit, "held by SQLite's partial results: ", " groups", "max_groups", "index the SQLite table")
	if stages != 0 {
		t.Fatalf("the run had %d stages: it read the rows rather than SQLite's partial results", stages)
	}
}

// Issue 15 item 16: values that the records build count against the
// memory limit as they are built. The breaker measures the heap between
// fetches; records that each build a megabyte (a pad_left, a replace) used
// to grow a single batch far past the limit before it looked (1.17 GB at
// 100 MiB). Now the stage stops at the limit, and fails the run with a
// *interp.LimitError naming the values, under on_error skip too.
func TestMemoryLimitSeesBuiltValues(t *testing.T) {
	dir := t.TempDir()
	b := []byte("k\n")
	for i := range 40 { // 40 MiB in one batch: past the limit's 8 MiB margin
		b = strconv.AppendInt(append(b, 'k'), int64(i), 10)
		b = append(b, '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "v.csv"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, onError := range []string{"fail", "skip"} {
		t.Run(onError, func(t *testing.T) {
			script := "report \"Values\"\nsource csv(\"v.csv\")\non_error " + onError +
				"\nlet big = pad_left(k, 1048576)\ndetail { k, n: len(big) }\n"
			p, err := interp.Compile(context.Background(), filepath.Join(dir, "v.rpt"), []byte(script), &interp.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			rc := interp.RunConfig{MemoryLimit: liveHeapAfterGC() + 8<<20, Timeout: time.Minute}
			_, err = p.Run(context.Background(), &rc)
			checkMemoryLimitError(t, err, rc.MemoryLimit, "held by the values (let, group keys, aggregate arguments) that the ",
				" records in flight built, ~1.0 MiB each", "smaller chunk size")
		})
	}
}

// Issue 15 item 16: the sort buffer's records count with the values they
// carry, so the error says what they hold (it said ~0.0 MiB for records of
// a megabyte each).
func TestMemoryLimitSortBufferCountsValues(t *testing.T) {
	dir := t.TempDir()
	b := []byte("k\n")
	for i := range 128 { // 32 MiB held: past the limit's 8 MiB margin
		b = strconv.AppendInt(append(b, 'k'), int64(128-i), 10)
		b = append(b, '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "v.csv"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	script := "report \"Values\"\nsource csv(\"v.csv\")\nlet big = pad_left(k, 262144)\n" +
		"group k { footer { k, n: COUNT() } }\ndetail { k, n: len(big) }\n"
	p, err := interp.Compile(context.Background(), filepath.Join(dir, "v.rpt"), []byte(script), &interp.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	rc := interp.RunConfig{MemoryLimit: liveHeapAfterGC() + 8<<20, Timeout: time.Minute, ChunkSize: 4}
	_, err = p.Run(context.Background(), &rc)
	checkMemoryLimitError(t, err, rc.MemoryLimit, "held by sort buffer: ")
	var le *interp.LimitError
	if errors.As(err, &le) && !strings.Contains(le.Held, " MiB") || strings.Contains(le.Held, "~0.") {
		t.Errorf("the sort buffer's memory is not counted with its values: %s", le.Held)
	}
}
