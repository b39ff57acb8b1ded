// Package examples holds the example reports; its test runs every one of
// them over the bundled data and compares the output with its golden file.
package examples

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/internal/xlsxdump"
	"github.com/reportsh/reportsh/interp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestExamples(t *testing.T) {
	scripts, err := filepath.Glob("*.rpt")
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) < 5 {
		t.Fatalf("only %d examples", len(scripts))
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(script, ".rpt")
		t.Run(name, func(t *testing.T) {
			t.Parallel() // its own program and golden files
			src, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			prog, err := interp.Compile(context.Background(), script, src, &interp.Options{Dir: "."})
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "csv", "markdown", "html", "xlsx", "pdf"} {
				var out bytes.Buffer
				if _, err := prog.Run(context.Background(), &interp.RunConfig{Output: &out, Format: interp.Format(format)}); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", name+"."+format+".golden")
				if format == "xlsx" { // the workbook as excelize reads it back
					dump, err := xlsxdump.Dump(out.Bytes())
					if err != nil {
						t.Fatal(err)
					}
					out.Reset()
					out.WriteString(dump)
					golden = filepath.Join("testdata", name+".xlsx.txt.golden")
				}
				if format == "pdf" { // the text layer, as pdftotext -layout reads it
					firstPage(t, name, out.Bytes())
					text := pdfText(t, name, out.Bytes())
					out.Reset()
					out.WriteString(text)
					golden = filepath.Join("testdata", name+".pdf.txt.golden")
				}
				if *update {
					if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./examples -update)", err)
				}
				if !bytes.Equal(out.Bytes(), want) {
					t.Errorf("%s output differs from %s:\n%s", format, golden, out.String())
				}
			}
		})
	}
}
