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
	grid  *Grid
	rows  []docRow
	shown []string // the key path the last row showed
	// per grid column: some value is not nil; every non-nil value is a number
	valued, numeric []bool
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
}

// paragraph reports whether the row is a report-level line of text.
func (r *docRow) paragraph() bool { return r.band.Template && r.band.Level < 0 }

// heading reports whether the row is a template group header.
func (r *docRow) heading() bool { return r.band.Template && r.band.Level >= 0 }

// keySep joins the keys of several levels in one key cell.
const keySep = " › "

func (d *document) Begin(m *Meta) error {
	if err := d.begin(m); err != nil {
		return err
	}
	g, err := NewGrid(m)
	if err != nil {
		return err
	}
	d.grid = g
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
	row := docRow{band: b, indent: max(b.Level, 0), styles: gr.Styles, style: gr.Style}
	path := d.path(e)
	start := commonPrefix(path, d.shown)
	prevHeader := len(d.rows) > 0 && d.rows[len(d.rows)-1].band.Kind == GroupHeader
	row.fresh = (start < len(path) || b.Kind == GroupHeader) && !prevHeader
	switch {
	case b.Template:
		row.key = e.Text
	case b.Kind == Summary:
		row.key = "Total"
	case b.Kind.isGroup() && len(path) > 0:
		s := min(start, len(path)-1)
		row.key, row.indent = strings.Join(path[s:], keySep), s
	case start < len(path):
		row.key, row.indent = strings.Join(path[start:], keySep), start
	}
	if b.Level >= 0 || b.Kind == Summary {
		d.shown = path
	}
	d.grow()
	if gr.Cells != nil {
		row.cells = make([]string, len(gr.Cells))
		for j, v := range gr.Cells {
			if v == nil || d.grid.Columns[j].Key >= 0 {
				continue
			}
			row.cells[j] = d.grid.Columns[j].Formatter().Format(v)
			d.valued[j] = true
			d.numeric[j] = d.numeric[j] && isNumber(v)
		}
	}
	d.rows = append(d.rows, row)
	return nil
}

// grow extends the per-column flags to the grid's columns (a band the
// Meta did not list adds columns).
func (d *document) grow() {
	for len(d.valued) < len(d.grid.Columns) {
		d.valued = append(d.valued, false)
		d.numeric = append(d.numeric, true)
	}
}

// path returns the event's group keys, formatted as their key columns
// show them.
func (d *document) path(e *Event) []string {
	b := e.Band
	if b.Level < 0 {
		return nil
	}
	out := make([]string, 0, b.Level+1)
	for i := 0; i <= b.Level; i++ {
		var f Formatter
		if k, ok := d.grid.byKey[keyName(b, i)]; ok {
			f = d.grid.Columns[k].Formatter()
		}
		out = append(out, f.Format(e.key(i)))
	}
	return out
}

// commonPrefix returns how many leading keys a and b share.
func commonPrefix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// keyed reports whether the table has a key column.
func (d *document) keyed() bool { return d.grid.Levels > 0 }

// keyHeading heads the key column: the key columns' headings, outermost
// first, joined by " / ".
func (d *document) keyHeading() string {
	var hs []string
	for _, c := range d.grid.Columns {
		if c.Key >= 0 {
			hs = append(hs, c.Heading)
		}
	}
	return strings.Join(hs, " / ")
}

// columns returns the grid columns the table shows: the value columns
// some row fills.
func (d *document) columns() []int {
	var out []int
	for j, c := range d.grid.Columns {
		if c.Key < 0 && j < len(d.valued) && d.valued[j] {
			out = append(out, j)
		}
	}
	return out
}

// right reports whether grid column j is right-aligned: statically
// numeric, or every value in it is a number.
func (d *document) right(j int) bool {
	return d.grid.Columns[j].Numeric() || d.valued[j] && d.numeric[j]
}

// tables splits the rows into runs of table rows and paragraphs: each
// element is either one paragraph row or a run of table rows.
func (d *document) tables() [][]docRow {
	var out [][]docRow
	start := 0
	for i := range d.rows {
		if !d.rows[i].paragraph() {
			continue
		}
		if i > start {
			out = append(out, d.rows[start:i])
		}
		out = append(out, d.rows[i:i+1])
		start = i + 1
	}
	if start < len(d.rows) {
		out = append(out, d.rows[start:])
	}
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
// and the footers of a level with rows below it (details, or the header
// or footer of a deeper level). The footers of the innermost level of a
// report without details are its body rows.
func (d *document) subtotal(b *Band) bool {
	if b.Kind == Summary {
		return true
	}
	if b.Kind != GroupFooter {
		return false
	}
	for _, bi := range d.order {
		o := bi.band
		if !o.Template && (o.Kind == Detail || o.Kind.isGroup() && o.Level > b.Level) {
			return true
		}
	}
	return false
}

// totalLabel returns the text of grid column j in row, with "Total" in
// the first shown column of the summary of a table without a key column
// when the summary leaves it empty.
func (d *document) totalLabel(row *docRow, cols []int, j int) string {
	s := row.cell(j)
	if s == "" && row.band.Kind == Summary && !d.keyed() && len(cols) > 0 && j == cols[0] {
		return row.key
	}
	return s
}
