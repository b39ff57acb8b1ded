package render

import (
	"fmt"

	"github.com/reportsh/reportsh/runtime/value"
)

// The banded document model. The human formats that lay a report out as
// one grouped table (HTML, Markdown, PDF, XLSX) read it through a Grid: one
// set of columns for the whole report, and one Row per event, in report
// order, so that a group's header, its detail rows and its footer
// (subtotal) follow one another, nested by level, then the summary.
//
// The grid's columns are the group keys of every level, outermost first,
// then the detail band's columns, then the columns of the footers
// (innermost level first) and of the summary that no earlier band named.
// A band's column goes to the grid column of the same name, so that a
// footer's SUM(revenue) named revenue stands under the detail band's
// revenue. Template bands (header "Territory {territory}") are rows of text
// across the grid.
//
// A report with several top-level groupings (group territory {…} then
// group product {…}) prints one table per grouping: the grid has one
// [Section] per grouping, listing the grid columns its bands fill. The
// report header belongs to the first section, the summary and the report
// footer to the last.

// GridColumn is one column of a [Grid].
type GridColumn struct {
	// Name is the column's name, as the machine formats key it.
	Name string
	// Heading is what a reader sees above the column: its label, or its
	// name as written.
	Heading string
	// Kind is the static type of the column's values where every band
	// that fills it agrees, else value.KindAny.
	Kind value.Kind
	// Format is the format pattern of the first band column placed here.
	Format string
	// Key is the group level whose key the column holds, or -1.
	Key int

	fmt   Formatter
	typed bool // a band column set Kind
}

// Numeric reports whether the column's values are statically numbers
// (right-aligned by the human formats).
func (c *GridColumn) Numeric() bool { return c.Kind.IsNumeric() }

// Formatter returns the column's display formatter.
func (c *GridColumn) Formatter() Formatter { return c.fmt }

// Grid lays a report's bands out as one grouped table.
type Grid struct {
	// Columns are the grid's columns in display order.
	Columns []GridColumn
	// Levels is the number of group levels (of the deepest grouping).
	Levels int

	// Sections are the grid's tables, one per top-level grouping (at
	// least one).
	Sections []Section

	place   map[*Band][]int // per band: the grid column of each band column
	fmts    map[*Band][]*Formatter
	byKey   map[string]int
	section map[*Band]int
}

// Section is the part of a [Grid] one table shows: the bands of one
// top-level grouping, and the report-level bands before or after it.
type Section struct {
	// Columns are the grid columns the section's bands fill, in grid
	// order (its key columns first).
	Columns []int

	has map[int]bool
}

// add adds grid column k to the section.
func (s *Section) add(k int) {
	if s.has[k] {
		return
	}
	if s.has == nil {
		s.has = map[int]bool{}
	}
	s.has[k] = true
	i := len(s.Columns)
	s.Columns = append(s.Columns, k)
	for ; i > 0 && s.Columns[i-1] > k; i-- { // keep grid order
		s.Columns[i], s.Columns[i-1] = s.Columns[i-1], s.Columns[i]
	}
}

// Keys returns the section's key columns.
func (g *Grid) Keys(s *Section) []int {
	var out []int
	for _, k := range s.Columns {
		if g.Columns[k].Key >= 0 {
			out = append(out, k)
		}
	}
	return out
}

// Row is one event laid out on a [Grid].
type Row struct {
	// Band is the event's band; its Kind says what the row is (a group
	// header, a detail row, a footer: the subtotal of its group, the
	// summary: the report's total).
	Band *Band
	// Level is the band's group level (-1: report-level).
	Level int
	// Cells holds one value per grid column: the band's values where it
	// has a column, the group keys of levels 0..Level in their key
	// columns, nil elsewhere. Nil for a template band.
	Cells []any
	// Text is a template band's line.
	Text string
	// Styles holds one style per grid column from the band's conditional
	// style rules (see [Style]); nil when the row has none.
	Styles []Style
	// Style is the whole row's style.
	Style Style
	// Section is the index of the row's table in Grid.Sections.
	Section int
}

// CellStyle returns the style of grid column i: the row's and the cell's.
func (r *Row) CellStyle(i int) Style {
	s := r.Style
	if i < len(r.Styles) {
		s |= r.Styles[i]
	}
	return s
}

// NewGrid lays out m's bands. A format error in a column's pattern is
// returned as [New]'s renderers would return it from Begin.
func NewGrid(m *Meta) (*Grid, error) {
	g := &Grid{place: map[*Band][]int{}, fmts: map[*Band][]*Formatter{}, byKey: map[string]int{}, section: map[*Band]int{}}
	n := 1
	for _, b := range m.Bands {
		if b.Level >= 0 && b.Kind != Detail {
			n = max(n, b.Grouping+1)
		}
	}
	g.Sections = make([]Section, n)
	for _, b := range m.Bands {
		g.section[b] = g.sectionOf(b)
		for i := range b.KeyNames {
			if i >= g.Levels {
				g.Levels = i + 1
			}
			g.addKey(b, i)
		}
	}
	for _, kind := range []BandKind{Detail, GroupFooter, GroupHeader, Summary, ReportHeader, ReportFooter} {
		for _, b := range bandsByLevel(m.Bands, kind) {
			if err := g.placeBand(b); err != nil {
				return nil, err
			}
		}
	}
	return g, nil
}

// sectionOf returns the section of b's rows: its grouping's; the first
// for the report header, the last for the summary and report footer.
func (g *Grid) sectionOf(b *Band) int {
	switch {
	case b.Level >= 0 && b.Kind != Detail:
		for len(g.Sections) <= b.Grouping { // a band the Meta did not list
			g.Sections = append(g.Sections, Section{})
		}
		return b.Grouping
	case b.Kind == ReportHeader, b.Kind == Detail:
		return 0
	}
	return len(g.Sections) - 1
}

// addKey adds the key column of level i of b, unless one of that name is
// there, to the grid and to b's section.
func (g *Grid) addKey(b *Band, i int) {
	name := keyName(b, i)
	k, ok := g.byKey[name]
	if !ok {
		k = len(g.Columns)
		g.byKey[name] = k
		g.Columns = append(g.Columns, GridColumn{Name: name, Heading: name, Kind: value.KindAny, Key: i})
	}
	g.Sections[g.section[b]].add(k)
}

// bandsByLevel returns the bands of kind, innermost level first (the
// detail band, then the footers from the innermost group out).
func bandsByLevel(bands []*Band, kind BandKind) []*Band {
	var out []*Band
	for _, b := range bands {
		if b.Kind == kind {
			out = append(out, b)
		}
	}
	for i := 1; i < len(out); i++ { // insertion sort: stable, few bands
		for j := i; j > 0 && out[j].Level > out[j-1].Level; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// placeBand gives each column of b its grid column, adding the columns no
// earlier band named.
func (g *Grid) placeBand(b *Band) error {
	if b.Template {
		return nil
	}
	at := make([]int, len(b.Columns))
	fs := make([]Formatter, len(b.Columns))
	for j, c := range b.Columns {
		f, err := ParseFormat(c.Format)
		if err != nil {
			return fmt.Errorf("render: %s column %q: %w", bandName(b), c.Name, err)
		}
		fs[j] = f
		k, ok := g.byKey[c.Name]
		if !ok {
			k = len(g.Columns)
			g.byKey[c.Name] = k
			g.Columns = append(g.Columns, GridColumn{Name: c.Name, Heading: heading(c), Kind: c.Kind, Format: c.Format, Key: -1, fmt: f, typed: true})
		} else {
			gc := &g.Columns[k]
			if gc.Key >= 0 && gc.Format == "" && c.Format != "" {
				gc.Format, gc.fmt = c.Format, f // a key's display format comes from a band
			}
			if c.Label != "" && gc.Heading == gc.Name {
				gc.Heading = c.Label
			}
			if !gc.typed {
				gc.Kind, gc.typed = c.Kind, true
			} else if gc.Kind != c.Kind {
				gc.Kind = value.KindAny
			}
		}
		at[j] = k
		g.Sections[g.section[b]].add(k)
	}
	g.place[b] = at
	byCol := make([]*Formatter, len(g.Columns))
	for j, k := range at {
		byCol[k] = &fs[j]
	}
	g.fmts[b] = byCol
	return nil
}

// Text formats the value of grid column i in r for display: with the
// format pattern of the band column that put it there (a footer's
// "#,##0.00" under a detail column without one), a key with its column's.
func (g *Grid) Text(r *Row, i int) string {
	if fs := g.fmts[r.Band]; i < len(fs) && fs[i] != nil {
		return fs[i].Format(r.Cells[i])
	}
	return g.Columns[i].fmt.Format(r.Cells[i])
}

// heading is what a reader sees above a column.
func heading(c Column) string {
	if c.Label != "" {
		return c.Label
	}
	return c.Name
}

// Row lays e out on the grid. Events of a band the grid has not seen
// (not listed in the Meta) are placed first.
func (g *Grid) Row(e *Event) (Row, error) {
	b := e.Band
	sec, ok := g.section[b]
	if !ok {
		sec = g.sectionOf(b)
		g.section[b] = sec
	}
	r := Row{Band: b, Level: b.Level, Section: sec}
	if b.Template {
		r.Text = e.Text
		return r, nil
	}
	at, ok := g.place[b]
	if !ok {
		g.Levels = max(g.Levels, len(b.KeyNames))
		for i := range b.KeyNames {
			g.addKey(b, i)
		}
		if err := g.placeBand(b); err != nil {
			return r, err
		}
		at = g.place[b]
	}
	r.Cells = make([]any, len(g.Columns))
	for i := range b.KeyNames {
		if k, ok := g.byKey[keyName(b, i)]; ok {
			r.Cells[k] = e.key(i)
		}
	}
	for j, v := range e.Values {
		r.Cells[at[j]] = v
	}
	r.Style = e.RowStyle
	if len(e.Styles) > 0 {
		r.Styles = make([]Style, len(g.Columns))
		for j, s := range e.Styles {
			if j < len(at) {
				r.Styles[at[j]] = s
			}
		}
	}
	return r, nil
}
