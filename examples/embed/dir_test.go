//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/interp"
)

// Issue 15 item 13: served from a directory (-dir, an interp.Dir), the
// reports cannot follow a symbolic link out of it: not at start-up, nor
// when a data file becomes such a link while the server runs.
func TestDirLinksOut(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.csv"), []byte("n\n42\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("n.rpt", "source csv(\"n.csv\")\ndetail { n }\n")
	write("n.csv", "n\n1\n")
	d, err := interp.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	srv := serve(t, config{FS: d})
	if resp, body := get(t, srv, "/reports/n?format=csv", ""); resp.StatusCode != 200 || body != "band,level,n\ndetail,,1\n" {
		t.Fatalf("n: %d %q", resp.StatusCode, body)
	}
	// The data file is replaced by a link out of the directory.
	if err := os.Remove(filepath.Join(dir, "n.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.csv"), filepath.Join(dir, "n.csv")); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, srv, "/reports/n?format=csv", "")
	if resp.StatusCode == 200 || strings.Contains(body, "42") || !strings.Contains(body, `cannot open "n.csv": it leads out of the report's file system`) {
		t.Errorf("through a link out: %d %q", resp.StatusCode, body)
	}
	// A report that reads through such a link does not compile.
	write("leak.rpt", "source csv(\"n.csv\")\nsummary { s: SUM(n) }\n")
	if _, err := newHandler(config{FS: d}); err == nil || !strings.Contains(err.Error(), `cannot open "n.csv": it leads out`) {
		t.Errorf("start-up: %v", err)
	}
}
