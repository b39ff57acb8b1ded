package conformance

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// handWritten lists the cases whose golden file was written by hand because
// the interpreter does not produce the correct output yet: -update leaves
// them alone, and they fail until the bug named here is fixed. Remove the
// entry with the fix.
var handWritten = map[string]string{}

// workDir is a copy of testdata with the SQLite databases built.
var workDir string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "conformance-*")
	if err != nil {
		panic(err)
	}
	if err := copyTree("testdata", dir); err != nil {
		panic(err)
	}
	if err := buildDatabases(filepath.Join(dir, "data")); err != nil {
		panic(err)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// buildDatabases runs every NAME.sql in dir into NAME.db.
func buildDatabases(dir string) error {
	scripts, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
	for _, s := range scripts {
		text, err := os.ReadFile(s)
		if err != nil {
			return err
		}
		db, err := sql.Open("sqlite", strings.TrimSuffix(s, ".sql")+".db")
		if err != nil {
			return err
		}
		// Without the journal and the syncs: each statement's commit was
		// synced to disk, and a test's database needs no crash safety.
		if _, err := db.Exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;\n" + string(text)); err != nil {
			db.Close()
			return fmt.Errorf("%s: %w", s, err)
		}
		if err := db.Close(); err != nil {
			return err
		}
	}
	return nil
}

// caseArgs reads the "# args:" line of a case.
func caseArgs(src []byte) (*interp.RunConfig, error) {
	rc := &interp.RunConfig{Params: map[string]string{}}
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		rest, ok := strings.CutPrefix(line, "# args:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		for i := 0; i < len(f); i++ {
			if i+1 >= len(f) {
				return nil, fmt.Errorf("flag %s needs a value", f[i])
			}
			switch f[i] {
			case "--format":
				rc.Format = interp.Format(f[i+1])
			case "-p":
				k, v, _ := strings.Cut(f[i+1], "=")
				rc.Params[k] = v
			case "--on-error":
				rc.OnError = interp.OnError(f[i+1])
			case "--chunk-size":
				n, err := strconv.Atoi(f[i+1])
				if err != nil {
					return nil, err
				}
				rc.ChunkSize = n
			default:
				return nil, fmt.Errorf("unknown flag %s", f[i])
			}
			i++
		}
	}
	return rc, nil
}

// runCase compiles and runs one case, returning what the golden file holds.
func runCase(t *testing.T, path string, chunk int) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := caseArgs(src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if rc.ChunkSize == 0 {
		rc.ChunkSize = chunk
	}
	var out bytes.Buffer
	name := filepath.Base(path)
	prog, err := interp.Compile(context.Background(), name, src, &interp.Options{Dir: filepath.Dir(path)})
	if err == nil {
		rc.Output = &out
		_, err = prog.Run(context.Background(), rc)
	}
	if err != nil {
		out.WriteString("-- error --\n")
		var list grammar.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				out.WriteString(e.Error() + "\n")
			}
		} else {
			out.WriteString(err.Error() + "\n")
		}
	}
	return out.Bytes()
}

func cases(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(workDir, "*.rpt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no conformance cases")
	}
	return files
}

// Scenarios I24, A23: the same report over the same data gives byte-identical output across runs and chunk sizes.
func TestConformance(t *testing.T) {
	for _, path := range cases(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".rpt")
		t.Run(name, func(t *testing.T) {
			got := runCase(t, path, 1000)
			golden := filepath.Join("testdata", name+".golden")
			if reason, ok := handWritten[name]; ok && *update {
				t.Logf("golden written by hand, not rewritten: %s", reason)
			} else if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing golden file (run go test ./conformance -update): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s\n--- got ---\n%s\n--- want ---\n%s", golden, got, want)
			}
			for _, chunk := range []int{1, 7} {
				if again := runCase(t, path, chunk); !bytes.Equal(again, got) {
					t.Errorf("chunk size %d changes the output:\n%s", chunk, again)
				}
			}
		})
	}
}

// TestHandWrittenCases keeps handWritten free of cases that no longer exist.
func TestHandWrittenCases(t *testing.T) {
	for name := range handWritten {
		if _, err := os.Stat(filepath.Join("testdata", name+".rpt")); err != nil {
			t.Errorf("handWritten lists %s, which is not a case: %v", name, err)
		}
	}
}

// TestCaseCount keeps the suite at the size the language issue asks for.
func TestCaseCount(t *testing.T) {
	files := cases(t)
	errorCases := 0
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", strings.TrimSuffix(filepath.Base(f), ".rpt")+".golden"))
		if err == nil && bytes.Contains(b, []byte("-- error --")) {
			errorCases++
		}
	}
	if len(files) < 70 || errorCases < 25 {
		t.Errorf("conformance suite has %d cases (%d error cases); want at least 70 (25)", len(files), errorCases)
	}
}
