package e2e

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
)

// endlessFS serves files that never end, as /dev/zero: each is its prefix
// then fill bytes forever. Once more than stopAt bytes were served (when
// set), a read calls onStop: a test stops an endless read on an event, not
// a clock. Past failAt bytes (when set) reads fail: a test that would read
// forever fails instead (and writes no endless copy).
type endlessFS struct {
	files  map[string]string // name → prefix
	fill   byte
	stopAt int64
	onStop func()
	failAt int64
	read   atomic.Int64
}

func (e *endlessFS) Open(name string) (fs.File, error) {
	prefix, ok := e.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &endlessFile{fsys: e, name: name, prefix: prefix}, nil
}

type endlessFile struct {
	fsys   *endlessFS
	name   string
	prefix string
	off    int
}

func (f *endlessFile) Read(p []byte) (int, error) {
	if f.fsys.failAt > 0 && f.fsys.read.Load() > f.fsys.failAt {
		return 0, errors.New("endless file: read too much")
	}
	n := 0
	if f.off < len(f.prefix) {
		n = copy(p, f.prefix[f.off:])
	}
	for i := n; i < len(p); i++ {
		p[i] = f.fsys.fill
	}
	f.off += len(p)
	if total := f.fsys.read.Add(int64(len(p))); f.fsys.stopAt > 0 && total > f.fsys.stopAt {
		f.fsys.onStop()
	}
	return len(p), nil
}

func (f *endlessFile) Stat() (fs.FileInfo, error) { return endlessInfo{f.name}, nil }
func (f *endlessFile) Close() error               { return nil }

// endlessInfo describes an endless file as a character device of size 0.
type endlessInfo struct{ name string }

func (i endlessInfo) Name() string       { return i.name }
func (i endlessInfo) Size() int64        { return 0 }
func (i endlessInfo) Mode() fs.FileMode  { return fs.ModeDevice | fs.ModeCharDevice | 0o444 }
func (i endlessInfo) ModTime() time.Time { return time.Time{} }
func (i endlessInfo) IsDir() bool        { return false }
func (i endlessInfo) Sys() any           { return nil }

// Issue 15 item 18: source csv("/dev/zero") read forever; a header with no
// end is a header past Options.MaxRecordBytes, and Compile fails naming
// the file as the script wrote it.
func TestEndlessHeaderFailsCompile(t *testing.T) {
	t.Parallel()
	for _, skip := range []string{"", "on_error skip\n"} {
		fsys := &endlessFS{files: map[string]string{"dev/zero": ""}, failAt: 64 << 20}
		_, err := interp.Compile(context.Background(), "z.rpt", []byte(`source csv("dev/zero")
`+skip+`summary { n: COUNT() }`), &interp.Options{FS: fsys, MaxRecordBytes: 1000})
		require.EqualError(t, err, `z.rpt:1:8: dev/zero:1: header longer than 1000 bytes`)
	}
}

// Issue 15 item 18: a record with no end after good ones is a data error
// at its line under on_error fail, for every strategy (the scanner's
// included) and format, and no more than the limit is held.
func TestEndlessRecordFailsRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind, path, prefix, want string
		strategies               []interp.Strategy
	}{
		{"csv", "data/z.csv", "a,b\n1,2\n3,4\n", "data/z.csv:4: record longer than 1 KiB",
			[]interp.Strategy{interp.StrategyAuto, interp.StrategyPipeline, interp.StrategyScan}},
		{"jsonl", "data/z.jsonl", `{"a": 1, "b": 2}` + "\n" + `{"a": 3, "b": 4}` + "\n", "data/z.jsonl:3: line longer than 1 KiB",
			[]interp.Strategy{interp.StrategyAuto, interp.StrategyPipeline}},
	} {
		fsys := &endlessFS{files: map[string]string{tc.path: tc.prefix}, failAt: 64 << 20}
		p, err := interp.Compile(context.Background(), "z.rpt", []byte(`source `+tc.kind+`("`+tc.path+`")
group b { footer { b, s: SUM(a) } }`), &interp.Options{FS: fsys, MaxRecordBytes: 1 << 10})
		require.NoError(t, err)
		for _, st := range tc.strategies {
			_, err := p.Run(context.Background(), &interp.RunConfig{Strategy: st})
			require.Error(t, err, "%s %s", tc.path, st)
			assert.Contains(t, err.Error(), tc.want, "%s %s", tc.path, st)
		}
	}
}

// Issue 15 item 18: under on_error skip, a record with no end is skipped to
// its end, which never comes: the run reads until it is cancelled, and then
// stops.
func TestEndlessRecordSkippedUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fsys := &endlessFS{files: map[string]string{"z.jsonl": `{"a": 1}` + "\n"}, stopAt: 8 << 20, onStop: cancel, failAt: 256 << 20}
	p, err := interp.Compile(context.Background(), "z.rpt", []byte(`source jsonl("z.jsonl")
on_error skip
summary { n: COUNT() }`), &interp.Options{FS: fsys, MaxRecordBytes: 1 << 10})
	require.NoError(t, err)
	_, err = p.Run(ctx, nil)
	require.ErrorIs(t, err, context.Canceled)
}

// wideHeader is a CSV header of n columns c0, c1, … and a last one whose
// name is long bytes of "x".
func wideHeader(n, long int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "c%d,", i)
	}
	b.WriteString(strings.Repeat("x", long))
	return b.String()
}

// Issue 15 item 19: a header of thousands of names, one of them a megabyte
// long, makes messages of a few hundred bytes: lists show the first names,
// each cut, and how many more there are.
func TestHugeHeaderMessagesBounded(t *testing.T) {
	t.Parallel()
	const n, long = 2345, 64 << 10
	header := wideHeader(n, long)
	row := strings.Repeat("1,", n) + "1\n"
	fsys := fstest.MapFS{
		"w.csv":     {Data: []byte(header + "\n" + row)},
		"dup.csv":   {Data: []byte(header + "," + strings.Repeat("x", long) + "\n")},
		"w.jsonl":   {Data: []byte(`{"c1": 1, "` + strings.Repeat("x", long) + `": 2}` + "\n")},
		"bad.jsonl": {Data: []byte(`{"id": 1, "` + strings.Repeat("y", long) + `": 1}` + "\n" + `{"id": 2, "` + strings.Repeat("y", long) + `": "oops"}` + "\n")},
		"small.csv": {Data: []byte("k\n1\n")},
	}
	cut := strings.Repeat("x", 40) + "…"
	for _, tc := range []struct{ script, want string }{
		{"source csv(\"w.csv\")\nsummary { s: SUM(nosuch) }",
			`unknown field "nosuch" (known: c0, c1, c10, c100, c1000, c1001, c1002, c1003, c1004, c1005, … and 2,336 more)`},
		{"source csv(\"w.csv\") { nosuch: int }\nsummary { n: COUNT() }",
			`w.csv: declared column "nosuch" not found; columns: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, … and 2,336 more`},
		{"source csv(\"w.csv\") sorted by nosuch\nsummary { n: COUNT() }", "… and 2,336 more)"},
		{"source csv(\"small.csv\")\nlookup w = csv(\"w.csv\") on c1 == nosuch\nsummary { n: COUNT() }", "… and 2,336 more)"},
		{"source csv(\"dup.csv\")\nsummary { n: COUNT() }", `dup.csv:1: header: duplicate column "` + cut[:40] + `"…`},
		{"source jsonl(\"w.jsonl\")\nsummary { s: SUM(nosuch) }", `unknown field "nosuch" (known: c1, ` + cut + ")"},
	} {
		_, err := interp.Compile(context.Background(), "w.rpt", []byte(tc.script), &interp.Options{FS: fsys})
		require.Error(t, err, tc.script)
		assert.Contains(t, err.Error(), tc.want, tc.script)
		assert.Less(t, len(err.Error()), 500, tc.script)
	}
	// A data error names its column cut. (A report converts only the
	// columns it reads, and a script cannot name this one: the source is
	// read as a report that reads every column would read it.)
	src, err := source.OpenJSONL(fsys, "bad.jsonl", source.JSONLConfig{Config: source.Config{SampleRows: 1}})
	require.NoError(t, err)
	defer src.Close()
	chunk, err := src.Fetch(context.Background(), stream.Position{}, 10)
	require.NoError(t, err, "the good record comes first")
	_, err = src.Fetch(context.Background(), chunk.Next, 10)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `bad.jsonl:2: column "`+strings.Repeat("y", 40)+`"…: invalid int "oops"`)
	assert.Less(t, len(err.Error()), 500)
}

// Issue 15 item 18, a sibling: a SQLite file read through Options.FS is
// copied to a temporary file; one with no end (not a regular file) is an
// error instead of a copy that fills the disk.
func TestEndlessSQLiteFileRefused(t *testing.T) {
	t.Parallel()
	fsys := &endlessFS{files: map[string]string{"z.db": ""}, failAt: 1 << 20}
	_, err := interp.Compile(context.Background(), "z.rpt", []byte(`source sqlite("z.db", table: "t")
summary { n: COUNT() }`), &interp.Options{FS: fsys})
	require.EqualError(t, err, `z.rpt:1:8: sqlite: "z.db" is not a regular file`)
}
