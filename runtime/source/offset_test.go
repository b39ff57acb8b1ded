package source

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reportsh/reportsh/runtime/value"
)

// Issue 15 item 10: a skipped record's DataError.Offset is the number of
// good records the source returned before it, whatever the fetch size and
// the kind of source, so that a consumer can order it among the records
// later stages skip (which it knows by their offsets).
func TestDataErrorOffset(t *testing.T) {
	// Good records 1, 4, 5 and 7; bad 2 and 3 (after one good), 6 (after
	// three).
	want := []int64{1, 1, 3}
	offsets := func(open func(Config) RecordSource) func(t *testing.T) {
		return func(t *testing.T) {
			for _, n := range []int{1, 2, 3, 100} {
				var got []int64
				src := open(Config{SkipErrors: true, OnSkip: func(e *DataError) { got = append(got, e.Offset) }})
				assert.Len(t, fetchAll(t, src, n), 4)
				assert.Equal(t, want, got, "fetches of %d", n)
			}
		}
	}
	csv := "id,n\n1,1\n2,x\n3,y\n4,4\n5,5\n6,z\n7,7\n"
	t.Run("csv", offsets(func(c Config) RecordSource {
		c.Types = map[string]value.Kind{"n": value.KindInt}
		return openCSV(t, csv, CSVConfig{Config: c})
	}))
	jsonl := `{"n":1}` + "\n" + `{"n":"x"}` + "\n" + `{"n":"y"}` + "\n" + `{"n":4}` + "\n" + `{"n":5}` + "\n" + `{"n":"z"}` + "\n" + `{"n":7}` + "\n"
	t.Run("jsonl", offsets(func(c Config) RecordSource {
		c.Types = map[string]value.Kind{"n": value.KindInt}
		return openJSONL(t, jsonl, JSONLConfig{Config: c})
	}))
	db := makeDB(t, t.TempDir(), "t.db", `CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)`,
		`INSERT INTO t VALUES (1, 1), (2, 'x'), (3, 'y'), (4, 4), (5, 5), (6, 'z'), (7, 7)`)
	t.Run("sqlite table", offsets(func(c Config) RecordSource {
		return openSQLite(t, db, SQLiteConfig{Table: "t", Config: c})
	}))
	t.Run("sqlite query", offsets(func(c Config) RecordSource {
		return openSQLite(t, db, SQLiteConfig{Query: "SELECT id, n FROM t ORDER BY id", Config: c})
	}))
}
