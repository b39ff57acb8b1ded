package render

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/reportsh/reportsh/runtime/value"
)

// xlsxMaxRows is the most rows of one Excel sheet; a variable so that
// tests can lower it.
var xlsxMaxRows = excelize.TotalRows

// xlsxSheetName is the name of the first sheet; the next ones are
// "Report (2)", "Report (3)"…
const xlsxSheetName = "Report"

// xlsxRenderer writes an Excel workbook through excelize's StreamWriter
// (rows go to a temporary file past 16 MiB, so memory stays bounded), laid
// out on the report's Grid: title and parameters on top, the heading row
// frozen with an autofilter, one row per event with Excel outline levels
// (group headers, footers and the summary in bold, but for the innermost
// footers of a report without a detail band: they are its lines), the
// totals last. The workbook is written to w at End. A report with several
// top-level groupings prints one table per grouping (see [Grid.Sections]):
// a blank row and the grouping's heading row start each table after the
// first, its columns in sheet columns 1..n.
type xlsxRenderer struct {
	*base
	grid    *Grid
	file    *excelize.File
	sw      *excelize.StreamWriter
	sheet   string
	sheets  int
	row     int  // the last row written on the sheet
	head    int  // the heading row of the sheet
	last    int  // the last row of the heading row's table (the autofilter's end)
	sec     int  // the section of the current table
	headSec int  // the section of the sheet's heading row
	headed  bool // the first heading row is written
	maxRows int
	fmts    map[*Band][]xlsxFormats // per band, per grid column
	styles  map[xlsxStyle]int
	long    int   // numbers written as text, past 15 significant digits
	cut     int   // texts excelize cut to Excel's 32,767 characters
	err     error // a failed Begin, or a style that could not be made
	// lines is, per grouping, the level whose footers are the report's
	// lines (no detail band: nil)
	lines map[int]int
}

// Begin lays out the grid and writes the top of the first sheet.
func (r *xlsxRenderer) Begin(m *Meta) error {
	err := r.start(m)
	if err != nil && r.sw == nil && r.err == nil {
		r.err = err // the first Begin failed: Emit and End return its error
	}
	return err
}

func (r *xlsxRenderer) start(m *Meta) error {
	g, err := r.beginGrid(m)
	if err != nil {
		return err
	}
	r.grid, r.maxRows = g, max(xlsxMaxRows, 3)
	r.sec, r.headSec, r.headed = 0, 0, false
	r.lines = xlsxLines(m.Bands)
	r.styles, r.fmts = map[xlsxStyle]int{}, map[*Band][]xlsxFormats{}
	r.file = excelize.NewFile()
	if err := r.file.SetDocProps(&excelize.DocProperties{Title: m.Title, Creator: "reportsh"}); err != nil {
		return err
	}
	top := r.topRows()
	if err := r.startSheet(xlsxSheetName, len(top)+1); err != nil {
		return err
	}
	for _, cells := range top {
		if err := r.writeRow(cells, excelize.RowOpts{}); err != nil {
			return err
		}
	}
	return nil
}

// xlsxLines returns, per grouping, its innermost level, whose footers are
// the report's lines; nil for a report with a detail band.
func xlsxLines(bands []*Band) map[int]int {
	lines := map[int]int{}
	for _, b := range bands {
		if b.Kind == Detail {
			return nil
		}
		if l, ok := lines[b.Grouping]; b.Kind.isGroup() && (!ok || len(b.KeyNames)-1 > l) {
			lines[b.Grouping] = len(b.KeyNames) - 1
		}
	}
	return lines
}

// bodyLine reports whether row is one of the report's lines: a footer of
// the innermost level of its grouping in a report without details.
func (r *xlsxRenderer) bodyLine(row Row) bool {
	l, ok := r.lines[row.Band.Grouping]
	return ok && row.Band.Kind == GroupFooter && row.Level == l
}

// topRows are the title, the parameters and the run date, then a blank
// row (none of them when there are none).
func (r *xlsxRenderer) topRows() [][]any {
	var rows [][]any
	m := r.meta
	if m.Title != "" {
		rows = append(rows, []any{r.styled(m.Title, xlsxStyle{bold: true, big: true})})
	}
	for _, p := range m.Params {
		rows = append(rows, []any{r.styled(p.Name, xlsxStyle{bold: true}), r.value(xlsxDefaults, p.Value, false, 0)})
	}
	if !m.RunDate.IsZero() {
		rows = append(rows, []any{r.styled("run date", xlsxStyle{bold: true}), r.value(xlsxDefaults, m.RunDate, false, 0)})
	}
	if len(rows) > 0 {
		rows = append(rows, nil)
	}
	return rows
}

// startSheet starts sheet name (the first one renames the default sheet)
// whose heading row will be head: frozen panes and column widths.
func (r *xlsxRenderer) startSheet(name string, head int) error {
	if r.sheets == 0 {
		if err := r.file.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := r.file.NewSheet(name); err != nil {
		return err
	}
	r.sheets++
	sw, err := r.file.NewStreamWriter(name)
	if err != nil {
		return err
	}
	r.sw, r.sheet, r.row, r.head, r.last = sw, name, 0, head, head
	below := fmt.Sprintf("A%d", head+1)
	err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: head, TopLeftCell: below, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: below, ActiveCell: below, Pane: "bottomLeft"}}})
	if err != nil {
		return err
	}
	for i, w := range r.widths() {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	return nil
}

// widths are the sheet's column widths: of each sheet column, the widest
// of the grid columns the tables put there.
func (r *xlsxRenderer) widths() []float64 {
	var out []float64
	for s := range max(len(r.grid.Sections), 1) {
		for p, j := range tableColumns(r.grid, s) {
			w := xlsxWidth(&r.grid.Columns[j])
			if p == len(out) {
				out = append(out, w)
			}
			out[p] = max(out[p], w)
		}
	}
	return out
}

// xlsxWidth is a column's width in characters: its heading's, or its
// kind's usual, whichever is wider, at most 50 (a streamed sheet sets its
// widths before its rows).
func xlsxWidth(c *GridColumn) float64 {
	w := 12
	switch {
	case c.Kind.IsNumeric():
		w = 14
	case c.Kind == value.KindTime:
		w = 20
	case c.Kind == value.KindString || c.Kind == value.KindAny:
		w = 24
	}
	return float64(min(max(w, len([]rune(c.Heading))+3), 50))
}

// writeHeading writes the heading row of the current table.
func (r *xlsxRenderer) writeHeading() error {
	cols := tableColumns(r.grid, r.sec)
	cells := make([]any, len(cols))
	for p, j := range cols {
		c := &r.grid.Columns[j]
		cells[p] = r.styled(c.Heading, xlsxStyle{bold: true, head: true, right: c.Numeric()})
	}
	return r.writeRow(cells, excelize.RowOpts{})
}

// startTable writes the heading row of section sec's table: the sheet's
// first, or, after a blank row, the next table's (on a new sheet when the
// table would start on the sheet's last rows).
func (r *xlsxRenderer) startTable(sec int) error {
	r.sec = sec
	if !r.headed {
		r.headed, r.headSec = true, sec
		return r.writeHeading()
	}
	if r.row+4 > r.maxRows {
		return r.continueSheet()
	}
	if err := r.writeRow(nil, excelize.RowOpts{}); err != nil {
		return err
	}
	return r.writeHeading()
}

// finishSheet puts the autofilter on the heading row and the rows under
// it, and ends the sheet.
func (r *xlsxRenderer) finishSheet() error {
	if n := len(tableColumns(r.grid, r.headSec)); n > 0 {
		last, err := excelize.CoordinatesToCellName(n, r.last)
		if err != nil {
			return err
		}
		if err := r.file.AutoFilter(r.sheet, fmt.Sprintf("A%d:%s", r.head, last), nil); err != nil {
			return err
		}
	}
	return r.sw.Flush()
}

// writeRow writes cells as the next row, continuing on a next sheet when
// this one has a single row left: it says so in that row.
func (r *xlsxRenderer) writeRow(cells []any, opts excelize.RowOpts) error {
	if r.err != nil {
		return r.err
	}
	if r.row+2 > r.maxRows {
		if err := r.continueSheet(); err != nil {
			return err
		}
	}
	r.row++
	return r.sw.SetRow(fmt.Sprintf("A%d", r.row), cells, opts)
}

// continueSheet ends the sheet with a row that says where the report goes
// on, and starts the next sheet with the current table's heading row.
func (r *xlsxRenderer) continueSheet() error {
	name := xlsxSheetName + " (" + strconv.Itoa(r.sheets+1) + ")"
	note := r.styled("continued on sheet "+name, xlsxStyle{bold: true})
	r.row++
	if err := r.sw.SetRow(fmt.Sprintf("A%d", r.row), []any{note}); err != nil {
		return err
	}
	if err := r.finishSheet(); err != nil {
		return err
	}
	if err := r.startSheet(name, 1); err != nil {
		return err
	}
	r.headSec = r.sec
	return r.writeHeading()
}

// Emit writes the event's row.
func (r *xlsxRenderer) Emit(e *Event) error {
	if _, err := r.emit(e); err != nil {
		return err
	}
	if r.sw == nil {
		return r.err
	}
	row, err := r.grid.Row(e)
	if err != nil {
		return err
	}
	if !r.headed || row.Section != r.sec {
		if err := r.startTable(row.Section); err != nil {
			return err
		}
	}
	opts := excelize.RowOpts{OutlineLevel: min(xlsxOutline(row), 7)}
	bold := row.Band.Kind == GroupHeader || row.Band.Kind == GroupFooter || row.Band.Kind == Summary
	if r.bodyLine(row) {
		bold = false // the innermost footers of a report without details are its lines
	}
	var cells []any
	if row.Band.Template {
		cells = []any{r.styled(row.Text, xlsxStyle{bold: bold, cond: row.Style})}
	} else {
		fm := r.formats(row.Band)
		cols := tableColumns(r.grid, row.Section)
		cells = make([]any, len(cols))
		for p, j := range cols {
			if j < len(row.Cells) {
				cells[p] = r.value(fm[j], row.Cells[j], bold, row.CellStyle(j))
			}
		}
	}
	if err := r.writeRow(cells, opts); err != nil {
		return err
	}
	if row.Section == r.headSec {
		r.last = r.row
	}
	return nil
}

// xlsxOutline is a row's Excel outline level: a group's rows (its header,
// details and inner groups) one deeper than its footer, which stands at
// its group's level, so that Excel's +/- folds a group into its subtotal.
func xlsxOutline(row Row) int {
	switch row.Band.Kind {
	case Detail, GroupHeader:
		return row.Level + 1
	case GroupFooter:
		return row.Level
	}
	return 0
}

// End writes the totals and the workbook.
func (r *xlsxRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	if r.sw == nil {
		return r.err
	}
	defer r.file.Close()
	if !r.headed {
		if err := r.startTable(0); err != nil {
			return err
		}
	}
	if err := r.writeTrailer(t); err != nil {
		return err
	}
	if err := r.finishSheet(); err != nil {
		return err
	}
	z := newXlsxZip(r.w, r.sheets)
	defer z.cleanup()
	r.file.SetZipWriter(func(io.Writer) excelize.ZipWriter { return z })
	if _, err := r.file.WriteToBuffer(); err != nil { // the buffer stays empty: z writes to r.w
		if r.w.err != nil {
			return r.w.err
		}
		return fmt.Errorf("render: writing the workbook: %w", err)
	}
	return r.w.err
}
