package render

import (
	"strings"
	"unicode/utf8"
)

// textMode is how the text format shows a band.
type textMode uint8

const (
	textPairs textMode = iota // one "name: value  name: value" line per event
	textTable                 // a table under a line of column names
	textLine                  // a template band's line of text
)

const (
	defaultTextBuffer = 1000
	boldOn            = "\x1b[1m"
	boldOff           = "\x1b[0m"
)

// textRenderer writes the aligned, readable report.
type textRenderer struct {
	*base
	modes   map[*Band]textMode
	blk     *textBlock // rows of one band held back for alignment
	printed bool       // something has been written
	gapDue  bool       // a blank line is due before the next output
	last    *Band      // the band printed last
}

// textBlock is a run of consecutive events of one band.
type textBlock struct {
	info    *bandInfo
	mode    textMode
	indent  string
	rows    [][]string
	styles  [][]Style // per row: its cells' conditional styles (nil: none)
	numeric []bool    // per column: every non-nil value so far is a number
	valued  []bool    // per column: some value is not nil
	widths  []int     // kept from the first printed piece of a long run
	right   []bool
	started bool // the first piece has been printed
}

func (r *textRenderer) Begin(m *Meta) error {
	if err := r.begin(m); err != nil {
		return err
	}
	r.modes = make(map[*Band]textMode, len(m.Bands))
	for _, b := range m.Bands {
		r.modes[b] = textModeOf(b, m.Bands)
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
	err := r.print(out)
	r.gapDue = true
	return err
}

// textModeOf decides how band b shows among bands: details as tables; a
// group band as a table when nothing else can come between two of its
// events (no detail band and no other band of its level or deeper);
// anything else as pairs.
func textModeOf(b *Band, bands []*Band) textMode {
	switch {
	case b.Template:
		return textLine
	case b.Kind == Detail:
		return textTable
	case !b.Kind.isGroup():
		return textPairs
	}
	for _, o := range bands {
		if o != b && (o.Kind == Detail || (o.Kind.isGroup() && o.Level >= b.Level)) {
			return textPairs
		}
	}
	return textTable
}

func (r *textRenderer) Emit(e *Event) error {
	bi, err := r.emit(e)
	if err != nil {
		return err
	}
	mode, ok := r.modes[e.Band]
	if !ok {
		mode = textModeOf(e.Band, nil)
		if e.Band.Kind.isGroup() {
			mode = textPairs
		}
		r.modes[e.Band] = mode
	}
	if r.blk != nil && r.blk.info != bi {
		if err := r.flush(); err != nil {
			return err
		}
	}
	if mode == textLine {
		line := textIndent(e.Band) + textCell(e.Text)
		if e.Band.Kind == GroupHeader || e.Band.Kind == ReportHeader {
			line = textIndent(e.Band) + r.bold(textCell(e.Text))
		}
		return r.printBand(e.Band, []string{line})
	}
	if r.blk == nil {
		n := len(e.Band.Columns)
		r.blk = &textBlock{info: bi, mode: mode, indent: textIndent(e.Band),
			numeric: make([]bool, n), valued: make([]bool, n)}
		for j := range r.blk.numeric {
			r.blk.numeric[j] = true
		}
	}
	b := r.blk
	row := make([]string, len(e.Values))
	for j := range e.Values {
		v := cell(e, j)
		row[j] = textCell(bi.fmts[j].Format(v))
		if v != nil {
			b.valued[j] = true
			b.numeric[j] = b.numeric[j] && isNumber(v)
		}
	}
	b.rows = append(b.rows, row)
	b.styles = append(b.styles, r.eventStyles(e))
	limit := r.opts.TextBuffer
	if limit <= 0 {
		limit = defaultTextBuffer
	}
	if len(b.rows) >= limit {
		return r.printBlock()
	}
	return nil
}

func (r *textRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	if err := r.flush(); err != nil {
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

// flush prints and drops the held-back block.
func (r *textRenderer) flush() error {
	if r.blk == nil {
		return nil
	}
	err := r.printBlock()
	r.blk = nil
	return err
}

// printBlock prints the held-back rows of the block and keeps the block
// (its widths) for more rows of the same run.
func (r *textRenderer) printBlock() error {
	b := r.blk
	band := b.info.band
	var lines []string
	if b.mode == textPairs {
		for i, row := range b.rows {
			parts := make([]string, len(row))
			for j, c := range row {
				parts[j] = heading(band.Columns[j]) + ": " + ansiStyled(c, styleAt(b.styles[i], j))
			}
			lines = append(lines, strings.TrimRight(b.indent+strings.Join(parts, "  "), " "))
		}
	} else {
		lines = r.tableLines(b)
	}
	b.rows = b.rows[:0]
	b.styles = b.styles[:0]
	if len(lines) == 0 {
		return nil
	}
	if b.started {
		return r.print(lines)
	}
	b.started = true
	return r.printBand(band, lines)
}

// tableLines lays the block's rows out under the column headings (label or
// name).
func (r *textRenderer) tableLines(b *textBlock) []string {
	cols := b.info.band.Columns
	if !b.started {
		b.widths = make([]int, len(cols))
		b.right = make([]bool, len(cols))
		for j, c := range cols {
			b.widths[j] = utf8.RuneCountInString(heading(c))
			b.right[j] = b.info.numericKind(j) || (b.valued[j] && b.numeric[j])
		}
	}
	for _, row := range b.rows {
		for j, c := range row {
			b.widths[j] = max(b.widths[j], utf8.RuneCountInString(c))
		}
	}
	var lines []string
	if !b.started {
		names := make([]string, len(cols))
		for j, c := range cols {
			names[j] = heading(c)
		}
		lines = append(lines, b.indent+r.bold(strings.TrimRight(alignRow(names, b.widths, b.right, nil), " ")))
	}
	for i, row := range b.rows {
		lines = append(lines, strings.TrimRight(b.indent+alignRow(row, b.widths, b.right, b.styles[i]), " "))
	}
	return lines
}

// alignRow pads cells to widths, two spaces apart, each cell in its ANSI
// style from styles (nil: none).
func alignRow(cells []string, widths []int, right []bool, styles []Style) string {
	var s strings.Builder
	for j, c := range cells {
		if j > 0 {
			s.WriteString("  ")
		}
		pad := strings.Repeat(" ", max(0, widths[j]-utf8.RuneCountInString(c)))
		c = ansiStyled(c, styleAt(styles, j))
		if right[j] {
			s.WriteString(pad + c)
		} else {
			s.WriteString(c + pad)
		}
	}
	return s.String()
}

// printBand prints the first lines of band, after a blank line where the
// report's structure wants one: after the title, between outermost groups,
// before the summary and the report footer.
func (r *textRenderer) printBand(band *Band, lines []string) error {
	if r.last != nil {
		prev := r.last
		switch {
		case prev.Kind == ReportHeader && band.Kind != ReportHeader,
			prev.Kind == GroupFooter && prev.Level == 0,
			band.Kind == GroupHeader && band.Level == 0,
			band.Kind == Summary, band.Kind == ReportFooter && prev.Kind != ReportFooter:
			r.gapDue = true
		}
	}
	r.last = band
	return r.print(lines)
}

// print writes lines (with a blank line first when one is due).
func (r *textRenderer) print(lines []string) error {
	var s strings.Builder
	if r.gapDue && r.printed {
		s.WriteByte('\n')
	}
	r.gapDue = false
	for _, l := range lines {
		s.WriteString(l)
		s.WriteByte('\n')
	}
	r.printed = true
	return r.write([]byte(s.String()))
}

func (r *textRenderer) bold(s string) string {
	if r.opts.Color && s != "" {
		return boldOn + s + boldOff
	}
	return s
}

// textIndent is two spaces per group level; details sit one level inside
// their innermost group.
func textIndent(b *Band) string {
	n := 0
	switch b.Kind {
	case GroupHeader, GroupFooter:
		n = b.Level
	case Detail:
		n = b.Level + 1
	}
	return strings.Repeat("  ", max(n, 0))
}

// textCell makes s fit on one line: control characters are written as Go
// escapes (a newline as \n).
func textCell(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case isControl(c):
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[c>>4&0xf])
			b.WriteByte("0123456789abcdef"[c&0xf])
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func isControl(c rune) bool { return c < 0x20 || c == 0x7f }
