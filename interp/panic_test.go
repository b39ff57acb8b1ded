package interp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/reportsh/reportsh/interp/internal/fixture"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/reportsh/reportsh/stdlib"
)

// A failing part fails the run, never the host: a registered Go function
// that panics fails its call, positioned in the script, and a part of a run
// that panics on a goroutine of its own fails the run. Either way Run
// returns a *PanicError, the process lives on and no goroutine is left.

// boomFunctions registers boom(q), which panics when q is 3, each way a
// host can: a typed Go function (Options.Functions) and a stdlib.Func
// (a *stdlib.Func in Options.Functions).
var boomFunctions = map[string]func(*Options){
	"Functions": func(o *Options) {
		o.Functions = map[string]any{"boom": func(q int64) int64 {
			if q == 3 {
				panic("kaboom")
			}
			return q
		}}
	},
	"stdlib.Func": func(o *Options) {
		o.Functions = map[string]any{"boom": &stdlib.Func{Name: "boom", Sig: "boom(q int) int", MinArgs: 1, MaxArgs: 1,
			Check: func([]value.Kind) (value.Kind, error) { return value.KindInt, nil },
			Call: func(args ...any) (any, error) {
				if args[0] == int64(3) {
					panic(fmt.Errorf("kaboom"))
				}
				return args[0], nil
			}}}
	},
}

// Every report here has a two-level hash grouping and no detail band: with
// more than one worker its aggregation is split among goroutines.
func TestPanicGoFunction(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rows := 3000
	if raceEnabled {
		rows = 600 // boom panics within the first records; SQLite fills slowly under -race
	}
	csvDir := fixture.CSV(t, "id,territory,customer,amount,quantity,sale_date",
		strings.Split(strings.TrimSpace(salesCSV(rows, 7)), "\n")[1:]...)
	dbDir := fixture.SQLite(t, fixture.SalesTable(rows)...)
	// Where the call is, and its position (line 2, the column of boom).
	uses := []struct{ name, script string }{
		{"where", "where boom(quantity) > 0\ngroup territory { group customer { footer { customer, n: COUNT() } } }"},
		{"let", "let q = boom(quantity)\ngroup territory { group customer { footer { customer, q: SUM(q) } } }"},
		{"aggregate argument", "group territory {\n group customer { footer { customer, q: SUM(boom(quantity)) } } }"},
	}
	// A call of a Go function keeps the aggregation out of the CSV scanner
	// and SQLite: the run reads the records (TestPanicParts covers what
	// those executors run on goroutines of their own).
	strategies := []struct {
		name, dir, source string
		rc                RunConfig
	}{
		{"generic pipeline", csvDir, `source csv("t.csv")`, RunConfig{Strategy: StrategyPipeline, Workers: 1}},
		{"CSV scan", csvDir, `source csv("t.csv")`, RunConfig{Workers: 2}},
		{"SQLite push-down", dbDir, `source sqlite("s.db", table: "sales") { amount: decimal }`, RunConfig{Workers: 2}},
		{"parallel aggregation", csvDir, `source csv("t.csv")`, RunConfig{Strategy: StrategyParallel, Workers: 3}},
	}
	for _, st := range strategies {
		for _, use := range uses {
			for how, register := range boomFunctions {
				t.Run(st.name+"/"+use.name+"/"+how, func(t *testing.T) {
					script := st.source + "\n" + use.script
					opts := &Options{Dir: st.dir}
					register(opts)
					prog, err := Compile(context.Background(), "t.rpt", []byte(script), opts)
					require.NoError(t, err)
					rc := st.rc
					_, err = prog.Run(context.Background(), &rc)
					require.Error(t, err)
					var pe *PanicError
					require.ErrorAs(t, err, &pe)
					assert.Equal(t, "function boom", pe.Part)
					assert.Contains(t, fmt.Sprint(pe.Value), "kaboom")
					var ee *EvalError
					require.ErrorAs(t, err, &ee)
					line := strings.Split(script, "\n")[ee.Pos.Line-1]
					assert.Equal(t, "t.rpt", ee.Pos.Filename)
					assert.True(t, strings.HasPrefix(line[ee.Pos.Column-1:], "boom("), "position %s is not the call's in %q", ee.Pos, line)
					assert.Regexp(t, `^t\.rpt:\d+:\d+: record \d+: .*panic in function boom: kaboom$`, err.Error())
				})
			}
		}
	}
}

// Each part of a run that runs on a goroutine of its own (and the CSV
// scanner's main reader, whose state a restart would count twice) is made
// to panic as it starts (Program.faultIn): the run fails with the panic.
func TestPanicParts(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tune := smallRanges(300) // statements run ahead on the push-down's connections
	tune.MinRange = 1

	customer := regexp.MustCompile(`,C\d,`)
	var many []string // 170 customers: the CSV scanner's ranges give way to a partner
	for i, r := range fixture.SalesRows(700) {
		many = append(many, customer.ReplaceAllString(r, fmt.Sprintf(",C%d,", i%170)))
	}
	csvFew, csvMany := fixture.CSV(t, fixture.SalesHeader, fixture.SalesRows(700)...), fixture.CSV(t, fixture.SalesHeader, many...)
	db := fixture.SQLite(t, fixture.SalesTable(3000)...)
	const (
		csvSource = `source csv("t.csv") { amount: decimal, quantity: int }` + "\nmax_groups 100000\n"
		sqlSource = `source sqlite("s.db", table: "sales") { amount: decimal }` + "\n"
		twoLevels = "group territory { group customer { footer { customer, n: COUNT(), s: SUM(amount) } } }"
	)
	progress := func(func() (int64, int64, bool)) {}
	for _, tc := range []struct {
		name, part, dir, script string
		rc                      RunConfig
		judge                   int64    // tuning.rangeJudge; minRange is 1
		want                    Strategy // of the run without the fault
	}{
		{"parallel aggregation", "aggregation worker", csvFew, csvSource + twoLevels,
			RunConfig{Workers: 3, Strategy: StrategyParallel}, 1 << 14, StrategyParallel},
		{"CSV scan", "CSV scan", csvFew, csvSource + twoLevels, RunConfig{Workers: 2}, 1 << 14, StrategyScan},
		{"CSV scan ranges", "CSV scan range", csvFew, csvSource + twoLevels, RunConfig{Workers: 3, ChunkSize: 50}, 1 << 14, StrategyScan},
		{"byte ranges", "range reader", csvFew, csvSource + twoLevels, RunConfig{Workers: 3, ChunkSize: 50, Strategy: StrategyRanges}, 1 << 14, StrategyRanges},
		{"CSV scan partner", "CSV scan partner", csvMany, csvSource + twoLevels, RunConfig{Workers: 2, ChunkSize: 7}, 30, StrategyScan},
		{"SQLite push-down, GROUP BY", "SQLite push-down range", db, `source sqlite("s.db", table: "sales")` + "\ngroup territory { footer { territory, v: SUM(price * quantity) } }",
			RunConfig{Workers: 2}, 1 << 14, StrategyPushdown},
		{"SQLite push-down, rows read in Go", "SQLite push-down range", db, sqlSource + twoLevels,
			RunConfig{Workers: 2}, 1 << 14, StrategyPushdownRaw},
		{"progress count, generic pipeline", "progress count", db, sqlSource + twoLevels,
			RunConfig{Strategy: StrategyPipeline, Progress: progress}, 1 << 14, StrategyPipeline},
		{"progress count, SQLite push-down", "progress count", db, sqlSource + twoLevels,
			RunConfig{Workers: 2, Progress: progress}, 1 << 14, StrategyPushdownRaw},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var partners atomic.Int64
			tune := tune
			tune.RangeJudge, tune.Partners = tc.judge, &partners
			prog, err := Compile(context.Background(), "t.rpt", []byte(tc.script), &Options{Dir: tc.dir})
			require.NoError(t, err)
			prog.tune = tune
			rc := tc.rc
			res, err := prog.Run(context.Background(), &rc)
			require.NoError(t, err)
			require.Equal(t, tc.want, res.Strategy, "the run without the fault took another way")
			before := partners.Load()

			prog.faultIn = tc.part
			var out bytes.Buffer
			rc = tc.rc
			rc.Output = &out
			_, err = prog.Run(context.Background(), &rc)
			var pe *PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.part, pe.Part)
			assert.NotEmpty(t, pe.Stack)
			assert.Equal(t, "t.rpt: panic in "+tc.part+": injected fault", err.Error())
			if tc.part == "CSV scan partner" {
				assert.Greater(t, partners.Load(), before)
			}
		})
	}
}

// A realistic part that panics: the host's file system panics when a CSV
// scan range's reader reaches the end of the file, which only that reader
// reads (the main reader stops halfway).
func TestPanicScanRangeFS(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	data := salesCSV(50_000, 7)
	poison := int64(len(data)) - 50_000
	// The main reader, and the search for the range's first line, read at
	// most a 256 KiB buffer past the middle of the file.
	require.Greater(t, poison-int64(len(data)/2), int64(2*256<<10))
	fsys := panicFS{MapFS: fstest.MapFS{"t.csv": {Data: []byte(data)}}, name: "t.csv", at: poison}
	prog, err := Compile(context.Background(), "t.rpt", []byte(`source csv("t.csv")
group territory { group customer { footer { customer, n: COUNT(), s: SUM(amount) } } }`), &Options{FS: fsys})
	require.NoError(t, err)
	prog.tune.MinRange = 1
	_, err = prog.Run(context.Background(), &RunConfig{Workers: 2})
	var pe *PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "t.rpt: panic in CSV scan range: disk on fire", err.Error())
}

// panicFS is a file system whose file name panics when a read reaches
// offset at.
type panicFS struct {
	fstest.MapFS
	name string
	at   int64
}

func (f panicFS) Open(name string) (fs.File, error) {
	file, err := f.MapFS.Open(name)
	if err != nil || name != f.name {
		return file, err
	}
	return &panicFile{File: file, at: f.at}, nil
}

type panicFile struct {
	fs.File
	at, off int64
}

func (f *panicFile) Read(b []byte) (int, error) {
	n, err := f.File.Read(b)
	if f.off += int64(n); f.off > f.at {
		panic("disk on fire")
	}
	return n, err
}

func (f *panicFile) Seek(off int64, whence int) (int64, error) {
	n, err := f.File.(io.Seeker).Seek(off, whence)
	f.off = n
	return n, err
}
