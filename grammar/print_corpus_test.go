package grammar

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fmtSkip lists the example and conformance scripts, by path from the
// repository's root, that are left unformatted on purpose, each with the
// reason.
var fmtSkip = map[string]string{
	"conformance/testdata/err_detail_two_groupings.rpt": "its expected error cites 6:8, which splitting the one-line groups above it would move",
}

// TestCorpusFormatted fails if a script of ../examples or
// ../conformance/testdata is not formatted. Scripts with syntax errors (the
// err_syntax_* cases) cannot be formatted and are left out.
func TestCorpusFormatted(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../examples/*.rpt", "../conformance/testdata/*.rpt"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no scripts found")
	}
	seen := map[string]bool{}
	var unformatted []string
	for _, path := range files {
		name := strings.TrimPrefix(filepath.ToSlash(path), "../")
		if _, skip := fmtSkip[name]; skip {
			seen[name] = true
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(path, src); err != nil {
			t.Logf("%s has syntax errors: not checked", path)
			continue
		}
		out, err := Format(path, src)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if !bytes.Equal(out, src) {
			unformatted = append(unformatted, path)
		}
	}
	for name := range fmtSkip {
		if !seen[name] {
			t.Errorf("fmtSkip lists %s, which does not exist: remove the entry", name)
		}
	}
	if len(unformatted) > 0 {
		t.Errorf("not formatted:\n\t%s\nRun `go run ./cmd/reportsh fmt -w examples/*.rpt conformance/testdata/*.rpt` "+
			"from the repository's root, then restore the files that fmtSkip in grammar/print_corpus_test.go "+
			"leaves alone: %s",
			strings.Join(unformatted, "\n\t"), strings.Join(skipped(), " "))
	}
}

func skipped() []string {
	names := make([]string, 0, len(fmtSkip))
	for name := range fmtSkip {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
