package grammar

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types. Keywords are ordinary identifiers: the grammar matches them by
// value, so a field may still be called "format" or "by".
const (
	tokIdent lexer.TokenType = -(iota + 2)
	tokInt
	tokFloat
	tokString // raw source text, quotes included
	tokPunct
	tokBlock // the "{" and "}" around a group body
	tokEOL   // a significant newline or ";" ending a statement
)

// definition is the participle lexer definition. [Parse] does not go through
// Lex; it scans the source once and hands token slices to the parser.
type definition struct{}

// Symbols implements [lexer.Definition].
func (definition) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":    lexer.EOF,
		"Ident":  tokIdent,
		"Int":    tokInt,
		"Float":  tokFloat,
		"String": tokString,
		"Punct":  tokPunct,
		"Block":  tokBlock,
		"EOL":    tokEOL,
	}
}

// Lex implements [lexer.Definition].
func (definition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	s := scan(filename, src)
	if len(s.errs) > 0 {
		return nil, s.errs[0]
	}
	return &tokenLexer{toks: s.toks}, nil
}

// tokenLexer replays scanned tokens; the last one must be EOF.
type tokenLexer struct {
	toks []lexer.Token
	i    int
}

// Next implements [lexer.Lexer].
func (l *tokenLexer) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}

// scanned is the result of scanning one script.
type scanned struct {
	toks   []lexer.Token // significant tokens, ending with EOF
	starts []int         // indexes in toks of tokens that begin a top-level statement
	clean  []byte        // the source with comments blanked out, for Expr.Text
	errs   ErrorList
}

// scan turns src into tokens in two passes: raw tokens with every newline,
// then layout, which keeps only the newlines that end a statement.
func scan(filename string, src []byte) *scanned {
	s := &scanner{
		filename: filename,
		src:      src,
		clean:    append([]byte(nil), src...),
		line:     1,
		col:      1,
		toks:     make([]lexer.Token, 0, len(src)/4+1),
	}
	s.run()
	out := &scanned{clean: s.clean, errs: s.errs}
	out.toks, out.starts = layout(s.toks, s.pos())
	if pos, deep := tooDeep(out.toks); deep {
		out.errs.Add(pos, "groups nested more than %d deep", maxNesting)
		out.toks = []lexer.Token{lexer.EOFToken(s.pos())}
		out.starts = nil
	}
	return out
}

// scanner is the first pass: it splits the source into raw tokens.
type scanner struct {
	filename  string
	src       []byte
	clean     []byte
	off       int
	line, col int
	depth     int // "(" and "[" nesting; "#" starts a comment only at depth 0
	toks      []lexer.Token
	errs      ErrorList
}

// error records an error, up to maxErrors of them.
func (s *scanner) error(pos lexer.Position, format string, args ...any) {
	if len(s.errs) < maxErrors {
		s.errs.Add(pos, format, args...)
	}
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Filename: s.filename, Offset: s.off, Line: s.line, Column: s.col}
}

// peek returns the byte n bytes ahead, or 0 past the end.
func (s *scanner) peek(n int) byte {
	if s.off+n < len(s.src) {
		return s.src[s.off+n]
	}
	return 0
}

// advance moves past n bytes, keeping line and (rune) column up to date.
func (s *scanner) advance(n int) {
	end := s.off + n
	for s.off < end {
		r, size := utf8.DecodeRune(s.src[s.off:])
		s.off += size
		if r == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
	}
}

func (s *scanner) emit(typ lexer.TokenType, start lexer.Position) {
	s.toks = append(s.toks, lexer.Token{Type: typ, Value: string(s.src[start.Offset:s.off]), Pos: start})
}

// emitUnterminated emits a string that runs to the end of the line or file,
// without its trailing white space.
func (s *scanner) emitUnterminated(start lexer.Position, msg string) {
	s.error(start, "%s", msg)
	value := strings.TrimRight(string(s.src[start.Offset:s.off]), " \t\r\n\f\v")
	s.toks = append(s.toks, lexer.Token{Type: tokString, Value: value, Pos: start})
}

func (s *scanner) run() {
	for s.off < len(s.src) {
		r, size := utf8.DecodeRune(s.src[s.off:])
		start := s.pos()
		switch {
		case r == '\n':
			s.advance(1)
			s.emit(tokEOL, start)
		case r == ' ' || r == '\t' || r == '\r' || r == '\f' || r == '\v' || (r == '\uFEFF' && s.off == 0):
			s.advance(size)
		case r == '/' && s.peek(1) == '/', r == '#' && s.depth == 0:
			s.comment()
		case r == '"' || r == '\'':
			s.quoted(byte(r))
		case r == '`':
			s.rawString()
		case r >= '0' && r <= '9':
			s.number()
		case isIdentStart(r):
			for s.off < len(s.src) {
				r, size := utf8.DecodeRune(s.src[s.off:])
				if !isIdentPart(r) {
					break
				}
				s.advance(size)
			}
			s.emit(tokIdent, start)
		default:
			s.punct(r, size)
		}
	}
}

// isIdentStart reports whether r may begin a name: as in expr-lang, which
// reads the expressions, a letter (any Unicode letter), '_' or '$'.
func isIdentStart(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r)
}

// isIdentPart reports whether r may continue a name: also a digit.
func isIdentPart(r rune) bool {
	return isIdentStart(r) || unicode.IsDigit(r)
}

// IsIdent reports whether s is exactly one name as scripts write it (and
// the scanner reads it): a letter, '_' or '$', then letters, digits, '_'
// and '$'; letters and digits are any in Unicode.
func IsIdent(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError || !(isIdentStart(r) || i > 0 && isIdentPart(r)) {
			return false
		}
	}
	return s != ""
}

func isAlnum(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// comment skips to the end of the line and blanks the comment in clean.
func (s *scanner) comment() {
	for s.off < len(s.src) && s.src[s.off] != '\n' {
		s.clean[s.off] = ' '
		s.advance(1)
	}
}

// quoted scans a "..." or '...' string. Escapes are checked when a string is
// used as a literal; expression strings are left to expr-lang.
func (s *scanner) quoted(q byte) {
	start := s.pos()
	s.advance(1)
	for {
		c := s.peek(0)
		switch {
		case s.off >= len(s.src) || c == '\n':
			s.emitUnterminated(start, "string literal not terminated")
			return
		case c == '\\' && s.peek(1) != '\n' && s.off+1 < len(s.src):
			s.advance(1)
			_, size := utf8.DecodeRune(s.src[s.off:])
			s.advance(size)
		case c == q:
			s.advance(1)
			s.emit(tokString, start)
			return
		default:
			s.advance(1)
		}
	}
}

// rawString scans a `...` string, which may span lines.
func (s *scanner) rawString() {
	start := s.pos()
	s.advance(1)
	for s.off < len(s.src) && s.src[s.off] != '`' {
		s.advance(1)
	}
	if s.off >= len(s.src) {
		s.emitUnterminated(start, "raw string literal not terminated")
		return
	}
	s.advance(1)
	s.emit(tokString, start)
}

// number scans a number greedily, letters included, so that 1_000, 0x1F,
// 1.5e-3 and even 01T10 (in 2024-01-01T10:00) are single tokens. Whether a
// number is valid is decided where it is used as a literal.
func (s *scanner) number() {
	start := s.pos()
	for isAlnum(s.peek(0)) {
		s.advance(1)
	}
	if s.peek(0) == '.' && s.peek(1) >= '0' && s.peek(1) <= '9' {
		s.advance(1)
		for isAlnum(s.peek(0)) {
			s.advance(1)
		}
	}
	text := string(s.src[start.Offset:s.off])
	hex := len(text) > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')
	if last := text[len(text)-1]; !hex && (last == 'e' || last == 'E') &&
		(s.peek(0) == '+' || s.peek(0) == '-') && s.peek(1) >= '0' && s.peek(1) <= '9' {
		s.advance(1)
		for isAlnum(s.peek(0)) {
			s.advance(1)
		}
		text = string(s.src[start.Offset:s.off])
	}
	typ := tokInt
	if !hex && strings.ContainsAny(text, ".eE") {
		typ = tokFloat
	}
	s.emit(typ, start)
}

// puncts lists the operators and delimiters, two-character ones first.
var puncts = []string{
	"**", "??", "?.", "==", "!=", "<=", ">=", "&&", "||", "..",
	"(", ")", "[", "]", "{", "}", ",", ":", ".", "+", "-", "*", "/", "%",
	"^", "!", "<", ">", "?", "=", "|", ";", "#",
}

func (s *scanner) punct(r rune, size int) {
	start := s.pos()
	rest := s.src[s.off:]
	for _, p := range puncts {
		if len(rest) >= len(p) && string(rest[:len(p)]) == p {
			s.advance(len(p))
			s.emit(tokPunct, start)
			switch p {
			case "(", "[":
				s.depth++
			case ")", "]":
				if s.depth > 0 {
					s.depth--
				}
			}
			return
		}
	}
	s.error(start, "unexpected character %q", string(r))
	s.advance(size)
}

// wordOps are the expr-lang keywords that act as operators: an operand
// followed by one of them continues the expression.
var wordOps = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "matches": true,
	"contains": true, "startsWith": true, "endsWith": true,
	"if": true, "else": true, "let": true,
}

// isOperand reports whether t ends an operand, so that an operator (or the
// end of the expression) must follow.
func isOperand(t *lexer.Token) bool {
	if t == nil {
		return false
	}
	switch t.Type {
	case tokIdent:
		return !wordOps[t.Value]
	case tokInt, tokFloat, tokString:
		return true
	case tokPunct:
		switch t.Value {
		case ")", "]", "}", "#":
			return true
		}
	}
	return false
}

// continuesLine reports whether a line ending in t goes on to the next line.
func continuesLine(t *lexer.Token) bool {
	switch t.Type {
	case tokPunct:
		switch t.Value {
		case ")", "]", "}", "#":
			return false
		}
		return true
	case tokBlock:
		return t.Value == "{"
	case tokIdent:
		return wordOps[t.Value] && t.Value != "else"
	}
	return false
}

// leadingOps are the tokens that can only continue an expression, so a line
// starting with one continues the previous line.
var leadingOps = map[string]bool{
	"&&": true, "||": true, "==": true, "!=": true, "<=": true, ">=": true,
	"<": true, ">": true, "*": true, "/": true, "%": true, "**": true, "^": true,
	"??": true, "?": true, ":": true, ".": true, "?.": true, "|": true, "..": true,
	"and": true, "or": true, "in": true, "matches": true, "contains": true,
	"startsWith": true, "endsWith": true,
}

func startsWithOperator(t *lexer.Token) bool {
	return (t.Type == tokPunct || t.Type == tokIdent) && leadingOps[t.Value]
}

// layout is the second pass. It drops the newlines that do not end a
// statement (inside brackets and comma lists, after an operator, before an
// operator), turns ";" into EOL, marks the braces of group bodies as
// tokBlock and inserts an EOL before a group's closing brace and at the end
// of the file, much as Go inserts semicolons.
func layout(raw []lexer.Token, end lexer.Position) (toks []lexer.Token, starts []int) {
	toks = make([]lexer.Token, 0, len(raw)+2)
	var stack []byte // '(' '[' '{' for a comma list or map, 'b' for a group body
	top := func() byte {
		if len(stack) == 0 {
			return 'b'
		}
		return stack[len(stack)-1]
	}
	last := func() *lexer.Token {
		if len(toks) == 0 {
			return nil
		}
		return &toks[len(toks)-1]
	}
	atStmt := true // the next token begins a statement
	groupKw := -1  // index in toks of the "group" keyword whose body is pending
	stmtLevel := 0 // len(stack) where the current statement began
	next := -1     // index of the first token after the current newlines
	eol := func(pos lexer.Position, value string) {
		toks = append(toks, lexer.Token{Type: tokEOL, Value: value, Pos: pos})
		atStmt = true
	}
	for i := range raw {
		t := raw[i]
		if t.Type == tokEOL {
			if top() != 'b' || len(toks) == 0 {
				continue
			}
			if l := last(); l.Type == tokEOL || continuesLine(l) {
				continue
			}
			if next < i {
				next = nextToken(raw, i+1)
			}
			if next < len(raw) && startsWithOperator(&raw[next]) {
				continue
			}
			eol(t.Pos, "\n")
			continue
		}
		if t.Type == tokPunct && t.Value == ";" && top() == 'b' {
			eol(t.Pos, ";")
			continue
		}
		if atStmt {
			atStmt = false
			stmtLevel = len(stack)
			groupKw = -1
			if t.Type == tokIdent && t.Value == "group" {
				groupKw = len(toks)
			}
			if len(stack) == 0 {
				starts = append(starts, len(toks))
			}
		}
		if t.Type == tokPunct {
			switch t.Value {
			case "(", "[":
				stack = append(stack, t.Value[0])
			case ")":
				if top() == '(' {
					stack = stack[:len(stack)-1]
				}
			case "]":
				if top() == '[' {
					stack = stack[:len(stack)-1]
				}
			case "{":
				if groupKw >= 0 && len(stack) == stmtLevel && (isOperand(last()) || len(toks)-1 == groupKw) {
					t.Type = tokBlock
					stack = append(stack, 'b')
					toks = append(toks, t)
					atStmt = true
					continue
				}
				stack = append(stack, '{')
			case "}":
				if len(stack) > 0 && top() == 'b' {
					if l := last(); l.Type != tokEOL && l.Type != tokBlock || l.Value == "}" {
						eol(t.Pos, "")
					}
					stack = stack[:len(stack)-1]
					t.Type = tokBlock
					toks = append(toks, t)
					atStmt = false
					continue
				}
				if top() == '{' {
					stack = stack[:len(stack)-1]
				}
			}
		}
		toks = append(toks, t)
	}
	if l := last(); l != nil && l.Type != tokEOL {
		eol(end, "")
	}
	toks = append(toks, lexer.EOFToken(end))
	return toks, starts
}

// maxNesting bounds the nesting of groups, which keeps the stack of the
// recursive-descent parser small whatever the input. (Brackets inside
// expressions are matched without recursion.)
const maxNesting = 200

// tooDeep reports whether group bodies nest more than maxNesting deep, and
// where.
func tooDeep(toks []lexer.Token) (lexer.Position, bool) {
	depth := 0
	for _, t := range toks {
		switch {
		case t.Type != tokBlock:
		case t.Value == "{":
			if depth++; depth > maxNesting {
				return t.Pos, true
			}
		case depth > 0:
			depth--
		}
	}
	return lexer.Position{}, false
}

// nextToken returns the index of the first token at or after raw[i] that
// is not a newline, or len(raw).
func nextToken(raw []lexer.Token, i int) int {
	for i < len(raw) && raw[i].Type == tokEOL {
		i++
	}
	return i
}
