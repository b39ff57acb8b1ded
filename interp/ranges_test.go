package interp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// Every conformance case over a CSV or JSON lines file, read in byte
// ranges of any size (Tuning.MinRange 1: a range per worker, however small
// the file) by 2, 3 and 7 workers, in chunks of 3 and 1000, prints what
// the pipeline prints, byte for byte, and fails with the same error.
func TestRangesAgree(t *testing.T) {
	dir := filepath.Join("..", "conformance", "testdata")
	files, err := filepath.Glob(filepath.Join(dir, "*.rpt"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	workers, chunks := []int{2, 3, 7}, []int{3, 1000}
	if raceEnabled || testing.Short() {
		workers, chunks = []int{3}, []int{3}
	}
	var ranged, fellBack int
	for _, path := range files {
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		name := strings.TrimSuffix(filepath.Base(path), ".rpt")
		prog, err := Compile(context.Background(), name+".rpt", src, &Options{Dir: dir})
		if err != nil {
			continue // a compile error, or a SQLite database the conformance suite builds
		}
		prog.tune.MinRange = 1
		base := caseConfig(t, src)
		t.Run(name, func(t *testing.T) {
			rc := base
			rc.Strategy, rc.ChunkSize = StrategyPipeline, 1000
			want, werr := runBytes(prog, rc)
			for _, w := range workers {
				for _, c := range chunks {
					rc.Strategy, rc.Workers, rc.ChunkSize = StrategyRanges, w, c
					var res *Result
					got, gerr := runBytesResult(prog, rc, &res)
					var se *StrategyError
					if errors.As(gerr, &se) {
						return // the report cannot run in ranges
					}
					require.Equal(t, fmt.Sprint(werr), fmt.Sprint(gerr), "%d workers, chunks of %d", w, c)
					require.Equal(t, string(want), string(got), "%d workers, chunks of %d: %s", w, c, ran(res))
					if res != nil && res.FellBack == "" {
						ranged++
					} else if res != nil {
						fellBack++
						t.Logf("fell back: %s", res.FellBack)
					}
				}
			}
		})
	}
	t.Logf("runs in ranges: %d, fell back: %d", ranged, fellBack)
	assert.Greater(t, ranged, 20, "runs that kept to the ranges")
	assert.Greater(t, fellBack, 0, "runs that gave way")
}

// caseConfig reads a conformance case's "# args:" line.
func caseConfig(t *testing.T, src []byte) RunConfig {
	rc := RunConfig{Params: map[string]string{}}
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		f := strings.Fields(strings.TrimPrefix(line, "# args:"))
		if !strings.HasPrefix(line, "# args:") {
			continue
		}
		for i := 0; i+1 < len(f); i += 2 {
			switch f[i] {
			case "--format":
				rc.Format = Format(f[i+1])
			case "-p":
				k, v, _ := strings.Cut(f[i+1], "=")
				rc.Params[k] = v
			case "--on-error":
				rc.OnError = OnError(f[i+1])
			case "--chunk-size":
				n, err := strconv.Atoi(f[i+1])
				require.NoError(t, err)
				rc.ChunkSize = n
			default:
				t.Fatalf("unknown flag %s", f[i])
			}
		}
	}
	return rc
}

func runBytes(prog *Program, rc RunConfig) ([]byte, error) {
	var res *Result
	return runBytesResult(prog, rc, &res)
}

func runBytesResult(prog *Program, rc RunConfig, res **Result) ([]byte, error) {
	var out bytes.Buffer
	rc.Output = &out
	r, err := prog.Run(context.Background(), &rc)
	*res = r
	return out.Bytes(), err
}

// rangesRun runs script over the files in dir in ranges (two workers unless
// rc says) and with the pipeline, wants the same output, totals and error,
// and returns the ranges' result.
func rangesRun(t *testing.T, files map[string]string, script string, rc RunConfig) (*Result, error) {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
	require.NoError(t, err)
	prog.tune.MinRange = 1
	if rc.Workers == 0 {
		rc.Workers = 2
	}
	want := rc
	want.Strategy = StrategyPipeline
	var wres, gres *Result
	wout, werr := runBytesResult(prog, want, &wres)
	rc.Strategy = StrategyRanges
	gout, gerr := runBytesResult(prog, rc, &gres)
	require.Equal(t, fmt.Sprint(werr), fmt.Sprint(gerr))
	require.Equal(t, string(wout), string(gout), ran(gres))
	if werr == nil {
		wt, gt := wres.Totals, gres.Totals
		wt.Elapsed, gt.Elapsed = 0, 0
		assert.Equal(t, wt, gt)
	}
	return gres, gerr
}

// A cut that falls inside a quoted field holding newlines starts a range
// inside a record: the range before it reads across the cut (and the range
// after it, misreading, usually meets a bad record), so the run reads the
// file again, and prints what one reader prints.
func TestRangesCutInsideQuotedField(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var b strings.Builder
	b.WriteString("id,note,amount\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "%d,plain,%d\n", i, i)
	}
	// A field of many lines in the middle, each line a valid record.
	b.WriteString("20,\"")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "%d,inside,1000\n", 100+i)
	}
	b.WriteString("\",20\n")
	for i := 21; i < 40; i++ {
		fmt.Fprintf(&b, "%d,plain,%d\n", i, i)
	}
	res, err := rangesRun(t, map[string]string{"t.csv": b.String()}, `source csv("t.csv")
group note { footer { note, n: COUNT(), s: SUM(amount), first: FIRST(id) } }
summary { n: COUNT() }`, RunConfig{Format: FormatCSV})
	require.NoError(t, err)
	// The range after the cut reads the field's lines as records, until
	// the closing quote opens a field that never ends.
	wantFellBack(t, res, "range 2 of 2: a bad record")
}

// Records on both sides of the cut: FIRST and LAST, a group's key as its
// first record spells it, COUNT_DISTINCT and the quantiles follow the
// input, whatever the ranges; the record numbering of each range follows
// the one before.
func TestRangesOrderAcrossCuts(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var b strings.Builder
	b.WriteString("id,t,amount\n")
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "%d,%s,%d.%02d\n", i, []string{"a", "b", "c"}[i*7%3], i%97, i%100)
	}
	script := `source csv("t.csv") { amount: decimal }
let big = amount > 50 ? "big" : "small"
group t { group big {
  footer { t, big, n: COUNT(), first: FIRST(id), last: LAST(id), d: COUNT_DISTINCT(amount), m: MEDIAN(amount), s: SUM(amount) } } }
summary { n: COUNT(), s: SUM(amount), first: FIRST(id), last: LAST(id) }`
	for _, w := range []int{2, 5, 16} {
		res, err := rangesRun(t, map[string]string{"t.csv": b.String()}, script, RunConfig{Format: FormatCSV, Workers: w, ChunkSize: 100})
		require.NoError(t, err)
		assert.Equal(t, StrategyRanges, res.Strategy, ran(res))
		assert.Empty(t, res.FellBack)
	}
}

// A bad record, a failing expression or a group limit in any range makes
// the run give way: the pipeline reports the first error in input order,
// or skips the bad records and counts them, or keeps the groups the input
// met first.
func TestRangesGiveWay(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rows := func(bad int) string {
		var b strings.Builder
		b.WriteString("id,t,amount\n")
		for i := 0; i < 400; i++ {
			if i == bad {
				b.WriteString("x,a,oops\n")
				continue
			}
			fmt.Fprintf(&b, "%d,t%d,%d\n", i, i%9, i%10)
		}
		return b.String()
	}
	const report = "group t { footer { t, n: COUNT(), s: SUM(amount) } }"
	for _, tc := range []struct {
		name, data, script string
		rc                 RunConfig
		why                string
	}{
		{"bad record, fail", rows(300), `source csv("t.csv") { amount: int }` + "\n" + report, RunConfig{}, "a bad record"},
		{"bad record, skip", rows(300), `source csv("t.csv") { amount: int }` + "\n" + report, RunConfig{OnError: OnErrorSkip}, "a bad record"},
		{"failing expression", rows(-1), `source csv("t.csv")` + "\nlet q = 10 / (id - 350)\ngroup t { footer { t, q: SUM(q) } }", RunConfig{}, "expression failed"},
		{"failing expression, skip", rows(-1), `source csv("t.csv")` + "\nlet q = 10 / (id - 350)\ngroup t { footer { t, q: SUM(q) } }", RunConfig{OnError: OnErrorSkip}, "expression failed"},
		{"max_groups", rows(-1), `source csv("t.csv")` + "\nmax_groups 4\n" + report, RunConfig{}, "max_groups"},
		{"max_groups of the union", rows(-1), `source csv("t.csv")` + "\nmax_groups 8\ngroup t { footer { t, n: COUNT() } }", RunConfig{Workers: 7}, "max_groups"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := rangesRun(t, map[string]string{"t.csv": tc.data}, tc.script, tc.rc)
			if res == nil {
				require.Error(t, err)
				return // the pipeline's error, which rangesRun compared
			}
			wantFellBack(t, res, tc.why)
			assert.Equal(t, StrategyPipeline, res.Strategy, "one level, few groups: not split by key")
		})
	}
}

// JSON lines: keys that the sample did not have are reported by the
// pipeline, which the run gives way to; a file without them stays in
// ranges, and decodes the same values.
func TestRangesJSONL(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var plain, extra strings.Builder
	for i := 0; i < 2000; i++ {
		line := fmt.Sprintf(`{"id": %d, "t": "t%d", "amount": %d.5, "when": "2024-0%d-1%d"}`, i, i%5, i%31, i%9+1, i%10)
		plain.WriteString(line + "\n")
		if i == 1500 {
			line = fmt.Sprintf(`{"id": %d, "t": "t%d", "amount": 1, "when": "2024-01-01", "late": true}`, i, i%5)
		}
		extra.WriteString(line + "\n")
	}
	script := `source jsonl("t.jsonl")
let month = format_date(when, "%Y-%m")
group t { footer { t, n: COUNT(), s: SUM(amount), last: LAST(month) } }
group month { footer { month, n: COUNT() } }`
	res, err := rangesRun(t, map[string]string{"t.jsonl": plain.String()}, script, RunConfig{Format: FormatJSON, Workers: 3, ChunkSize: 64})
	require.NoError(t, err)
	assert.Empty(t, res.FellBack)
	assert.Equal(t, StrategyRanges, res.Strategy)
	res, err = rangesRun(t, map[string]string{"t.jsonl": extra.String()}, script, RunConfig{Format: FormatJSON, Workers: 3})
	require.NoError(t, err)
	wantFellBack(t, res, "keys the sample did not have")
	assert.NotEmpty(t, res.IgnoredKeys)
}

// The planner reads a file in ranges when it holds two ranges' worth and
// there are workers for them; Explain says so; a cancelled run stops every
// range's reader; progress counts the bytes the ranges read.
func TestRangesPlannedProgressCancel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.csv"), []byte(salesCSV(20_000, 7)), 0o644))
	script := `source csv("t.csv") { amount: decimal }
let m = format_date(sale_date, "%Y-%m")
group m { footer { m, n: COUNT(), s: SUM(amount * quantity) } }`
	prog, err := Compile(context.Background(), "t.rpt", []byte(script), &Options{Dir: dir})
	require.NoError(t, err)
	prog.tune.MinRange = 64 << 10
	plan, err := prog.Explain(context.Background(), &RunConfig{Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, StrategyRanges, plan.Strategy.Name)
	one, err := prog.Explain(context.Background(), &RunConfig{Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, StrategyPipeline, one.Strategy.Name)

	var read func() (int64, int64, bool)
	res, err := prog.Run(context.Background(), &RunConfig{Workers: 2, Progress: func(f func() (int64, int64, bool)) { read = f }})
	require.NoError(t, err)
	assert.Equal(t, StrategyRanges, res.Strategy, ran(res))
	done, total, ok := read()
	assert.True(t, ok)
	assert.Equal(t, total, done, "every byte read")
	assert.Equal(t, int64(20_000), res.Totals.RecordsRead)

	ctx, cancel := context.WithCancel(context.Background())
	var fetches atomic.Int64
	_, err = prog.Run(ctx, &RunConfig{Workers: 2, ChunkSize: 10, Observer: stream.ObserverFunc(func(ev stream.Event) {
		if _, ok := ev.(stream.ChunkFetched); ok && fetches.Add(1) == 3 {
			cancel()
		}
	})})
	assert.ErrorIs(t, err, context.Canceled)
}

// A JSON lines file is scanned in ranges, and by a partner reader when it
// holds many groups, as a CSV file is: the output is the pipeline's, with
// lines the scanner cannot take from the bytes (escapes, "", numbers in
// string columns, bad lines) decoded as the pipeline decodes them; keys the
// sample did not have, met by more than one reader, make it give way.
func TestScanJSONL(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var b, late strings.Builder
	for i := 0; i < 3000; i++ {
		name := fmt.Sprintf("c%d", i%700)
		switch i % 97 {
		case 5:
			name = `c\u0031` // an escape: decoded, not scanned
		case 6:
			name = ""
		}
		line := fmt.Sprintf(`{"id": %d, "k": "%s", "x": %d.%02d, "n": %d, "d": "2024-0%d-1%d"}`, i, name, i%50, i%100, i%7, i%9+1, i%10)
		if i%211 == 7 {
			line = fmt.Sprintf(`{"id": %d, "k": 5, "x": 1, "n": 1}`, i) // a number in the string column
		}
		b.WriteString(line + "\n")
		if i == 2500 {
			line = fmt.Sprintf(`{"id": %d, "k": "z", "x": 1, "n": 1, "later": 1}`, i)
		}
		late.WriteString(line + "\n")
	}
	scripts := []string{`source jsonl("t.jsonl") { x: decimal }
where n > 1
group k { footer { k, c: COUNT(), s: SUM(x * n), lo: MIN(x), hi: MAX(d) } }`,
		`source jsonl("t.jsonl") { x: decimal }
group d { footer { d, c: COUNT(), s: SUM(x) } }
summary { n: COUNT(), s: SUM(x) }`}
	for _, judge := range []int64{4, 1 << 14} { // the partner, the ranges
		var partners atomic.Int64
		tune := plan.DefaultTuning()
		tune.MinRange, tune.RangeJudge, tune.Partners = 1, judge, &partners
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte(b.String()), 0o644))
		for _, script := range scripts {
			wantScanned(t, sameOutputTuned(t, tune, dir, script, RunConfig{Workers: 2, ChunkSize: 50}, RunConfig{Workers: 3, OnError: OnErrorSkip}))
		}
		if judge == 4 {
			assert.Greater(t, partners.Load(), int64(0), "partners started")
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte(late.String()), 0o644))
		res := sameOutputTuned(t, tune, dir, scripts[1], RunConfig{Workers: 2, ChunkSize: 50})
		wantFellBack(t, res, "keys the sample did not have")
		assert.NotEmpty(t, res.IgnoredKeys)
	}
}

// With more than a group per eight records after the first records, the
// ranges give way: each would hold most of the groups. Fewer groups keep
// to the ranges.
func TestRangesManyGroups(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,k,amount\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "%d,k%d,%d\n", i, i%900, i%13)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.csv"), []byte(b.String()), 0o644))
	for _, tc := range []struct {
		key  string
		kept bool
	}{{"k", false}, {"amount", true}} {
		prog, err := Compile(context.Background(), "t.rpt", []byte(`source csv("t.csv")
max_groups 100000
group `+tc.key+` { footer { `+tc.key+`, n: COUNT(), first: FIRST(id) } }`), &Options{Dir: dir})
		require.NoError(t, err)
		prog.tune.MinRange, prog.tune.RangeJudge = 1, 400
		res := sameOutputProg(t, prog, RunConfig{Strategy: StrategyRanges, Workers: 2, ChunkSize: 50})
		if tc.kept {
			assert.Empty(t, res.FellBack, tc.key)
		} else {
			wantFellBack(t, res, "each range would hold most of the groups")
			assert.Equal(t, StrategyParallel, res.Strategy, "many groups of one level: split by key")
		}
	}
}
