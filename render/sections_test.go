package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/value"
)

// newSectionsFixture is a report with two top-level groupings (by
// territory, then by territory and product, so both start with the same
// key) and a summary.
func newSectionsFixture() *fixture {
	f := &fixture{}
	terr := []string{"territory"}
	f.tf = &Band{ID: 1, Kind: GroupFooter, Level: 0, Group: "territory", KeyNames: terr, Columns: []Column{
		{Name: "territory", Kind: value.KindString},
		{Name: "orders", Kind: value.KindInt},
	}}
	f.th = &Band{ID: 2, Kind: GroupHeader, Level: 0, Group: "territory", KeyNames: terr, Grouping: 1, Template: true}
	f.cf = &Band{ID: 3, Kind: GroupFooter, Level: 1, Group: "product", KeyNames: []string{"territory", "product"}, Grouping: 1, Columns: []Column{
		{Name: "product", Kind: value.KindString, Label: "Product"},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.sum = &Band{ID: 4, Kind: Summary, Level: -1, Columns: []Column{
		{Name: "orders", Kind: value.KindInt},
		{Name: "revenue", Kind: value.KindDecimal, Format: "#,##0.00"},
	}}
	f.meta = &Meta{Title: "Two groupings", Bands: []*Band{f.tf, f.th, f.cf, f.sum}}
	f.events = []*Event{
		{Band: f.tf, Keys: []any{"East"}, Values: []any{"East", int64(3)}},
		{Band: f.tf, Keys: []any{"West"}, Values: []any{"West", int64(2)}},
		{Band: f.th, Keys: []any{"East"}, Text: "Territory East"},
		{Band: f.cf, Keys: []any{"East", "Gadget"}, Values: []any{"Gadget", dec("10")}},
		{Band: f.cf, Keys: []any{"East", "Widget"}, Values: []any{"Widget", dec("20.5")}},
		{Band: f.th, Keys: []any{"West"}, Text: "Territory West"},
		{Band: f.cf, Keys: []any{"West", "Gadget"}, Values: []any{"Gadget", dec("7")}},
		{Band: f.sum, Values: []any{int64(5), dec("37.5")}},
	}
	f.totals = &Totals{RecordsRead: 5}
	return f
}

// Each top-level grouping is a section of the grid with the columns its
// bands fill; the summary belongs to the last.
func TestGridSections(t *testing.T) {
	f := newSectionsFixture()
	g, err := NewGrid(f.meta)
	require.NoError(t, err)
	require.Len(t, g.Sections, 2)
	names := func(s *Section) []string {
		var out []string
		for _, k := range s.Columns {
			out = append(out, g.Columns[k].Name)
		}
		return out
	}
	assert.Equal(t, []string{"territory", "orders"}, names(&g.Sections[0]))
	assert.Equal(t, []string{"territory", "product", "revenue", "orders"}, names(&g.Sections[1]))
	assert.Len(t, g.Keys(&g.Sections[1]), 2)
	for i, want := range []int{0, 0, 1, 1, 1, 1, 1, 1} {
		r, err := g.Row(f.events[i])
		require.NoError(t, err)
		assert.Equal(t, want, r.Section, "event %d", i)
	}
}

// HTML and Markdown print one table per grouping, each headed by its own
// keys and showing only the columns its rows fill; the second table shows
// its first key again although the first table ended with it.
func TestDocumentTablePerGrouping(t *testing.T) {
	f := newSectionsFixture()
	var md bytes.Buffer
	require.NoError(t, f.run("markdown", &md, Options{}))
	s := md.String()
	assert.Equal(t, 2, strings.Count(s, "\n| ---"), "two tables:\n%s", s)
	assert.Contains(t, s, "| territory | orders |\n")
	assert.Contains(t, s, "| territory / Product | revenue   | orders |\n", s)
	assert.Contains(t, s, "| East      |      3 |\n", "the first grouping's footers are its rows, not subtotals")
	assert.Contains(t, s, "| **Territory East**  |")
	assert.Regexp(t, `\| \*\*Total\*\* +\| +\*\*37\.50\*\* \| +\*\*5\*\* \|`, s)

	var page bytes.Buffer
	require.NoError(t, f.run("html", &page, Options{}))
	h := page.String()
	assert.Equal(t, 2, strings.Count(h, "<table>"))
	assert.Contains(t, h, "<th>territory</th><th class=\"num\">orders</th></tr>")
	assert.Contains(t, h, "<th>territory / Product</th>")
	rows := htmlRows(t, page.Bytes())
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.key)
	}
	assert.Equal(t, []string{"East", "West", "Territory East", "Gadget", "Widget", "Territory West", "Gadget", "Total"}, keys)
}

// Text prints one aligned table per grouping too, a heading line over
// each.
func TestTextTablePerGrouping(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, newSectionsFixture().run("text", &out, Options{}))
	assert.Equal(t, `Two groupings
=============

territory  orders
East            3
West            2

territory / Product  revenue  orders
Territory East
  Gadget               10.00
  Widget               20.50

Territory West
  Gadget                7.00

Total                  37.50       5

records read: 5, skipped: 0, rejected: 0
`, out.String())
}

// However many rows text holds back to align them, it prints the same
// rows: only the padding between cells may differ.
func TestTextBufferSameRows(t *testing.T) {
	squeeze := func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
		return strings.Join(lines, "\n")
	}
	for name, fx := range map[string]func() *fixture{"fixture": newFixture, "footers": newFootersFixture, "sections": newSectionsFixture, "flat": newFlatFixture} {
		var want bytes.Buffer
		require.NoError(t, fx().run("text", &want, Options{}))
		for _, n := range []int{1, 2, 3} {
			var got bytes.Buffer
			require.NoError(t, fx().run("text", &got, Options{TextBuffer: n}))
			assert.Equal(t, squeeze(want.String()), squeeze(got.String()), "%s, TextBuffer %d", name, n)
		}
	}
}
