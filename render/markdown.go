package render

import (
	"strings"
	"unicode/utf8"
)

// markdownRenderer writes "# Title", the parameters and run date as a
// list, the report as one grouped pipe table (see [document]): group keys
// in the first column indented by level with no-break spaces, template
// group headers as bold rows, footers bold, the summary as a bold "Total"
// row; report-level lines as paragraphs between tables, and the totals.
type markdownRenderer struct {
	document
}

// mdIndent indents a key cell by one level (no-break spaces, which
// Markdown keeps).
const mdIndent = "\u00a0\u00a0\u00a0"

func (r *markdownRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	var blocks []string
	if r.meta.Title != "" {
		blocks = append(blocks, "# "+mdEscape(r.meta.Title))
	}
	if p := r.params(); p != "" {
		blocks = append(blocks, p)
	}
	for _, t := range r.tables() {
		if t.paragraph() {
			blocks = append(blocks, mdEscape(t.rows[0].key))
			continue
		}
		blocks = append(blocks, r.table(&t))
	}
	switch {
	case t != nil && t.Incomplete != "":
		blocks = append(blocks, "**Report incomplete:** "+mdEscape(t.Incomplete))
	case t != nil:
		lines := totalsLines(t, r.opts.Elapsed)
		blocks = append(blocks, "## Totals", mdEscape(lines[0]))
		if len(lines) > 1 {
			items := make([]string, len(lines)-1)
			for i, l := range lines[1:] {
				items[i] = "- " + mdEscape(l)
			}
			blocks = append(blocks, strings.Join(items, "\n"))
		}
	}
	if len(blocks) == 0 {
		return r.w.err
	}
	return r.write([]byte(strings.Join(blocks, "\n\n") + "\n"))
}

// params lists the parameters and the run date ("" when there are none).
func (r *markdownRenderer) params() string {
	var items []string
	for _, p := range r.meta.Params {
		items = append(items, "- **"+mdEscape(p.Name)+":** "+mdEscape(paramValue(p)))
	}
	if d := runDate(r.meta.RunDate); d != "" {
		items = append(items, "- **run date:** "+mdEscape(d))
	}
	return strings.Join(items, "\n")
}

// table renders t as a pipe table.
func (r *markdownRenderer) table(t *docTable) string {
	var head []string
	var right []bool
	if t.keyed {
		head, right = append(head, mdEscape(t.keyHeading)), append(right, false)
	}
	for _, j := range t.cols {
		head, right = append(head, mdEscape(r.grid.Columns[j].Heading)), append(right, r.right(j))
	}
	lines := [][]string{head}
	for i := range t.rows {
		lines = append(lines, r.cells(t, &t.rows[i], len(head)))
	}
	return mdTable(lines, right)
}

// cells renders one row's cells: bold for a heading, a footer or the
// summary.
func (r *markdownRenderer) cells(t *docTable, row *docRow, n int) []string {
	out := make([]string, 0, n)
	bold := r.subtotal(row.band) || row.heading()
	cell := func(s string, st Style) string {
		return mdStyled(mdEscape(s), bold || st&StyleBold != 0, st&StyleItalic != 0)
	}
	if t.keyed {
		k := cell(row.key, row.style)
		if row.band.Kind == GroupHeader && row.key != "" && !bold {
			k = "**" + mdEscape(row.key) + "**"
		}
		out = append(out, strings.Repeat(mdIndent, row.indent)+k)
	}
	for _, j := range t.cols {
		if row.heading() {
			out = append(out, "")
			continue
		}
		out = append(out, cell(r.totalLabel(t, row, j), row.cellStyle(j)))
	}
	return out
}

// mdStyled wraps a non-empty escaped cell in ** (bold) and _ (italic):
// Markdown shows conditional styles' bold and italic, not their colours.
func mdStyled(s string, bold, italic bool) string {
	if s == "" {
		return s
	}
	if italic {
		s = "_" + s + "_"
	}
	if bold {
		s = "**" + s + "**"
	}
	return s
}

// mdTable renders rows (the first the heading) as a pipe table with
// padded cells, right[j] columns right-aligned.
func mdTable(rows [][]string, right []bool) string {
	widths := make([]int, len(right))
	for _, row := range rows {
		for j, c := range row {
			widths[j] = max(widths[j], utf8.RuneCountInString(c), 3)
		}
	}
	rule := make([]string, len(right))
	for j := range right {
		if right[j] {
			rule[j] = strings.Repeat("-", widths[j]-1) + ":"
		} else {
			rule[j] = strings.Repeat("-", widths[j])
		}
	}
	var b strings.Builder
	line := func(cells []string, align bool) {
		b.WriteString("|")
		for j, c := range cells {
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c))
			if align && right[j] {
				c = pad + c
			} else {
				c += pad
			}
			b.WriteString(" " + c + " |")
		}
	}
	line(rows[0], false)
	b.WriteString("\n")
	line(rule, false)
	for _, row := range rows[1:] {
		b.WriteString("\n")
		line(row, true)
	}
	return b.String()
}

// mdEscaper backslash-escapes the characters Markdown would interpret.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `>`, `\>`, `|`, `\|`, `#`, `\#`, `~`, `\~`,
	"\r\n", "<br>", "\n", "<br>", "\r", "<br>")

// mdEscape makes s literal text on one line of Markdown.
func mdEscape(s string) string { return mdEscaper.Replace(textControl(s)) }

// textControl replaces control characters other than line breaks and tabs
// with U+FFFD.
func textControl(s string) string {
	if !strings.ContainsFunc(s, isOddControl) {
		return s
	}
	return strings.Map(func(c rune) rune {
		if isOddControl(c) {
			return '\uFFFD'
		}
		return c
	}, s)
}

func isOddControl(c rune) bool { return isControl(c) && c != '\n' && c != '\r' && c != '\t' }
