package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/reportsh/reportsh/runtime/value"
)

// renderXlsx renders f to a workbook and reads it back.
func renderXlsx(t *testing.T, f *fixture) (*xlsxBook, []byte) {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, f.run("xlsx", &out, Options{}))
	return readXlsx(t, out.Bytes()), out.Bytes()
}

// Issue 16: numbers are numbers with the column's format as an Excel
// number format, exact decimals (up to 15 significant digits) keep their
// digits, one past that is exact text (right-aligned, with a note at the
// end), dates are dates, strings strings.
func TestXlsxCellTypes(t *testing.T) {
	b, _ := renderXlsx(t, newFixture())
	const s = "Report"
	for _, tt := range []struct {
		ref    string
		typ    excelize.CellType
		raw    string
		shown  string
		numFmt string
		bold   bool
	}{
		{"B9", excelize.CellTypeInlineString, "Acme, Inc.", "Acme, Inc.", "", false},
		{"C9", excelize.CellTypeUnset, "45294", "2024-01-03", "yyyy-mm-dd", false},                              // a date
		{"D9", excelize.CellTypeUnset, "1234.5", "1234.50", "0.00", false},                                      // a decimal, default 2 places
		{"E9", excelize.CellTypeUnset, "2", "2", "0", false},                                                    // an int
		{"D12", excelize.CellTypeUnset, "99.995", "100.00", "0.00", false},                                      // exact: no 99.99499999
		{"H13", excelize.CellTypeUnset, "299.985", "299.99", "#,##0.00", true},                                  // a footer: bold
		{"J14", excelize.CellTypeUnset, "0.90264", "90.3%", "0.0%", true},                                       // a percent pattern
		{"K14", excelize.CellTypeUnset, "45294", "Jan 3, 2024", `mmm" "d", "yyyy`, true},                        // a date pattern
		{"H18", excelize.CellTypeUnset, "1234567.891", "$1,234,567.89", `"$"#,##0.00`, true},                    // the summary, in its own format
		{"D10", excelize.CellTypeInlineString, "10.12345678901234567890", "10.12345678901234567890", "", false}, // 22 digits: text
		{"H11", excelize.CellTypeInlineString, "2479.12345678901234567890", "2479.12345678901234567890", "", true},
	} {
		c := b.cell(s, tt.ref)
		assert.Equal(t, tt.typ, c.Type, tt.ref)
		assert.Equal(t, tt.raw, c.Raw, tt.ref)
		assert.Equal(t, tt.shown, c.Shown, tt.ref)
		assert.Equal(t, tt.numFmt, c.NumFmt, tt.ref)
		assert.Equal(t, tt.bold, c.Bold, tt.ref)
	}
	id, err := b.f.GetCellStyle(s, "D10")
	require.NoError(t, err)
	st, err := b.f.GetStyle(id)
	require.NoError(t, err)
	require.NotNil(t, st.Alignment)
	assert.Equal(t, "right", st.Alignment.Horizontal, "a number kept as text stands right like the numbers")
	assert.Equal(t, "note: 3 numbers with more than 15 significant digits are written as text, to keep every digit (an Excel number keeps 15)",
		b.cell(s, "A21").Raw)
	assert.Equal(t, "Sales by territory", b.cell(s, "A1").Raw)
	assert.Equal(t, "since", b.cell(s, "A2").Raw)
	assert.Equal(t, "2024-01-01", b.cell(s, "B2").Shown)
	assert.Equal(t, "North|South", b.cell(s, "B4").Raw)
}

// Issue 16: the heading row is frozen, with an autofilter over the report
// rows; group rows carry outline levels (details deepest, a footer at its
// group's level) so that Excel's +/- folds a group into its subtotal.
func TestXlsxLayout(t *testing.T) {
	b, _ := renderXlsx(t, newFixture())
	const s = "Report"
	panes, err := b.f.GetPanes(s)
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 6, panes.YSplit)
	assert.Equal(t, "A7", panes.TopLeftCell)
	assert.Contains(t, b.xml[s], `<autoFilter ref="$A$6:$M$19"`, "the filter covers the heading and the report rows, not the totals")
	assert.Equal(t, "territory", b.cell(s, "A6").Raw)
	assert.True(t, b.cell(s, "H6").Bold)
	levels := map[int]int{7: 0, 8: 1, 9: 2, 10: 2, 11: 1, 12: 2, 13: 1, 14: 0, 15: 2, 16: 1, 17: 0, 18: 0, 19: 0}
	for row, want := range levels {
		assert.Equal(t, want, b.outline(s, row), "row %d", row)
	}
	for _, ref := range []string{"G11", "G14", "G18"} {
		assert.True(t, b.cell(s, ref).Bold, "footers and the summary are bold: %s", ref)
	}
	assert.False(t, b.cell(s, "E9").Bold, "details are not")
	assert.Equal(t, "records read", b.cell(s, "A22").Raw)
	assert.Equal(t, "7", b.cell(s, "B22").Raw)
	assert.Equal(t, excelize.CellTypeUnset, b.cell(s, "B22").Type, "a count is a number")
}

// Issue 16: a run date is shown on top when set; none otherwise (the
// output stays reproducible).
func TestXlsxRunDate(t *testing.T) {
	f := newFlatFixture()
	f.meta.RunDate = time.Date(2026, 12, 7, 16, 30, 0, 0, time.UTC)
	b, _ := renderXlsx(t, f)
	assert.Equal(t, "run date", b.cell("Report", "A1").Raw)
	assert.Equal(t, "2026-12-07 16:30:00", b.cell("Report", "B1").Shown)
	assert.Equal(t, "id", b.cell("Report", "A3").Raw, "a blank row, then the heading")
}

// Issue 16: a failed run's workbook ends with a red "report incomplete"
// row in place of the totals.
func TestXlsxIncomplete(t *testing.T) {
	f := newFixture()
	f.events = f.events[:6]
	f.totals = &Totals{Incomplete: "interrupted"}
	b, _ := renderXlsx(t, f)
	rows, err := b.f.GetRows("Report")
	require.NoError(t, err)
	last := len(rows)
	ref := fmt.Sprintf("A%d", last)
	c := b.cell("Report", ref)
	assert.Equal(t, "report incomplete: interrupted", c.Raw)
	assert.True(t, c.Bold)
	id, err := b.f.GetCellStyle("Report", ref)
	require.NoError(t, err)
	st, err := b.f.GetStyle(id)
	require.NoError(t, err)
	assert.Equal(t, []string{"FFC7CE"}, st.Fill.Color, "a red row")
	assert.NotContains(t, b.dump(), "records read")
	assert.Contains(t, b.dump(), "Globex", "what was rendered stays")
}

// Issue 16: a sheet holds at most 1,048,576 rows; the report continues on
// "Report (2)", "Report (3)"…, each with the heading row (frozen, with its
// autofilter), and the full sheet says where it continues. No row is
// lost, and the workbook is the same bytes from run to run.
func TestXlsxContinuation(t *testing.T) {
	defer func(n int) { xlsxMaxRows = n }(xlsxMaxRows)
	xlsxMaxRows = 8
	b, data := renderXlsx(t, newFixture())
	_, again := renderXlsx(t, newFixture())
	assert.Equal(t, data, again, "byte-identical with several sheets")
	require.Equal(t, []string{"Report", "Report (2)", "Report (3)", "Report (4)", "Report (5)"}, b.sheets)
	var got []string // the rows, less headings and continuation notes
	for i, s := range b.sheets {
		rows, err := b.f.GetRows(s)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(rows), 8, s)
		first, heading := 0, 5 // the first sheet has the title on top
		if i > 0 {
			assert.Equal(t, "territory", rows[0][0], "%s repeats the heading", s)
			panes, err := b.f.GetPanes(s)
			require.NoError(t, err)
			assert.Equal(t, "A2", panes.TopLeftCell, s)
			assert.Contains(t, b.xml[s], `<autoFilter ref="$A$1:$M$`, s)
			first, heading = 1, -1
		}
		end := len(rows)
		if i < len(b.sheets)-1 {
			assert.Equal(t, "continued on sheet "+b.sheets[i+1], rows[end-1][0], s)
			end--
		}
		for r := first; r < end; r++ {
			if r != heading {
				got = append(got, fmt.Sprintf("%d %s", b.outline(s, r+1), strings.Join(rows[r], "|")))
			}
		}
	}
	xlsxMaxRows = excelize.TotalRows
	one, _ := renderXlsx(t, newFixture())
	require.Equal(t, []string{"Report"}, one.sheets)
	rows, err := one.f.GetRows("Report")
	require.NoError(t, err)
	var want []string
	for r := range rows {
		if r != 5 {
			want = append(want, fmt.Sprintf("%d %s", one.outline("Report", r+1), strings.Join(rows[r], "|")))
		}
	}
	assert.Equal(t, want, got, "every row, in order, with its outline level")
}

// Numbers Excel cannot hold exactly are exact text; integers and decimals
// up to 15 significant digits are numbers whose stored text is their own.
func TestXlsxExactNumbers(t *testing.T) {
	band := &Band{ID: 1, Kind: Detail, Level: -1, Columns: []Column{{Name: "x", Kind: value.KindAny}}}
	vals := []any{dec("0.1"), dec("123456789012.345"), dec("-0.000000000000001"), dec("1234567890123456"),
		int64(999_999_999_999_999), int64(1_000_000_000_000_000), dec("1.50"), tenth + 0.2, "text", true, nil}
	var events []*Event
	for _, v := range vals {
		events = append(events, &Event{Band: band, Values: []any{v}})
	}
	f := &fixture{meta: &Meta{Bands: []*Band{band}}, events: events}
	b, _ := renderXlsx(t, f)
	want := []struct {
		typ excelize.CellType
		raw string
	}{
		{excelize.CellTypeUnset, "0.1"}, {excelize.CellTypeUnset, "123456789012.345"},
		{excelize.CellTypeUnset, "-0.000000000000001"}, {excelize.CellTypeInlineString, "1234567890123456"},
		{excelize.CellTypeUnset, "999999999999999"}, {excelize.CellTypeInlineString, "1000000000000000"},
		{excelize.CellTypeUnset, "1.5"}, {excelize.CellTypeUnset, "0.300000000000000"},
		{excelize.CellTypeInlineString, "text"}, {excelize.CellTypeBool, "1"}, {excelize.CellTypeUnset, ""},
	}
	for i, w := range want {
		c := b.cell("Report", fmt.Sprintf("A%d", i+2))
		assert.Equal(t, w.typ, c.Type, "value %v", vals[i])
		assert.Equal(t, w.raw, c.Raw, "value %v", vals[i])
	}
	assert.Contains(t, b.dump(), "note: 2 numbers with more than 15 significant digits")
}

func TestSignificantDigits(t *testing.T) {
	for s, want := range map[string]int{"0": 0, "0.00": 0, "-0.0012": 2, "1200": 2, "1200.5": 5, "10.12345678901234567890": 21, "-7": 1} {
		assert.Equal(t, want, significantDigits(s), s)
	}
}

// In a report without a detail band the innermost footers are its lines:
// not bold, unlike the outer footers and the summary; the headings of
// numeric columns stand right, over their numbers.
func TestXlsxFooterLines(t *testing.T) {
	b, _ := renderXlsx(t, newFootersFixture())
	const s = "Report"
	assert.False(t, b.cell(s, "C5").Bold, "a customer footer: a line")
	assert.True(t, b.cell(s, "C8").Bold, "the territory footer: a subtotal")
	assert.True(t, b.cell(s, "C12").Bold, "the summary")
	for ref, want := range map[string]string{"C3": "right", "B3": ""} {
		id, err := b.f.GetCellStyle(s, ref)
		require.NoError(t, err)
		st, err := b.f.GetStyle(id)
		require.NoError(t, err)
		got := ""
		if st.Alignment != nil {
			got = st.Alignment.Horizontal
		}
		assert.Equal(t, want, got, ref)
	}
}

// Texts that XML cannot hold as they are (control characters) or that
// look like formulas stay plain text, and the workbook stays readable.
func TestXlsxAwkwardText(t *testing.T) {
	band := &Band{ID: 1, Kind: Detail, Level: -1, Columns: []Column{{Name: "x", Kind: value.KindString}}}
	texts := []string{"a\x01b\x0bc", "=SUM(A1:A2)", " padded ", "<b>&amp;</b>", "日本語 ✓"}
	f := &fixture{meta: &Meta{Title: "a\x02title", Bands: []*Band{band}}}
	for _, s := range texts {
		f.events = append(f.events, &Event{Band: band, Values: []any{s}})
	}
	b, _ := renderXlsx(t, f)
	want := []string{"a\uFFFDb\uFFFDc", "=SUM(A1:A2)", " padded ", "<b>&amp;</b>", "日本語 ✓"}
	for i, w := range want {
		c := b.cell("Report", fmt.Sprintf("A%d", i+4))
		assert.Equal(t, excelize.CellTypeInlineString, c.Type, w)
		assert.Equal(t, w, c.Raw)
	}
}

// After a failed Begin, Emit and End return its error (no panic).
func TestXlsxAfterFailedBegin(t *testing.T) {
	band := &Band{ID: 9, Kind: Detail, Level: -1, Columns: []Column{{Name: "x", Kind: value.KindDecimal, Format: "#,#0.0#0"}}}
	r, err := New("xlsx", &bytes.Buffer{}, Options{})
	require.NoError(t, err)
	berr := r.Begin(&Meta{Bands: []*Band{band}})
	require.Error(t, berr)
	assert.Equal(t, berr, r.Emit(&Event{Band: band, Values: []any{dec("1")}}))
	assert.Equal(t, berr, r.End(nil))
}
