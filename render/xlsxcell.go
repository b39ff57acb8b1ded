package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/reportsh/reportsh/runtime/value"
)

// xlsxMaxDigits is the most significant digits an Excel number keeps.
const xlsxMaxDigits = 15

// xlsxStyle is one cell style of the workbook.
type xlsxStyle struct {
	numFmt string // Excel format code; "" is General
	bold   bool
	big    bool  // the title
	head   bool  // the heading row
	red    bool  // the incomplete mark
	right  bool  // a number written as text
	cond   Style // a conditional style rule's (see [Style])
}

// style returns the id of s, adding it to the workbook the first time.
func (r *xlsxRenderer) style(s xlsxStyle) (int, error) {
	if s == (xlsxStyle{}) {
		return 0, nil
	}
	if id, ok := r.styles[s]; ok {
		return id, nil
	}
	st := &excelize.Style{}
	if s.numFmt != "" {
		code := s.numFmt
		st.CustomNumFmt = &code
	}
	if s.bold || s.big || s.red {
		st.Font = &excelize.Font{Bold: s.bold}
		if s.big {
			st.Font.Size = 14
		}
		if s.red {
			st.Font.Color = "9C0006"
		}
	}
	if s.head {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}
		st.Border = []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}
	}
	if s.red {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFC7CE"}}
	}
	if s.right {
		st.Alignment = &excelize.Alignment{Horizontal: "right"}
	}
	xlsxCond(st, s.cond)
	id, err := r.file.NewStyle(st)
	if err != nil {
		return 0, fmt.Errorf("render: xlsx style %+v: %w", s, err)
	}
	r.styles[s] = id
	return id, nil
}

// styled is v in style s. A style error is kept for the row's write.
func (r *xlsxRenderer) styled(v any, s xlsxStyle) any {
	id, err := r.style(s)
	if err != nil && r.err == nil {
		r.err = err
	}
	return excelize.Cell{StyleID: id, Value: v}
}

// formats returns the Excel formats of the grid's columns for the rows
// of band b: each column of the band in its own pattern (a footer's
// "#,##0.00" sum under the detail band's plain revenue), the other
// columns (group keys) in the grid column's; nil b: the grid columns'.
func (r *xlsxRenderer) formats(b *Band) []xlsxFormats {
	if fm, ok := r.fmts[b]; ok && len(fm) == len(r.grid.Columns) {
		return fm
	}
	fm := make([]xlsxFormats, len(r.grid.Columns))
	for i := range fm {
		fm[i] = newXlsxFormats(r.grid.Columns[i].fmt)
	}
	if b != nil {
		for j, k := range r.grid.place[b] {
			if f, err := ParseFormat(b.Columns[j].Format); err == nil && b.Columns[j].Format != "" {
				fm[k] = newXlsxFormats(f)
			}
		}
	}
	r.fmts[b] = fm
	return fm
}

// value is the cell of v: numbers as numbers (an integer or decimal past
// 15 significant digits as exact text), dates and timestamps as Excel
// dates, each with its Excel format in f.
func (r *xlsxRenderer) value(f xlsxFormats, v any, bold bool, cond Style) any {
	v = value.Normalize(v)
	st := xlsxStyle{bold: bold, cond: cond}
	switch x := v.(type) {
	case nil:
		if cond != 0 {
			return r.styled(nil, st)
		}
		return nil
	case int64:
		if x >= 1e15 || x <= -1e15 {
			return r.longNumber(strconv.FormatInt(x, 10), st)
		}
		st.numFmt = f.intFmt
	case value.Decimal:
		s := x.String()
		fl, err := strconv.ParseFloat(s, 64)
		if err != nil || significantDigits(s) > xlsxMaxDigits {
			return r.longNumber(s, st)
		}
		v, st.numFmt = fl, f.decFmt
	case float64:
		st.numFmt = f.floatFmt
	case value.Date:
		v, st.numFmt = x.Time(), f.dateFmt
	case time.Time:
		st.numFmt = f.timeFmt
	case bool:
	case string:
		if len(x) > excelize.TotalCellChars && len(utf16.Encode([]rune(x))) > excelize.TotalCellChars {
			r.cut++
		}
	default:
		v = value.String(x)
	}
	return r.styled(v, st)
}

// longNumber is a number Excel cannot hold exactly: its exact text,
// right-aligned, counted for the note at the end.
func (r *xlsxRenderer) longNumber(s string, st xlsxStyle) any {
	r.long++
	st.right, st.numFmt = true, ""
	return r.styled(s, st)
}

// xlsxCond adds a conditional style to st: bold, italic, a font colour,
// a highlight fill.
func xlsxCond(st *excelize.Style, c Style) {
	if c == 0 {
		return
	}
	if st.Font == nil {
		st.Font = &excelize.Font{}
	}
	st.Font.Bold = st.Font.Bold || c&StyleBold != 0
	st.Font.Italic = c&StyleItalic != 0
	if r, g, b, ok := c.color(); ok {
		st.Font.Color = fmt.Sprintf("%02X%02X%02X", r, g, b)
	}
	if c&StyleHighlight != 0 {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{strings.ToUpper(highlightRGB)}}
	}
}

// significantDigits counts the significant digits of a decimal's text.
func significantDigits(s string) int {
	first, last := -1, -1
	for i := 0; i < len(s); i++ {
		if s[i] >= '1' && s[i] <= '9' {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0
	}
	n := 0
	for i := first; i <= last; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// writeTrailer writes, after a blank row, the notes on numbers written as
// text and texts cut, then the totals or the incomplete mark.
func (r *xlsxRenderer) writeTrailer(t *Totals) error {
	var rows [][]any
	if r.long > 0 {
		rows = append(rows, []any{r.styled(fmt.Sprintf("note: %d numbers with more than %d significant digits are written as text, to keep every digit (an Excel number keeps %d)",
			r.long, xlsxMaxDigits, xlsxMaxDigits), xlsxStyle{bold: true})})
	}
	if r.cut > 0 {
		rows = append(rows, []any{r.styled(fmt.Sprintf("note: %d texts longer than %d characters (an Excel cell's limit) are cut", r.cut, excelize.TotalCellChars), xlsxStyle{bold: true})})
	}
	if t != nil && t.Incomplete != "" {
		rows = append(rows, []any{r.styled(incompleteLabel+": "+t.Incomplete, xlsxStyle{bold: true, red: true})})
	} else if t != nil {
		rows = append(rows, r.totalsRows(t)...)
	}
	if len(rows) == 0 {
		return nil
	}
	for _, cells := range append([][]any{nil}, rows...) {
		if err := r.writeRow(cells, excelize.RowOpts{}); err != nil {
			return err
		}
	}
	return nil
}

// totalsRows are the counts as label and number, then the warnings.
func (r *xlsxRenderer) totalsRows(t *Totals) [][]any {
	label := func(s string) any { return r.styled(s, xlsxStyle{bold: true}) }
	rows := [][]any{
		{label("records read"), t.RecordsRead},
		{label("skipped"), t.Skipped},
		{label("rejected"), t.Rejected},
	}
	for _, lc := range t.RejectedByLevel {
		rows = append(rows, []any{label("rejected at " + levelName(lc.Group, lc.Level)), lc.Count})
	}
	if r.opts.Elapsed {
		rows = append(rows, []any{label("elapsed"), t.Elapsed.String()})
	}
	for _, w := range t.Warnings {
		rows = append(rows, []any{label("warning: " + w)})
	}
	return rows
}
