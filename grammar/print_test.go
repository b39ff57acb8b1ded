package grammar

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/fmt")

// TestFormatGolden formats every testdata/fmt/NAME.input and compares the
// result with NAME.golden; go test ./grammar -run FormatGolden -update
// rewrites the golden files.
func TestFormatGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/fmt/*.input")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no testdata/fmt/*.input files (%v)", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".input")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := checkFormat(t, name+".rpt", src)
			golden := strings.TrimSuffix(in, ".input") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./grammar -run FormatGolden -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Format(%s) differs from %s:\n%s", in, golden, got)
			}
		})
	}
}

// checkFormat formats src, which must parse, and checks that the result is
// formatted (Format is idempotent) and parses to the same AST.
func checkFormat(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	f, err := Parse(name, src)
	if err != nil {
		t.Fatalf("test input does not parse: %v", err)
	}
	out, err := Format(name, src)
	if err != nil {
		t.Fatalf("Format: %v", err)
	}
	g, err := Parse(name, out)
	if err != nil {
		t.Fatalf("formatted script does not parse: %v\n%s", err, out)
	}
	if a, b := shape(f), shape(g); a != b {
		t.Fatalf("formatted script parses differently:\n%s\n--- AST before ---\n%s--- after ---\n%s", out, a, b)
	}
	again, err := Format(name, out)
	if err != nil {
		t.Fatalf("Format of the formatted script: %v", err)
	}
	if !bytes.Equal(again, out) {
		t.Fatalf("Format is not idempotent:\n--- once ---\n%s--- twice ---\n%s", out, again)
	}
	return out
}

// corpus returns the scripts of the repository: every .rpt file under
// testdata, ../examples, ../conformance, ../bench and ../docs, and the rpt
// code blocks of ../docs/language.md, by name.
func corpus(t testing.TB) map[string][]byte {
	files := map[string][]byte{}
	for _, dir := range []string{"testdata", "../examples", "../conformance", "../bench", "../docs"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rpt") {
				return err
			}
			src, err := os.ReadFile(path)
			files[path] = src
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	doc, err := os.ReadFile("../docs/language.md")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range rptBlock.FindAllSubmatch(doc, -1) {
		files["../docs/language.md#"+string(rune('a'+i%26))+strings.Repeat("'", i/26)] = m[1]
	}
	return files
}

// rptBlock matches a fenced rpt, rpt-run, rpt-error or rpt-fail block.
var rptBlock = regexp.MustCompile("(?ms)^```rpt[^\n]*\n(.*?)^```")

// TestFormatCorpus formats every script of the repository that parses and
// checks that the result is formatted and means the same.
func TestFormatCorpus(t *testing.T) {
	n := 0
	for name, src := range corpus(t) {
		if _, err := Parse(name, src); err != nil {
			continue // rpt-error blocks and syntax-error cases
		}
		n++
		t.Run(name, func(t *testing.T) { checkFormat(t, name, src) })
	}
	if n < 100 {
		t.Errorf("only %d scripts in the corpus", n)
	}
}

// TestFormatErrors checks that Format returns Parse's errors for a script
// with syntax errors, and no output.
func TestFormatErrors(t *testing.T) {
	src := []byte("where a >\nsummary { n: COUNT( }\n")
	out, err := Format("bad.rpt", src)
	_, perr := Parse("bad.rpt", src)
	if out != nil || err == nil || perr == nil || err.Error() != perr.Error() {
		t.Errorf("Format = %q, %v; want the errors of Parse, %v", out, err, perr)
	}
	if _, ok := err.(ErrorList); !ok {
		t.Errorf("error %T is not an ErrorList", err)
	}
}

func TestRequote(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"plain"`, `"plain"`},
		{`'single'`, `"single"`},
		{`'it\'s "q"'`, `"it's \"q\""`},
		{`"say \'hi\'"`, `"say 'hi'"`},
		{`'tab\t\u00e9\\'`, `"tab\t\u00e9\\"`},
		{`'\\\''`, `"\\'"`},
		{"`C:\\raw\"`", "`C:\\raw\"`"},
		{`''`, `""`},
	}
	for _, tt := range tests {
		if got := requote(tt.in); got != tt.want {
			t.Errorf("requote(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzFormat checks that Format never panics, and that for a script that
// parses it succeeds, is idempotent and keeps the AST. It is seeded from the
// parse tests and the corpus.
func FuzzFormat(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.src)
	}
	for _, src := range corpus(f) {
		f.Add(string(src))
	}
	inputs, _ := filepath.Glob("testdata/fmt/*.input")
	for _, in := range inputs {
		if src, err := os.ReadFile(in); err == nil {
			f.Add(string(src))
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		if _, err := Parse("fuzz.rpt", []byte(src)); err != nil {
			if out, err := Format("fuzz.rpt", []byte(src)); err == nil || out != nil {
				t.Fatalf("Format of a script with errors = %q, %v", out, err)
			}
			return
		}
		checkFormat(t, "fuzz.rpt", []byte(src))
	})
}
