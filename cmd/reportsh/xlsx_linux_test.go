package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16: --format xlsx is refused when the output is a terminal (a
// pseudo-terminal's master here): a workbook is binary.
func TestRunXlsxToTerminal(t *testing.T) {
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no pseudo-terminal under CI:", err)
		}
		t.Skip("no pseudo-terminal:", err)
	}
	defer tty.Close()
	require.True(t, isTerminal(tty))
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t\nA\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\")\nsummary { n: COUNT() }\n")
	var errb bytes.Buffer
	code := run(context.Background(), []string{"run", script, "--format", "xlsx"}, strings.NewReader(""), tty, &errb)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "reportsh run: --format xlsx writes a binary file, not for a terminal: pass -o FILE.xlsx or redirect the output\n", errb.String())
	var out bytes.Buffer
	code = run(context.Background(), []string{"run", script, "--format", "xlsx"}, strings.NewReader(""), &out, &errb)
	assert.Equal(t, exitOK, code, "to a pipe or a file it is fine")
	assert.True(t, bytes.HasPrefix(out.Bytes(), []byte("PK\x03\x04")), "a zip")
}
