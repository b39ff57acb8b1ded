package source

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// Issue 15 item 10 (a sibling, on_error fail): a fetch that meets a bad
// record after good ones returns the good ones, and the fetch from there
// returns the bad record's error, again if asked again (a retry), so that
// a consumer meets every error in input order whatever the chunk size;
// reading again from the start (a restart) gives the same records and
// error. CSV and JSON lines (the error kept pending), SQLite tables read by
// keyset and queries read by a cursor (the bad row read again).
func TestBadRecordAfterGoodOnes(t *testing.T) {
	dir := t.TempDir()
	db := makeDB(t, dir, "t.db", `CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER)`,
		`INSERT INTO t VALUES (1, 1), (2, 2), (3, 3), (4, 'x'), (5, 5)`)
	sources := []struct {
		name, err string
		open      func(t *testing.T) RecordSource
	}{
		{"csv", `t.csv:5: column "a": invalid int "x"`, func(t *testing.T) RecordSource {
			c, err := OpenCSV(os.DirFS(writeFile(t, "t.csv", "a\n1\n2\n3\nx\n5\n")), "t.csv", CSVConfig{Config: Config{Types: map[string]value.Kind{"a": value.KindInt}}})
			require.NoError(t, err)
			t.Cleanup(func() { c.Close() })
			return c
		}},
		{"jsonl", `t.jsonl:4: column "a": invalid int "x"`, func(t *testing.T) RecordSource {
			j, err := OpenJSONL(os.DirFS(writeFile(t, "t.jsonl", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":\"x\"}\n{\"a\":5}\n")), "t.jsonl",
				JSONLConfig{Config: Config{Types: map[string]value.Kind{"a": value.KindInt}}})
			require.NoError(t, err)
			t.Cleanup(func() { j.Close() })
			return j
		}},
		{"sqlite-table", `t.db:table t: rowid 4: column "a": invalid int "x"`, func(t *testing.T) RecordSource {
			return openSQLite(t, db, SQLiteConfig{Name: "t.db", Table: "t", Config: Config{Types: map[string]value.Kind{"a": value.KindInt}}})
		}},
		{"sqlite-query", `t.db:query: row 4: column "a": invalid int "x"`, func(t *testing.T) RecordSource {
			return openSQLite(t, db, SQLiteConfig{Name: "t.db", Query: "SELECT a FROM t ORDER BY id", Config: Config{Types: map[string]value.Kind{"a": value.KindInt}}})
		}},
	}
	for _, src := range sources {
		for _, limit := range []int{1, 2, 3, 10} {
			s := src.open(t)
			var got []value.Record
			var pos stream.Position
			var err error
			for range 10 {
				var ch stream.Chunk[value.Record]
				if ch, err = s.Fetch(context.Background(), pos, limit); err != nil {
					break
				}
				require.False(t, ch.Done, "%s, limit %d", src.name, limit)
				got, pos = append(got, ch.Records...), ch.Next
			}
			require.EqualError(t, err, src.err, "%s, limit %d", src.name, limit)
			require.True(t, stream.IsPermanent(err))
			var de *DataError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, int64(3), de.Offset, "good records before it")
			assert.Len(t, got, 3, "%s, limit %d: the good records before it", src.name, limit)
			assert.Equal(t, int64(3), pos.Offset)
			// A retry meets the same error; a restart the same records.
			_, err = s.Fetch(context.Background(), pos, limit)
			require.EqualError(t, err, src.err)
			again, err := fetchToError(s, limit)
			require.EqualError(t, err, src.err)
			assert.Equal(t, got, again)
		}
	}
}

// Issue 15 item 10 (a sibling): Scan hands its function the good records
// before a bad one and stops there; the scan from there returns the error.
func TestScanStopsBeforeBadRecord(t *testing.T) {
	c := openCSV(t, "a\n1\n2\n3\nx\n5\n", CSVConfig{Config: Config{Types: map[string]value.Kind{"a": value.KindInt}}})
	var seen []string
	fn := func(r *RawRecord) error {
		rec := make([]any, 1)
		if err := r.Convert(rec); err != nil {
			return err
		}
		seen = append(seen, value.String(rec[0]))
		return nil
	}
	next, n, done, _, err := c.Scan(context.Background(), stream.Position{}, 10, fn)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.False(t, done)
	assert.Equal(t, []string{"1", "2", "3"}, seen)
	_, n, _, _, err = c.Scan(context.Background(), next, 10, fn)
	require.EqualError(t, err, `sales.csv:5: column "a": invalid int "x"`)
	assert.Zero(t, n)
}
