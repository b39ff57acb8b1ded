package main

import (
	"strings"
	"unicode/utf8"
)

// The REPL runs everything as small generated scripts. A genScript records,
// for each line it generates, which text the user wrote there (typed input or
// a loaded file), so that positions in errors can be mapped back to what the
// user sees.

// srcText is text the user gave: one typed input or a loaded file.
type srcText struct {
	name  string // the file's name; "" for typed input
	lines []string
}

func newSrcText(name, text string) *srcText {
	return &srcText{name: name, lines: strings.Split(text, "\n")}
}

// frag is a piece of a srcText: its text and where it starts.
type frag struct {
	text      string
	src       *srcText // nil for text the REPL made up
	line, col int      // 1-based; col counts runes
}

// fragAt returns the piece of input (the whole text of src) at byte offset
// off.
func fragAt(src *srcText, input string, sp span) frag {
	line, col := 1, 1
	for _, r := range input[:sp.off] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return frag{text: sp.text, src: src, line: line, col: col}
}

// lineMap says where the user's text on one generated line came from.
type lineMap struct {
	src   *srcText // nil: the line is all generated
	line  int      // the line in src
	start int      // generated column (1-based) where the user's text starts
	col   int      // its column in src
	width int      // its length in runes
	tail  bool     // a generated line closing the user's text before it
	owner *stmt    // the script statement the line belongs to, if any
}

// genScript is a generated script with its line map.
type genScript struct {
	name  string // the name it is compiled under
	buf   strings.Builder
	lines []lineMap
}

// add appends generated text of whole lines.
func (g *genScript) add(text string) { g.addLines(text, false) }

// addTail appends generated lines that close the user's text before them
// (the "}" after a column): errors found there belong to that text.
func (g *genScript) addTail(text string) { g.addLines(text, true) }

func (g *genScript) addLines(text string, tail bool) {
	for l := range strings.SplitSeq(strings.TrimSuffix(text, "\n"), "\n") {
		g.buf.WriteString(l)
		g.buf.WriteByte('\n')
		g.lines = append(g.lines, lineMap{tail: tail})
	}
}

// addFrag appends prefix, the user's text f, suffix and a newline; f may span
// lines.
func (g *genScript) addFrag(prefix string, f frag, suffix string) {
	for k, l := range strings.Split(f.text, "\n") {
		m := lineMap{src: f.src, line: f.line + k, start: 1, col: 1, width: utf8.RuneCountInString(l)}
		if k == 0 {
			g.buf.WriteString(prefix)
			m.start = utf8.RuneCountInString(prefix) + 1
			m.col = f.col
		}
		g.buf.WriteString(l)
		g.lines = append(g.lines, m)
		if m.line-f.line == strings.Count(f.text, "\n") {
			g.buf.WriteString(suffix)
		}
		g.buf.WriteByte('\n')
	}
}

// addStmt appends a statement of the session's script.
func (g *genScript) addStmt(st *stmt) {
	first := len(g.lines)
	g.addFrag("", st.frag, "")
	for i := first; i < len(g.lines); i++ {
		g.lines[i].owner = st
	}
}

func (g *genScript) bytes() []byte { return []byte(g.buf.String()) }

// locate maps a position in the generated script to the user's text. A
// position on a tail line (an unclosed bracket found at the "}" after a
// column, say) is put at the end of the nearest user text before it; other
// generated text has no location.
func (g *genScript) locate(line, col int) (src *srcText, sline, scol int, ok bool) {
	if line < 1 || line > len(g.lines) {
		return nil, 0, 0, false
	}
	m := g.lines[line-1]
	if m.src == nil {
		if !m.tail {
			return nil, 0, 0, false
		}
		for l := line - 2; l >= 0; l-- {
			p := g.lines[l]
			if p.src != nil {
				return p.src, p.line, p.col + p.width, true
			}
			if !p.tail {
				break
			}
		}
		return nil, 0, 0, false
	}
	c := m.col + (col - m.start)
	c = max(m.col, min(c, m.col+m.width))
	return m.src, m.line, c, true
}
