package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// endlessFS serves files that never end, as /dev/zero: each is its prefix
// and then fill bytes forever. After stopAt bytes (when set) a read calls
// onStop: how a test stops a read that would go on forever, on an event
// rather than a clock. Past 1 GiB reads fail: a test that would read
// forever fails instead.
type endlessFS struct {
	files  map[string]string // name → prefix
	fill   byte
	stopAt int64
	onStop func()
	read   *atomic.Int64 // bytes served, over all opens
}

func newEndlessFS(name, prefix string, fill byte) *endlessFS {
	return &endlessFS{files: map[string]string{name: prefix}, fill: fill, read: new(atomic.Int64)}
}

// errEndless is the error of a read past 1 GiB of an endless file.
var errEndless = errors.New("endless file: read too much")

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
	off    int64
}

func (f *endlessFile) Stat() (fs.FileInfo, error) {
	return fstest.MapFS{f.name: {Mode: fs.ModeCharDevice}}.Stat(f.name)
}

func (f *endlessFile) Read(p []byte) (int, error) {
	if f.fsys.read.Load() > 1<<30 {
		return 0, errEndless
	}
	n := 0
	if f.off < int64(len(f.prefix)) {
		n = copy(p, f.prefix[f.off:])
	}
	for i := n; i < len(p); i++ {
		p[i] = f.fsys.fill
	}
	f.off += int64(len(p))
	if total := f.fsys.read.Add(int64(len(p))); f.fsys.stopAt > 0 && total >= f.fsys.stopAt && f.fsys.onStop != nil {
		f.fsys.onStop()
	}
	return len(p), nil
}

func (f *endlessFile) Close() error { return nil }

// Issue 15 item 18: a header with no end is a header past the record limit,
// whether or not bad records are skipped; no more than the limit is read.
func TestCSVEndlessHeader(t *testing.T) {
	for _, fill := range []byte{0, 'x', ','} {
		for _, skip := range []bool{false, true} {
			fsys := newEndlessFS("zero", "", fill)
			_, err := OpenCSV(fsys, "zero", CSVConfig{Config: Config{SkipErrors: skip, MaxRecordBytes: 1000}})
			require.EqualError(t, err, "zero:1: header longer than 1000 bytes")
			assert.Less(t, fsys.read.Load(), int64(readBufSize+firstRead), "bytes read")
		}
	}
	// A quoted field that never ends.
	_, err := OpenCSV(newEndlessFS("q.csv", "a,\"b\n", 'x'), "q.csv", CSVConfig{Config: Config{MaxRecordBytes: 1 << 10}})
	require.EqualError(t, err, "q.csv:1: header longer than 1 KiB (unterminated quoted field?)")
}

// Issue 15 item 18: a record with no end is a record past the limit: under
// on_error fail its error comes at once (nothing of it is skipped first),
// through Fetch and Scan, in the unquoted and the quoted parser; the sample
// ends there, and the records before it are read.
func TestCSVEndlessRecord(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		fill         byte
		want         string
	}{
		{"zeros", "a,b\n1,2\n", 0, "f.csv:3: record longer than 1 KiB"},
		{"delimiters", "a,b\n1,2\n", ',', "f.csv:3: record longer than 1 KiB"},
		{"quote in the line", "a,b\n1,2\n3,\"", 'x', "f.csv:3: record longer than 1 KiB"},
		{"quoted", "a,b\n1,2\n3,\"\n", 'x', `f.csv:3: column "b": record longer than 1 KiB (unterminated quoted field?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := OpenCSV(newEndlessFS("f.csv", tc.prefix, tc.fill), "f.csv", CSVConfig{Config: Config{MaxRecordBytes: 1 << 10}})
			require.NoError(t, err)
			defer c.Close()
			assert.Equal(t, "a:int b:int", kinds(c.Schema()))
			// The record before it first, then the error.
			ch, err := c.Fetch(context.Background(), stream.Position{}, 10)
			require.NoError(t, err)
			assert.Len(t, ch.Records, 1)
			ch, err = c.Fetch(context.Background(), ch.Next, 10)
			require.EqualError(t, err, tc.want)
			var de *DataError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, int64(2), de.Record)
			assert.Empty(t, ch.Records)
			// The scanner's path.
			n := 0
			next, got, _, _, err := c.Scan(context.Background(), stream.Position{}, 10, func(*RawRecord) error { n++; return nil })
			require.NoError(t, err)
			assert.Equal(t, 1, got)
			_, _, _, _, err = c.Scan(context.Background(), next, 10, func(*RawRecord) error { n++; return nil })
			require.EqualError(t, err, tc.want)
			assert.Equal(t, 1, n)
		})
	}
}

// Issue 15 item 18: skipping a record with no end reads until the run's
// context ends (here: cancelled once far more than the limit was read), in
// constant memory, and the fetch returns the context's error.
func TestEndlessRecordSkippedUntilCancelled(t *testing.T) {
	t.Parallel() // its own files and sources
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			prefix := "a\n1\n"
			if format == "jsonl" {
				prefix = `{"a": 1}` + "\n"
			}
			fsys := newEndlessFS("f", prefix, 0)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fsys.stopAt, fsys.onStop = 2<<20, cancel
			cfg := Config{SkipErrors: true, MaxRecordBytes: 1 << 10}
			var src testSource
			var err error
			if format == "csv" {
				src, err = OpenCSV(fsys, "f", CSVConfig{Config: cfg})
			} else {
				src, err = OpenJSONL(fsys, "f", JSONLConfig{Config: cfg})
			}
			require.NoError(t, err)
			defer src.Close()
			_, err = src.Fetch(ctx, stream.Position{}, 10)
			require.ErrorIs(t, err, context.Canceled)
			assert.GreaterOrEqual(t, fsys.read.Load(), int64(2<<20))
		})
	}
}

// Issue 15 item 18: the same for JSON lines: a line with no end ends the
// sample, and is a line past the limit when it is read; from the first
// line, the file has no columns.
func TestJSONLEndlessLine(t *testing.T) {
	j, err := OpenJSONL(newEndlessFS("f.jsonl", `{"a": 1}`+"\n", 0), "f.jsonl", JSONLConfig{Config: Config{MaxRecordBytes: 1 << 10}})
	require.NoError(t, err)
	defer j.Close()
	assert.Equal(t, "a:int", kinds(j.Schema()))
	ch, err := j.Fetch(context.Background(), stream.Position{}, 10)
	require.NoError(t, err)
	assert.Len(t, ch.Records, 1)
	_, err = j.Fetch(context.Background(), ch.Next, 10)
	require.EqualError(t, err, "f.jsonl:2: line longer than 1 KiB")

	j2, err := OpenJSONL(newEndlessFS("g.jsonl", "", ' '), "g.jsonl", JSONLConfig{Config: Config{MaxRecordBytes: 1 << 10}})
	require.NoError(t, err)
	defer j2.Close()
	assert.Empty(t, j2.Schema().Fields)
	_, err = j2.Fetch(context.Background(), stream.Position{}, 10)
	require.EqualError(t, err, "g.jsonl:1: line longer than 1 KiB")
}

// Issue 15 items 18 and 23: a record of exactly the limit (its terminator
// included) is read, one byte more is a bad record reported at its own
// line (not the line before), whatever the size of the reads, the chunk
// size and the parser (unquoted, quoted, JSON lines); the sample skips it.
func TestRecordLimitExact(t *testing.T) {
	const limit = 64
	pad := func(prefix string, n int, suffix, eol string) string {
		return prefix + strings.Repeat("x", n-len(prefix)-len(suffix)-len(eol)) + suffix + eol
	}
	for _, tc := range []struct {
		name, head string
		ok, bad    string // records of limit and limit+1 bytes
		csv        bool
		skipped    int
	}{
		{"unquoted", "a,b\n", pad("1,", limit, "", "\n"), pad("2,", limit+1, "", "\n"), true, 1},
		{"quoted", "a,b\n", pad(`1,"`, limit, `"`, "\n"), pad(`2,"`, limit+1, `"`, "\n"), true, 1},
		// Skipping a record resumes at the line after its first: the
		// rest of this one is a record of one field.
		{"quoted newline", "a,b\n", pad(`1,"`+"\n", limit, `"`, "\n"), pad(`2,"`+"\n", limit+1, `"`, "\n"), true, 2},
		{"crlf", "a,b\r\n", pad("1,", limit, "", "\r\n"), pad("2,", limit+1, "", "\r\n"), true, 1},
		{"jsonl", "", pad(`{"a": 1, "b": "`, limit, `"}`, "\n"), pad(`{"a": 2, "b": "`, limit+1, `"}`, "\n"), false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Len(t, tc.ok, limit)
			require.Len(t, tc.bad, limit+1)
			data := tc.head + tc.ok + "\n" + tc.bad + tc.ok
			badLine := int64(strings.Count(tc.head+tc.ok+"\n", "\n") + 1)
			for _, fsys := range []fs.FS{fstest.MapFS{"f": {Data: []byte(data)}}, oneByteFS{fstest.MapFS{"f": {Data: []byte(data)}}}} {
				for _, n := range []int{1, 2, 10} {
					var skipped []*DataError
					cfg := Config{SkipErrors: true, MaxRecordBytes: limit, OnSkip: func(e *DataError) { skipped = append(skipped, e) }}
					var src testSource
					var err error
					if tc.csv {
						src, err = OpenCSV(fsys, "f", CSVConfig{Config: cfg})
					} else {
						src, err = OpenJSONL(fsys, "f", JSONLConfig{Config: cfg})
					}
					require.NoError(t, err)
					assert.Equal(t, "a:int b:string", kinds(src.Schema()))
					recs := fetchAll(t, src, n)
					src.Close()
					require.Len(t, recs, 2)
					assert.Equal(t, int64(1), recs[1][0])
					require.Len(t, skipped, tc.skipped)
					assert.Equal(t, badLine, skipped[0].Line)
					assert.Equal(t, int64(2), skipped[0].Record)
					assert.ErrorIs(t, skipped[0], errRecordTooLong)
				}
			}
		})
	}
}

// Issue 15 item 18: the start of a range inside a line past the limit is
// no line start (the reader before reports the record); LineStart reads
// no more than the limit to find that out.
func TestLineStartLongLine(t *testing.T) {
	data := "a\n1\n" + strings.Repeat("x", 500) + "\n2\n"
	c, err := OpenCSV(fstest.MapFS{"f.csv": {Data: []byte(data)}}, "f.csv", CSVConfig{Config: Config{MaxRecordBytes: 100}})
	require.NoError(t, err)
	defer c.Close()
	at, err := c.LineStart(10)
	require.NoError(t, err)
	assert.Equal(t, int64(len(data)), at)

	e, err := OpenCSV(newEndlessFS("e.csv", "a\n1\n", 'x'), "e.csv", CSVConfig{Config: Config{MaxRecordBytes: 100}})
	require.NoError(t, err)
	defer e.Close()
	at, err = e.LineStart(10)
	require.NoError(t, err)
	assert.Equal(t, int64(10), at)
}

// Issue 15 item 18: reading a long record stops at the context's end, before
// the limit: a fill checks it.
func TestLongRecordReadStopsAtContext(t *testing.T) {
	t.Parallel() // its own files and sources
	fsys := newEndlessFS("f.csv", "a\n1\n", 'x')
	c, err := OpenCSV(fsys, "f.csv", CSVConfig{Config: Config{SampleRows: 1}})
	require.NoError(t, err)
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fsys.stopAt, fsys.onStop = fsys.read.Load()+4<<20, cancel
	_, err = c.Fetch(ctx, stream.Position{}, 10)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, fsys.read.Load(), int64(DefaultMaxRecordBytes))
}

// Issue 15 item 19: the messages that list a source's columns or tables,
// or quote one, stay short however many and however long they are.
func TestColumnListsBounded(t *testing.T) {
	var cols []string
	for i := range 5000 {
		cols = append(cols, fmt.Sprintf("c%d", i))
	}
	long := strings.Repeat("x", 64<<10)
	header := strings.Join(cols, ",") + "," + long
	fsys := fstest.MapFS{"w.csv": {Data: []byte(header + "\n")}, "d.csv": {Data: []byte(long + "," + long + "\n")}}
	_, err := OpenCSV(fsys, "w.csv", CSVConfig{Config: Config{Types: map[string]value.Kind{"nosuch": value.KindInt, "c1x": value.KindInt}}})
	require.EqualError(t, err, `w.csv: declared columns not found: "c1x" (did you mean "c1"?), "nosuch"; columns: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, … and 4,991 more`)
	_, err = OpenCSV(fsys, "d.csv", CSVConfig{})
	require.EqualError(t, err, `d.csv:1: header: duplicate column "`+long[:40]+`"…`)
	// The identity holds a digest of such a schema, not its names.
	w, err := OpenCSV(fsys, "w.csv", CSVConfig{})
	require.NoError(t, err)
	defer w.Close()
	assert.Less(t, len(w.Identity()), 1000)
	fsys["v.csv"] = &fstest.MapFile{Data: []byte(header + "y\n")}
	v, err := OpenCSV(fsys, "v.csv", CSVConfig{})
	require.NoError(t, err)
	defer v.Close()
	_, wSchema, _ := strings.Cut(w.Identity(), "schema=")
	_, vSchema, _ := strings.Cut(v.Identity(), "schema=")
	assert.NotEqual(t, wSchema, vSchema)
	de := &DataError{File: "f.csv", Line: 3, Column: long, Err: errInvalidUTF8}
	assert.Equal(t, `f.csv:3: column "`+long[:40]+`"…: invalid UTF-8`, de.Error())

	stmts := []string{"BEGIN"}
	for i := range 12 {
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE t%02d (a)", i))
	}
	path := makeDB(t, t.TempDir(), "m.db", append(stmts, "COMMIT")...)
	_, err = OpenSQLite(path, SQLiteConfig{Table: "nosuch", Name: "m.db"})
	require.EqualError(t, err, `m.db: no table "nosuch"; tables: t00, t01, t02, t03, t04, t05, t06, t07, t08, t09, … and 2 more`)
}

// Issue 15 item 23: a JSON lines file with no keys to make columns of says
// so, instead of listing no columns.
func TestJSONLNoColumns(t *testing.T) {
	types := Config{Types: map[string]value.Kind{"a": value.KindInt}, MaxRecordBytes: 1 << 10}
	for _, tc := range []struct{ data, want string }{
		{"", `e.jsonl: declared column "a" not found: the file has no records`},
		{"\n  \n\t\n", `e.jsonl: declared column "a" not found: the file has no records`},
		{"{}\n", `e.jsonl: declared column "a" not found: its first record has no keys`},
		{"{}\n[1]\n", `e.jsonl: declared column "a" not found: its first 2 records have no keys`},
		{"\n" + strings.Repeat(" ", 2<<10) + "\n", `e.jsonl: declared column "a" not found: the file has no record before line 2, which is longer than 1 KiB`},
	} {
		_, err := OpenJSONL(fstest.MapFS{"e.jsonl": {Data: []byte(tc.data)}}, "e.jsonl", JSONLConfig{Config: types})
		require.EqualError(t, err, tc.want, "%q", tc.data)
	}
	// Without declarations the file opens, with no columns.
	j := openJSONL(t, "", JSONLConfig{})
	assert.Empty(t, j.Schema().Fields)
}

// Issue 15 item 23: JSON lines messages a person reads: nesting past
// encoding/json's limit, and a repeated key (an error naming it, the file
// and the line, not the last value kept silently); a line of whitespace,
// Unicode's included, is blank as a line of spaces is, and counts as a line.
func TestJSONLMessages(t *testing.T) {
	deep := `{"a": 1, "b": ` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + "}"
	data := strings.Join([]string{
		`{"a": 1, "b": 2}`,
		deep,
		`{"a": 3, "b": 4, "a": 5}`,
		"\u00a0\u2028\u3000 \t",
		`{"a": 6, "b": {"x": 1, "y": [{"z": 1, "z": 2}]}}`,
		`{"a": 7, "b": 8, "late": {"k": 1, "k": 1}}`,
		"\u00a0" + `{"a": 9, "b": 10}`,
		`{"a": 11, "b": 12, "c:": "x:y\\\":"}`,
		`{"a": 12, é}`,
	}, "\n") + "\n"
	var skipped []string
	j := openJSONL(t, data, JSONLConfig{Config: Config{SampleRows: 1, SkipErrors: true,
		OnSkip: func(e *DataError) { skipped = append(skipped, e.Error()) }}})
	recs := fetchAll(t, j, 3)
	equalRecords(t, recs, []value.Record{{int64(1), int64(2)}, {int64(11), int64(12)}})
	assert.Equal(t, []string{
		"sales.jsonl:2: invalid JSON: objects and arrays nested more than 10000 deep",
		`sales.jsonl:3: duplicate key "a"`,
		`sales.jsonl:5: column "b": duplicate key "z"`,
		`sales.jsonl:6: column "late": duplicate key "k"`,
		"sales.jsonl:7: invalid JSON: invalid character U+00A0 looking for beginning of value",
		"sales.jsonl:9: invalid JSON: invalid character 'é' (U+00E9) looking for beginning of object key string",
	}, skipped)
}

// Issue 15 item 23: a JSON number that cannot be an int says why: out of
// range, as the same text in a CSV file would, or not an integer.
func TestJSONLIntMessages(t *testing.T) {
	var skipped []string
	j := openJSONL(t, `{"a": 1}`+"\n"+`{"a": 99999999999999999999}`+"\n"+`{"a": 1.5e400}`+"\n"+`{"a": 1e3}`+"\n"+`{"a": 2.50}`+"\n",
		JSONLConfig{Config: Config{Types: map[string]value.Kind{"a": value.KindInt}, SkipErrors: true,
			OnSkip: func(e *DataError) { skipped = append(skipped, e.Error()) }}})
	equalRecords(t, fetchAll(t, j, 10), []value.Record{{int64(1)}, {int64(1000)}})
	assert.Equal(t, []string{
		`sales.jsonl:2: column "a": integer 99999999999999999999 out of range`,
		`sales.jsonl:3: column "a": integer 1.5e400 out of range`,
		`sales.jsonl:5: column "a": invalid int 2.50`,
	}, skipped)
}
