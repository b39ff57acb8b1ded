package grammar

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// maxWidth is the width, in runes, up to which a column list, schema or
// source call is printed on one line.
const maxWidth = 100

// Format parses a script and prints it in the canonical layout that
// `reportsh fmt` writes, like gofmt does for Go: one statement a line, runs
// of blank lines between statements collapsed to one, two spaces of
// indentation inside group bodies, a group's clauses on its first line,
// `name: value` spacing, column lists and schemas on one line when they fit
// in 100 columns and otherwise one entry a line with a trailing comma (so
// are a source's arguments), and strings in double quotes (raw `...`
// strings are kept as they are).
//
// Every comment is kept where it is, as a comment on a line of its own or at
// the end of a line; the end-of-line comments of consecutive lines are
// aligned. Expressions are kept as written, line breaks included, except
// that runs of spaces between their tokens become one space and their
// continuation lines are re-indented. A parameter's default is kept
// verbatim. Format(Format(src)) == Format(src), and the result parses to the
// same AST as src, positions aside.
//
// When src has syntax errors Format returns them, as [Parse] does, and no
// output.
func Format(filename string, src []byte) ([]byte, error) {
	f, err := Parse(filename, src)
	if err != nil {
		return nil, err
	}
	p := newPrinter(src)
	p.file(f)
	out := p.bytes()
	// The printer keeps the tokens and their order, so the result always
	// parses the same; this check turns a printer bug into an error rather
	// than a rewritten file that means something else.
	g, err := Parse(filename, out)
	if err != nil {
		return nil, fmt.Errorf("%s: internal error: formatted script does not parse: %v", filename, err)
	}
	if a, b := shape(f), shape(g); a != b {
		return nil, fmt.Errorf("%s: internal error: formatted script parses differently", filename)
	}
	return out, nil
}

// comment is a comment of the source.
type comment struct {
	off, line int
	text      string // from "#" or "//" to the end of the line, without trailing space
	trailing  bool   // it follows code on its line
}

// fmtLine is a line of output.
type fmtLine struct {
	indent  int
	text    []byte // empty for a blank line; may hold newlines of a multi-line token
	comment string // an end-of-line comment
	opens   bool   // the line ends with the "{" of a group body
}

// printer prints an AST with the comments of its source. Tokens are
// written one at a time with the offset of their source token, and every
// comment before that offset is printed first, so comments keep their
// place among the tokens.
type printer struct {
	src      []byte
	toks     []lexer.Token // the source's tokens, without newlines
	comments []comment
	ci       int // the next comment to print
	lines    []fmtLine
	open     bool // more tokens may go on the last line
	lastLine int  // source line where the last printed token or comment ends
	blank    bool // a blank line is due before the next line
}

func newPrinter(src []byte) *printer {
	s := &scanner{src: src, clean: append([]byte(nil), src...), line: 1, col: 1}
	s.run()
	p := &printer{src: src}
	for _, t := range s.toks {
		if t.Type != tokEOL {
			p.toks = append(p.toks, t)
		}
	}
	p.comments = findComments(src, s.clean)
	return p
}

// findComments returns the comments of src: on each line, the text from the
// first byte that the scanner blanked out in clean to the end of the line.
func findComments(src, clean []byte) []comment {
	var cs []comment
	line := 1
	for start := 0; start < len(src); line++ {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		for i := start; i < end; i++ {
			if src[i] == clean[i] {
				continue
			}
			before := strings.TrimLeft(string(src[start:i]), " \t\r\f\v\uFEFF")
			cs = append(cs, comment{
				off:      i,
				line:     line,
				text:     strings.TrimRight(string(src[i:end]), " \t\r\f\v"),
				trailing: before != "",
			})
			break
		}
		start = end + 1
	}
	return cs
}

// bytes returns the output, with end-of-line comments of consecutive lines
// aligned.
func (p *printer) bytes() []byte {
	lines := p.lines
	for i := 0; i < len(lines); {
		if lines[i].comment == "" {
			i++
			continue
		}
		j, col := i, 0
		for ; j < len(lines) && lines[j].comment != ""; j++ {
			col = max(col, lines[j].width())
		}
		for ; i < j; i++ {
			lines[i].comment = strings.Repeat(" ", col+1-lines[i].width()) + lines[i].comment
		}
	}
	var b bytes.Buffer
	for _, l := range lines {
		if len(l.text) > 0 {
			b.WriteString(strings.Repeat(" ", l.indent))
			b.Write(l.text)
			b.WriteString(l.comment)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// width returns the width in runes of the line's last row.
func (l *fmtLine) width() int {
	if i := bytes.LastIndexByte(l.text, '\n'); i >= 0 {
		return utf8.RuneCount(l.text[i+1:])
	}
	return l.indent + utf8.RuneCount(l.text)
}

// noPos is the position of a token that the printer writes without a
// source token, such as a keyword after a statement's first one: comments
// are printed before the next token that has one.
var noPos = lexer.Position{Offset: -1}

// token writes one token. When the last line is open it goes on that line,
// after a space if sep; otherwise it starts a line indented by indent.
func (p *printer) token(pos lexer.Position, text string, sep bool, indent int) {
	if pos.Offset >= 0 {
		p.flushComments(pos.Offset, indent, false)
	}
	if !p.open {
		p.newLine(indent, text)
	} else {
		l := &p.lines[len(p.lines)-1]
		if sep {
			l.text = append(l.text, ' ')
		}
		l.text = append(l.text, text...)
	}
	p.open = true
	if pos.Offset >= 0 {
		p.lastLine = pos.Line + strings.Count(text, "\n")
	}
}

// newLine starts a line, after a blank line if one is due and the previous
// line does not open a group body.
func (p *printer) newLine(indent int, text string) {
	if p.blank && len(p.lines) > 0 {
		if prev := p.lines[len(p.lines)-1]; len(prev.text) > 0 && !prev.opens {
			p.lines = append(p.lines, fmtLine{})
		}
	}
	p.blank = false
	p.lines = append(p.lines, fmtLine{indent: indent, text: []byte(text)})
}

// endLine ends the last line, after adding the comment that follows its
// last token in the source, if that comes before offset before.
func (p *printer) endLine(before int) {
	if p.open && p.ci < len(p.comments) {
		if c := p.comments[p.ci]; c.trailing && c.line == p.lastLine && c.off < before {
			p.lines[len(p.lines)-1].comment = c.text
			p.lastLine = c.line
			p.ci++
		}
	}
	p.open = false
}

// flushComments prints the comments before offset off. A comment that
// followed code in the source ends the current line; one on a line of its
// own gets a line indented by indent, after a blank line if blankOK and
// there was one before it.
func (p *printer) flushComments(off, indent int, blankOK bool) {
	for p.ci < len(p.comments) && p.comments[p.ci].off < off {
		c := p.comments[p.ci]
		if c.trailing && p.open && c.line == p.lastLine {
			p.lines[len(p.lines)-1].comment = c.text
		} else {
			if blankOK && c.line > p.lastLine+1 {
				p.blank = true
			}
			p.newLine(indent, c.text)
		}
		p.open = false
		p.lastLine = c.line
		p.ci++
	}
}

// item prepares for a statement or group item at pos: it ends the line and
// prints the comments before it, and a blank line if there was one.
func (p *printer) item(pos lexer.Position, indent int) {
	p.endLine(pos.Offset)
	p.flushComments(pos.Offset, indent, true)
	if pos.Line > p.lastLine+1 {
		p.blank = true
	}
}

// state is what save records for restore.
type state struct {
	nlines   int
	last     fmtLine
	open     bool
	lastLine int
	ci       int
	blank    bool
}

func (p *printer) save() state {
	s := state{nlines: len(p.lines), open: p.open, lastLine: p.lastLine, ci: p.ci, blank: p.blank}
	if len(p.lines) > 0 {
		s.last = p.lines[len(p.lines)-1]
	}
	return s
}

func (p *printer) restore(s state) {
	p.lines = p.lines[:s.nlines]
	if s.nlines > 0 {
		p.lines[s.nlines-1] = s.last
	}
	p.open, p.lastLine, p.ci, p.blank = s.open, s.lastLine, s.ci, s.blank
}

// fits reports whether what was printed since s stayed on the line that
// was last then (line breaks inside raw strings aside) and the rows of that
// line where it starts and ends fit in maxWidth.
func (p *printer) fits(s state) bool {
	if len(p.lines) != s.nlines {
		return false
	}
	l := p.lines[len(p.lines)-1]
	rows := bytes.Split(l.text, []byte("\n"))
	first := bytes.Count(s.last.text, []byte("\n"))
	width := func(i int) int {
		w := utf8.RuneCount(rows[i])
		if i == 0 {
			w += l.indent
		}
		return w
	}
	return width(first) <= maxWidth && width(len(rows)-1) <= maxWidth
}

// hasComments reports whether a comment lies between offsets from and to.
func (p *printer) hasComments(from, to int) bool {
	i := sort.Search(len(p.comments), func(i int) bool { return p.comments[i].off > from })
	return i < len(p.comments) && p.comments[i].off < to
}

// tokIndex returns the index in p.toks of the token at offset off, or of
// the first one after it.
func (p *printer) tokIndex(off int) int {
	return sort.Search(len(p.toks), func(i int) bool { return p.toks[i].Pos.Offset >= off })
}

// matching returns the index of the bracket that closes the one at i.
func (p *printer) matching(i int) int {
	depth := 0
	for j := i; j < len(p.toks); j++ {
		switch p.toks[j].Value {
		case "(", "[", "{":
			if p.toks[j].Type == tokPunct {
				depth++
			}
		case ")", "]", "}":
			if p.toks[j].Type == tokPunct {
				if depth--; depth == 0 {
					return j
				}
			}
		}
	}
	return len(p.toks) - 1
}

// next returns the index of the first token with value v at or after
// offset off.
func (p *printer) next(off int, v string) int {
	i := p.tokIndex(off)
	for i < len(p.toks)-1 && p.toks[i].Value != v {
		i++
	}
	return i
}

// expr writes an expression: its tokens with one space where the source
// has white space between them, and a line break where it has one. A
// continuation line is indented past base by two spaces for each bracket
// open at its start, or by two if none is, unless it starts by closing a
// bracket: then it is indented like the line that opened it. The first
// token, should it start a line, is indented by first.
func (p *printer) expr(e *Expr, sep bool, first, base int) {
	end := p.tokIndex(e.EndPos.Offset)
	depth, prevEnd, prevLine := 0, -1, 0
	for i := p.tokIndex(e.Pos.Offset); i < end; i++ {
		t := p.toks[i]
		lead := depth
		if t.Type == tokPunct && isCloser(t.Value) {
			lead--
		} else if lead == 0 {
			lead = 1 // an operator's continuation
		}
		if prevEnd >= 0 {
			sep = t.Pos.Offset > prevEnd
			if t.Pos.Line > prevLine {
				p.endLine(t.Pos.Offset)
			}
		}
		indent := base + 2*max(lead, 0)
		if prevEnd < 0 {
			indent = first
		}
		p.token(t.Pos, t.Value, sep, indent)
		if t.Type == tokPunct {
			switch {
			case isOpener(t.Value):
				depth++
			case isCloser(t.Value):
				depth--
			}
		}
		prevEnd = t.Pos.Offset + len(t.Value)
		prevLine = p.lastLine
	}
}

// verbatim writes an expression exactly as its source, comments included,
// so that its Text stays the same.
func (p *printer) verbatim(e *Expr, sep bool, indent int) {
	text := string(p.src[e.Pos.Offset:e.EndPos.Offset])
	p.token(e.Pos, strings.ReplaceAll(text, "\r\n", "\n"), sep, indent)
	p.lastLine = e.EndPos.Line
	for p.ci < len(p.comments) && p.comments[p.ci].off < e.EndPos.Offset {
		p.ci++
	}
}

func isOpener(s string) bool { return s == "(" || s == "[" || s == "{" }
func isCloser(s string) bool { return s == ")" || s == "]" || s == "}" }

// list writes a bracketed, comma-separated list of n entries: on one line
// when it has no comments and fits (see fits), else one entry a line with a
// trailing comma. open and close index p.toks; pad puts spaces inside the
// brackets of a one-line list; entry writes entry i, its first token after
// a space if sep and, should it start a line, indented by indent; pos
// returns an entry's position.
func (p *printer) list(open, close int, pad bool, indent int, n int,
	pos func(i int) lexer.Position, entry func(i int, sep bool, indent int)) {
	ot, ct := p.toks[open], p.toks[close]
	p.token(ot.Pos, ot.Value, pad, indent)
	if !p.hasComments(ot.Pos.Offset, ct.Pos.Offset) {
		s := p.save()
		for i := range n {
			if i > 0 {
				p.token(noPos, ",", false, indent)
			}
			entry(i, pad || i > 0, indent+2)
		}
		p.token(ct.Pos, ct.Value, pad && n > 0, indent)
		if p.fits(s) {
			return
		}
		p.restore(s)
	}
	for i := range n {
		p.endLine(pos(i).Offset)
		p.flushComments(pos(i).Offset, indent+2, false)
		entry(i, false, indent+2)
		p.token(noPos, ",", false, indent)
	}
	p.endLine(ct.Pos.Offset)
	p.flushComments(ct.Pos.Offset, indent+2, false)
	p.token(ct.Pos, ct.Value, false, indent)
}

// requote returns a "..." or '...' string literal in double quotes, with
// its escapes as written except \' (needless in double quotes); a raw
// `...` string is returned as it is.
func requote(raw string) string {
	if len(raw) < 2 || raw[0] == '`' || raw[0] == '"' && !strings.Contains(raw, `\'`) {
		return raw
	}
	var b strings.Builder
	b.WriteByte('"')
	body := raw[1 : len(raw)-1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body):
			if body[i+1] == '\'' {
				b.WriteByte('\'')
			} else {
				b.WriteString(body[i : i+2])
			}
			i++
		case c == '"':
			b.WriteString(`\"`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	// Keep the original should the rewrite mean anything else.
	v1, err1 := unquoteToken(&lexer.Token{Value: raw})
	v2, err2 := unquoteToken(&lexer.Token{Value: b.String()})
	if err1 != nil || err2 != nil || v1 != v2 {
		return raw
	}
	return b.String()
}

// file prints a whole script.
func (p *printer) file(f *File) {
	for _, s := range f.Stmts {
		p.item(s.Pos, 0)
		p.stmt(s)
	}
	p.endLine(math.MaxInt)
	p.flushComments(math.MaxInt, 0, true)
	p.endLine(math.MaxInt)
}
