package render

import "strings"

// Conditional styles in HTML: each style is a class, s-NAME, on the cells
// it applies to (and on the row for a row rule), with its CSS in the page
// only when some row has a style.

// htmlStyleCSS styles the s-NAME classes; "tr td." outweighs the band
// rules (tr.footer td) that come before it.
const htmlStyleCSS = `tr td.s-bold{font-weight:700}
tr td.s-italic{font-style:italic}
tr td.s-red{color:#c00}
tr td.s-green{color:#00802b}
tr td.s-amber{color:#b36b00}
tr td.s-muted{color:#808080}
tr td.s-highlight{background:#fff3a0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
`

// styleCSS returns the style classes' CSS when some row has a style.
func (r *htmlRenderer) styleCSS() string {
	for i := range r.rows {
		if r.rows[i].style != 0 || len(r.rows[i].styles) > 0 {
			return htmlStyleCSS
		}
	}
	return ""
}

// styleClasses returns " s-bold s-red" for s ("" for none).
func styleClasses(s Style) string {
	var b strings.Builder
	for _, n := range s.Names() {
		b.WriteString(" s-" + n)
	}
	return b.String()
}

// withStyle adds s's classes to a class attribute (` class="num"` or "").
func withStyle(attr string, s Style) string {
	c := styleClasses(s)
	switch {
	case c == "":
		return attr
	case attr == "":
		return ` class="` + c[1:] + `"`
	}
	return attr[:len(attr)-1] + c + `"`
}

// cellStyle returns the style of grid column j of the row: the row's and
// the cell's own.
func (r *docRow) cellStyle(j int) Style {
	s := r.style
	if j < len(r.styles) {
		s |= r.styles[j]
	}
	return s
}
