package grammar

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// parser parses a file: its statements' grammars are built when first
// needed (see [Stmt.Parse]), so this one is small. Participle parsers are
// safe for concurrent use.
var parser = participle.MustBuild[File](options...)

// options are every parser's: no backtracking once a token is consumed, so
// errors are reported where they happen; the few places that need to look
// ahead say so with (?= ...).
var options = []participle.Option{participle.Lexer(definition{}), participle.UseLookahead(0)}

// maxErrors bounds the syntax errors reported for one file.
const maxErrors = 10

// Parse parses one script; filename is used in positions. When the script
// has errors, Parse returns an [ErrorList] along with the statements it
// could parse. After a syntax error it resumes at the next top-level line
// that starts a statement, so independent mistakes are all reported.
func Parse(filename string, src []byte) (f *File, err error) {
	var errs ErrorList
	f = &File{Pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}
	defer func() {
		if r := recover(); r != nil { // a bug, but report it rather than crash
			errs.Add(f.Pos, "internal error: %v", r)
			err = errs
		}
	}()
	s := scan(filename, src)
	errs = append(errs, s.errs...)
	for i := 0; i < len(s.toks); {
		lex, _ := lexer.Upgrade(&tokenLexer{toks: s.toks[i:]}) // tokenLexer never fails
		part, perr := parser.ParseFromLexer(lex)
		if perr == nil {
			f.Stmts = append(f.Stmts, part.Stmts...)
			break
		}
		e := syntaxError(perr, s, src)
		if part != nil {
			f.Stmts = append(f.Stmts, complete(part.Stmts, e.Pos.lex(), s.toks)...)
		}
		if !afterScanError(e, s.errs) {
			errs = append(errs, e)
		}
		if len(errs) >= maxErrors {
			break
		}
		i = resume(s, e.Pos.lex())
	}
	for _, st := range f.Stmts {
		Inspect(st, func(n Node) bool {
			fixup(n, s.clean, &errs)
			return true
		})
	}
	errs.Sort()
	return f, errs.Err()
}

// complete drops the statement that was being parsed when err occurred,
// which participle returns half-filled: the last one, unless it ended
// before the error.
func complete(stmts []*Stmt, errPos lexer.Position, toks []lexer.Token) []*Stmt {
	if len(stmts) == 0 {
		return stmts
	}
	last := stmts[len(stmts)-1]
	depth := 0
	for _, t := range toks {
		if t.Pos.Offset < last.Pos.Offset {
			continue
		}
		switch {
		case t.Type == tokBlock && t.Value == "{":
			depth++
		case t.Type == tokBlock:
			depth--
		case t.Type == tokEOL && depth <= 0:
			if t.Pos.Offset < errPos.Offset {
				return stmts
			}
			return stmts[:len(stmts)-1]
		}
	}
	return stmts[:len(stmts)-1]
}

// resume returns the index of the token where parsing resumes after an
// error at pos: the first token after it that begins a top-level statement
// with a statement keyword, or the EOF token.
func resume(s *scanned, pos lexer.Position) int {
	for _, i := range s.starts {
		t := s.toks[i]
		if t.Pos.Offset > pos.Offset && t.Type == tokIdent && stmtKeywords[t.Value] {
			return i
		}
	}
	return len(s.toks) // ends the loop
}

var stmtKeywords = map[string]bool{
	"report": true, "param": true, "source": true, "lookup": true, "on_error": true,
	"max_groups": true, "where": true, "let": true, "group": true, "detail": true,
	"summary": true, "header": true, "footer": true, "page_header": true, "page_footer": true,
}

// afterScanError reports whether e is on the same line as, and after, an
// error the scanner has reported, and so probably a consequence of it.
func afterScanError(e *Error, scanErrs ErrorList) bool {
	for _, se := range scanErrs {
		if se.Pos.Line == e.Pos.Line && se.Pos.Offset <= e.Pos.Offset {
			return true
		}
	}
	return false
}

// fixup completes a node after parsing: it fills in Expr.Text from the
// (comment-free) source, splits lookup conditions and checks the order of
// call arguments.
func fixup(n Node, clean []byte, errs *ErrorList) {
	switch n := n.(type) {
	case *Expr:
		if n.toks != nil {
			n.Text = string(clean[n.Pos.Offset:n.EndPos.Offset])
			n.toks = nil
		}
	case *Lookup:
		splitLookup(n, errs)
	case *Call:
		named := false
		for _, a := range n.Args {
			if a.Name != nil {
				named = true
			} else if named {
				errs.Add(a.Pos, "positional argument after named arguments")
			}
		}
	}
}

// splitLookup splits `on LEFT == RIGHT`, parsed as one expression, at its
// last "==" outside brackets.
func splitLookup(l *Lookup, errs *ErrorList) {
	toks := l.Left.toks
	eq, depth := -1, 0
	for i, t := range toks {
		if t.Type != tokPunct {
			continue
		}
		switch t.Value {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case "==":
			if depth == 0 {
				eq = i
			}
		}
	}
	switch {
	case eq < 0:
		errs.Add(l.Left.Pos, `lookup condition must have the form EXPR == FIELD`)
	case eq == 0:
		errs.Add(toks[0].Pos, `missing expression before "=="`)
	case eq+2 != len(toks) || toks[eq+1].Type != tokIdent: // (an expression never ends in "==")
		errs.Add(toks[eq+1].Pos, `expected lookup field name after "==", not an expression`)
	default:
		r := toks[eq+1]
		l.Right = Ident{Pos: r.Pos, Name: r.Value}
		l.Left = &Expr{toks: toks[:eq]}
		l.Left.setSpan()
	}
}

// syntaxError converts a participle error into an [*Error] with a friendly
// message.
func syntaxError(err error, s *scanned, src []byte) *Error {
	var ut *participle.UnexpectedTokenError
	if errors.As(err, &ut) {
		msg := "unexpected " + describe(ut.Unexpected, src)
		if exp := expected(ut.Message()); exp != "" {
			msg += " (expected " + refine(exp, ut.Unexpected, s.toks) + ")"
		}
		return &Error{Pos: At(ut.Unexpected.Pos), Msg: msg}
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		return &Error{Pos: At(pe.Position()), Msg: pe.Message()}
	}
	return &Error{Msg: err.Error()}
}

// refine adds the alternatives participle leaves out when it expects a
// closing bracket, using the innermost bracket open at t.
func refine(exp string, t lexer.Token, toks []lexer.Token) string {
	if exp != `"}"` && exp != `")"` {
		return exp
	}
	var open []lexer.Token
	var prev lexer.Token
	for _, u := range toks {
		if u.Pos.Offset >= t.Pos.Offset || u.EOF() {
			break
		}
		prev = u
		if u.Type != tokPunct && u.Type != tokBlock {
			continue
		}
		switch u.Value {
		case "(", "[", "{":
			open = append(open, u)
		case ")", "]", "}":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) == 0 {
		return exp
	}
	o := open[len(open)-1]
	switch {
	case t.EOF():
		return fmt.Sprintf("%s to close %q at %d:%d", exp, o.Value, o.Pos.Line, o.Pos.Column)
	case o.Type == tokBlock:
		return "header, footer, group or " + exp
	case o.Value == "(" && prev == o: // only a call's "(" is parsed outside expressions
		return "string, number, boolean or " + exp
	case o.Value == "{" && exp == `"}"`, o.Value == "(" && exp == `")"`:
		return `"," or ` + exp
	}
	return exp
}

// describe names a token for an error message.
func describe(t lexer.Token, src []byte) string {
	switch t.Type {
	case lexer.EOF:
		return "end of file"
	case tokEOL:
		switch {
		case t.Value == "\n":
			return "newline"
		case t.Value == ";":
			return `";"`
		case t.Pos.Offset < len(src): // inserted before a group's "}"
			return `"}"`
		}
		return "end of file"
	case tokString:
		v := t.Value
		if utf8.RuneCountInString(v) > 24 {
			v = string([]rune(v)[:20]) + "..." + v[:1]
		}
		return "string " + v
	case tokInt, tokFloat:
		return "number " + t.Value
	}
	return fmt.Sprintf("%q", t.Value)
}

// expected turns the "(expected ...)" part of a participle message, an EBNF
// fragment, into words: its first term, with grammar names translated.
func expected(msg string) string {
	const marker = " (expected "
	i := strings.Index(msg, marker)
	if i < 0 {
		return ""
	}
	ebnf := strings.TrimSuffix(msg[i+len(marker):], ")")
	var term string
	switch {
	case strings.HasPrefix(ebnf, `"`):
		if j := strings.Index(ebnf[1:], `"`); j >= 0 {
			term = ebnf[:j+2]
		}
	case strings.HasPrefix(ebnf, "<"):
		if j := strings.Index(ebnf, ">"); j >= 0 {
			term = ebnf[:j+1]
		}
	default:
		term, _, _ = strings.Cut(ebnf, " ")
	}
	if words, ok := termWords[term]; ok {
		return words
	}
	return term
}

var termWords = map[string]string{
	"<eol>":     "end of statement",
	"<eof>":     "statement",
	"<ident>":   "name",
	"<block>":   `"{"`,
	"Expr":      "expression",
	"Ident":     "name",
	"Literal":   "string, number or boolean",
	"Band":      `string or "{"`,
	"Column":    "column",
	"Call":      `source call such as csv("file.csv")`,
	"StringLit": "string",
	"Template":  "string",
	"IntLit":    "integer",
	"FieldType": "field name",
	"GroupItem": "header, footer or group",
	"Stmt":      "statement",
}
