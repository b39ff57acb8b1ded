package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newLongSectionsFixture is newSectionsFixture with n more product rows in
// the second grouping, enough for it to run over several pages.
func newLongSectionsFixture(n int) *fixture {
	f := newSectionsFixture()
	last := len(f.events) - 1 // the summary
	var more []*Event
	for i := range n {
		p := fmt.Sprintf("Product %03d", i)
		more = append(more, &Event{Band: f.cf, Keys: []any{"West", p}, Values: []any{p, dec("1")}})
	}
	f.events = append(append(append([]*Event{}, f.events[:last]...), more...), f.events[last])
	return f
}

// The PDF prints one table per grouping: the first with the territory
// columns only, then, after the territory rows, the product table under
// its own headings.
func TestPDFTablePerGrouping(t *testing.T) {
	path, _ := pdfOf(t, newSectionsFixture(), Options{})
	pages := pdfPages(t, path)
	require.Len(t, pages, 1)
	lines := strings.Split(pages[0], "\n")
	find := func(re string) int {
		t.Helper()
		for i, l := range lines {
			if regexp.MustCompile(re).MatchString(l) {
				return i
			}
		}
		t.Fatalf("no line matches %q in:\n%s", re, pages[0])
		return -1
	}
	first := find(`^territory +orders\s*$`)
	assert.NotContains(t, lines[first], "Product", "the first table has no product column")
	west := find(`^West +2\s*$`)
	second := find(`^territory +Product +revenue +orders\s*$`)
	assert.Less(t, first, west)
	assert.Less(t, west, second, "the product table's headings come after the territory rows")
	assert.Less(t, second, find(`Territory East`))
	assert.Regexp(t, `(?m)^Total +37\.50 +5\s*$`, pages[0], "the summary closes the last table")
	assert.Regexp(t, `(?m)^East +3\s*$`, pages[0], "the first table's rows have its two columns")
}

// A table that runs over several pages repeats its own headings on each,
// never the first table's.
func TestPDFSectionHeadingsRepeat(t *testing.T) {
	path, _ := pdfOf(t, newLongSectionsFixture(150), Options{})
	pages := pdfPages(t, path)
	require.Greater(t, len(pages), 2)
	for i, p := range pages[1:] {
		assert.Regexp(t, `(?m)^territory +Product +revenue +orders\s*$`, p, "page %d", i+2)
		assert.NotRegexp(t, `(?m)^territory +orders\s*$`, p, "page %d", i+2)
	}
	assert.Regexp(t, `(?m)^Total +37\.50 +5\s*$`, pages[len(pages)-1], "the summary as given")
}

// The workbook prints one table per grouping: after the first table a
// blank row, the second heading row in bold, and each table's columns in
// sheet columns 1..n. The first heading row stays the frozen pane and the
// autofilter.
func TestXlsxTablePerGrouping(t *testing.T) {
	b, _ := renderXlsx(t, newSectionsFixture())
	const s = "Report"
	rows, err := b.f.GetRows(s)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(rows), 13)
	assert.Equal(t, []string{"territory", "orders"}, rows[2], "the first heading row: the territory table's columns only")
	assert.Equal(t, []string{"East", "3"}, rows[3])
	assert.Equal(t, []string{"West", "2"}, rows[4])
	assert.Empty(t, rows[5], "a blank row between the tables")
	assert.Equal(t, []string{"territory", "Product", "revenue", "orders"}, rows[6], "the second heading row")
	for _, ref := range []string{"A7", "B7", "C7", "D7"} {
		assert.True(t, b.cell(s, ref).Bold, ref)
	}
	assert.Equal(t, []string{"East", "Gadget", "10.00"}, rows[8], "the product table in columns 1..n")
	assert.Equal(t, "37.5", b.cell(s, "C13").Raw, "the summary in the product table's revenue column")
	assert.Equal(t, "5", b.cell(s, "D13").Raw)
	assert.False(t, b.cell(s, "B4").Bold, "the territory footers are the first table's lines")
	panes, err := b.f.GetPanes(s)
	require.NoError(t, err)
	assert.Equal(t, "A4", panes.TopLeftCell)
	assert.Contains(t, b.xml[s], `<autoFilter ref="$A$3:$B$5"`)
	assert.Equal(t, 1, b.outline(s, 9), "outline levels as for one table")
	assert.Equal(t, 0, b.outline(s, 13))
}

// A sheet that goes on on the next one repeats the current table's
// heading row there.
func TestXlsxSectionContinuation(t *testing.T) {
	defer func(n int) { xlsxMaxRows = n }(xlsxMaxRows)
	xlsxMaxRows = 10
	b, _ := renderXlsx(t, newLongSectionsFixture(10))
	require.Greater(t, len(b.sheets), 2)
	for _, s := range b.sheets[1:] {
		rows, err := b.f.GetRows(s)
		require.NoError(t, err)
		assert.Equal(t, []string{"territory", "Product", "revenue", "orders"}, rows[0], s)
		assert.Contains(t, b.xml[s], `<autoFilter ref="$A$1:$D$`, s)
	}
}

// Two tables, one workbook and one PDF: the same bytes run after run.
func TestSectionsRepeatable(t *testing.T) {
	for _, format := range []string{"pdf", "xlsx"} {
		var one, two bytes.Buffer
		require.NoError(t, newLongSectionsFixture(60).run(format, &one, Options{}))
		require.NoError(t, newLongSectionsFixture(60).run(format, &two, Options{}))
		assert.Equal(t, one.Bytes(), two.Bytes(), format)
	}
}

// Each grouping's innermost footers are body rows of its table: the
// territory footers of the first grouping as well as the product footers
// of the second (whose territory footers would be subtotals).
func TestPDFBodyFootersPerGrouping(t *testing.T) {
	f := newSectionsFixture()
	assert.Equal(t, map[*Band]bool{f.tf: true, f.cf: true}, pdfBodyFooters(f.meta.Bands))
}
