package render

import (
	"strings"
	"unicode/utf8"
)

// markdownRenderer writes "# Title", the parameters, one pipe table per
// band in band order (under a "## band" heading), and the totals.
type markdownRenderer struct {
	tables
}

func (r *markdownRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	var blocks []string
	if r.meta.Title != "" {
		blocks = append(blocks, "# "+mdEscape(r.meta.Title))
	}
	if len(r.meta.Params) > 0 {
		blocks = append(blocks, paramsLine(r.meta.Params, ", ", mdEscape))
	}
	for _, tb := range r.list {
		if len(tb.rows) == 0 {
			continue
		}
		if tb.lines {
			for _, row := range tb.rows {
				blocks = append(blocks, mdEscape(row[0]))
			}
			continue
		}
		blocks = append(blocks, "## "+mdEscape(bandName(tb.band)), mdTable(tb))
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

// mdTable renders a table with padded cells, numbers right-aligned.
func mdTable(tb *table) string {
	rows := make([][]string, 0, len(tb.rows)+1)
	head := make([]string, len(tb.heads))
	for j, h := range tb.heads {
		head[j] = mdEscape(h)
	}
	rows = append(rows, head)
	for _, row := range tb.rows {
		cells := make([]string, len(row))
		for j, c := range row {
			cells[j] = mdEscape(c)
		}
		rows = append(rows, cells)
	}
	widths := make([]int, len(head))
	for _, row := range rows {
		for j, c := range row {
			widths[j] = max(widths[j], utf8.RuneCountInString(c), 3)
		}
	}
	right := make([]bool, len(head))
	rule := make([]string, len(head))
	for j := range head {
		right[j] = tb.right(j)
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
