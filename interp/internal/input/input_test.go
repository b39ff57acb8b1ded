package input

import (
	"context"
	"database/sql"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// sqliteFile writes a SQLite database with a table t (id, k) to dir/name.
func sqliteFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	path := filepath.Join(dir, name)
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b')")
	require.NoError(t, err)
	require.NoError(t, db.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// Paths resolve against the directory, or only inside the file system;
// a SQLite file in a file system without a directory is copied to a
// temporary file that the cleanup removes.
func TestResolve(t *testing.T) {
	dir := t.TempDir()
	db := sqliteFile(t, dir, "s.db")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "t.csv"), []byte("a\n1\n"), 0o644))

	o := &Opener{Dir: dir}
	r, err := o.Resolve(&program.Source{Kind: "csv", Path: "t.csv"})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "t.csv"), r.OSPath)
	_, err = o.Resolve(&program.Source{Kind: "csv", Path: "missing.csv"})
	assert.ErrorContains(t, err, `csv: cannot open "missing.csv": no such file or directory`)

	fsys := fstest.MapFS{"s.db": {Data: db}, "d/t.csv": {Data: []byte("a\n1\n")}}
	o = &Opener{FS: fsys}
	r, err = o.Resolve(&program.Source{Kind: "sqlite", Path: "s.db"})
	require.NoError(t, err)
	copied, err := os.ReadFile(r.OSPath)
	require.NoError(t, err)
	assert.Equal(t, db, copied, "the database is copied out of the file system")
	r.Cleanup()
	_, err = os.Stat(r.OSPath)
	assert.True(t, errors.Is(err, os.ErrNotExist), "the copy is removed")

	o = &Opener{FS: os.DirFS(dir), Dir: dir}
	r, err = o.Resolve(&program.Source{Kind: "sqlite", Path: "s.db"})
	require.NoError(t, err)
	real, err := filepath.EvalSymlinks(filepath.Join(dir, "s.db"))
	require.NoError(t, err)
	assert.Equal(t, real, r.OSPath, "with a directory, SQLite opens it there")
	o = &Opener{FS: fsys, Dir: dir}

	for _, p := range []string{"../t.csv", "/etc/passwd", "d/../../x.csv"} {
		_, err = o.Resolve(&program.Source{Kind: "csv", Path: p})
		assert.ErrorContains(t, err, "outside the report's file system", p)
	}
	_, err = o.Resolve(&program.Source{Kind: "csv", Path: "d/none.csv"})
	assert.ErrorContains(t, err, `csv: cannot open "d/none.csv": file does not exist`)
	_, err = copyToTemp(fsys, "none.db", 0)
	assert.ErrorContains(t, err, `sqlite: cannot open "none.db"`)
}

// seqSource yields n records of one int field, then err (if any).
type seqSource struct {
	n     int
	err   error
	width int
}

func (s seqSource) Schema() *value.Schema {
	return &value.Schema{Fields: []value.Field{{Name: "n", Kind: value.KindInt}}}
}

func (s seqSource) Records(ctx context.Context, _ map[string]any) iter.Seq2[value.Record, error] {
	return func(yield func(value.Record, error) bool) {
		for i := range s.n {
			rec := make(value.Record, max(s.width, 1))
			rec[0] = i
			if !yield(rec, nil) {
				return
			}
		}
		if s.err != nil {
			yield(nil, s.err)
		}
	}
}

// A Go source is read in chunks, restarts from a position it returned by
// reading again, and names the record of a failure.
func TestGoSource(t *testing.T) {
	ctx := context.Background()
	g := newGoSource("seq", seqSource{n: 5}, nil, 2)
	defer g.Close()
	ch, err := g.Fetch(ctx, stream.Position{}, 3)
	require.NoError(t, err)
	require.Len(t, ch.Records, 3)
	assert.Equal(t, int64(0), ch.Records[0][0], "Go ints become int64")
	assert.Equal(t, 3, cap(ch.Records[0]), "room for the extra slots")
	ch, err = g.Fetch(ctx, stream.Position{Offset: 1}, 10) // a restart
	require.NoError(t, err)
	require.Len(t, ch.Records, 4)
	assert.True(t, ch.Done)
	assert.Equal(t, int64(1), ch.Records[0][0])

	_, err = newGoSource("seq", seqSource{n: 2}, nil, 0).Fetch(ctx, stream.Position{Offset: 4}, 1)
	assert.ErrorContains(t, err, "go source seq: restart: fewer records than before")
	_, err = newGoSource("bad", seqSource{n: 0, err: errors.New("broken")}, nil, 0).Fetch(ctx, stream.Position{}, 5)
	assert.ErrorContains(t, err, "go source bad: record 1: broken")
	_, err = newGoSource("wide", seqSource{n: 1, width: 2}, nil, 0).Fetch(ctx, stream.Position{}, 5)
	assert.ErrorContains(t, err, "go source wide: record 1 has 2 fields, the schema 1")
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = newGoSource("seq", seqSource{n: 3}, nil, 0).Fetch(cctx, stream.Position{}, 5)
	assert.ErrorIs(t, err, context.Canceled)
}

// Issue 15 item 10 (a sibling, on_error fail): a Go source whose sequence
// fails after good records returns them first, and the fetch from there
// the error (again when retried); a restart reads the records again.
func TestGoSourceErrorAfterRecords(t *testing.T) {
	ctx := context.Background()
	g := newGoSource("bad", seqSource{n: 3, err: errors.New("broken")}, nil, 0)
	defer g.Close()
	for range 2 {
		ch, err := g.Fetch(ctx, stream.Position{}, 2)
		require.NoError(t, err)
		require.Len(t, ch.Records, 2)
		ch, err = g.Fetch(ctx, ch.Next, 2)
		require.NoError(t, err)
		require.Len(t, ch.Records, 1)
		assert.False(t, ch.Done)
		for range 2 {
			_, err = g.Fetch(ctx, ch.Next, 2)
			require.EqualError(t, err, "go source bad: record 4: broken")
			require.True(t, stream.IsPermanent(err))
		}
	}
}

// A SQLite lookup's table that does not exist, and a file lookup that
// cannot be opened, name the lookup.
func TestOpenLookupsErrors(t *testing.T) {
	dir := t.TempDir()
	sqliteFile(t, dir, "s.db")
	o := &Opener{Dir: dir}
	key := &program.Expr{Text: "k"}
	for _, tc := range []struct {
		src  *program.Source
		want string
	}{
		{&program.Source{Kind: "sqlite", Path: "s.db", Table: "nope"}, "lookup c: "},
		{&program.Source{Kind: "sqlite", Path: "none.db", Table: "t"}, `lookup c: sqlite: cannot open "none.db"`},
		{&program.Source{Kind: "csv", Path: "none.csv"}, `lookup c: csv: cannot open "none.csv"`},
	} {
		m := &program.Program{Lookups: []*program.Lookup{{Name: "c", Source: tc.src, On: "id", Left: key}}}
		var closers []func()
		_, err := o.OpenLookups(context.Background(), m, nil, &closers, nil)
		assert.ErrorContains(t, err, tc.want)
		for _, c := range closers {
			c()
		}
	}
}
