package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	unformatted = "report   'R'\nsource csv(\"s.csv\")\ngroup t {footer {t,n:COUNT()}}\n"
	formatted   = "report \"R\"\nsource csv(\"s.csv\")\ngroup t {\n  footer { t, n: COUNT() }\n}\n"
)

func runFmt(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"fmt"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestFmtStdin(t *testing.T) {
	code, out, errs := runFmt(t, unformatted)
	if code != exitOK || out != formatted || errs != "" {
		t.Errorf("fmt < stdin: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, _ = runFmt(t, unformatted, "-l")
	if code != exitOK || out != "<standard input>\n" {
		t.Errorf("fmt -l < stdin: exit %d, stdout %q", code, out)
	}
	if code, _, errs := runFmt(t, unformatted, "-w"); code != exitUsage || !strings.Contains(errs, "-w") {
		t.Errorf("fmt -w < stdin: exit %d, stderr %q; want a usage error", code, errs)
	}
}

func TestFmtFiles(t *testing.T) {
	dir := t.TempDir()
	bad := writeScript(t, dir, "bad.rpt", unformatted)
	good := writeScript(t, dir, "good.rpt", formatted)

	// Without flags: the formatted sources, in order.
	code, out, errs := runFmt(t, "", bad, good)
	if code != exitOK || out != formatted+formatted || errs != "" {
		t.Errorf("fmt FILES: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	// -l lists the file that is not formatted; a directory stands for its .rpt files.
	writeScript(t, dir, "notes.txt", "not a script")
	code, out, _ = runFmt(t, "", "-l", dir)
	if code != exitOK || out != bad+"\n" {
		t.Errorf("fmt -l DIR: exit %d, stdout %q, want %q", code, out, bad+"\n")
	}

	// -d prints a unified diff and changes nothing.
	code, out, _ = runFmt(t, "", "-d", bad, good)
	want := "diff " + bad + ".orig " + bad + "\n" +
		"--- " + bad + ".orig\n" +
		"+++ " + bad + "\n" +
		"@@ -1,3 +1,5 @@\n" +
		"-report   'R'\n" +
		"+report \"R\"\n" +
		" source csv(\"s.csv\")\n" +
		"-group t {footer {t,n:COUNT()}}\n" +
		"+group t {\n" +
		"+  footer { t, n: COUNT() }\n" +
		"+}\n"
	if code != exitOK || out != want {
		t.Errorf("fmt -d: exit %d, stdout:\n%s\nwant:\n%s", code, out, want)
	}
	if b, _ := os.ReadFile(bad); string(b) != unformatted {
		t.Errorf("fmt -d changed the file")
	}

	// -w rewrites the file that is not formatted, keeping its mode, and
	// leaves the other alone.
	if err := os.Chmod(bad, 0o600); err != nil {
		t.Fatal(err)
	}
	goodInfo, _ := os.Stat(good)
	code, out, errs = runFmt(t, "", "-w", "-l", bad, good)
	if code != exitOK || out != bad+"\n" || errs != "" {
		t.Errorf("fmt -w -l: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if b, _ := os.ReadFile(bad); string(b) != formatted {
		t.Errorf("fmt -w wrote %q, want %q", b, formatted)
	}
	if info, _ := os.Stat(bad); info.Mode().Perm() != 0o600 {
		t.Errorf("fmt -w changed the mode to %v", info.Mode().Perm())
	}
	if info, _ := os.Stat(good); !info.ModTime().Equal(goodInfo.ModTime()) {
		t.Errorf("fmt -w rewrote a formatted file")
	}
	if code, out, _ := runFmt(t, "", "-l", bad, good); code != exitOK || out != "" {
		t.Errorf("fmt -l after -w: exit %d, stdout %q", code, out)
	}
}

func TestFmtErrors(t *testing.T) {
	dir := t.TempDir()
	broken := writeScript(t, dir, "broken.rpt", "source csv(\"s.csv\")\nwhere amount >\n")
	bad := writeScript(t, dir, "bad.rpt", unformatted)
	code, out, errs := runFmt(t, "", "-l", broken, bad, filepath.Join(dir, "missing.rpt"))
	if code != exitScript {
		t.Errorf("exit %d, want %d", code, exitScript)
	}
	if out != bad+"\n" {
		t.Errorf("the files after the broken one were not processed: stdout %q", out)
	}
	for _, want := range []string{broken + ":3:1: error: unexpected end of file (expected expression)", "missing.rpt"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q does not contain %q", errs, want)
		}
	}
	if code, _, errs := runFmt(t, "", "-x", bad); code != exitUsage || !strings.Contains(errs, "unknown flag -x") {
		t.Errorf("fmt -x: exit %d, stderr %q", code, errs)
	}
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"a\n", "a\n", ""},
		{"", "x\n", "@@ -0,0 +1 @@\n+x\n"},
		{"x\n", "", "@@ -1 +0,0 @@\n-x\n"},
		{"a\nb\n", "a\nb", "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"},
		{
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			"1\nX\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\nY\n",
			"@@ -1,5 +1,5 @@\n 1\n-2\n+X\n 3\n 4\n 5\n@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+Y\n",
		},
		{
			"1\n2\n3\n4\n5\n6\n7\n8\n",
			"1\nX\n3\n4\n5\n6\n7\nY\n",
			"@@ -1,8 +1,8 @@\n 1\n-2\n+X\n 3\n 4\n 5\n 6\n 7\n-8\n+Y\n",
		},
	}
	for _, tt := range tests {
		got := unifiedDiff("a", "b", []byte(tt.a), []byte(tt.b))
		if tt.want != "" {
			tt.want = "--- a\n+++ b\n" + tt.want
		}
		if got != tt.want {
			t.Errorf("diff %q %q:\n%s\nwant:\n%s", tt.a, tt.b, got, tt.want)
		}
	}
}
