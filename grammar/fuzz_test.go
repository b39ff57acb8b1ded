package grammar

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics and that whatever AST it returns
// keeps the invariants of checkInvariants. It is seeded from the test tables
// and from every .rpt file under testdata, ../examples and ../conformance.
func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add(tt.src)
	}
	for _, tt := range errorTests {
		f.Add(tt.src)
	}
	for _, dir := range []string{"testdata", "../examples", "../conformance"} {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rpt") {
				return nil
			}
			if src, err := os.ReadFile(path); err == nil {
				f.Add(string(src))
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, src string) {
		file, err := Parse("fuzz.rpt", []byte(src))
		if file == nil {
			t.Fatal("nil File")
		}
		if msg := checkInvariants([]byte(src), file, err != nil); msg != "" {
			t.Fatal(msg)
		}
		if err == nil {
			return
		}
		list, ok := err.(ErrorList)
		if !ok || len(list) == 0 {
			t.Fatalf("error %v is not a non-empty ErrorList", err)
		}
		for _, e := range list {
			if strings.HasPrefix(e.Msg, "internal error") {
				t.Fatal(e)
			}
			if msg := checkPos([]byte(src), e.Pos.lex()); msg != "" {
				t.Fatalf("%v: %s", e, msg)
			}
		}
	})
}
