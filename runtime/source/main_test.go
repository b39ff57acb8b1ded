package source

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testSource is what every source in this package offers.
type testSource interface {
	RecordSource
	stream.Identified
	stream.Closer
	Skipped() int64
}

// writeFile writes data to name in a new temporary directory and returns
// the directory as an fs.FS along with the file's OS path.
func writeFile(t testing.TB, name, data string) (dir string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// makeDB creates a SQLite database at dir/name by running stmts.
func makeDB(t testing.TB, dir, name string, stmts ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	db, err := sql.Open("sqlite", strings.TrimSuffix(sqliteURI(path), "?mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One connection, without the journal and the syncs: a test's database
	// needs no crash safety, and each statement's commit was synced to disk.
	db.SetMaxOpenConns(1)
	for _, s := range append([]string{"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF"}, stmts...) {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

// fetchAll reads src to the end in chunks of size n and checks the
// chunks' positions and Done flags on the way.
func fetchAll(t testing.TB, src RecordSource, n int) []value.Record {
	t.Helper()
	var out []value.Record
	var pos stream.Position
	for i := 0; ; i++ {
		if i > 1_000_000 {
			t.Fatal("no end")
		}
		chunk, err := src.Fetch(context.Background(), pos, n)
		if err != nil {
			t.Fatalf("fetch after %v: %v", pos, err)
		}
		if len(chunk.Records) > n {
			t.Fatalf("got %d records, limit %d", len(chunk.Records), n)
		}
		if chunk.Next.Offset != pos.Offset+int64(len(chunk.Records)) {
			t.Fatalf("next offset %d after %d + %d records", chunk.Next.Offset, pos.Offset, len(chunk.Records))
		}
		out = append(out, chunk.Records...)
		pos = chunk.Next
		if chunk.Done {
			return out
		}
		if len(chunk.Records) < n {
			// Allowed (the source could not tell it ended), but the next
			// fetch must then end.
			last, err := src.Fetch(context.Background(), pos, n)
			if err != nil || len(last.Records) != 0 || !last.Done {
				t.Fatalf("short chunk not followed by the end: %v %d %v", err, len(last.Records), last.Done)
			}
			return out
		}
	}
}

// fetchToError reads src from the start in chunks of n until a fetch
// fails or the source ends, and returns the records and the error.
func fetchToError(src RecordSource, n int) ([]value.Record, error) {
	var out []value.Record
	var pos stream.Position
	for range 1_000_000 {
		chunk, err := src.Fetch(context.Background(), pos, n)
		if err != nil {
			return out, err
		}
		out = append(out, chunk.Records...)
		if chunk.Done {
			return out, nil
		}
		pos = chunk.Next
	}
	return out, errors.New("no end")
}

// chunkPositions reads src in chunks of size n and returns each chunk's
// starting position with the records from there to the end.
func chunkPositions(t testing.TB, src RecordSource, n int) ([]stream.Position, [][]value.Record) {
	t.Helper()
	var positions []stream.Position
	var chunks [][]value.Record
	var pos stream.Position
	for {
		chunk, err := src.Fetch(context.Background(), pos, n)
		if err != nil {
			t.Fatal(err)
		}
		positions = append(positions, pos)
		chunks = append(chunks, chunk.Records)
		pos = chunk.Next
		if chunk.Done {
			break
		}
	}
	rest := make([][]value.Record, len(chunks))
	for i := range chunks {
		for _, c := range chunks[i:] {
			rest[i] = append(rest[i], c...)
		}
	}
	return positions, rest
}

// fetchFrom reads src from pos to the end.
func fetchFrom(t testing.TB, src RecordSource, pos stream.Position, n int) []value.Record {
	t.Helper()
	var out []value.Record
	for {
		chunk, err := src.Fetch(context.Background(), pos, n)
		if err != nil {
			t.Fatalf("fetch from %v: %v", pos, err)
		}
		out = append(out, chunk.Records...)
		pos = chunk.Next
		if chunk.Done {
			return out
		}
	}
}

// checkRestarts verifies that every position a source returns can be
// fetched from again, by the same source (out of order) and by a fresh
// one.
func checkRestarts(t *testing.T, open func() testSource, n int) {
	t.Helper()
	src := open()
	defer src.Close()
	positions, rest := chunkPositions(t, src, n)
	if len(positions) < 3 {
		t.Fatalf("only %d chunks; use more data", len(positions))
	}
	// Backwards on the same source.
	for i := len(positions) - 1; i >= 0; i-- {
		got := fetchFrom(t, src, positions[i], n)
		equalRecords(t, got, rest[i])
	}
	// A fresh source per position.
	for i, p := range positions {
		fresh := open()
		got := fetchFrom(t, fresh, p, n)
		fresh.Close()
		equalRecords(t, got, rest[i])
	}
	// A bare offset (no key) skips that many records.
	for i, p := range positions {
		fresh := open()
		got := fetchFrom(t, fresh, stream.Position{Offset: p.Offset}, n)
		fresh.Close()
		equalRecords(t, got, rest[i])
	}
}

func equalRecords(t testing.TB, got, want []value.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range got {
		if !equalRecord(got[i], want[i]) {
			t.Fatalf("record %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func equalRecord(a, b value.Record) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !equalValue(a[i], b[i]) {
			return false
		}
	}
	return true
}

// equalValue compares values exactly: same kind, and for decimals the
// same scale.
func equalValue(a, b any) bool {
	if value.KindOf(a) != value.KindOf(b) {
		return false
	}
	switch x := a.(type) {
	case value.Decimal:
		y := b.(value.Decimal)
		return x.Equal(y) && x.Scale() == y.Scale()
	case map[string]any:
		y := b.(map[string]any)
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if !equalValue(v, y[k]) {
				return false
			}
		}
		return true
	case []any:
		y := b.([]any)
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	}
	return value.Equal(a, b)
}

func dec(s string) value.Decimal { return value.MustDecimal(s) }

func date(s string) value.Date {
	d, err := value.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
