package salesgen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// exampleData is the bundled data set in examples/data and the
// configuration that generates it.
var (
	exampleDir = filepath.Join("..", "..", "examples", "data")
	exampleCfg = Config{Rows: 3000, Seed: 1}
)

const regenerate = "regenerate with: go run ./bench/cmd/gensales -rows 3000 -seed 1 -out examples/data"

// TestExampleDataMatchesGenerator regenerates the bundled text files and
// compares them byte for byte with the committed ones.
func TestExampleDataMatchesGenerator(t *testing.T) {
	for _, tc := range []struct {
		file  string
		write writer
	}{
		{"sales.csv", WriteCSV},
		{"sales.jsonl", WriteJSONL},
		{"customers.csv", WriteCustomersCSV},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.write(f, exampleCfg); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			committed, err := os.ReadFile(filepath.Join(exampleDir, tc.file))
			if err != nil {
				t.Fatalf("%v (%s)", err, regenerate)
			}
			if !bytes.Equal(got, committed) {
				line := 1 + bytes.Count(got[:commonPrefix(got, committed)], []byte("\n"))
				t.Errorf("examples/data/%s differs from the generator's output from line %d on; %s", tc.file, line, regenerate)
			}
		})
	}
}

// TestExampleDatabaseMatchesGenerator reads the committed sales.db through
// database/sql and compares both tables with the generator's rows.
func TestExampleDatabaseMatchesGenerator(t *testing.T) {
	path := filepath.Join(exampleDir, "sales.db")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%v (%s)", err, regenerate)
	}
	checkDatabase(t, path, exampleCfg)
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
