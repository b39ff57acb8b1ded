package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/value"
)

// needTool returns the path of a poppler tool: outside CI a missing tool
// skips the test, under CI=true it fails it (.ci/run installs
// poppler-utils).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found: install poppler-utils (apt-get install -y poppler-utils) to test the PDF output", name)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// havePDFText reports whether pdftotext is there, for tests over every
// format that read the pdf's text when they can: outside CI a missing tool
// is logged (the pdf is not read), under CI=true it fails the test.
func havePDFText(t *testing.T) bool {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err == nil {
		return true
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("pdftotext not found: install poppler-utils")
	}
	t.Log("pdftotext not found: the pdf output is not read (install poppler-utils)")
	return false
}

// pdfOf renders f as a PDF with opts and writes it to a file in a
// temporary directory.
func pdfOf(t *testing.T, f *fixture, opts Options) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, f.run("pdf", &buf, opts))
	path := filepath.Join(t.TempDir(), "report.pdf")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path, buf.Bytes()
}

// readable returns a format's output as a reader would read it: the text
// layer of a PDF (pdftotext -layout), a workbook read back (readXlsx), any
// other output as it is.
func readable(t *testing.T, format string, out []byte) string {
	t.Helper()
	switch format {
	case "xlsx":
		return readXlsx(t, out).dump()
	case "pdf":
		path := filepath.Join(t.TempDir(), "out.pdf")
		require.NoError(t, os.WriteFile(path, out, 0o644))
		return strings.Join(pdfPages(t, path), "\f")
	}
	return string(out)
}

// pdfPages returns the text of each page (pdftotext -layout).
func pdfPages(t *testing.T, path string) []string {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdftotext"), "-layout", path, "-").Output()
	require.NoError(t, err)
	pages := strings.Split(string(out), "\f")
	if pages[len(pages)-1] == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// pdfPageCount reads the page count from pdfinfo.
func pdfPageCount(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdfinfo"), path).Output()
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(string(out))
	require.NotNil(t, m, "pdfinfo: %s", out)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

// newLongFixture is a two-level report long enough for several pages:
// Unicode keys, labels, a long note that wraps, footers and a summary.
func newLongFixture(n int) *fixture {
	f := &fixture{}
	both := []string{"country", "city"}
	f.th = &Band{ID: 1, Kind: GroupHeader, Level: 0, Group: "country", KeyNames: both[:1], Template: true}
	f.det = &Band{ID: 2, Kind: Detail, Level: 1, Group: "city", KeyNames: both, Columns: []Column{
		{Name: "item", Kind: value.KindString, Label: "Größe des Artikels"},
		{Name: "note", Kind: value.KindString},
		{Name: "amount", Kind: value.KindDecimal, Format: "#,##0.00", Label: "Amount (€)"},
	}}
	f.cf = &Band{ID: 3, Kind: GroupFooter, Level: 1, Group: "city", KeyNames: both, Columns: []Column{
		{Name: "amount", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.tf = &Band{ID: 4, Kind: GroupFooter, Level: 0, Group: "country", KeyNames: both[:1], Columns: []Column{
		{Name: "amount", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.sum = &Band{ID: 5, Kind: Summary, Level: -1, Columns: []Column{
		{Name: "amount", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.meta = &Meta{Title: "Umsätze — Ελλάδα und Київ", Bands: []*Band{f.th, f.det, f.cf, f.tf, f.sum},
		Params: []Param{{Name: "since", Value: date("2024-01-01")}}}
	places := [][2]string{{"Ελλάδα", "Αθήνα"}, {"Κύπρος", "Λευκωσία"}, {"Україна", "Київ"}, {"Deutschland", "Köln"}}
	total := int64(0)
	for _, pl := range places {
		f.events = append(f.events, &Event{Band: f.th, Keys: []any{pl[0]}, Text: "Land " + pl[0]})
		sub := int64(0)
		for i := 0; i < n; i++ {
			amt := int64(1000*i + 7)
			sub += amt
			note := ""
			if i%7 == 3 {
				note = "a long note that has to wrap inside its column because it is much wider than the cap of a column on the page"
			}
			f.events = append(f.events, &Event{Band: f.det, Keys: []any{pl[0], pl[1]},
				Values: []any{fmt.Sprintf("Artikel %d", i), note, value.DecimalFromInt(amt)}})
		}
		f.events = append(f.events,
			&Event{Band: f.cf, Keys: []any{pl[0], pl[1]}, Values: []any{value.DecimalFromInt(sub)}},
			&Event{Band: f.tf, Keys: []any{pl[0]}, Values: []any{value.DecimalFromInt(sub)}})
		total += sub
	}
	f.events = append(f.events, &Event{Band: f.sum, Values: []any{value.DecimalFromInt(total)}})
	f.totals = &Totals{RecordsRead: int64(4 * n)}
	return f
}

// The long report prints on several pages, each numbered "Page X of N",
// with the column headings (labels) repeated on every page, its Unicode
// text and its numbers right.
func TestPDFPages(t *testing.T) {
	path, _ := pdfOf(t, newLongFixture(40), Options{})
	n := pdfPageCount(t, path)
	pages := pdfPages(t, path)
	require.Equal(t, n, len(pages))
	require.GreaterOrEqual(t, n, 3, "40 rows a city, four cities")
	for i, p := range pages {
		assert.Contains(t, p, fmt.Sprintf("Page %d of %d", i+1, n), "page %d", i+1)
		assert.Contains(t, p, "Größe des Artikels", "heading on page %d", i+1)
		assert.Contains(t, p, "Amount (€)", "heading on page %d", i+1)
	}
	all := strings.Join(pages, "\n")
	for _, s := range []string{"Umsätze — Ελλάδα und Київ", "Land Україна", "Αθήνα", "Köln", "since: 2024-01-01",
		"39,007.00", "780,280.00", "3,121,120.00", "records read: 160"} {
		assert.Contains(t, all, s)
	}
	assert.Contains(t, pages[len(pages)-1], "Total")
}

// The first page of each fixture renders to a PNG (pdftoppm) that is not
// blank. With PDF_PNG_DIR set, the PDFs and PNGs are kept there to look at.
func TestPDFFirstPagePNG(t *testing.T) {
	for name, f := range map[string]*fixture{"fixture": newFixture(), "long": newLongFixture(40), "flat": newFlatFixture(), "footers": newFootersFixture()} {
		t.Run(name, func(t *testing.T) {
			path, pdf := pdfOf(t, f, Options{})
			dir := t.TempDir()
			tool := needTool(t, "pdftoppm")
			out, err := exec.Command(tool, "-png", "-r", "60", "-f", "1", "-l", "1", path, filepath.Join(dir, name)).CombinedOutput()
			require.NoError(t, err, "%s", out)
			pngs, err := filepath.Glob(filepath.Join(dir, name+"*.png"))
			require.NoError(t, err)
			require.Len(t, pngs, 1)
			st, err := os.Stat(pngs[0])
			require.NoError(t, err)
			assert.Greater(t, st.Size(), int64(2000), "a page with text on it")
			if keep := os.Getenv("PDF_PNG_DIR"); keep != "" {
				png, err := os.ReadFile(pngs[0])
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(keep, name+".png"), png, 0o644))
				require.NoError(t, os.WriteFile(filepath.Join(keep, name+".pdf"), pdf, 0o644))
			}
		})
	}
}

// Two runs give the same bytes, with and without a run date; the run date
// shows under the title and in every page footer.
func TestPDFDeterministic(t *testing.T) {
	_, a := pdfOf(t, newLongFixture(40), Options{})
	_, b := pdfOf(t, newLongFixture(40), Options{})
	require.True(t, bytes.Equal(a, b), "two runs differ")
	assert.NotContains(t, string(a), "run date")

	f := newLongFixture(40)
	f.meta.RunDate = time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)
	path, c := pdfOf(t, f, Options{})
	g := newLongFixture(40)
	g.meta.RunDate = f.meta.RunDate
	_, d := pdfOf(t, g, Options{})
	require.True(t, bytes.Equal(c, d), "two runs with a run date differ")
	pages := pdfPages(t, path)
	assert.Contains(t, pages[0], "run date: 2026-03-04 05:06 UTC")
	for i, p := range pages {
		assert.Contains(t, p, "2026-03-04 05:06 UTC", "footer of page %d", i+1)
	}
}

// An incomplete report ends with the mark instead of the counts.
func TestPDFIncomplete(t *testing.T) {
	f := newFixture()
	f.totals = &Totals{Incomplete: "interrupted (signal)", RecordsRead: 7}
	path, _ := pdfOf(t, f, Options{})
	all := strings.Join(pdfPages(t, path), "")
	assert.Contains(t, all, "report incomplete: interrupted (signal)")
	assert.NotContains(t, all, "records read")
}

// Page size and orientation reach the document; an unknown size is an
// error from Begin.
func TestPDFPageOptions(t *testing.T) {
	info := func(path string) string {
		out, err := exec.Command(needTool(t, "pdfinfo"), path).Output()
		require.NoError(t, err)
		return string(out)
	}
	path, _ := pdfOf(t, newFixture(), Options{})
	assert.Regexp(t, `Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)`, info(path))
	path, _ = pdfOf(t, newFixture(), Options{Page: PageOptions{Size: "Letter", Landscape: true, Margin: 10}})
	assert.Regexp(t, `Page size:\s+792 x 612 pts \(letter\)`, info(path))
	portrait, _ := pdfOf(t, newLongFixture(40), Options{})
	landscape, _ := pdfOf(t, newLongFixture(40), Options{Page: PageOptions{Landscape: true}})
	assert.Greater(t, pdfPageCount(t, landscape), pdfPageCount(t, portrait), "fewer rows fit a landscape page")

	err := newFixture().run("pdf", &bytes.Buffer{}, Options{Page: PageOptions{Size: "A3"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `page size "A3" (want a4 or letter)`)
}

// A page may not break after a group header, nor before a footer unless
// between sibling footers.
func TestPDFBreakBefore(t *testing.T) {
	f := newFixture()
	row := func(b *Band) Row { return Row{Band: b, Level: b.Level} }
	assert.False(t, pdfBreakBefore(row(f.th), row(f.det)), "header, detail")
	assert.False(t, pdfBreakBefore(row(f.det), row(f.cf)), "detail, footer")
	assert.False(t, pdfBreakBefore(row(f.cf), row(f.tf)), "footer, outer footer")
	assert.False(t, pdfBreakBefore(row(f.tf), row(f.sum)), "footer, summary")
	assert.True(t, pdfBreakBefore(row(f.det), row(f.det)), "detail, detail")
	assert.True(t, pdfBreakBefore(row(f.tf), row(f.th)), "footer, next header")
	assert.True(t, pdfBreakBefore(row(f.cf), row(f.cf)), "sibling footers")
}

// Over reports of many lengths, no page ends with a group heading and no
// page starts (below its headings) with a footer: the first row of every
// page after the first is a heading or a detail row.
func TestPDFKeepTogether(t *testing.T) {
	needTool(t, "pdftotext")
	step := 2
	if raceEnabled {
		step = 6 // every third length: the page breaks fall at other rows all the same
	}
	for n := 30; n <= 60; n += step {
		path, _ := pdfOf(t, newLongFixture(n), Options{})
		pages := pdfPages(t, path)
		for i, p := range pages {
			lines := nonBlank(p)
			require.GreaterOrEqual(t, len(lines), 3, "n=%d page %d", n, i+1)
			last := lines[len(lines)-2] // before "Page X of Y"
			assert.NotContains(t, last, "Land ", "n=%d: page %d ends with a heading", n, i+1)
			if i > 0 {
				first := lines[1] // below the headings
				assert.True(t, strings.Contains(first, "Artikel") || strings.Contains(first, "Land "),
					"n=%d: page %d starts with %q", n, i+1, first)
			}
		}
	}
}

func nonBlank(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// Issue 16 page bands: a report's page_header and page_footer print on
// every page, with the page number and count filled in; without a
// page_footer the default "Page X of Y" is printed, and page_footer ""
// prints none.
func TestPDFPageBands(t *testing.T) {
	f := newLongFixture(40)
	f.meta.PageHeader = &PageTemplate{Parts: []PagePart{{Text: "Umsätze since 2024-01-01"}}}
	f.meta.PageFooter = &PageTemplate{Parts: []PagePart{{Text: "Seite "}, {Var: PageNumber}, {Text: " von "}, {Var: PageCount}}}
	path, _ := pdfOf(t, f, Options{})
	n := pdfPageCount(t, path)
	require.GreaterOrEqual(t, n, 3)
	for i, p := range pdfPages(t, path) {
		assert.Contains(t, p, "Umsätze since 2024-01-01", "page %d", i+1)
		assert.Contains(t, p, fmt.Sprintf("Seite %d von %d", i+1, n), "page %d", i+1)
		assert.NotContains(t, p, "Page ", "page %d: the report's footer replaces the default", i+1)
	}
	f = newLongFixture(40)
	f.meta.PageFooter = &PageTemplate{}
	path, _ = pdfOf(t, f, Options{})
	for i, p := range pdfPages(t, path) {
		assert.NotContains(t, p, "Page ", "page %d: an empty page_footer prints none", i+1)
	}
}

// Issue 16: a group that goes on on a new page repeats its heading there,
// marked "(continued)", so that no page starts with rows of a group it
// does not name.
func TestPDFContinuedHeading(t *testing.T) {
	needTool(t, "pdftotext")
	continued := 0
	for _, n := range []int{30, 41, 52} {
		path, _ := pdfOf(t, newLongFixture(n), Options{})
		for i, p := range pdfPages(t, path)[1:] {
			lines := nonBlank(p)
			require.GreaterOrEqual(t, len(lines), 3, "n=%d page %d", n, i+2)
			first := lines[1] // below the headings
			require.True(t, strings.HasPrefix(strings.TrimSpace(first), "Land "), "n=%d: page %d starts with %q", n, i+2, first)
			if strings.Contains(first, "(continued)") {
				continued++
			}
		}
	}
	require.Positive(t, continued, "some page goes on with a group begun on the page before")
}
