package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// salesDB creates sales.db with n sales rows and a customers table.
func salesDB(t testing.TB, n int) string {
	t.Helper()
	dir := t.TempDir()
	stmts := []string{
		`CREATE TABLE sales (id INTEGER PRIMARY KEY, territory TEXT, customer_id INT, amount DECIMAL(10,2), quantity INTEGER, sale_date DATE)`,
		`CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(40), since DATE)`,
		`CREATE INDEX sales_territory ON sales(territory)`,
		`CREATE INDEX sales_territory_date ON sales(territory, sale_date)`,
	}
	territories := []string{"North", "South", "East", "West"}
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if b.Len() == 0 {
			b.WriteString("INSERT INTO sales VALUES ")
		} else {
			b.WriteString(", ")
		}
		terr := "'" + territories[i%4] + "'"
		if i%17 == 0 {
			terr = "NULL" // NULLs in an order column
		}
		fmt.Fprintf(&b, "(%d, %s, %d, %d.%02d, %d, '2024-%02d-%02d')", i, terr, i%60, i%500, i%100, 1+i%9, 1+i%12, 1+i%28)
		if i%500 == 0 || i == n {
			stmts = append(stmts, b.String())
			b.Reset()
		}
	}
	for i := 0; i < 50; i++ {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO customers VALUES (%d, 'Customer %d', '2020-01-%02d')", i, i, 1+i%28))
	}
	return makeDB(t, dir, "sales.db", stmts...)
}

func openSQLite(t testing.TB, path string, cfg SQLiteConfig) *SQLite {
	t.Helper()
	s, err := OpenSQLite(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteTypes(t *testing.T) {
	dir := t.TempDir()
	path := makeDB(t, dir, "t.db",
		`CREATE TABLE t (i INTEGER, b BIGINT, r REAL, f FLOAT, d DOUBLE, m MONEY, n NUMERIC, dc DECIMAL(12, 3),
			s TEXT, v VARCHAR(10), c CHAR(2), bl BLOB, dt DATE, ts DATETIME, tz TIMESTAMP, ok BOOLEAN, u, w WHATEVER)`,
		`INSERT INTO t VALUES (1, 2, 1.5, 2.5, 3.5, 0.1, 7, '12.345', 'x', 'y', 'zz', x'414243', '2024-03-01', '2024-03-01 10:30:00', '2024-03-01T10:30:00Z', 1, 5, '2024-01-01')`,
		`INSERT INTO t VALUES (NULL, NULL, 2, NULL, NULL, 12, 2.25, 4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 6.5, NULL)`,
	)
	s := openSQLite(t, path, SQLiteConfig{Table: "t"})
	want := "i:int b:int r:float f:float d:float m:decimal(1) n:decimal(2) dc:decimal(3) s:string v:string c:string bl:string dt:date ts:timestamp tz:timestamp ok:bool u:float w:date"
	if got := kinds(s.Schema()); got != want {
		t.Fatalf("schema\n%s\nwant\n%s", got, want)
	}
	ts := time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	equalRecords(t, fetchAll(t, s, 10), []value.Record{
		{int64(1), int64(2), 1.5, 2.5, 3.5, dec("0.1"), dec("7"), dec("12.345"), "x", "y", "zz", "ABC", date("2024-03-01"), ts, ts, true, 5.0, date("2024-01-01")},
		{nil, nil, 2.0, nil, nil, dec("12"), dec("2.25"), dec("4.000"), nil, nil, nil, nil, nil, nil, nil, false, 6.5, nil},
	})

	// Declared types override the SQL ones.
	s2 := openSQLite(t, path, SQLiteConfig{Table: "t", Config: Config{Types: map[string]value.Kind{"r": value.KindDecimal, "I": value.KindString, "dt": value.KindString}}})
	rec := fetchAll(t, s2, 10)[0]
	if !equalValue(rec[0], "1") || !equalValue(rec[2], dec("1.5")) || !equalValue(rec[12], "2024-03-01") {
		t.Fatalf("declared: %v", rec)
	}
}

func TestSQLiteOpenErrors(t *testing.T) {
	path := salesDB(t, 10)
	tests := []struct {
		name string
		cfg  SQLiteConfig
		want string
	}{
		{"unknown table", SQLiteConfig{Table: "sale", Name: "sales.db"}, `sales.db: no table "sale" (did you mean "sales"?); tables: customers, sales`},
		{"neither", SQLiteConfig{Name: "sales.db"}, "sales.db: set exactly one of table and query"},
		{"both", SQLiteConfig{Name: "sales.db", Table: "sales", Query: "SELECT 1"}, "sales.db: set exactly one of table and query"},
		{"params with a table", SQLiteConfig{Name: "sales.db", Table: "sales", Params: map[string]any{"x": 1}}, "sales.db: parameters need a query (a table has nothing to bind them to)"},
		{"unknown order column", SQLiteConfig{Name: "sales.db", Table: "sales", OrderBy: []string{"teritory"}},
			`sales.db: order column "teritory" not found (did you mean "territory"?); columns: id, territory, customer_id, amount, quantity, sale_date`},
		{"declared column missing", SQLiteConfig{Name: "sales.db", Table: "sales", Config: Config{Types: map[string]value.Kind{"amt": value.KindInt}}},
			`sales.db: declared column "amt" not found; columns: id, territory, customer_id, amount, quantity, sale_date`},
		{"bad query", SQLiteConfig{Name: "sales.db", Query: "SELECT nope FROM sales"}, "sales.db: query: SQL logic error: no such column: nope (1)"},
		{"duplicate query columns", SQLiteConfig{Name: "sales.db", Query: "SELECT s.id, c.id FROM sales s JOIN customers c ON c.id = s.customer_id"},
			`sales.db: query: duplicate column "id" (give the columns distinct names with AS)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := OpenSQLite(path, tt.cfg)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v\nwant %s", err, tt.want)
			}
		})
	}
	t.Run("missing file is not created", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "none.db")
		_, err := OpenSQLite(missing, SQLiteConfig{Table: "x"})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("got %v", err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("the database file was created")
		}
	})
	t.Run("not a database", func(t *testing.T) {
		dir := writeFile(t, "x.db", "this is not a database file, just text that is long enough")
		if _, err := OpenSQLite(filepath.Join(dir, "x.db"), SQLiteConfig{Table: "x"}); err == nil {
			t.Fatal("opened a text file")
		}
	})
	t.Run("empty database", func(t *testing.T) {
		p := makeDB(t, t.TempDir(), "e.db", "PRAGMA user_version = 1")
		_, err := OpenSQLite(p, SQLiteConfig{Table: "x", Name: "e.db"})
		if err == nil || err.Error() != `e.db: no table "x"; the database has no tables` {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		_, err := OpenSQLite(t.TempDir(), SQLiteConfig{Table: "x", Name: "d"})
		if err == nil || err.Error() != "d: is a directory" {
			t.Fatalf("got %v", err)
		}
	})
}

func TestSQLiteReadOnly(t *testing.T) {
	path := salesDB(t, 3)
	s := openSQLite(t, path, SQLiteConfig{Table: "sales"})
	// Refused as it is prepared (the authorizer), and read-only anyway.
	if _, err := s.db.Exec("DELETE FROM sales"); err == nil || !strings.Contains(err.Error(), "not authorized") {
		t.Fatalf("write allowed: %v", err)
	}
}

func TestSQLiteKeysetSQL(t *testing.T) {
	path := salesDB(t, 10)
	s := openSQLite(t, path, SQLiteConfig{Table: "Sales"})
	cols := `+"id", +"territory", +"customer_id", +"amount", +"quantity", +"sale_date"`
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"first page", s.QuerySQL(stream.Position{}), `SELECT rowid, ` + cols + ` FROM "sales" ORDER BY rowid LIMIT ?`},
		{"next page", s.QuerySQL(stream.Position{Offset: 5, Key: []any{int64(5)}}), `SELECT rowid, ` + cols + ` FROM "sales" WHERE rowid > ? ORDER BY rowid LIMIT ?`},
	}
	o := openSQLite(t, path, SQLiteConfig{Table: "sales", OrderBy: []string{"territory", "sale_date"}})
	tests = append(tests,
		struct{ name, got, want string }{"ordered first page", o.QuerySQL(stream.Position{}),
			`SELECT rowid, ` + cols + ` FROM "sales" ORDER BY "territory" COLLATE BINARY, "sale_date" COLLATE BINARY, rowid LIMIT ?`},
		struct{ name, got, want string }{"ordered next page", o.QuerySQL(stream.Position{Key: []any{"East", "2024-01-01", int64(3)}}),
			`SELECT rowid, ` + cols + ` FROM "sales" WHERE ("territory" COLLATE BINARY, "sale_date" COLLATE BINARY, rowid) > (?, ?, ?) ORDER BY "territory" COLLATE BINARY, "sale_date" COLLATE BINARY, rowid LIMIT ?`},
		struct{ name, got, want string }{"ordered after a NULL", o.QuerySQL(stream.Position{Key: []any{nil, "2024-01-01", int64(3)}}),
			`SELECT rowid, ` + cols + ` FROM "sales" WHERE ("territory" COLLATE BINARY IS NOT NULL OR ("territory" COLLATE BINARY IS ? AND ("sale_date" COLLATE BINARY > ? OR ("sale_date" COLLATE BINARY IS ? AND (rowid > ?))))) ORDER BY "territory" COLLATE BINARY, "sale_date" COLLATE BINARY, rowid LIMIT ?`},
		struct{ name, got, want string }{"plan", o.Plan(),
			`sqlite table sales: keyset pagination on (territory, sale_date, rowid): SELECT rowid, ` + cols + ` FROM "sales" WHERE ("territory" COLLATE BINARY, "sale_date" COLLATE BINARY, rowid) > (?, ?, ?) ORDER BY "territory" COLLATE BINARY, "sale_date" COLLATE BINARY, rowid LIMIT ?`},
	)
	// Without an index for the order, every page would sort the table:
	// one sorted cursor instead.
	u := openSQLite(t, path, SQLiteConfig{Table: "sales", OrderBy: []string{"amount"}})
	tests = append(tests, struct{ name, got, want string }{"unindexed order", u.Plan(),
		`sqlite table sales (no index serves the order): one cursor across fetches (a restart re-runs it and skips): SELECT ` + cols + ` FROM "sales" ORDER BY "amount" COLLATE BINARY, rowid`})
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, tt.got, tt.want)
		}
		if strings.Contains(strings.ToUpper(tt.got), "OFFSET") {
			t.Errorf("%s uses OFFSET", tt.name)
		}
	}
}

func TestSQLiteTableChunking(t *testing.T) {
	t.Parallel() // its own files and sources
	path := salesDB(t, 567)
	for _, order := range [][]string{nil, {"territory"}, {"territory", "amount"}} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			s := openSQLite(t, path, SQLiteConfig{Table: "sales", OrderBy: order, Config: Config{Extra: 1}})
			want := fetchAll(t, s, 5000)
			if len(want) != 567 || cap(want[0]) != 7 {
				t.Fatalf("%d records, cap %d", len(want), cap(want[0]))
			}
			sizes := []int{1, 7, 1000}
			if raceEnabled {
				sizes = []int{7, 1000}
			}
			for _, n := range sizes {
				equalRecords(t, fetchAll(t, s, n), want)
			}
			// Differential check of the order against SQLite's own ORDER BY.
			if len(order) > 0 {
				q := openSQLite(t, path, SQLiteConfig{Query: "SELECT * FROM sales ORDER BY " + strings.Join(order, ", ") + ", rowid"})
				equalRecords(t, fetchAll(t, q, 1000), want)
			}
			checkRestarts(t, func() testSource {
				s, err := OpenSQLite(path, SQLiteConfig{Table: "sales", OrderBy: order})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}, 150)
		})
	}
}

func TestSQLiteQuery(t *testing.T) {
	t.Parallel() // its own files and sources
	path := salesDB(t, 1000)
	cfg := SQLiteConfig{
		Query:  "SELECT id, territory, amount * quantity AS revenue, sale_date FROM sales WHERE territory = :region AND amount >= @min;",
		Params: map[string]any{"region": "North", ":min": dec("100")},
	}
	s := openSQLite(t, path, cfg)
	// revenue, an expression, has no declared type: the query is not run
	// to sample it, so its values are SQLite's (here REALs).
	if got := kinds(s.Schema()); got != "id:int territory:string revenue:any sale_date:date" {
		t.Fatalf("schema %s", got)
	}
	want := fetchAll(t, s, 10000)
	if len(want) == 0 {
		t.Fatal("no rows")
	}
	for _, r := range want {
		if r[1] != "North" {
			t.Fatalf("param not applied: %v", r)
		}
	}
	for _, n := range []int{1, 7, 1000} {
		equalRecords(t, fetchAll(t, s, n), want)
	}
	if n, err := s.Count(context.Background()); err != nil || n != int64(len(want)) {
		t.Fatalf("count %d %v, want %d", n, err, len(want))
	}
	if !strings.HasPrefix(s.Plan(), "sqlite query: one cursor across fetches") || s.QuerySQL(stream.Position{}) != strings.TrimSuffix(cfg.Query, ";") {
		t.Errorf("plan %s", s.Plan())
	}
	checkRestarts(t, func() testSource {
		s, err := OpenSQLite(path, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, 20)

	ordered := cfg
	ordered.OrderBy = []string{"revenue"}
	o := openSQLite(t, path, ordered)
	if got := o.QuerySQL(stream.Position{}); !strings.HasSuffix(got, `) ORDER BY "revenue" COLLATE BINARY`) {
		t.Errorf("ordered query %s", got)
	}
	got := fetchAll(t, o, 7)
	for i := 1; i < len(got); i++ {
		if value.Less(got[i][2], got[i-1][2]) {
			t.Fatal("not ordered")
		}
	}
}

func TestSQLiteParamsAreBound(t *testing.T) {
	path := salesDB(t, 10)
	evil := "North'; DROP TABLE sales; --"
	s := openSQLite(t, path, SQLiteConfig{
		Query:  "SELECT * FROM sales WHERE territory = :t OR territory = $t",
		Params: map[string]any{"t": evil},
	})
	if got := fetchAll(t, s, 10); len(got) != 0 {
		t.Fatalf("matched %d rows", len(got))
	}
	if !strings.Contains(s.Identity(), `North'; DROP TABLE sales`) {
		t.Error("params missing from identity")
	}
	if strings.Contains(s.QuerySQL(stream.Position{}), "DROP") {
		t.Error("param spliced into SQL")
	}
	// The table is intact (the source is read-only anyway).
	n := openSQLite(t, path, SQLiteConfig{Table: "sales"})
	if c, err := n.Count(context.Background()); err != nil || c != 10 {
		t.Fatalf("count %d %v", c, err)
	}
	other := openSQLite(t, path, SQLiteConfig{Query: s.cfg.Query, Params: map[string]any{"t": "North"}})
	if other.Identity() == s.Identity() {
		t.Error("different params, same identity")
	}
	if len(fetchAll(t, other, 10)) == 0 {
		t.Error("no North rows")
	}
}

func TestSQLiteParamKinds(t *testing.T) {
	path := salesDB(t, 40)
	s := openSQLite(t, path, SQLiteConfig{
		Query: `SELECT :int AS i, :dec AS d, :whole AS w, :date AS day, :ts AS ts, :yes AS y, :nil AS n, :f AS f, :rec AS r, :small AS s`,
		Params: map[string]any{"int": 3, "dec": dec("2.50"), "whole": dec("4.00"), "date": date("2024-03-01"),
			"ts": time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC), "yes": true, "nil": nil, "f": 0.5,
			"rec": map[string]any{"a": int64(1)}, "small": int32(7)},
	})
	got := fetchAll(t, s, 1)
	// The columns have no declared type and the query is not run to
	// sample them: the values are as SQLite binds them.
	want := value.Record{int64(3), 2.5, int64(4), "2024-03-01", "2024-03-01 10:30:00", int64(1), nil, 0.5, `{"a":1}`, int64(7)}
	if kinds(s.Schema()) != "i:any d:any w:any day:any ts:any y:any n:any f:any r:any s:any" {
		t.Errorf("schema %s", kinds(s.Schema()))
	}
	equalRecords(t, got, []value.Record{want})
	if SQLValue(false) != int64(0) || SQLValue(uint64(1<<63)) != float64(1<<63) {
		t.Error("sqlParam")
	}
}

// Scenario E19
func TestSQLiteBadData(t *testing.T) {
	path := makeDB(t, t.TempDir(), "sales.db",
		`CREATE TABLE sales (id INTEGER PRIMARY KEY, name TEXT, amount DECIMAL(10,2), day DATE)`,
		`INSERT INTO sales VALUES (1, 'Ann', 1.5, '2024-01-01'), (2, 'Bob', 'abc', '2024-01-02'), (3, 'Cy', 2, 'soon'), (4, CAST(x'42ff' AS TEXT), 3, NULL), (5, 'Dee', 4, '2024-01-05')`)
	errs := []string{
		`sales.db:table sales: rowid 2: column "amount": invalid decimal "abc"`,
		`sales.db:table sales: rowid 3: column "day": invalid date "soon" (want YYYY-MM-DD)`,
		`sales.db:table sales: rowid 4: column "name": invalid UTF-8`,
	}
	for _, mode := range []string{"table", "query"} {
		cfg := SQLiteConfig{Name: "sales.db", Table: "sales"}
		want := errs
		if mode == "query" {
			cfg = SQLiteConfig{Name: "sales.db", Query: "SELECT * FROM sales ORDER BY id"}
			want = []string{
				`sales.db:query: row 2: column "amount": invalid decimal "abc"`,
				`sales.db:query: row 3: column "day": invalid date "soon" (want YYYY-MM-DD)`,
				`sales.db:query: row 4: column "name": invalid UTF-8`,
			}
		}
		t.Run(mode+"/fail", func(t *testing.T) {
			s := openSQLite(t, path, cfg)
			got, err := fetchToError(s, 10)
			var de *DataError
			if len(got) != 1 || err == nil || err.Error() != want[0] || !errors.As(err, &de) || de.Column != "amount" || !stream.IsPermanent(err) {
				t.Fatalf("got %v\nwant %s", err, want[0])
			}
		})
		t.Run(mode+"/skip", func(t *testing.T) {
			var reported []string
			cfg := cfg
			cfg.SkipErrors = true
			cfg.OnSkip = func(e *DataError) { reported = append(reported, e.Error()) }
			s := openSQLite(t, path, cfg)
			for _, n := range []int{1, 2, 10} {
				got := fetchAll(t, s, n)
				if len(got) != 2 || got[1][0] != int64(5) {
					t.Fatalf("chunk %d: %v", n, got)
				}
			}
			if strings.Join(reported, "\n") != strings.Join(want, "\n") || s.Skipped() != 3 {
				t.Fatalf("reported (%d)\n%s", s.Skipped(), strings.Join(reported, "\n"))
			}
		})
	}
	t.Run("ordered skip counts once", func(t *testing.T) {
		// An index on name makes the order keyset-paginated, where the
		// bad rowids arrive out of order.
		indexed := makeDB(t, t.TempDir(), "sales.db",
			`CREATE TABLE sales (id INTEGER PRIMARY KEY, name TEXT, amount DECIMAL(10,2), day DATE)`,
			`CREATE INDEX sales_name ON sales(name)`,
			`INSERT INTO sales VALUES (1, 'Ann', 1.5, '2024-01-01'), (2, 'Zed', 'abc', '2024-01-02'), (3, 'Cy', 2, 'soon'), (4, 'Bo', 'x', NULL), (5, 'Dee', 4, '2024-01-05')`)
		s := openSQLite(t, indexed, SQLiteConfig{Table: "sales", OrderBy: []string{"name"}, Config: Config{SkipErrors: true}})
		if !strings.Contains(s.Plan(), "keyset") {
			t.Fatal(s.Plan())
		}
		for range 3 {
			fetchAll(t, s, 1)
		}
		if s.Skipped() != 3 {
			t.Fatalf("skipped %d", s.Skipped())
		}
	})
}

func TestSQLiteViewsAndWithoutRowid(t *testing.T) {
	t.Parallel() // its own files and sources
	dir := t.TempDir()
	stmts := []string{
		`CREATE TABLE k (code TEXT PRIMARY KEY, n INT) WITHOUT ROWID`,
		`CREATE TABLE r (rowid TEXT, v INT)`, // a column hides the rowid alias
		`CREATE VIEW big AS SELECT code, n * 2 AS twice FROM k`,
	}
	for i := 0; i < 100; i++ {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO k VALUES ('c%03d', %d)`, 99-i, i), fmt.Sprintf(`INSERT INTO r VALUES ('x%d', %d)`, i, i))
	}
	path := makeDB(t, dir, "v.db", stmts...)
	for _, cfg := range []SQLiteConfig{
		{Table: "k"}, {Table: "big", OrderBy: []string{"twice"}}, {Table: "r"},
	} {
		t.Run(cfg.Table, func(t *testing.T) {
			s := openSQLite(t, path, cfg)
			want := fetchAll(t, s, 1000)
			if len(want) != 100 {
				t.Fatalf("%d rows", len(want))
			}
			for _, n := range []int{1, 7} {
				equalRecords(t, fetchAll(t, s, n), want)
			}
			if cfg.Table == "r" {
				if !strings.Contains(s.QuerySQL(stream.Position{}), "SELECT _rowid_,") {
					t.Errorf("alias: %s", s.QuerySQL(stream.Position{}))
				}
			} else if !strings.Contains(s.Plan(), "one cursor") {
				t.Errorf("plan %s", s.Plan())
			}
			checkRestarts(t, func() testSource {
				s, err := OpenSQLite(path, cfg)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}, 30)
			if n, err := s.Count(context.Background()); err != nil || n != 100 {
				t.Fatalf("count %d %v", n, err)
			}
		})
	}
}

func TestSQLiteCursorSurvivesFetchContexts(t *testing.T) {
	path := salesDB(t, 100)
	s := openSQLite(t, path, SQLiteConfig{Query: "SELECT id FROM sales"})
	var got []value.Record
	var pos stream.Position
	for {
		// A context per fetch, cancelled when the fetch returns (as a
		// fetch timeout does): the cursor must outlive it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		chunk, err := s.Fetch(ctx, pos, 30)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, chunk.Records...)
		pos = chunk.Next
		if chunk.Done {
			break
		}
	}
	seen := map[any]bool{}
	for _, r := range got {
		seen[r[0]] = true
	}
	if len(got) != 100 || len(seen) != 100 {
		t.Fatalf("%d rows, %d distinct", len(got), len(seen))
	}
}

func TestSQLiteCancel(t *testing.T) {
	path := salesDB(t, 2000)
	for _, cfg := range []SQLiteConfig{{Table: "sales"}, {Query: "SELECT * FROM sales"}} {
		s := openSQLite(t, path, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Fetch(ctx, stream.Position{}, 10); !errors.Is(err, context.Canceled) {
			t.Fatalf("%+v: got %v", cfg, err)
		}
		first, err := s.Fetch(context.Background(), stream.Position{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		// Cancelled in the middle of a fetch.
		mid := &cancelAfter{Context: context.Background(), n: 2}
		if _, err := s.Fetch(mid, first.Next, 1500); !errors.Is(err, context.Canceled) {
			t.Fatalf("%+v: mid-fetch got %v", cfg, err)
		}
		if rest := fetchFrom(t, s, first.Next, 500); len(rest) != 1990 {
			t.Fatalf("%+v: %d rows after cancel", cfg, len(rest))
		}
		if _, err := s.Count(ctx); err == nil {
			t.Error("count with a cancelled context")
		}
	}
}

func TestSQLiteFetchErrors(t *testing.T) {
	path := salesDB(t, 10)
	for _, cfg := range []SQLiteConfig{{Table: "sales"}, {Query: "SELECT * FROM sales"}} {
		s := openSQLite(t, path, cfg)
		if _, err := s.Fetch(context.Background(), stream.Position{}, 0); err == nil {
			t.Error("limit 0 accepted")
		}
		bad := stream.Position{Offset: 1, Key: []any{"x", "y"}}
		if _, err := s.Fetch(context.Background(), bad, 5); !stream.IsPermanent(err) {
			t.Errorf("foreign position: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal("second close", err)
		}
		if _, err := s.Fetch(context.Background(), stream.Position{}, 5); !errors.Is(err, ErrClosed) {
			t.Errorf("after close: %v", err)
		}
	}
}

func TestSQLitePathEscaping(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%d")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := makeDB(t, dir, "odd name.db", "CREATE TABLE t (x INT)", "INSERT INTO t VALUES (1)")
	s := openSQLite(t, path, SQLiteConfig{Table: "t"})
	if got := fetchAll(t, s, 5); len(got) != 1 {
		t.Fatalf("%v", got)
	}
	if !strings.Contains(s.Identity(), "odd name.db") {
		t.Error(s.Identity())
	}
}

func TestDeclKind(t *testing.T) {
	tests := map[string]string{
		"INTEGER": "int", "int8": "int", "UNSIGNED BIG INT": "int", "DECIMAL(10, 2)": "decimal(2)", "numeric": "decimal",
		"NUMERIC(5)": "decimal", "money": "decimal", "REAL": "float", "double precision": "float", "FLOAT": "float",
		"VARCHAR(255)": "string", "NCHAR(2)": "string", "CLOB": "string", "BLOB": "string", "DATE": "date",
		"DATETIME": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamp", "BOOLEAN": "bool", "": "?", "JSON": "?",
	}
	for decl, want := range tests {
		k, scale, ok := declKind(decl)
		got := k.String()
		if scale > 0 {
			got += fmt.Sprintf("(%d)", scale)
		}
		if !ok {
			got = "?"
		}
		if got != want {
			t.Errorf("declKind(%q) = %s, want %s", decl, got, want)
		}
	}
}

func TestSQLiteRawValues(t *testing.T) {
	// Values the driver delivers as time.Time (query columns declared DATE
	// or DATETIME) convert to every kind that makes sense.
	ts := time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		v    any
		k    value.Kind
		want any
	}{
		{day, value.KindDate, date("2024-03-01")},
		{day, value.KindString, "2024-03-01"},
		{ts, value.KindString, "2024-03-01 10:30:00"},
		{ts, value.KindAny, ts},
		{[]byte("abc"), value.KindString, "abc"},
		{int64(1), value.KindBool, true},
	}
	for _, tt := range tests {
		got, err := sqlCell(tt.v, tt.k)
		if err != nil || !equalValue(got, tt.want) {
			t.Errorf("sqlCell(%v, %s) = %v, %v; want %v", tt.v, tt.k, got, err, tt.want)
		}
	}
	if _, err := sqlCell([]byte{0xff}, value.KindString); err != errInvalidUTF8 {
		t.Error("invalid UTF-8 blob accepted")
	}
	if _, err := sqlCell(1.5, value.KindInt); err == nil {
		t.Error("1.5 as int")
	}
}

func TestSQLiteOrderIndexed(t *testing.T) {
	path := salesDB(t, 5)
	str, day, dec := value.KindString, value.KindDate, value.KindDecimal
	tests := []struct {
		cols  []string
		kinds []value.Kind
		want  bool
	}{
		{nil, nil, true},
		{[]string{"territory"}, []value.Kind{str}, true},
		{[]string{"Territory", "sale_date"}, []value.Kind{str, day}, true},
		{[]string{"sale_date"}, []value.Kind{day}, false},
		{[]string{"territory", "amount"}, []value.Kind{str, dec}, false},
		// Issue 15 item 8: TEXT orders "10" before "9", not as numbers.
		{[]string{"territory"}, []value.Kind{dec}, false},
		{[]string{"Territory", "sale_date"}, []value.Kind{str, value.KindTime}, false},
	}
	for _, tt := range tests {
		got, err := SQLiteOrderIndexed(context.Background(), path, "sales", tt.cols, tt.kinds)
		if err != nil || got != tt.want {
			t.Errorf("%v %v: got %v %v, want %v", tt.cols, tt.kinds, got, err, tt.want)
		}
	}
	if _, err := SQLiteOrderIndexed(context.Background(), filepath.Join(t.TempDir(), "none.db"), "sales", []string{"x"}, []value.Kind{str}); err == nil {
		t.Error("missing database accepted")
	}
}

// Issue 15 item 8: which declared column types SQLite orders as reportsh
// orders the kind read from them.
func TestSQLiteOrders(t *testing.T) {
	for _, tt := range []struct {
		decl string
		k    value.Kind
		want bool
	}{
		{"TEXT", value.KindString, true},
		{"VARCHAR(20)", value.KindString, true},
		{"INTEGER", value.KindString, false},
		{"STRING", value.KindString, false}, // NUMERIC affinity: "10" is stored as 10
		{"", value.KindString, false},
		{"INTEGER", value.KindInt, true},
		{"DECIMAL(10,2)", value.KindDecimal, true},
		{"REAL", value.KindFloat, true},
		{"TEXT", value.KindDecimal, false},
		{"TEXT", value.KindInt, false},
		{"BLOB", value.KindInt, false},
		{"BOOLEAN", value.KindBool, false}, // 1 and 'true'
		{"INTEGER", value.KindBool, false},
		{"TEXT", value.KindBool, false},
		{"DATE", value.KindDate, true},
		{"TEXT", value.KindDate, true},
		{"DATETIME", value.KindTime, false},
		{"TEXT", value.KindAny, false},
	} {
		if got := SQLiteOrders(tt.decl, tt.k); got != tt.want {
			t.Errorf("%q as %s: %v, want %v", tt.decl, tt.k, got, tt.want)
		}
	}
}

func TestPositionEquality(t *testing.T) {
	tests := []struct {
		a, b stream.Position
		want bool
	}{
		{stream.Position{Offset: 1, Key: []any{[]byte("x"), int64(2)}}, stream.Position{Offset: 1, Key: []any{[]byte("x"), int64(2)}}, true},
		{stream.Position{Key: []any{[]byte("x")}}, stream.Position{Key: []any{"x"}}, false},
		{stream.Position{Key: []any{"x"}}, stream.Position{Key: []any{[]byte("x")}}, false},
		{stream.Position{Key: []any{int64(1)}}, stream.Position{Key: []any{1}}, false},
		{stream.Position{Key: []any{nil}}, stream.Position{Key: []any{nil}}, true},
		{stream.Position{Key: []any{[]any{1}}}, stream.Position{Key: []any{[]any{1}}}, false},
		{stream.Position{Offset: 1}, stream.Position{Offset: 2}, false},
		{stream.Position{Key: []any{int64(1)}}, stream.Position{}, false},
	}
	for i, tt := range tests {
		if got := samePosition(tt.a, tt.b); got != tt.want {
			t.Errorf("%d: samePosition(%v, %v) = %v", i, tt.a, tt.b, got)
		}
	}
	if n, ok := cursorKey([]any{7}); !ok || n != 7 {
		t.Error("cursorKey(int)")
	}
	if _, ok := cursorKey([]any{int64(-1)}); ok {
		t.Error("negative cursor key accepted")
	}
	if _, _, _, ok := textKey([]any{1, 2, 3}); !ok {
		t.Error("textKey(int)")
	}
	if e := (&scanError{err: errQuoteAfter}); e.Error() != errQuoteAfter.Error() {
		t.Error(e.Error())
	}
}

func TestSQLiteUnusedColumnsNotSelected(t *testing.T) {
	path := salesDB(t, 20)
	s := openSQLite(t, path, SQLiteConfig{Table: "sales", OrderBy: []string{"territory"}, Config: Config{Unused: map[string]bool{"amount": true, "territory": true}}})
	recs := fetchAll(t, s, 7)
	ai, ti := s.Schema().Index("amount"), s.Schema().Index("territory")
	last := recs[len(recs)-1] // NULL territories sort first
	if len(recs) != 20 || last[ai] != nil || last[ti] == nil {
		t.Errorf("unused amount must be nil, ordered territory kept: %v", last)
	}
	if q := s.QuerySQL(stream.Position{}); !strings.Contains(q, "NULL") || strings.Contains(q, `+"amount"`) {
		t.Errorf("SQL selects an unused column: %s", q)
	}
}
