package source

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// Both lookups satisfy the pipeline's interface.
var (
	_ stream.Lookup[value.Record] = (*SQLiteLookup)(nil)
	_ stream.Lookup[value.Record] = (*MapLookup)(nil)
	_ stream.Source[value.Record] = (*CSV)(nil)
	_ stream.Source[value.Record] = (*JSONL)(nil)
	_ stream.Source[value.Record] = (*SQLite)(nil)
)

func openLookup(t testing.TB, path string, cfg SQLiteLookupConfig) *SQLiteLookup {
	t.Helper()
	l, err := OpenSQLiteLookup(path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Scenario P11
func TestSQLiteLookupOneQueryPerChunk(t *testing.T) {
	t.Parallel() // its own files and sources
	path := salesDB(t, 3000)
	sales := openSQLite(t, path, SQLiteConfig{Table: "sales", Config: Config{Extra: 1}})
	slot := len(sales.Schema().Fields)
	cust := sales.Schema().Index("customer_id")
	l := openLookup(t, path, SQLiteLookupConfig{
		Table: "customers", On: "id", Slot: slot,
		Key: func(r value.Record) any { return r[cust] },
	})
	var pos stream.Position
	chunks, matched, unmatched := 0, 0, 0
	for {
		chunk, err := sales.Fetch(context.Background(), pos, 1000)
		if err != nil {
			t.Fatal(err)
		}
		before := l.Queries()
		if err := l.Load(context.Background(), chunk.Records); err != nil {
			t.Fatal(err)
		}
		if got := l.Queries() - before; got != 1 {
			t.Fatalf("chunk %d: %d queries, want 1", chunks, got)
		}
		chunks++
		for _, r := range chunk.Records {
			if len(r) != slot+1 {
				t.Fatalf("record has %d fields", len(r))
			}
			row, _ := r[slot].(map[string]any)
			id := r[cust].(int64)
			switch {
			case id < 50 && (row == nil || row["id"] != id || row["name"] != "Customer "+itoa(id) || value.KindOf(row["since"]) != value.KindDate):
				t.Fatalf("customer %d: row %v", id, row)
			case id >= 50 && r[slot] != nil:
				t.Fatalf("customer %d has no row, got %v", id, r[slot])
			case row != nil:
				matched++
			default:
				unmatched++
			}
		}
		pos = chunk.Next
		if chunk.Done {
			break
		}
	}
	if chunks != 3 || l.Queries() != 3 || matched == 0 || unmatched == 0 {
		t.Fatalf("%d chunks, %d queries, %d matched, %d unmatched", chunks, l.Queries(), matched, unmatched)
	}
	if got := l.LookupSQL(3); got != `SELECT rowid, +"id", +"name", +"since" FROM "customers" WHERE "id" IN (?, ?, ?) ORDER BY rowid` {
		t.Errorf("lookup SQL %s", got)
	}
}

func itoa(i int64) string { return value.String(i) }

func TestSQLiteLookupDetails(t *testing.T) {
	path := makeDB(t, t.TempDir(), "l.db",
		`CREATE TABLE codes (code TEXT, label TEXT, n DECIMAL(5,1))`,
		`INSERT INTO codes VALUES ('1', 'one', 1.5), ('2', 'two', 2), ('2', 'second two', 3), ('x', 'ex', NULL)`,
		`CREATE TABLE bad (id INT, amount DECIMAL(5,2))`,
		`INSERT INTO bad VALUES (1, 'abc')`)
	key := func(r value.Record) any { return r[0] }
	t.Run("keys convert to the column's kind, duplicates take the first row", func(t *testing.T) {
		l := openLookup(t, path, SQLiteLookupConfig{Table: "codes", On: "CODE", Key: key, Slot: 1})
		chunk := []value.Record{{int64(1), "overwritten"}, {dec("2")}, {"x"}, {nil}, {int64(9)}, {int64(2)}}
		if err := l.Load(context.Background(), chunk); err != nil {
			t.Fatal(err)
		}
		labels := make([]any, len(chunk))
		for i, r := range chunk {
			if m, ok := r[1].(map[string]any); ok {
				labels[i] = m["label"]
			} else {
				labels[i] = r[1]
			}
		}
		if got := value.String(labels[0]) + "," + value.String(labels[1]) + "," + value.String(labels[2]) + "," + value.String(labels[3]) + "," + value.String(labels[4]) + "," + value.String(labels[5]); got != "one,two,ex,,,two" {
			t.Fatalf("labels %s", got)
		}
		if l.Queries() != 1 || kinds(l.Schema()) != "code:string label:string n:decimal(1)" {
			t.Fatalf("queries %d schema %s", l.Queries(), kinds(l.Schema()))
		}
		if !strings.Contains(l.Identity(), `on="code"|slot=1`) {
			t.Error(l.Identity())
		}
	})
	t.Run("split past MaxParams", func(t *testing.T) {
		l := openLookup(t, path, SQLiteLookupConfig{Table: "codes", On: "code", Key: key, Slot: 1, MaxParams: 2})
		chunk := []value.Record{{"1"}, {"2"}, {"x"}, {"1"}}
		if err := l.Load(context.Background(), chunk); err != nil {
			t.Fatal(err)
		}
		if l.Queries() != 2 || chunk[2][1] == nil || chunk[3][1] == nil {
			t.Fatalf("queries %d, %v", l.Queries(), chunk)
		}
	})
	t.Run("no keys, no query", func(t *testing.T) {
		l := openLookup(t, path, SQLiteLookupConfig{Table: "codes", On: "code", Key: key, Slot: 1})
		chunk := []value.Record{{nil}}
		if err := l.Load(context.Background(), chunk); err != nil || l.Queries() != 0 || chunk[0][1] != nil {
			t.Fatalf("%v %d %v", err, l.Queries(), chunk)
		}
	})
	t.Run("slot past the record", func(t *testing.T) {
		l := openLookup(t, path, SQLiteLookupConfig{Table: "codes", On: "code", Key: key, Slot: 3})
		if err := l.Load(context.Background(), []value.Record{{"1"}}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("bad row", func(t *testing.T) {
		l := openLookup(t, path, SQLiteLookupConfig{Name: "l.db", Table: "bad", On: "id", Key: key, Slot: 1})
		err := l.Load(context.Background(), []value.Record{{int64(1)}})
		if err == nil || err.Error() != `l.db:table bad: rowid 1: column "amount": invalid decimal "abc"` {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		l := openLookup(t, path, SQLiteLookupConfig{Table: "codes", On: "code", Key: key, Slot: 1})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := l.Load(ctx, []value.Record{{"1"}}); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("config errors", func(t *testing.T) {
		for _, cfg := range []SQLiteLookupConfig{
			{Table: "codes", On: "code"},
			{Table: "codes", On: "code", Key: key, Slot: -1},
			{On: "code", Key: key},
			{Table: "nope", On: "code", Key: key},
			{Table: "codes", On: "cod", Key: key, Name: "l.db"},
		} {
			if _, err := OpenSQLiteLookup(path, cfg); err == nil {
				t.Errorf("%+v accepted", cfg)
			}
		}
		_, err := OpenSQLiteLookup(path, SQLiteLookupConfig{Table: "codes", On: "cod", Key: key, Name: "l.db"})
		if err.Error() != `l.db: lookup column "cod" not found (did you mean "code"?); columns: code, label, n` {
			t.Error(err)
		}
	})
}

func TestMapLookup(t *testing.T) {
	dir := writeFile(t, "customers.csv", "id,name\n1,Ann\n2,Bob\n2,Bobby\n,Nobody\n")
	csv, err := OpenCSV(os.DirFS(dir), "customers.csv", CSVConfig{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewMapLookup(csv, MapLookupConfig{On: "id", Key: func(r value.Record) any { return r[0] }, Slot: 1, ChunkSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Rows() != 0 {
		t.Fatal("loaded before the first Load")
	}
	chunk := []value.Record{{"1"}, {dec("2.0")}, {int64(3)}, {nil}, {"abc"}}
	if err := l.Load(context.Background(), chunk); err != nil {
		t.Fatal(err)
	}
	if l.Rows() != 2 {
		t.Fatalf("%d rows", l.Rows())
	}
	if m := chunk[0][1].(map[string]any); m["name"] != "Ann" {
		t.Fatal(chunk[0])
	}
	if m := chunk[1][1].(map[string]any); m["name"] != "Bob" {
		t.Fatal(chunk[1])
	}
	for _, r := range chunk[2:] {
		if r[1] != nil {
			t.Fatalf("unexpected match %v", r)
		}
	}
	// The source was closed once loaded; later loads need no I/O.
	if _, err := csv.Fetch(context.Background(), stream.Position{}, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("source still open: %v", err)
	}
	if err := l.Load(context.Background(), []value.Record{{int64(1)}}); err != nil {
		t.Fatal(err)
	}
}

func TestMapLookupErrors(t *testing.T) {
	fsys := fstest.MapFS{"c.jsonl": {Data: []byte(`{"id": 1}` + "\n" + `{"id": "x"}` + "\n")}}
	open := func() *JSONL {
		j, err := OpenJSONL(fsys, "c.jsonl", JSONLConfig{Config: Config{SampleRows: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	key := func(r value.Record) any { return r[0] }
	j := open()
	if _, err := NewMapLookup(j, MapLookupConfig{On: "ident", Key: key}); err == nil {
		t.Error("unknown column accepted")
	}
	if _, err := NewMapLookup(j, MapLookupConfig{On: "id"}); err == nil {
		t.Error("nil key accepted")
	}
	if _, err := NewMapLookup(j, MapLookupConfig{On: "id", Key: key, Slot: -1}); err == nil {
		t.Error("negative slot accepted")
	}
	l, err := NewMapLookup(j, MapLookupConfig{On: "id", Key: key, Slot: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The bad line of the lookup file fails the load.
	err = l.Load(context.Background(), []value.Record{{int64(1)}})
	if err == nil || err.Error() != `c.jsonl:2: column "id": invalid int "x"` {
		t.Fatalf("got %v", err)
	}
	l.Close()
	if err := l.Load(context.Background(), []value.Record{{int64(1)}}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Load(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}
