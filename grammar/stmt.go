package grammar

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// A statement's first word picks its parser. Sources and bands parse
// themselves (leaves.go); each other kind has its own participle parser,
// built by reflection over its struct tags the first time a statement of
// that kind is parsed. Building the whole grammar at once took about 0.7
// ms in every command, most of a detail report's start-up before its
// first row.

// sub returns a function that builds T's parser once, when first called.
func sub[T any]() func() *participle.Parser[T] {
	return sync.OnceValue(func() *participle.Parser[T] { return participle.MustBuild[T](options...) })
}

var (
	reportParser    = sub[ReportStmt]()
	paramParser     = sub[Param]()
	lookupParser    = sub[Lookup]()
	onErrorParser   = sub[OnError]()
	maxGroupsParser = sub[MaxGroups]()
	whereParser     = sub[Where]()
	letParser       = sub[Let]()
	groupParser     = sub[Group]()
)

// parseWith parses a T at the lexer's position, leaving the tokens after
// it.
func parseWith[T any](p func() *participle.Parser[T], lex *lexer.PeekingLexer, dst **T) error {
	v, err := p().ParseFromLexer(lex, participle.AllowTrailing(true))
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// Parse implements [participle.Parseable]: the statement's first word picks
// its grammar. A word that starts no statement is not a match.
func (s *Stmt) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokIdent {
		return participle.NextMatch
	}
	s.Pos = t.Pos
	switch t.Value {
	case "report":
		return parseWith(reportParser, lex, &s.Report)
	case "param":
		return parseWith(paramParser, lex, &s.Param)
	case "source":
		src := &Source{}
		if err := src.Parse(lex); err != nil {
			return err
		}
		s.Source = src
		return nil
	case "lookup":
		return parseWith(lookupParser, lex, &s.Lookup)
	case "on_error":
		return parseWith(onErrorParser, lex, &s.OnError)
	case "max_groups":
		return parseWith(maxGroupsParser, lex, &s.MaxGroups)
	case "where":
		return parseWith(whereParser, lex, &s.Where)
	case "let":
		return parseWith(letParser, lex, &s.Let)
	case "group":
		return parseWith(groupParser, lex, &s.Group)
	case "detail":
		return parseBand(lex, &s.Detail)
	case "summary":
		return parseBand(lex, &s.Summary)
	case "header":
		return parseBand(lex, &s.Header)
	case "footer":
		return parseBand(lex, &s.Footer)
	case "page_header":
		return parsePageBand(lex, &s.PageHeader)
	case "page_footer":
		return parsePageBand(lex, &s.PageFooter)
	}
	return participle.NextMatch
}

// parseBand parses the band after a band keyword.
func parseBand(lex *lexer.PeekingLexer, dst **Band) error {
	lex.Next()
	if t := lex.Peek(); t.Type != tokString && !(t.Type == tokPunct && t.Value == "{") {
		return &participle.UnexpectedTokenError{Unexpected: *t, Expect: "Band"}
	}
	b := &Band{}
	if err := b.Parse(lex); err != nil {
		return err
	}
	*dst = b
	return nil
}

// parsePageBand parses the template after page_header or page_footer: a
// page band is one line of text, never columns.
func parsePageBand(lex *lexer.PeekingLexer, dst **Template) error {
	kw := lex.Next()
	t := lex.Peek()
	if t.Type == tokPunct && t.Value == "{" {
		return participle.Errorf(t.Pos, "%s is one line of text, not columns (write %s \"Page {page} of {pages}\")", kw.Value, kw.Value)
	}
	if t.Type != tokString {
		return &participle.UnexpectedTokenError{Unexpected: *t, Expect: "string"}
	}
	tpl := &Template{}
	if err := tpl.Parse(lex); err != nil {
		return err
	}
	if t := lex.Peek(); t.Type == tokIdent && t.Value == "label" {
		return participle.Errorf(t.Pos, "a label is a column's heading: a page band has no columns to label")
	}
	if t := lex.Peek(); t.Type == tokIdent && t.Value == "style" {
		return participle.Errorf(t.Pos, "a style rule needs a column band: a page band has no row to style")
	}
	*dst = tpl
	return nil
}
