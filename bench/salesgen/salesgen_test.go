package salesgen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
)

// writer is the signature shared by the stream writers.
type writer func(io.Writer, Config) error

func generate(t testing.TB, write writer, cfg Config) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden pins the generator's output: any change to what it writes,
// intended or not, changes these hashes. After an intended change,
// regenerate examples/data (see its README) and paste the new hashes here.
func TestGolden(t *testing.T) {
	cfg := Config{Rows: 1000, Seed: 1}
	for _, tc := range []struct {
		name  string
		write writer
		want  string
	}{
		{"sales.csv", WriteCSV, "08a27331cf2d4f93208e1230ec26d2710a6884c85b5d3014dc7443902c0807eb"},
		{"sales.jsonl", WriteJSONL, "813cbacbd5329d1e5107e3e217b1031e80cce28f84640a27c13442d819806768"},
		{"customers.csv", WriteCustomersCSV, "553f606cf51cde7e1577ca1d880b262cfa1b45c1b2ec4254ecd0e60124754cc7"},
	} {
		sum := sha256.Sum256(generate(t, tc.write, cfg))
		if got := hex.EncodeToString(sum[:]); got != tc.want {
			t.Errorf("%s (rows 1000, seed 1): SHA-256 %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, cfg := range []Config{{Rows: 1000, Seed: 1}, {Rows: 777, Seed: 1 << 63}} {
		for name, write := range map[string]writer{"csv": WriteCSV, "jsonl": WriteJSONL, "customers": WriteCustomersCSV} {
			a, b := generate(t, write, cfg), generate(t, write, cfg)
			if !bytes.Equal(a, b) {
				t.Errorf("%s %+v: two runs differ", name, cfg)
			}
		}
	}
}

func TestSeedsDiffer(t *testing.T) {
	a := generate(t, WriteCSV, Config{Rows: 100, Seed: 1})
	b := generate(t, WriteCSV, Config{Rows: 100, Seed: 2})
	if bytes.Equal(a, b) {
		t.Error("seeds 1 and 2 give the same CSV")
	}
}

// TestCustomersPrefix checks that a customer depends only on the seed and
// its id, so a small data set's customers are a prefix of a larger one's.
func TestCustomersPrefix(t *testing.T) {
	small := generate(t, WriteCustomersCSV, Config{Rows: 1000, Seed: 7})
	large := generate(t, WriteCustomersCSV, Config{Rows: 5000, Seed: 7})
	if !bytes.HasPrefix(large, small) {
		t.Error("customers of 1000 rows are not a prefix of those of 5000 rows")
	}
}

func TestZeroConfig(t *testing.T) {
	if got, want := string(generate(t, WriteCSV, Config{})), "id,territory,customer_id,customer,product,amount,quantity,sale_date\n"; got != want {
		t.Errorf("WriteCSV(Config{}) = %q, want %q", got, want)
	}
	if got := generate(t, WriteJSONL, Config{}); len(got) != 0 {
		t.Errorf("WriteJSONL(Config{}) = %q, want nothing", got)
	}
	n := 0
	for range Customers(Config{}) {
		n++
	}
	if n != minCustomers {
		t.Errorf("Customers(Config{}) yields %d customers, want %d", n, minCustomers)
	}
}

func TestNegativeRows(t *testing.T) {
	cfg := Config{Rows: -1}
	for name, write := range map[string]writer{"WriteCSV": WriteCSV, "WriteJSONL": WriteJSONL, "WriteCustomersCSV": WriteCustomersCSV} {
		if err := write(io.Discard, cfg); err == nil {
			t.Errorf("%s(Rows: -1) succeeded, want an error", name)
		}
	}
	if err := WriteSQLite(t.TempDir()+"/x.db", cfg); err == nil {
		t.Error("WriteSQLite(Rows: -1) succeeded, want an error")
	}
}

// TestRowsStop checks that the iterator honours an early break and that
// every call starts afresh.
func TestRowsStop(t *testing.T) {
	cfg := Config{Rows: 100, Seed: 3}
	var first []Sale
	for s := range Rows(cfg) {
		if len(first) == 10 {
			break
		}
		first = append(first, s)
	}
	i := 0
	for s := range Rows(cfg) {
		if i == len(first) {
			break
		}
		if s != first[i] {
			t.Fatalf("second pass row %d = %+v, want %+v", i, s, first[i])
		}
		i++
	}
}

// errWriter fails every write.
type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestWriteError(t *testing.T) {
	cfg := Config{Rows: 10000, Seed: 1}
	for name, write := range map[string]writer{"WriteCSV": WriteCSV, "WriteJSONL": WriteJSONL, "WriteCustomersCSV": WriteCustomersCSV} {
		if err := write(errWriter{}, cfg); err != io.ErrShortWrite {
			t.Errorf("%s to a failing writer: %v, want %v", name, err, io.ErrShortWrite)
		}
	}
}
