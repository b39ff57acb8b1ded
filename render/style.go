package render

import "strings"

// Style is a set of display styles a conditional style rule gives a cell
// or a row (`style red when revenue < 0`). The zero Style is no style.
// Human formats apply it their own way: HTML with classes, PDF and XLSX
// with font colour, weight and fill, text with ANSI colour only when
// [Options.Color] is on, Markdown with bold and italic only; CSV and JSON
// ignore it.
type Style uint16

// The styles a rule may name.
const (
	StyleBold      Style = 1 << iota // bold text
	StyleItalic                      // italic text
	StyleRed                         // red text (e.g. negative values)
	StyleGreen                       // green text
	StyleAmber                       // amber text (a warning)
	StyleHighlight                   // a yellow background
	StyleMuted                       // grey text
)

var styleNames = []struct {
	s    Style
	name string
}{
	{StyleBold, "bold"}, {StyleItalic, "italic"}, {StyleRed, "red"}, {StyleGreen, "green"},
	{StyleAmber, "amber"}, {StyleHighlight, "highlight"}, {StyleMuted, "muted"},
}

// StyleNamed returns the style called name (bold, italic, red, green,
// amber, highlight, muted) and whether there is one.
func StyleNamed(name string) (Style, bool) {
	for _, n := range styleNames {
		if n.name == name {
			return n.s, true
		}
	}
	return 0, false
}

// Names returns the names of the styles in s, in a fixed order.
func (s Style) Names() []string {
	var out []string
	for _, n := range styleNames {
		if s&n.s != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// String returns the names of the styles in s joined by "+", "" for none.
func (s Style) String() string { return strings.Join(s.Names(), "+") }

// color returns the text colour of s as RGB and whether it has one; when
// several colours are set, red wins over amber, amber over green, green
// over muted.
func (s Style) color() (r, g, b uint8, ok bool) {
	switch {
	case s&StyleRed != 0:
		return 0xcc, 0, 0, true
	case s&StyleAmber != 0:
		return 0xb3, 0x6b, 0, true
	case s&StyleGreen != 0:
		return 0, 0x80, 0x2b, true
	case s&StyleMuted != 0:
		return 0x80, 0x80, 0x80, true
	}
	return 0, 0, 0, false
}

// highlightRGB is the background of StyleHighlight.
const highlightRGB = "fff3a0"
