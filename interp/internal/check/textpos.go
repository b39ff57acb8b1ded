package check

import (
	"sort"

	"github.com/alecthomas/participle/v2/lexer"
)

// textPos gives the file positions of places in a text that starts at base
// in its file, as program.PosAt does, but in logarithmic time per lookup
// after one pass over the text: an expression or a text band with
// thousands of parts asks for thousands of positions.
type textPos struct {
	base  lexer.Position
	text  string
	runes []int // byte offset of each rune, built on the first lookup
	lines []int // rune index just past each newline
}

func newTextPos(base lexer.Position, text string) *textPos {
	return &textPos{base: base, text: text}
}

func (t *textPos) index() {
	if t.runes != nil {
		return
	}
	t.runes = make([]int, 0, len(t.text)+1)
	for i, r := range t.text {
		t.runes = append(t.runes, i)
		if r == '\n' {
			t.lines = append(t.lines, len(t.runes))
		}
	}
}

// runeLen returns the length of the text in runes.
func (t *textPos) runeLen() int {
	t.index()
	return len(t.runes)
}

// byteOf returns the byte offset of rune r (the text's length past its end).
func (t *textPos) byteOf(r int) int {
	t.index()
	if r < 0 {
		return 0
	}
	if r >= len(t.runes) {
		return len(t.text)
	}
	return t.runes[r]
}

// atRune returns the position of rune r; past the end, of the end.
func (t *textPos) atRune(r int) lexer.Position {
	t.index()
	r = max(0, min(r, len(t.runes)))
	p := t.base
	p.Offset = t.base.Offset + t.byteOf(r)
	k := sort.SearchInts(t.lines, r+1) // newlines before rune r
	if k == 0 {
		p.Column = t.base.Column + r
	} else {
		p.Line += k
		p.Column = 1 + r - t.lines[k-1]
	}
	return p
}

// atByte returns the position of the rune at byte offset b.
func (t *textPos) atByte(b int) lexer.Position {
	t.index()
	return t.atRune(sort.SearchInts(t.runes, b))
}
