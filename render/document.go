package render

import (
	"strings"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// document holds a report laid out on a [Grid] for the formats that print
// it as one grouped table at End (HTML, Markdown): rows in report order,
// their cells formatted for display.
//
// The group keys of every level share the table's first column (the key
// column), indented by level: a group header or footer shows its own key,
// a detail row the keys of the groups it starts that no row named yet
// ("South › Initech" when South had no header). A template group header
// is a heading row across the table; a report-level template is a
// paragraph between tables.
type document struct {
	*base
	grid *Grid
	rows []docRow
	keys keyCells
	// per section and grid column: some value is not nil
	valued [][]bool
	// per grid column: every non-nil value is a number
	numeric []bool
}

// docRow is one row of a document.
type docRow struct {
	band *Band
	// indent is the key cell's (or a heading's) indentation level.
	indent int
	// key is the key cell's text, or a template band's line.
	key string
	// cells holds the formatted value of each grid column ("" for nil).
	cells []string
	// fresh marks a row that starts a group: the print layout keeps it
	// with the rows after it.
	fresh bool
	// styles and style are the row's conditional styles (see [Row]).
	styles []Style
	style  Style
	// section is the row's table (see [Grid.Sections]).
	section int
}

// docTable is one table of a document (the rows of one section between
// paragraphs), or one paragraph.
type docTable struct {
	rows []docRow
	// cols are the value columns the table shows: those of its section
	// some row of the section fills.
	cols []int
	// keyed says the table has a key column, headed keyHeading: the key
	// columns' headings, outermost first, joined by " / ".
	keyed      bool
	keyHeading string
}

// paragraph reports whether the table is a report-level line of text.
func (t *docTable) paragraph() bool { return t.rows[0].paragraph() }

// paragraph reports whether the row is a report-level line of text.
func (r *docRow) paragraph() bool { return r.band.Template && r.band.Level < 0 }

// heading reports whether the row is a template group header.
func (r *docRow) heading() bool { return r.band.Template && r.band.Level >= 0 }

func (d *document) Begin(m *Meta) error {
	g, err := d.beginGrid(m)
	if err != nil {
		return err
	}
	d.grid = g
	d.keys = keyCells{grid: g}
	return nil
}

func (d *document) Emit(e *Event) error {
	if _, err := d.emit(e); err != nil {
		return err
	}
	gr, err := d.grid.Row(e)
	if err != nil {
		return err
	}
	b := e.Band
	row := docRow{band: b, styles: gr.Styles, style: gr.Style, section: gr.Section}
	row.key, row.indent, row.fresh, _ = d.keys.next(e, &gr)
	d.grow()
	if gr.Cells != nil {
		row.cells = make([]string, len(gr.Cells))
		for j, v := range gr.Cells {
			if v == nil || d.grid.Columns[j].Key >= 0 {
				continue
			}
			row.cells[j] = d.grid.Text(&gr, j)
			d.valued[gr.Section][j] = true
			d.numeric[j] = d.numeric[j] && isNumber(v)
		}
	}
	d.rows = append(d.rows, row)
	return nil
}

// grow extends the per-column flags to the grid's columns (a band the
// Meta did not list adds columns).
func (d *document) grow() {
	for len(d.valued) < len(d.grid.Sections) {
		d.valued = append(d.valued, nil)
	}
	for i := range d.valued {
		for len(d.valued[i]) < len(d.grid.Columns) {
			d.valued[i] = append(d.valued[i], false)
		}
	}
	for len(d.numeric) < len(d.grid.Columns) {
		d.numeric = append(d.numeric, true)
	}
}

// layTable describes the table of rows, all of one section.
func (d *document) layTable(rows []docRow) docTable {
	t := docTable{rows: rows}
	sec := &d.grid.Sections[rows[0].section]
	var hs []string
	for _, j := range sec.Columns {
		switch c := &d.grid.Columns[j]; {
		case c.Key >= 0:
			hs = append(hs, c.Heading)
		case d.valued[rows[0].section][j]:
			t.cols = append(t.cols, j)
		}
	}
	t.keyed, t.keyHeading = len(hs) > 0, strings.Join(hs, " / ")
	return t
}

// right reports whether grid column j is right-aligned: statically
// numeric, or every value in it is a number.
func (d *document) right(j int) bool {
	return d.grid.Columns[j].Numeric() || d.numeric[j]
}

// tables splits the rows into tables: runs of rows of one section between
// paragraphs, and the paragraphs.
func (d *document) tables() []docTable {
	var out []docTable
	start := 0
	cut := func(i int) {
		if i > start {
			out = append(out, d.layTable(d.rows[start:i]))
		}
		start = i
	}
	for i := range d.rows {
		switch {
		case d.rows[i].paragraph():
			cut(i)
			out = append(out, docTable{rows: d.rows[i : i+1]})
			start = i + 1
		case i > start && d.rows[i].section != d.rows[start].section:
			cut(i)
		}
	}
	cut(len(d.rows))
	return out
}

// runDate renders Meta.RunDate ("" when zero).
func runDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04 MST")
}

// paramValue renders a parameter's value exactly (value.String).
func paramValue(p Param) string { return value.String(value.Normalize(p.Value)) }

// cell returns the row's text in grid column j ("" where it has none:
// a heading, or a column a later band added).
func (r *docRow) cell(j int) string {
	if j < len(r.cells) {
		return r.cells[j]
	}
	return ""
}

// subtotal reports whether rows of b are totals (shown bold): the summary,
// and the footers of a level with rows below it in its grouping (details,
// or the header or footer of a deeper level). The footers of the innermost level of a
// report without details are its body rows.
func (d *base) subtotal(b *Band) bool {
	if b.Kind == Summary {
		return true
	}
	if b.Kind != GroupFooter {
		return false
	}
	for _, bi := range d.order {
		o := bi.band
		if !o.Template && o.Grouping == b.Grouping && (o.Kind == Detail || o.Kind.isGroup() && o.Level > b.Level) {
			return true
		}
	}
	return false
}

// totalLabel returns the text of grid column j in row, with "Total" in
// the first shown column of the summary of a table without a key column
// when the summary leaves it empty.
func (d *document) totalLabel(t *docTable, row *docRow, j int) string {
	s := row.cell(j)
	if s == "" && row.band.Kind == Summary && !t.keyed && len(t.cols) > 0 && j == t.cols[0] {
		return row.key
	}
	return s
}
