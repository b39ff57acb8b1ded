package render

import (
	"strings"
	"unicode/utf8"
)

// Laying out and printing the rows of a text table.

// printRows prints the held-back rows of the current table (under its
// headings, the first time) and keeps the table's widths for its later
// rows.
func (r *textRenderer) printRows() error {
	t := r.tbl
	if len(t.rows) == 0 {
		return nil
	}
	if !t.started {
		t.widths = make([]int, len(t.heads))
		t.right = make([]bool, len(t.heads))
		for j, h := range t.heads {
			t.widths[j] = utf8.RuneCountInString(h)
			if k := j - t.keyIndex(); k >= 0 {
				t.right[j] = r.grid.Columns[t.cols[k]].Numeric() || t.valued[j] && t.numeric[j]
			}
		}
	}
	for _, row := range t.rows {
		for j, c := range row.cells {
			t.widths[j] = max(t.widths[j], utf8.RuneCountInString(c))
		}
	}
	var lines []string
	if !t.started && !t.lines {
		lines = append(lines, r.bold(strings.TrimRight(alignRow(t.heads, t.widths, t.right, nil), " ")))
	}
	t.started = true
	for _, row := range t.rows {
		if row.gap {
			lines = append(lines, "")
		}
		if row.cells == nil {
			lines = append(lines, row.line)
			continue
		}
		lines = append(lines, strings.TrimRight(alignRow(row.cells, t.widths, t.right, row.styles), " "))
	}
	t.rows = t.rows[:0]
	return r.print(lines)
}

// keyIndex is 1 when the table's first cell is the key column, else 0.
func (t *textTable) keyIndex() int {
	if t.keyed {
		return 1
	}
	return 0
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
