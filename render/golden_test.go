package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenExt names the golden file of each format.
var goldenExt = map[string]string{
	"text": "txt", "csv": "csv", "json": "json", "jsonl": "jsonl", "markdown": "md", "html": "html",
	"pdf":  "pdf.txt",  // the text layer (pdftotext -layout)
	"xlsx": "xlsx.txt", // the workbook read back (readXlsx's dump)
}

// fixtures are the golden event streams, by name.
var fixtures = []struct {
	name string
	make func() *fixture
}{
	{"fixture", newFixture},
	{"flat", newFlatFixture},
	{"footers", newFootersFixture},
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		for _, format := range Formats() {
			t.Run(fx.name+"/"+format, func(t *testing.T) {
				var out bytes.Buffer
				if err := fx.make().run(format, &out, Options{}); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, fx.name+"."+goldenExt[format]+".golden", []byte(readable(t, format, out.Bytes())))

				var again bytes.Buffer // deterministic: byte-identical on a second run
				if err := fx.make().run(format, &again, Options{}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out.Bytes(), again.Bytes()) {
					t.Errorf("%s output differs between two runs", format)
				}
			})
		}
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./render -update to accept it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}
