//go:build unix

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 15 item 21: `run x.rpt -o FILE` where FILE is one of the report's
// inputs (its source, a lookup's file, the script itself), or a profile
// that is one, is refused before anything is written: the input is left
// as it was.
func TestOutputIsAnInput(t *testing.T) {
	dir := t.TempDir()
	data := "t,amount\nA,1\nB,2\n"
	src := writeScript(t, dir, "data.csv", data)
	writeScript(t, dir, "names.csv", "t,name\nA,Alpha\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"data.csv\")\nlookup n = csv(\"names.csv\") on t == t\nsummary { c: COUNT() }\n")
	scriptText, err := os.ReadFile(script)
	require.NoError(t, err)
	link := filepath.Join(dir, "link.csv")
	require.NoError(t, os.Symlink("data.csv", link))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", src}, "-o " + src + " is the file the report reads (source data.csv)"},
		{[]string{"-o", filepath.Join(dir, ".", "data.csv"), "-f", "json"}, "is the file the report reads (source data.csv)"},
		{[]string{"-o", link}, "is the file the report reads (source data.csv)"},
		{[]string{"-o", filepath.Join(dir, "names.csv")}, "is the file the report reads (lookup n: names.csv)"},
		{[]string{"-o", script, "-f", "text"}, "is the file the report reads (the script)"},
		{[]string{"--cpuprofile", src}, "--cpuprofile " + src + " is the file the report reads (source data.csv)"},
		{[]string{"-o", filepath.Join(dir, "out.csv"), "--memprofile", filepath.Join(dir, "out.csv")}, "--memprofile " + filepath.Join(dir, "out.csv") + " is the report's output"},
	} {
		code, out, errs := runCLI(t, append([]string{"run", script}, tt.args...)...)
		assert.Equal(t, exitUsage, code, "%v: %s", tt.args, errs)
		assert.Contains(t, errs, tt.want, tt.args)
		assert.Empty(t, out, tt.args)
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		assert.Equal(t, data, string(b), "%v: the source is intact", tt.args)
		b, err = os.ReadFile(script)
		require.NoError(t, err)
		assert.Equal(t, string(scriptText), string(b), "%v: the script is intact", tt.args)
	}
}

// Issue 15 item 21: the report is written to a temporary file beside -o
// FILE and renamed to it at the end, so a run that fails leaves FILE as it
// was (or absent) and no temporary file behind.
func TestOutputFileReplacedAtTheEnd(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1\nB,x\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\") { amount: decimal }\ndetail { t, amount }\n")
	out := filepath.Join(dir, "out.csv")
	require.NoError(t, os.WriteFile(out, []byte("old\n"), 0o640))
	code, _, errs := runCLI(t, "run", script, "-o", out)
	require.Equal(t, exitRun, code, errs)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(b), "a failed run leaves the old output")
	missing := filepath.Join(dir, "new.csv")
	code, _, errs = runCLI(t, "run", script, "-o", missing)
	require.Equal(t, exitRun, code, errs)
	assert.NoFileExists(t, missing, "a failed run writes no file")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary file is left: %v", entries)

	code, _, errs = runCLI(t, "run", script, "-o", out, "--on-error", "skip", "-q")
	require.Equal(t, exitOK, code, errs)
	b, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "band,level,t,amount\ndetail,,A,1\n", string(b))
	info, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), "the file keeps its permissions")
}

// Issue 15 item 21 (sibling): fmt -w rewrites a script through a
// replacement too, so that a failed write cannot leave half a script; the
// file keeps its permissions, and a link to it stays a link.
func TestFmtWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	script := writeScript(t, dir, "u.rpt", "summary {n:COUNT()}\n")
	require.NoError(t, os.Chmod(script, 0o600))
	link := filepath.Join(dir, "link.rpt")
	require.NoError(t, os.Symlink("u.rpt", link))
	code, _, errs := runCLI(t, "fmt", "-w", link)
	require.Equal(t, exitOK, code, errs)
	b, err := os.ReadFile(script)
	require.NoError(t, err)
	assert.Equal(t, "summary { n: COUNT() }\n", string(b))
	info, err := os.Lstat(link)
	require.NoError(t, err)
	assert.Equal(t, os.ModeSymlink, info.Mode().Type(), "the link stays a link")
	info, err = os.Stat(script)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file is left")
}
