package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// `-o FILE.pdf` writes a PDF, its page size and orientation from
// --page-size and --landscape; a page size other than a4 or letter is a
// usage error.
func TestRunPDF(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1\nB,2\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\") { amount: decimal }\ndetail { t, amount }\n")
	for _, tt := range []struct {
		args  []string
		media string
	}{
		{nil, "/MediaBox [0 0 595.28 841.89]"},
		{[]string{"--page-size", "letter", "--landscape"}, "/MediaBox [0 0 792.00 612.00]"},
	} {
		out := filepath.Join(dir, "out.pdf")
		code, stdout, errs := runCLI(t, append([]string{"run", script, "-o", out}, tt.args...)...)
		require.Equal(t, exitOK, code, errs)
		assert.Empty(t, stdout)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, "%PDF-", string(b[:5]))
		assert.Contains(t, string(b), tt.media, tt.args)
	}
	code, _, errs := runCLI(t, "run", script, "-f", "pdf", "--page-size", "a3")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, `--page-size must be a4 or letter, not "a3"`)
}
