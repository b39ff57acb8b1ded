//go:build unix

package interp_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/interp/internal/fixture"
)

// linkedDir makes a directory whose links lead out of it: to a CSV file,
// to a directory and to a SQLite database outside; it also holds a CSV
// file and a database of its own, and a link to its own CSV file.
func linkedDir(t *testing.T) string {
	t.Helper()
	outside := fixture.SQLite(t, "CREATE TABLE t (k TEXT)", "INSERT INTO t VALUES ('secret')")
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret.csv"), []byte("k\nsecret\n"), 0o644))
	dir := fixture.SQLite(t, "CREATE TABLE t (k TEXT)", "INSERT INTO t VALUES ('mine')")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "own.csv"), []byte("k\nmine\n"), 0o644))
	for link, target := range map[string]string{
		"out.csv": filepath.Join(outside, "secret.csv"),
		"rel.csv": filepath.Join("..", filepath.Base(outside), "secret.csv"),
		"sub":     outside,
		"out.db":  filepath.Join(outside, "s.db"),
		"in.csv":  "own.csv",
	} {
		require.NoError(t, os.Symlink(target, filepath.Join(dir, link)))
	}
	return dir
}

// compileRun compiles and runs a one-line report over source src.
func compileRun(opts *interp.Options, src string) (string, error) {
	script := "source " + src + "\ndetail { k }\n"
	prog, err := interp.Compile(context.Background(), "r.rpt", []byte(script), opts)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	_, err = prog.Run(context.Background(), &interp.RunConfig{Output: &out, Format: "csv"})
	return out.String(), err
}

// Issue 15 item 13: a report confined to a directory cannot follow a
// symbolic link out of it, whether the directory is an interp.Dir (an
// os.Root) or, as the docs used to advise, os.DirFS(dir) with Options.Dir:
// the read fails with an error that says why, for CSV files and for SQLite
// databases (which are opened by path). Links inside the directory work.
func TestDirConfinesLinks(t *testing.T) {
	dir := linkedDir(t)
	d, err := interp.OpenDir(dir)
	require.NoError(t, err)
	defer d.Close()
	for name, opts := range map[string]*interp.Options{
		"OpenDir":       {FS: d},
		"DirFS and Dir": {FS: os.DirFS(dir), Dir: dir},
	} {
		t.Run(name, func(t *testing.T) {
			for _, src := range []string{`csv("out.csv")`, `csv("rel.csv")`, `csv("sub/secret.csv")`, `sqlite("out.db", table: "t")`, `sqlite("sub/s.db", table: "t")`} {
				out, err := compileRun(opts, src)
				require.Error(t, err, src)
				assert.Contains(t, err.Error(), "leads out of the report's file system (a symbolic link)", src)
				assert.NotContains(t, out, "secret", src)
			}
			for _, src := range []string{`csv("own.csv")`, `csv("in.csv")`, `sqlite("s.db", table: "t")`} {
				out, err := compileRun(opts, src)
				require.NoError(t, err, src)
				assert.Equal(t, "band,level,k\ndetail,,mine\n", out, src)
			}
		})
	}
}

// Issue 15 item 13: an interp.Dir is a file system of its own (fs.Glob,
// fs.ReadFile work through it, as examples/embed uses them), and a closed
// one reads nothing.
func TestDirFS(t *testing.T) {
	dir := linkedDir(t)
	d, err := interp.OpenDir(dir)
	require.NoError(t, err)
	b, err := d.ReadFile("in.csv")
	require.NoError(t, err)
	assert.Equal(t, "k\nmine\n", string(b))
	_, err = d.ReadFile("out.csv")
	assert.Error(t, err)
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	assert.Equal(t, abs, d.Name())
	require.NoError(t, d.Close())
	_, err = d.Open("own.csv")
	assert.Error(t, err)
	_, err = interp.OpenDir(filepath.Join(dir, "missing"))
	assert.Error(t, err)
}
