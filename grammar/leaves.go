package grammar

import (
	"strconv"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Sources and bands, and their small productions, parse themselves, like
// the literals: participle builds a parser for a struct from its tags by
// reflection, 146 µs for a source's and 94 for a band's, most of a detail
// report's start-up before its first row (see stmt.go). Their errors are
// the ones participle reported for the tags they replace (checked against
// the tag grammar on 420,000 mutated scripts).

// isPunct reports whether t is the punctuation p.
func isPunct(t *lexer.Token, p string) bool { return t.Type == tokPunct && t.Value == p }

// peek2 returns the token after the next one.
func peek2(lex *lexer.PeekingLexer) *lexer.Token {
	cp := lex.MakeCheckpoint()
	lex.Next()
	t := lex.Peek()
	lex.LoadCheckpoint(cp)
	return t
}

// unexpected is participle's error for the next token where expect was due.
func unexpected(lex *lexer.PeekingLexer, expect string) error {
	return &participle.UnexpectedTokenError{Unexpected: *lex.Peek(), Expect: expect}
}

// namePrefix parses the `NAME:` of a column or argument, when the next
// tokens are a name and ':'.
func namePrefix(lex *lexer.PeekingLexer) *Ident {
	t := lex.Peek()
	if t.Type != tokIdent || !isPunct(peek2(lex), ":") {
		return nil
	}
	lex.Next()
	lex.Next()
	return &Ident{Pos: t.Pos, Name: t.Value}
}

// ident parses a name into dst; expect names it in the error.
func ident(lex *lexer.PeekingLexer, dst *Ident, expect string) error {
	t := lex.Peek()
	if t.Type != tokIdent {
		return unexpected(lex, expect)
	}
	lex.Next()
	*dst = Ident{Pos: t.Pos, Name: t.Value}
	return nil
}

// leadName parses the name a production starts with; ok is false, nothing
// consumed, when the next token is not a name.
func leadName(lex *lexer.PeekingLexer) (id Ident, ok bool) {
	t := lex.Peek()
	if t.Type != tokIdent {
		return Ident{}, false
	}
	lex.Next()
	return Ident{Pos: t.Pos, Name: t.Value}, true
}

// Parse implements [participle.Parseable]: NAME ':' TYPE.
func (f *FieldType) Parse(lex *lexer.PeekingLexer) error {
	var ok bool
	if f.Name, ok = leadName(lex); !ok {
		return participle.NextMatch
	}
	f.Pos = f.Name.Pos
	if !isPunct(lex.Peek(), ":") {
		return unexpected(lex, `":"`)
	}
	lex.Next()
	return ident(lex, &f.Type, "Ident")
}

// Parse implements [participle.Parseable]: NAME '(' ARGS ')', the
// arguments separated by commas, with a trailing comma allowed.
func (c *Call) Parse(lex *lexer.PeekingLexer) error {
	var ok bool
	if c.Name, ok = leadName(lex); !ok {
		return participle.NextMatch
	}
	c.Pos = c.Name.Pos
	if !isPunct(lex.Peek(), "(") {
		return unexpected(lex, `"("`)
	}
	lex.Next()
	return list(lex, ")", true, func() error {
		a := &Arg{}
		if err := a.Parse(lex); err != nil {
			if err == participle.NextMatch && len(c.Args) > 0 { // after a comma
				return unexpected(lex, "Literal")
			}
			return err
		}
		c.Args = append(c.Args, a)
		return nil
	})
}

// Parse implements [participle.Parseable]: an optional `NAME:`, then a
// literal.
func (a *Arg) Parse(lex *lexer.PeekingLexer) error {
	a.Pos = lex.Peek().Pos
	a.Name = namePrefix(lex)
	if err := a.Value.Parse(lex); err != nil {
		if err == participle.NextMatch && a.Name != nil {
			return unexpected(lex, "Literal")
		}
		return err
	}
	return nil
}

// Parse implements [participle.Parseable]: an optional `NAME:`, an
// expression, then an optional `format "PATTERN"` and an optional
// `label "HEADING"` in either order.
func (c *Column) Parse(lex *lexer.PeekingLexer) error {
	c.Pos = lex.Peek().Pos
	c.Name = namePrefix(lex)
	e := &Expr{}
	if err := e.Parse(lex); err != nil {
		if err == participle.NextMatch { // a column is never optional
			return unexpected(lex, "Expr")
		}
		return err
	}
	c.Expr = e
	for {
		t := lex.Peek()
		if t.Type == tokIdent && t.Value == "style" {
			r, err := parseStyleRule(lex)
			if err != nil {
				return err
			}
			c.Styles = append(c.Styles, r)
			continue
		}
		if t.Type != tokIdent || (t.Value != "format" && t.Value != "label") {
			return nil
		}
		dst := &c.Format
		if t.Value == "label" {
			dst = &c.Label
		}
		if *dst != nil {
			return participle.Errorf(t.Pos, "a column has one %s (the first is at %d:%d)", t.Value, (*dst).Pos.Line, (*dst).Pos.Column)
		}
		lex.Next()
		s := &StringLit{}
		if err := s.Parse(lex); err != nil {
			if err == participle.NextMatch {
				return unexpected(lex, "StringLit")
			}
			return err
		}
		*dst = s
	}
}

// options returns the column's format and label that are set, in source
// order.
func (c *Column) options() []*StringLit {
	var opts []*StringLit
	for _, s := range []*StringLit{c.Format, c.Label} {
		if s != nil {
			opts = append(opts, s)
		}
	}
	if len(opts) == 2 && opts[1].Pos.Offset < opts[0].Pos.Offset {
		opts[0], opts[1] = opts[1], opts[0]
	}
	return opts
}

// Parse implements [participle.Parseable]: `source CALL {SCHEMA} sorted by
// NAME, ...`, the schema and the order optional.
func (s *Source) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokIdent || t.Value != "source" {
		return participle.NextMatch
	}
	s.Pos = t.Pos
	lex.Next()
	c := &Call{}
	if err := c.Parse(lex); err != nil {
		if err == participle.NextMatch {
			return unexpected(lex, "Call")
		}
		return err
	}
	s.Call = c
	if lex.Peek().Value == "{" {
		lex.Next()
		err := list(lex, "}", false, func() error {
			f := &FieldType{}
			if err := f.Parse(lex); err != nil {
				if err == participle.NextMatch {
					return unexpected(lex, "FieldType")
				}
				return err
			}
			s.Schema = append(s.Schema, f)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if lex.Peek().Value != "sorted" {
		return nil
	}
	lex.Next()
	if lex.Peek().Value != "by" {
		return unexpected(lex, `"by"`)
	}
	lex.Next()
	for {
		var id Ident
		if err := ident(lex, &id, "Ident"); err != nil {
			return err
		}
		s.SortedBy = append(s.SortedBy, id)
		if lex.Peek().Value != "," {
			return nil
		}
		lex.Next()
	}
}

// list parses ITEM (',' ITEM)* ','? CLOSE after the opening bracket, item
// parsing one: items separated by commas, a trailing comma allowed. With
// empty, a first item that is not there (participle.NextMatch) makes an
// empty list.
func list(lex *lexer.PeekingLexer, close string, empty bool, item func() error) error {
	switch err := item(); {
	case err == participle.NextMatch && empty:
	case err != nil:
		return err
	default:
		for lex.Peek().Value == "," && peek2(lex).Value != close {
			lex.Next()
			if err := item(); err != nil {
				return err
			}
		}
		if lex.Peek().Value == "," {
			lex.Next()
		}
	}
	if lex.Peek().Value != close {
		return unexpected(lex, strconv.Quote(close))
	}
	lex.Next()
	return nil
}

// Parse implements [participle.Parseable]: a template, or columns in
// braces.
func (b *Band) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	b.Pos = t.Pos
	if t.Type == tokString {
		tpl := &Template{}
		if err := tpl.Parse(lex); err != nil {
			return err
		}
		b.Template = tpl
		if t := lex.Peek(); t.Type == tokIdent && t.Value == "style" {
			return participle.Errorf(t.Pos, "a style rule needs a column band: a text band has no row to style")
		}
		if t := lex.Peek(); t.Type == tokIdent && t.Value == "label" {
			return participle.Errorf(t.Pos, "a label is a column's heading: a text band has no columns to label")
		}
		return nil
	}
	if t.Value != "{" {
		return participle.NextMatch
	}
	lex.Next()
	err := list(lex, "}", false, func() error {
		c := &Column{}
		if err := c.Parse(lex); err != nil {
			return err
		}
		b.Columns = append(b.Columns, c)
		return nil
	})
	if err != nil {
		return err
	}
	for t := lex.Peek(); t.Type == tokIdent && t.Value == "style"; t = lex.Peek() {
		r, err := parseStyleRule(lex)
		if err != nil {
			return err
		}
		b.Styles = append(b.Styles, r)
	}
	return nil
}

// parseStyleRule parses `style NAME when EXPR`; the lexer is at "style".
func parseStyleRule(lex *lexer.PeekingLexer) (*StyleRule, error) {
	r := &StyleRule{Pos: lex.Next().Pos}
	t := lex.Peek()
	if t.Type != tokIdent {
		return nil, participle.Errorf(t.Pos, "style needs a style name (one of %s), then when and a condition", StyleNames)
	}
	lex.Next()
	r.Style = &Ident{Pos: t.Pos, Name: t.Value}
	if t := lex.Peek(); t.Type != tokIdent || t.Value != "when" {
		return nil, participle.Errorf(t.Pos, "style %s needs a condition: style %s when EXPR", r.Style.Name, r.Style.Name)
	}
	lex.Next()
	e := &Expr{}
	if err := e.Parse(lex); err != nil {
		if err == participle.NextMatch {
			return nil, unexpected(lex, "Expr")
		}
		return nil, err
	}
	r.When = e
	return r, nil
}

// StyleNames lists the style names a style rule may use, for messages.
const StyleNames = "bold, italic, red, green, amber, highlight, muted"
