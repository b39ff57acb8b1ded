package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// Issue 16: -o x.xlsx writes an Excel workbook (the format follows the
// extension), and --format wins over it.
func TestRunXlsxOutput(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1.50\nB,2\nA,3\n")
	script := writeScript(t, dir, "r.rpt", "report \"R\"\nsource csv(\"s.csv\") { amount: decimal }\ngroup t {\n  footer { t, n: COUNT(), amount: SUM(amount) format \"#,##0.00\" }\n}\ndetail { t, amount }\n")
	out := filepath.Join(dir, "Out.XLSX")
	t.Setenv("SOURCE_DATE_EPOCH", "1782810000")
	code, stdout, errs := runCLI(t, "run", script, "-o", out)
	require.Equal(t, exitOK, code, errs)
	assert.Empty(t, stdout)
	f, err := excelize.OpenFile(out)
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"Report"}, f.GetSheetList())
	v, err := f.GetCellValue("Report", "A1")
	require.NoError(t, err)
	assert.Equal(t, "R", v)
	rows, err := f.GetRows("Report")
	require.NoError(t, err)
	assert.Equal(t, []string{"run date", "2026-06-30 09:00:00"}, rows[1], "the CLI's run date")
	assert.Equal(t, []string{"t", "amount", "n"}, rows[3])
	assert.Equal(t, []string{"A", "4.50", "2"}, rows[6], "the footer of A, the sum formatted")
	typ, err := f.GetCellType("Report", "B7")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeUnset, typ, "a number")

	txt := filepath.Join(dir, "forced.xlsx")
	code, _, errs = runCLI(t, "run", script, "-o", txt, "--format", "csv")
	require.Equal(t, exitOK, code, errs)
	b, err := os.ReadFile(txt)
	require.NoError(t, err)
	assert.Equal(t, "band,level,t,amount,n\n", string(b[:22]), "--format csv wins over .xlsx")
}

// Issue 16 "Safe output files": an unknown extension without --format is
// an error (exit 2, no file), not text; a file without an extension is
// text, and --format makes any extension fine.
func TestRunUnknownExtension(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t\nA\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\")\nsummary { n: COUNT() }\n")
	bad := filepath.Join(dir, "out.xls")
	code, _, errs := runCLI(t, "run", script, "-o", bad)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errs, `reportsh run: -o `+bad+`: no format writes ".xls" files (known: .txt, .csv, .json, .jsonl, .ndjson, .md, .markdown, .html, .htm, .pdf, .xlsx); pass --format to choose one`)
	assert.NoFileExists(t, bad)
	code, _, errs = runCLI(t, "run", script, "-o", bad, "--format", "text")
	require.Equal(t, exitOK, code, errs)
	plain := filepath.Join(dir, "report")
	code, _, errs = runCLI(t, "run", script, "-o", plain)
	require.Equal(t, exitOK, code, errs)
	b, err := os.ReadFile(plain)
	require.NoError(t, err)
	assert.Contains(t, string(b), "\nn\n1\n", "text")
}
