package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newStyledFixture is the fixture with conditional styles: the South
// territory's negative revenue red, the North territory's footer row
// highlighted, Globex's amount bold and italic.
func newStyledFixture() *fixture {
	f := newFixture()
	f.events[10].Styles = []Style{0, 0, StyleRed, 0, 0, 0} // South footer: revenue -0.004
	f.events[7].RowStyle = StyleHighlight                  // North footer
	f.events[5].Styles = []Style{0, 0, StyleBold | StyleItalic, 0, 0}
	return f
}

func renderString(t *testing.T, f *fixture, format string, opts Options) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, f.run(format, &out, opts))
	return out.String()
}

// lineWith returns the first line of s that contains sub.
func lineWith(t *testing.T, s, sub string) string {
	t.Helper()
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	t.Fatalf("no line with %q in\n%s", sub, s)
	return ""
}

// HTML: a styled cell carries its class, a highlighted row its class on
// every cell, the page its CSS; an unstyled report has neither.
func TestStyleHTML(t *testing.T) {
	out := renderString(t, newStyledFixture(), "html", Options{})
	assert.Contains(t, out, "tr td.s-red{color:#c00}")
	south := lineWith(t, out, ">9.7%<")
	assert.Contains(t, south, `<td class="num s-red">0.00</td>`)
	assert.Contains(t, south, `<td class="num">1</td>`, "the other cells keep no style")
	north := lineWith(t, out, ">2,779.11<")
	assert.Contains(t, north, `<tr class="footer s-highlight">`)
	assert.Contains(t, north, `<td class="num s-highlight">2,779.11</td>`)
	assert.Contains(t, lineWith(t, out, ">100.00<"), `<td class="num s-bold s-italic">100.00</td>`)

	plain := renderString(t, newFixture(), "html", Options{})
	assert.NotContains(t, plain, "s-red")
	assert.NotContains(t, plain, "s-highlight")
}

// Markdown shows bold and italic, never colours.
func TestStyleMarkdown(t *testing.T) {
	out := renderString(t, newStyledFixture(), "markdown", Options{})
	line := lineWith(t, out, "Globex ")
	assert.Contains(t, line, "| **_100.00_** |")
	assert.Equal(t, strings.Count(renderString(t, newFixture(), "markdown", Options{}), "**"), strings.Count(out, "**")-2, "only the bold italic cell is new bold")
	assert.NotContains(t, out, "color")
}

// Text: ANSI codes only with Color; without it the styled report is the
// plain one.
func TestStyleTextANSI(t *testing.T) {
	plain := renderString(t, newFixture(), "text", Options{})
	styled := renderString(t, newStyledFixture(), "text", Options{})
	assert.Equal(t, plain, styled, "no colour without Options.Color")
	assert.NotContains(t, styled, "\x1b[")

	color := renderString(t, newStyledFixture(), "text", Options{Color: true})
	assert.Contains(t, lineWith(t, color, "South\x1b"), "  \x1b[1;31m0.00\x1b[0m", "a subtotal's red cell is bold and red")
	assert.Contains(t, color, "\x1b[1;3m100.00\x1b[0m")
	assert.Contains(t, color, "\x1b[1;43m2,779.11\x1b[0m", "a highlighted subtotal row")
	assert.Contains(t, color, "\x1b[1;43mNorth\x1b[0m", "the whole row, key cell included")
	colorPlain := renderString(t, newFixture(), "text", Options{Color: true})
	assert.NotContains(t, colorPlain, "\x1b[31m")
}

// CSV and JSON are data: styles leave them as they are.
func TestStyleDataFormats(t *testing.T) {
	for _, format := range []string{"csv", "json", "jsonl"} {
		assert.Equal(t, renderString(t, newFixture(), format, Options{}),
			renderString(t, newStyledFixture(), format, Options{}), format)
	}
}

// XLSX: the styled cells' fonts and fills read back with excelize.
func TestStyleXlsx(t *testing.T) {
	b, _ := renderXlsx(t, newStyledFixture())
	const s = "Report"
	style := func(ref string) (color string, bold, italic bool, fill []string) {
		id, err := b.f.GetCellStyle(s, ref)
		require.NoError(t, err)
		st, err := b.f.GetStyle(id)
		require.NoError(t, err)
		if st.Font != nil {
			color, bold, italic = st.Font.Color, st.Font.Bold, st.Font.Italic
		}
		return color, bold, italic, st.Fill.Color
	}
	assert.Equal(t, "-0.004", b.cell(s, "H17").Raw, "the South footer's revenue")
	color, bold, _, _ := style("H17")
	assert.Equal(t, "CC0000", color)
	assert.True(t, bold, "a footer stays bold")
	color, _, _, _ = style("I17")
	assert.Equal(t, "", color, "the cell beside it is not red")

	for _, ref := range []string{"A14", "H14", "J14"} {
		_, _, _, fill := style(ref)
		assert.Equal(t, []string{"FFF3A0"}, fill, "highlighted North footer "+ref)
	}
	_, _, _, fill := style("H13")
	assert.Empty(t, fill, "the row above is not highlighted")

	assert.Equal(t, "99.995", b.cell(s, "D12").Raw)
	_, bold, italic, _ := style("D12")
	assert.True(t, bold && italic, "Globex's amount bold and italic")
	_, bold, italic, _ = style("D9")
	assert.False(t, bold || italic)
}

// PDF: a styled report renders, its text intact, and differs from the
// plain one (colour, fonts, fill).
func TestStylePDF(t *testing.T) {
	_, plain := pdfOf(t, newFixture(), Options{})
	path, styled := pdfOf(t, newStyledFixture(), Options{})
	assert.NotEqual(t, plain, styled)
	_, again := pdfOf(t, newStyledFixture(), Options{})
	assert.Equal(t, styled, again, "byte-identical runs (the italic fonts added mid-document)")
	if !havePDFText(t) {
		return
	}
	text := strings.Join(pdfPages(t, path), "\f")
	plainPath := filepath.Join(t.TempDir(), "plain.pdf")
	require.NoError(t, os.WriteFile(plainPath, plain, 0o644))
	assert.Equal(t, strings.Join(pdfPages(t, plainPath), "\f"), text, "the text layer is the plain report's")
	for _, w := range []string{"0.00", "100.00", "2,779.11", "Globex"} {
		assert.Contains(t, text, w)
	}
}
