package render

import (
	"strings"
	"unicode/utf8"
)

// textRenderer writes the report for a terminal or a plain-text file,
// laid out as the document formats lay it out (see [Grid]): one aligned
// table per top-level grouping, the group keys in its first column
// indented by level, template group headers as heading lines, footers as
// subtotal rows and the summary as a "Total" row; the title, parameters
// and report-level lines around the tables, then the totals.
//
// It streams: rows are held back in blocks of Options.TextBuffer so that
// their columns line up; a longer table keeps the widths of its first
// block and widens a column where a later value needs it. With
// Options.Color, headings, subtotals and the summary are bold and
// conditional styles are ANSI colours.
type textRenderer struct {
	*base
	grid    *Grid
	keys    keyCells
	nested  []bool     // per section: a top-level group spans several rows
	tbl     *textTable // the table being printed
	printed bool       // something has been written
	gapDue  bool       // a blank line is due before the next output
}

// textTable is the table of one section being printed.
type textTable struct {
	sec     int
	cols    []int // the section's value columns
	keyed   bool  // the first cell is the key column
	lines   bool  // its bands are all templates: no headings
	heads   []string
	rows    []textRow // held back for alignment
	n       int       // rows so far, printed or held
	numeric []bool    // per cell: every value so far is a number
	valued  []bool    // per cell: some value so far is not nil
	widths  []int     // from the first printed block on
	right   []bool
	started bool // the headings are printed
}

// textRow is one row of a text table: cells, or a heading line.
type textRow struct {
	line   string   // a template group header's text (cells nil)
	cells  []string // the key cell (when keyed), then the values
	styles []Style  // per cell (nil: none)
	gap    bool     // a blank line before it
}

const (
	defaultTextBuffer = 1000
	boldOn            = "\x1b[1m"
	boldOff           = "\x1b[0m"
)

func (r *textRenderer) Begin(m *Meta) error {
	g, err := r.beginGrid(m)
	if err != nil {
		return err
	}
	r.grid, r.keys = g, keyCells{grid: g}
	r.nested = make([]bool, len(g.Sections))
	for _, b := range m.Bands {
		if b.Level > 0 || b.Kind == Detail || b.Kind == GroupHeader {
			r.nested[g.sectionOf(b)] = true
		}
	}
	var out []string
	if m.Title != "" {
		out = append(out, r.bold(textCell(m.Title)), strings.Repeat("=", utf8.RuneCountInString(textCell(m.Title))))
	}
	if len(m.Params) > 0 {
		out = append(out, paramsLine(m.Params, "  ", textCell))
	}
	if len(out) == 0 {
		return nil
	}
	err = r.print(out)
	r.gapDue = true
	return err
}

func (r *textRenderer) Emit(e *Event) error {
	if _, err := r.emit(e); err != nil {
		return err
	}
	gr, err := r.grid.Row(e)
	if err != nil {
		return err
	}
	key, indent, _, top := r.keys.next(e, &gr)
	b := e.Band
	if b.Template && b.Level < 0 { // a report-level line between tables
		if err := r.endTable(); err != nil {
			return err
		}
		line := textCell(key)
		if b.Kind == ReportHeader {
			line = r.bold(line)
		}
		return r.print([]string{line})
	}
	if r.tbl == nil || r.tbl.sec != gr.Section {
		if err := r.endTable(); err != nil {
			return err
		}
		r.tbl = r.newTable(gr.Section)
	}
	t := r.tbl
	row := textRow{gap: t.n > 0 && r.nested[t.sec] && (top || b.Kind == Summary)}
	if b.Template {
		row.line = strings.Repeat("  ", indent) + r.bold(textCell(key))
	} else {
		r.cells(&row, &gr, key, indent)
	}
	t.rows = append(t.rows, row)
	t.n++
	limit := r.opts.TextBuffer
	if limit <= 0 {
		limit = defaultTextBuffer
	}
	if len(t.rows) >= limit {
		return r.printRows()
	}
	return nil
}

// cells fills row's cells from grid row gr: the key cell, then the
// table's columns; bold for a subtotal or the summary.
func (r *textRenderer) cells(row *textRow, gr *Row, key string, indent int) {
	t := r.tbl
	bold := r.subtotal(gr.Band)
	add := func(s string, st Style, numeric, valued bool) {
		j := len(row.cells)
		row.cells = append(row.cells, s)
		if valued {
			t.numeric[j] = t.numeric[j] && numeric
			t.valued[j] = true
		}
		if bold {
			st |= StyleBold
		}
		if r.opts.Color && st != 0 {
			if row.styles == nil {
				row.styles = make([]Style, len(t.heads))
			}
			row.styles[j] = st
		}
	}
	if t.keyed {
		add(strings.Repeat("  ", indent)+textCell(key), gr.Style, false, false)
	}
	for _, k := range t.cols {
		s, v := "", gr.Cells[k]
		if v != nil {
			s = textCell(r.grid.Text(gr, k))
		}
		if s == "" && gr.Band.Kind == Summary && !t.keyed && k == t.cols[0] {
			s = key // "Total" in the first column of a table without keys
		}
		add(s, gr.CellStyle(k), isNumber(v), v != nil)
	}
}

// newTable starts the table of section sec: its key column (headed by
// the keys' headings, outermost first) and its value columns.
func (r *textRenderer) newTable(sec int) *textTable {
	t := &textTable{sec: sec}
	var keys []string
	for _, k := range r.grid.Sections[sec].Columns {
		if c := &r.grid.Columns[k]; c.Key >= 0 {
			keys = append(keys, c.Heading)
		} else {
			t.cols = append(t.cols, k)
		}
	}
	if len(keys) > 0 {
		t.keyed = true
		t.heads = append(t.heads, strings.Join(keys, " / "))
	}
	t.lines = true
	for _, b := range r.meta.Bands {
		if !b.Template && r.grid.sectionOf(b) == sec {
			t.lines = false
		}
	}
	for _, k := range t.cols {
		t.heads = append(t.heads, r.grid.Columns[k].Heading)
	}
	t.numeric, t.valued = make([]bool, len(t.heads)), make([]bool, len(t.heads))
	for j := range t.numeric {
		t.numeric[j] = true
	}
	if r.printed {
		r.gapDue = true
	}
	return t
}

func (r *textRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	if err := r.endTable(); err != nil {
		return err
	}
	if t == nil {
		return r.w.err
	}
	if r.printed {
		r.gapDue = true
	}
	return r.print(totalsLines(t, r.opts.Elapsed))
}

// endTable prints the rest of the current table and ends it.
func (r *textRenderer) endTable() error {
	if r.tbl == nil {
		return nil
	}
	err := r.printRows()
	r.tbl = nil
	r.gapDue = true
	return err
}
