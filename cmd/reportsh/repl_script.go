package main

import (
	"strings"

	"github.com/reportsh/reportsh/grammar"
)

// stmt is one statement of the session's script.
type stmt struct {
	kind string // the statement's keyword: "source", "let", "group", …
	frag frag   // its text and where the user wrote it
	ast  *grammar.Stmt
}

// script is the statements typed or loaded so far, in order. It has at most
// one source statement.
type script struct {
	stmts []*stmt
	file  string // the loaded file as the user named it; "" when typed
	dir   string // the absolute directory the script's paths start from
}

// statementKeywords start the statements that accumulate into the script.
// `where` is one too, unless it prefixes a quick query (`where COND: …`).
var statementKeywords = map[string]bool{
	"report": true, "param": true, "source": true, "lookup": true, "on_error": true,
	"max_groups": true, "where": true, "let": true, "group": true, "header": true,
	"footer": true, "detail": true, "summary": true, "page_header": true, "page_footer": true,
}

// preludeKinds are the statements a quick query runs after: those that say
// where records come from and which of them count.
var preludeKinds = map[string]bool{
	"param": true, "source": true, "lookup": true, "on_error": true,
	"max_groups": true, "where": true, "let": true,
}

// kindOf returns the keyword of a parsed statement.
func kindOf(s *grammar.Stmt) string {
	switch {
	case s.Report != nil:
		return "report"
	case s.Param != nil:
		return "param"
	case s.Source != nil:
		return "source"
	case s.Lookup != nil:
		return "lookup"
	case s.OnError != nil:
		return "on_error"
	case s.MaxGroups != nil:
		return "max_groups"
	case s.Where != nil:
		return "where"
	case s.Let != nil:
		return "let"
	case s.Group != nil:
		return "group"
	case s.Detail != nil:
		return "detail"
	case s.Summary != nil:
		return "summary"
	case s.Header != nil:
		return "header"
	case s.PageHeader != nil:
		return "page_header"
	case s.PageFooter != nil:
		return "page_footer"
	}
	return "footer"
}

// parseStmts splits text, the whole of src (nil for text the REPL wrote),
// into statements. Syntax errors are a grammar.ErrorList positioned in text.
func parseStmts(name, text string, src *srcText) ([]*stmt, error) {
	f, err := grammar.Parse(name, []byte(text))
	if err != nil {
		return nil, err
	}
	var out []*stmt
	for i, s := range f.Stmts {
		end := len(text)
		if i+1 < len(f.Stmts) {
			end = f.Stmts[i+1].Pos.Offset
		}
		body := strings.TrimRight(text[s.Pos.Offset:end], " \t\r\n;")
		out = append(out, &stmt{kind: kindOf(s), ast: s,
			frag: frag{text: body, src: src, line: s.Pos.Line, col: s.Pos.Column}})
	}
	return out, nil
}

// source returns the script's source statement, or nil.
func (sc *script) source() *stmt {
	for _, s := range sc.stmts {
		if s.kind == "source" {
			return s
		}
	}
	return nil
}

// with returns the statements with news added: a source statement replaces
// the script's (in place), the others are appended.
func (sc *script) with(news []*stmt) []*stmt {
	out := append([]*stmt(nil), sc.stmts...)
	for _, n := range news {
		replaced := false
		if n.kind == "source" {
			for i, s := range out {
				if s.kind == "source" {
					out[i], replaced = n, true
					break
				}
			}
		}
		if !replaced {
			out = append(out, n)
		}
	}
	return out
}

// params returns the script's param statements.
func (sc *script) params() []*grammar.Param {
	var ps []*grammar.Param
	for _, s := range sc.stmts {
		if s.ast.Param != nil {
			ps = append(ps, s.ast.Param)
		}
	}
	return ps
}

// names returns the names the script defines for expressions: lets,
// lookups and parameters.
func (sc *script) names() []string {
	var ns []string
	for _, s := range sc.stmts {
		switch {
		case s.ast.Let != nil:
			ns = append(ns, s.ast.Let.Name.Name)
		case s.ast.Lookup != nil:
			ns = append(ns, s.ast.Lookup.Name.Name)
		case s.ast.Param != nil:
			ns = append(ns, s.ast.Param.Name.Name)
		}
	}
	return ns
}
