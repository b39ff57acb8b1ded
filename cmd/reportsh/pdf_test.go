package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font/gofont/gomono"
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

// --pdf-font prints the PDF in a TrueType font of one's own; characters
// the font lacks are a warning on stderr; a font file that cannot be read
// is a usage error and one that is not a font a failed run with no file.
func TestRunPDFFont(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "city,amount\n東京,1\nMünchen,2\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\") { amount: decimal }\ndetail { city, amount }\n")
	out := filepath.Join(dir, "out.pdf")
	code, _, errs := runCLI(t, "run", script, "-o", out)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "reportsh: pdf: 2 characters print as boxes: the font has no glyph for '東' (U+6771), '京' (U+4EAC)")

	font := filepath.Join(dir, "mono.ttf")
	require.NoError(t, os.WriteFile(font, gomono.TTF, 0o644))
	code, _, errs = runCLI(t, "run", script, "-o", out, "--pdf-font", font)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "2 characters print as boxes")

	code, _, errs = runCLI(t, "run", script, "-o", out, "--pdf-font", filepath.Join(dir, "none.ttf"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, "--pdf-font: open "+filepath.Join(dir, "none.ttf"))

	bad := filepath.Join(dir, "bad.pdf")
	code, _, errs = runCLI(t, "run", script, "-o", bad, "--pdf-font", script)
	assert.NotEqual(t, exitOK, code)
	assert.Contains(t, errs, "the PDF font is not a TrueType font")
	assert.NoFileExists(t, bad)
}
