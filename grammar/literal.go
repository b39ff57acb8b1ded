package grammar

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Literal is a constant argument of a [Call]: a string, a number (an
// optional "-" sign included) or true/false. Exactly one of Str, Int, Float
// and Bool is set. Raw is the source text.
type Literal struct {
	Pos   lexer.Position
	Raw   string
	Str   *string
	Int   *int64
	Float *float64
	Bool  *bool
}

// Position implements [Node].
func (l *Literal) Position() lexer.Position { return l.Pos }

// Parse implements [participle.Parseable].
func (l *Literal) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	l.Pos = t.Pos
	sign := ""
	if t.Type == tokPunct && t.Value == "-" {
		cp := lex.MakeCheckpoint()
		lex.Next()
		if n := lex.Peek(); n.Type != tokInt && n.Type != tokFloat {
			lex.LoadCheckpoint(cp)
			return participle.NextMatch
		}
		sign = "-"
		t = lex.Peek()
	}
	switch t.Type {
	case tokString:
		s, err := unquoteToken(t)
		if err != nil {
			lex.Next()
			return err
		}
		l.Str = &s
	case tokInt:
		n, err := parseInt(sign + t.Value)
		if err != nil {
			lex.Next()
			return participle.Errorf(l.Pos, "%s", err)
		}
		l.Int = &n
	case tokFloat:
		f, err := parseFloat(sign + t.Value)
		if err != nil {
			lex.Next()
			return participle.Errorf(l.Pos, "%s", err)
		}
		l.Float = &f
	case tokIdent:
		if t.Value != "true" && t.Value != "false" {
			return participle.NextMatch
		}
		b := t.Value == "true"
		l.Bool = &b
	default:
		return participle.NextMatch
	}
	l.Raw = sign + t.Value
	lex.Next()
	return nil
}

// IntLit is an integer constant, such as the N of `max_groups N`.
type IntLit struct {
	Pos   lexer.Position
	Value int64
}

// Position implements [Node].
func (n *IntLit) Position() lexer.Position { return n.Pos }

// Parse implements [participle.Parseable].
func (n *IntLit) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokInt {
		return participle.NextMatch
	}
	lex.Next()
	v, err := parseInt(t.Value)
	if err != nil {
		return participle.Errorf(t.Pos, "%s", err)
	}
	n.Pos, n.Value = t.Pos, v
	return nil
}

// StringLit is a string constant. Value has quotes removed and escapes
// processed; Raw is the source text, quotes included.
type StringLit struct {
	Pos   lexer.Position
	Raw   string
	Value string
}

// Position implements [Node].
func (s *StringLit) Position() lexer.Position { return s.Pos }

// Parse implements [participle.Parseable].
func (s *StringLit) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokString {
		return participle.NextMatch
	}
	lex.Next()
	v, err := unquoteToken(t)
	if err != nil {
		return err
	}
	s.Pos, s.Raw, s.Value = t.Pos, t.Value, v
	return nil
}

// Template is a string band such as `header "Territory {territory}"`. Text
// has quotes removed and escapes processed; the interpreter splits out the
// {expr} parts. Pos is the position of the opening quote and Raw the source
// text, quotes included, for mapping positions inside the template.
type Template struct {
	Pos  lexer.Position
	Raw  string
	Text string
}

// Position implements [Node].
func (t *Template) Position() lexer.Position { return t.Pos }

// Parse implements [participle.Parseable].
func (t *Template) Parse(lex *lexer.PeekingLexer) error {
	var s StringLit
	if err := s.Parse(lex); err != nil {
		return err
	}
	t.Pos, t.Raw, t.Text = s.Pos, s.Raw, s.Value
	return nil
}

// unquoteToken returns the value of a string token, with Go-style escapes
// (as in expr-lang) processed. The scanner has already reported strings that
// are not terminated.
func unquoteToken(t *lexer.Token) (string, error) {
	raw := t.Value
	q := raw[0]
	body := raw[1:]
	if len(body) > 0 && body[len(body)-1] == q && (q == '`' || !escapedEnd(body)) {
		body = body[:len(body)-1]
	}
	if q == '`' {
		return strings.ReplaceAll(body, "\r", ""), nil
	}
	var b strings.Builder
	for s := body; len(s) > 0; {
		if s[0] == '\\' && len(s) > 1 && (s[1] == '\'' || s[1] == '"') {
			b.WriteByte(s[1]) // either quote may be escaped in either kind of string
			s = s[2:]
			continue
		}
		r, multibyte, tail, err := strconv.UnquoteChar(s, 0)
		if err != nil {
			pos := t.Pos
			pos.Advance(raw[:1+len(body)-len(s)])
			return "", participle.Errorf(pos, "invalid escape sequence in string")
		}
		if r < utf8.RuneSelf || !multibyte {
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(r)
		}
		s = tail
	}
	return b.String(), nil
}

// escapedEnd reports whether the last byte of s is escaped by a backslash.
func escapedEnd(s string) bool {
	n := 0
	for i := len(s) - 2; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// parseInt parses a decimal integer (leading zeros allowed, as in dates) or
// one with a 0x, 0o or 0b prefix, with optional "_" separators.
func parseInt(text string) (int64, error) {
	digits := strings.TrimPrefix(text, "-")
	base := 10
	if len(digits) > 1 && digits[0] == '0' && strings.ContainsRune("xXoObB", rune(digits[1])) {
		base = 0
	} else {
		text = strings.ReplaceAll(text, "_", "")
	}
	n, err := strconv.ParseInt(text, base, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errors.New("integer " + text + " out of range")
	}
	if err != nil {
		return 0, errors.New("invalid number " + strconv.Quote(text))
	}
	return n, nil
}

// parseFloat parses a decimal floating-point number with optional "_"
// separators.
func parseFloat(text string) (float64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, errors.New("number " + text + " out of range")
	}
	if err != nil {
		return 0, errors.New("invalid number " + strconv.Quote(text))
	}
	return f, nil
}
