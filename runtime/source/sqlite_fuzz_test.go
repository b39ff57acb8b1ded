package source

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// FuzzSQLiteQuery runs arbitrary query text as a source's query and checks
// that it reads only the database the source opened (issue 15 item 12):
// no file appears (ATTACH and VACUUM INTO create missing ones), nothing
// read comes from another database (a secret in one beside it), and no
// value or message shows the database's directory (PRAGMA database_list)
// unless the query spelled it. $DIR in a seed stands for that directory.
func FuzzSQLiteQuery(f *testing.F) {
	for _, q := range []string{
		"SELECT * FROM sales",
		"SELECT territory, COUNT(*) AS n FROM sales GROUP BY territory",
		"ATTACH '$DIR/other.db' AS o; SELECT pw FROM o.secret",
		"SELECT id FROM sales; ATTACH '$DIR/created.db' AS c",
		"ATTACH '$DIR/created.db' AS c",
		"ATTACH 'file:$DIR/created.db?mode=rwc' AS c",
		"VACUUM INTO '$DIR/created.db'",
		"VACUUM",
		"DETACH main",
		"PRAGMA database_list",
		"SELECT * FROM pragma_database_list",
		"SELECT file FROM pragma_database_list WHERE name = 'main'",
		"PRAGMA main.journal_mode = WAL",
		"SELECT * FROM pragma_table_info('sales')",
		"PRAGMA writable_schema = 1",
		"SELECT load_extension('$DIR/x.so')",
		"CREATE TEMP TABLE t AS SELECT * FROM sales",
		"SELECT * FROM temp.sqlite_master",
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0",
		"SELECT id FROM sales -- ; ATTACH '$DIR/created.db' AS c",
		"SELECT id FROM sales /* ; ATTACH */",
		"BEGIN; SELECT 1",
		"SELECT sqlite_compileoption_get(0)",
	} {
		f.Add(q)
	}
	root := f.TempDir()
	dir := filepath.Join(root, "db")
	if err := os.Mkdir(dir, 0o755); err != nil {
		f.Fatal(err)
	}
	path := makeDB(f, dir, "sales.db", `CREATE TABLE sales (id INTEGER PRIMARY KEY, territory TEXT)`,
		`INSERT INTO sales VALUES (1, 'North'), (2, 'South')`)
	makeDB(f, root, "other.db", `CREATE TABLE secret (pw TEXT)`, `INSERT INTO secret VALUES ('hunter2')`)
	before := listDir(f, root)
	f.Fuzz(func(t *testing.T, q string) {
		q = strings.ReplaceAll(q, "$DIR", root)
		spelled := strings.Contains(q, dir)
		// A bound for queries that compute for ever, not an assertion.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		check := func(v string) {
			if strings.Contains(v, "hunter2") {
				t.Fatalf("%q read another database: %s", q, v)
			}
			if !spelled && strings.Contains(v, dir) {
				t.Fatalf("%q shows the directory: %s", q, v)
			}
		}
		s, err := OpenSQLiteContext(ctx, path, SQLiteConfig{Query: q, Name: "sales.db"})
		if err == nil {
			var pos stream.Position
			for range 10 {
				chunk, err := s.Fetch(ctx, pos, 10)
				if err != nil {
					check(err.Error())
					break
				}
				for _, r := range chunk.Records {
					for _, v := range r {
						check(value.String(v))
					}
				}
				if chunk.Done {
					break
				}
				pos = chunk.Next
			}
			s.Close()
		} else {
			check(err.Error())
		}
		if after := listDir(t, root); !slices.Equal(after, before) {
			t.Fatalf("%q changed the files: %v, was %v", q, after, before)
		}
	})
}

// listDir lists the files under root.
func listDir(t testing.TB, root string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		names = append(names, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}
