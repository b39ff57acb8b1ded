package render

import "strings"

// Conditional styles in the text format: ANSI SGR codes around a styled
// cell, only with Options.Color (the CLI sets it on a terminal when
// NO_COLOR is not set). Colours are the terminal's own: red, green,
// yellow for amber, dim for muted, a yellow background for highlight.

// styleAt returns styles[j], or no style.
func styleAt(styles []Style, j int) Style {
	if j < len(styles) {
		return styles[j]
	}
	return 0
}

var ansiCodes = []struct {
	s    Style
	code string
}{
	{StyleBold, "1"}, {StyleItalic, "3"}, {StyleMuted, "2"}, {StyleRed, "31"},
	{StyleGreen, "32"}, {StyleAmber, "33"}, {StyleHighlight, "43"},
}

// ansiStyled wraps a non-empty s in the ANSI codes of st.
func ansiStyled(s string, st Style) string {
	if st == 0 || s == "" {
		return s
	}
	var codes []string
	for _, c := range ansiCodes {
		if st&c.s != 0 {
			codes = append(codes, c.code)
		}
	}
	return "\x1b[" + strings.Join(codes, ";") + "m" + s + "\x1b[0m"
}
