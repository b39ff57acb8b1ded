package interp

import "github.com/alecthomas/participle/v2/lexer"

// posAt returns the file position of the rune at runeOff within text, an
// expression that starts at base in its file.
func posAt(base lexer.Position, text string, runeOff int) lexer.Position {
	p := base
	n := 0
	for i, r := range text {
		if n == runeOff {
			p.Offset = base.Offset + i
			return p
		}
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
		n++
	}
	p.Offset = base.Offset + len(text)
	return p
}
