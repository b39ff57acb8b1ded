// Package docs holds the reportsh documentation (language.md, embedding.md)
// and the tests that keep it true: every example in it is compiled, run or
// executed, and its output compared with what the document shows.
//
// Fenced code blocks in language.md follow these conventions (the fence's
// info string is a tag, an optional script name NAME.rpt and flags):
//
//	```rpt [NAME.rpt]              the script must compile
//	```rpt-error [NAME.rpt]        the script must fail to compile; the next
//	                               block, ```text, holds the errors, one per line
//	```rpt-run [NAME.rpt] [FLAGS]  the script is run; the next block, ```output,
//	                               holds the report it prints
//	```rpt-fail [NAME.rpt] [FLAGS] the script compiles but its run fails; the
//	                               next block, ```text, holds the error
//	```file PATH                   a data file the examples may read
//	```console                     "$ reportsh ..." lines are run with the CLI;
//	                               the other lines are its output (stdout, then
//	                               stderr); "$ echo $?" prints the exit status
//
// FLAGS are those of `reportsh run`: --format F (or -f F), -p NAME=VALUE and
// --on-error skip|fail. Scripts are compiled in a scratch copy of
// ../examples (its .rpt files and data/), with the file blocks added and the
// named scripts written there, as interp.Options{Dir: that copy}; script
// names in error messages are compared loosely (any NAME.rpt matches).
//
// go test ./docs -update rewrites the expected blocks and the function table
// from what the code does now; review the diff before keeping it.
package docs

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/stdlib"
)

var update = flag.Bool("update", false, "rewrite the expected output blocks and the function table of the docs")

const (
	languageDoc  = "language.md"
	embeddingDoc = "embedding.md"
	examplesDir  = "../examples"
)

// block is one fenced code block of a markdown file.
type block struct {
	info       string // the fence's info string
	line       int    // 1-based line of the opening fence
	start, end int    // byte offsets of the content in the file
	text       string // the content, ending in a newline unless empty
}

// tag is the first word of the info string ("rpt", "output", ...).
func (b *block) tag() string {
	if f := strings.Fields(b.info); len(f) > 0 {
		return f[0]
	}
	return ""
}

// args are the words of the info string after the tag.
func (b *block) args() []string {
	if f := strings.Fields(b.info); len(f) > 1 {
		return f[1:]
	}
	return nil
}

// parseBlocks returns the fenced code blocks of a markdown document. Fences
// are lines starting with three backticks, at the start of the line.
func parseBlocks(src string) ([]*block, error) {
	var out []*block
	var cur *block
	off := 0
	for i, line := range strings.SplitAfter(src, "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			cur = &block{info: strings.TrimSpace(trimmed[3:]), line: i + 1, start: off + len(line)}
		case cur != nil && strings.TrimSpace(trimmed) == "```":
			cur.end = off
			cur.text = src[cur.start:cur.end]
			out = append(out, cur)
			cur = nil
		}
		off += len(line)
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: code block is never closed", cur.line)
	}
	return out, nil
}

// runFlags are the flags of an rpt-run or rpt-fail block.
type runFlags struct {
	name    string
	format  string
	onError string
	params  map[string]string
}

func parseRunFlags(args []string) (runFlags, error) {
	f := runFlags{name: "example.rpt", params: map[string]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("flag %s needs a value", a)
			}
			i++
			return args[i], nil
		}
		var err error
		switch {
		case strings.HasSuffix(a, ".rpt") && !strings.HasPrefix(a, "-"):
			f.name = a
		case a == "--format" || a == "-f":
			f.format, err = next()
		case a == "--on-error":
			f.onError, err = next()
		case a == "-p":
			var v string
			if v, err = next(); err == nil {
				k, val, ok := strings.Cut(v, "=")
				if !ok {
					return f, fmt.Errorf("-p needs NAME=VALUE, not %q", v)
				}
				f.params[k] = val
			}
		default:
			return f, fmt.Errorf("unknown flag %q", a)
		}
		if err != nil {
			return f, err
		}
	}
	return f, nil
}

// scriptName matches script file names, which the comparisons ignore.
var scriptName = regexp.MustCompile(`[\w./-]*\.rpt\b`)

// normalize makes expected and actual text comparable: script names
// replaced, trailing blanks removed from every line and from the end.
func normalize(s string) string {
	s = scriptName.ReplaceAllString(s, "FILE.rpt")
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// errorText renders a compile or run error as the docs show it: one error
// per line.
func errorText(err error) string {
	var list grammar.ErrorList
	if errors.As(err, &list) {
		var b strings.Builder
		for _, e := range list {
			b.WriteString(e.Error())
			b.WriteByte('\n')
		}
		return b.String()
	}
	return err.Error() + "\n"
}

// workspace makes the scratch directory the examples run in: a copy of
// ../examples (scripts and data), the doc's file blocks and its named
// scripts.
func workspace(t *testing.T, blocks []*block) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(examplesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(examplesDir, p)
		if d.IsDir() {
			if rel == "testdata" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		if filepath.Ext(p) == ".go" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, b := range blocks {
		var name string
		switch b.tag() {
		case "file":
			if len(b.args()) != 1 {
				t.Errorf("%s:%d: want ```file PATH", languageDoc, b.line)
				continue
			}
			name = b.args()[0]
		case "rpt", "rpt-error", "rpt-run", "rpt-fail":
			f, err := parseRunFlags(b.args())
			if err != nil {
				t.Errorf("%s:%d: %v", languageDoc, b.line, err)
				continue
			}
			if f.name == "example.rpt" {
				continue
			}
			name = f.name
		default:
			continue
		}
		if prev, dup := names[name]; dup {
			t.Errorf("%s:%d: %s is already defined at line %d", languageDoc, b.line, name, prev)
			continue
		}
		names[name] = b.line
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// edit is a replacement of a block's content, for -update.
type edit struct {
	start, end int
	text       string
}

// TestLanguage checks every example of language.md.
func TestLanguage(t *testing.T) {
	src, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parseBlocks(string(src))
	if err != nil {
		t.Fatalf("%s: %v", languageDoc, err)
	}
	ws := workspace(t, blocks)
	var edits []edit
	// compare checks that target holds got; under -update it records the
	// edit that makes it so.
	compare := func(origin, target *block, got string) {
		t.Helper()
		if *update {
			if target.text != got {
				edits = append(edits, edit{target.start, target.end, got})
			}
			return
		}
		if normalize(target.text) != normalize(got) {
			t.Errorf("%s:%d: the block at line %d does not match.\n got:\n%s\nwant:\n%s", languageDoc, origin.line, target.line, got, target.text)
		}
	}
	// expect checks the block after b, which must be tagged wantTag.
	expect := func(b *block, wantTag, got string) {
		t.Helper()
		i := indexOf(blocks, b) + 1
		if i >= len(blocks) || blocks[i].tag() != wantTag {
			t.Errorf("%s:%d: a ```%s block must follow this ```%s block", languageDoc, b.line, wantTag, b.tag())
			return
		}
		compare(b, blocks[i], got)
	}
	n := 0
	for _, b := range blocks {
		switch b.tag() {
		case "rpt", "rpt-error", "rpt-run", "rpt-fail":
		case "console":
			n++
			if _, err := cli(); err != nil {
				t.Logf("%s:%d: console block not checked: cannot build the CLI: %v", languageDoc, b.line, err)
				continue
			}
			compare(b, b, runConsole(t, ws, b))
			continue
		default:
			continue
		}
		n++
		f, err := parseRunFlags(b.args())
		if err != nil {
			t.Errorf("%s:%d: %v", languageDoc, b.line, err)
			continue
		}
		prog, err := interp.Compile(context.Background(), f.name, []byte(b.text), &interp.Options{Dir: ws})
		if b.tag() == "rpt-error" {
			if err == nil {
				t.Errorf("%s:%d: the script compiles, but an rpt-error block must not", languageDoc, b.line)
				continue
			}
			expect(b, "text", errorText(err))
			continue
		}
		if err != nil {
			t.Errorf("%s:%d: the script does not compile:\n%s", languageDoc, b.line, errorText(err))
			continue
		}
		if b.tag() == "rpt" {
			continue
		}
		var out bytes.Buffer
		_, err = prog.Run(context.Background(), &interp.RunConfig{
			Output: &out, Format: interp.Format(f.format), OnError: interp.OnError(f.onError), Params: f.params,
		})
		switch {
		case b.tag() == "rpt-run" && err != nil:
			t.Errorf("%s:%d: the run fails: %v", languageDoc, b.line, err)
		case b.tag() == "rpt-run":
			expect(b, "output", out.String())
		case err == nil:
			t.Errorf("%s:%d: the run succeeds, but an rpt-fail block's must fail", languageDoc, b.line)
		default:
			expect(b, "text", errorText(err))
		}
	}
	if n < 50 {
		t.Errorf("%s has only %d checked examples", languageDoc, n)
	}
	if *update {
		out := applyEdits(string(src), edits)
		out = replaceFunctionTable(t, out)
		if out != string(src) {
			if err := os.WriteFile(languageDoc, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func indexOf(blocks []*block, b *block) int {
	for i, x := range blocks {
		if x == b {
			return i
		}
	}
	return -1
}

func applyEdits(src string, edits []edit) string {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	for _, e := range edits {
		src = src[:e.start] + e.text + src[e.end:]
	}
	return src
}

var (
	cliOnce sync.Once
	cliPath string
	cliErr  error
)

// cli builds the reportsh command once per test binary.
func cli() (string, error) {
	cliOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			cliErr = err
			return
		}
		dir, err := os.MkdirTemp("", "reportsh-docs-*")
		if err != nil {
			cliErr = err
			return
		}
		cliPath = filepath.Join(dir, "reportsh")
		cmd := exec.Command(goTool, "build", "-o", cliPath, "github.com/reportsh/reportsh/cmd/reportsh")
		if out, err := cmd.CombinedOutput(); err != nil {
			cliErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	return cliPath, cliErr
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if cliPath != "" {
		os.RemoveAll(filepath.Dir(cliPath))
	}
	os.Exit(code)
}

// runConsole runs the commands of a console block in dir and returns the
// transcript: each command followed by its stdout and stderr.
func runConsole(t *testing.T, dir string, b *block) string {
	t.Helper()
	var out strings.Builder
	status := 0
	for _, line := range strings.Split(strings.TrimRight(b.text, "\n"), "\n") {
		cmdline, ok := strings.CutPrefix(line, "$ ")
		if !ok {
			continue
		}
		out.WriteString(line + "\n")
		words, err := shellWords(cmdline)
		if err != nil || len(words) == 0 {
			t.Errorf("%s:%d: cannot parse %q: %v", languageDoc, b.line, cmdline, err)
			return b.text
		}
		switch {
		case cmdline == "echo $?":
			fmt.Fprintf(&out, "%d\n", status)
		case words[0] == "reportsh":
			path, err := cli()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(path, words[1:]...)
			cmd.Dir = dir
			// A fixed run date (as reproducible builds fix theirs): the same
			// document every time.
			cmd.Env = append(os.Environ(), "NO_COLOR=1", "SOURCE_DATE_EPOCH=1782810000")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			status = 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatalf("%s:%d: %v", languageDoc, b.line, err)
			}
			out.Write(stdout.Bytes())
			if stdout.Len() > 0 && !bytes.HasSuffix(stdout.Bytes(), []byte("\n")) {
				out.WriteByte('\n')
			}
			out.Write(stderr.Bytes())
		default:
			t.Errorf("%s:%d: only reportsh and echo $? can run in a console block, not %q", languageDoc, b.line, words[0])
			return b.text
		}
	}
	return out.String()
}

// shellWords splits a command line into words, with '...' and "..." quoting.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unterminated quote")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

const (
	tableBegin = "<!-- functions:begin (generated from stdlib.All() by go test ./docs -update) -->\n"
	tableEnd   = "<!-- functions:end -->\n"
)

// functionTable is the markdown table of the built-in functions.
func functionTable() string {
	esc := strings.NewReplacer("|", `\|`)
	var b strings.Builder
	b.WriteString("| function | what it does |\n|---|---|\n")
	for _, f := range stdlib.All() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", esc.Replace(f.Sig), esc.Replace(f.Doc))
	}
	return b.String()
}

func replaceFunctionTable(t *testing.T, doc string) string {
	i := strings.Index(doc, tableBegin)
	j := strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: no function table markers", languageDoc)
	}
	return doc[:i+len(tableBegin)] + functionTable() + doc[j:]
}

// TestFunctionTable checks that language.md lists every built-in function
// exactly as stdlib.All() describes it.
func TestFunctionTable(t *testing.T) {
	src, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	i := strings.Index(doc, tableBegin)
	j := strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: the function table markers are missing", languageDoc)
	}
	if got, want := doc[i+len(tableBegin):j], functionTable(); got != want {
		t.Errorf("%s: the function table differs from stdlib.All() (run go test ./docs -update):\n%s", languageDoc, want)
	}
	for _, f := range stdlib.All() {
		if !strings.Contains(doc, "| `"+f.Name+"(") {
			t.Errorf("%s: function %s is not documented", languageDoc, f.Name)
		}
	}
}

// TestAggregatesDocumented checks that language.md names every aggregate
// function and alias.
func TestAggregatesDocumented(t *testing.T) {
	src, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range agg.Names() {
		if !regexp.MustCompile("`" + name + `\b`).Match(src) {
			t.Errorf("%s: aggregate %s is not documented (as `%s(...)`)", languageDoc, name, name)
		}
	}
}
