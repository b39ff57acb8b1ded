package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullWriter fails every write, as a full disk does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// Issue 15 item 22: every command whose output cannot be written says so on
// stderr and exits non-zero (fmt with 1, as for its other failures; the
// others with 3), instead of exiting 0 with nothing written.
func TestOutputWriteErrorFails(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1\nB,2\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\")\nsummary { n: COUNT() }\n")
	ugly := writeScript(t, dir, "u.rpt", "source   csv(\"s.csv\")\nsummary {n:COUNT()}\n")
	for _, tt := range []struct {
		args  []string
		stdin string
		code  int
	}{
		{args: []string{"version"}, code: exitRun},
		{args: []string{"help"}, code: exitRun},
		{args: []string{"check", script}, code: exitRun},
		{args: []string{"fmt", script}, code: exitScript},
		{args: []string{"fmt", "-d", ugly}, code: exitScript},
		{args: []string{"fmt", "-l", ugly}, code: exitScript},
		{args: []string{"fmt"}, stdin: "summary {n:COUNT()}\n", code: exitScript},
		{args: []string{"explain", script}, code: exitRun},
		{args: []string{"run", script}, code: exitRun},
		{args: []string{"run", script, "-f", "json"}, code: exitRun},
		{args: []string{"repl", dir + "/s.csv"}, stdin: "COUNT()\nCOUNT() by t\n", code: exitRun},
	} {
		t.Run(strings.Join(tt.args[:1], " "), func(t *testing.T) {
			var errb bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), fullWriter{}, &errb)
			assert.Equal(t, tt.code, code, "%v: stderr %q", tt.args, errb.String())
			assert.Contains(t, errb.String(), "no space left on device", tt.args)
		})
	}
}

// Issue 15 item 22: the same through a real file that cannot be written
// (/dev/full), as `reportsh version > /dev/full` sees it.
func TestOutputDevFull(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t\nA\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\")\nsummary { n: COUNT() }\n")
	for _, args := range [][]string{{"version"}, {"check", script}, {"fmt", script}} {
		var errb bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), full, &errb)
		require.NotEqual(t, exitOK, code, args)
		assert.Contains(t, errb.String(), "reportsh: writing the output: write /dev/full: no space left on device", args)
	}
}
