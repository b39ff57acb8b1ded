package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Expr is an expr-lang expression, kept as source text for the interpreter
// to compile. Text is the source between Pos and EndPos with any comments
// replaced by spaces, so byte offsets and columns in Text map back to the
// file: an expr-lang error at Text column c (1-based, in runes) on Text's
// first line is at file column Pos.Column+c-1.
type Expr struct {
	Pos    lexer.Position // first character
	EndPos lexer.Position // just past the last character
	Text   string

	toks []lexer.Token // the tokens, until Parse has filled in Text
}

// Position implements [Node].
func (e *Expr) Position() lexer.Position { return e.Pos }

// Parse implements [participle.Parseable]. An expression is a run of tokens
// with balanced brackets. Outside brackets it ends before a newline, ";",
// ",", "}", ")", "]", or a group body's "{", and after an operand it ends
// before a name that is not an expr-lang word operator (such as "as",
// "max_groups" or "format"), a literal, or "{" (unless an expr-lang
// `if c { a } else { b }` is open).
func (e *Expr) Parse(lex *lexer.PeekingLexer) error {
	var (
		open      []*lexer.Token // unclosed brackets
		prev      *lexer.Token
		pendingIf int // `if` keywords at depth 0 still waiting for their "{"
	)
	for {
		t := lex.Peek()
		if t.EOF() || t.Type == tokEOL || t.Type == tokBlock {
			break
		}
		if len(open) == 0 && endsExpr(prev, t, &pendingIf) {
			break
		}
		if t.Type == tokPunct {
			switch t.Value {
			case "(", "[", "{":
				open = append(open, t)
			case ")", "]", "}": // at depth > 0: endsExpr stops at closers at depth 0
				o := open[len(open)-1]
				if closer := closing(o.Value); t.Value != closer {
					lex.Next()
					return participle.Errorf(t.Pos, "unexpected %q (expected %q to close %q at %d:%d)",
						t.Value, closer, o.Value, o.Pos.Line, o.Pos.Column)
				}
				open = open[:len(open)-1]
			}
		}
		if t.Type == tokIdent && t.Value == "if" && len(open) == 0 && !isOperand(prev) {
			pendingIf++
		}
		e.toks = append(e.toks, *lex.Next())
		prev = t
	}
	if len(open) > 0 {
		o := open[len(open)-1]
		return participle.Errorf(o.Pos, "%q is never closed", o.Value)
	}
	if len(e.toks) == 0 {
		return participle.NextMatch
	}
	if last := e.toks[len(e.toks)-1]; continuesLine(&last) { // a dangling operator
		return &participle.UnexpectedTokenError{Unexpected: *lex.Peek(), Expect: "Expr"}
	}
	e.setSpan()
	return nil
}

// setSpan sets Pos and EndPos from the tokens.
func (e *Expr) setSpan() {
	e.Pos = e.toks[0].Pos
	last := e.toks[len(e.toks)-1]
	e.EndPos = last.Pos
	e.EndPos.Advance(last.Value)
}

// endsExpr reports whether t, outside brackets and after prev, is past the
// end of an expression.
func endsExpr(prev, t *lexer.Token, pendingIf *int) bool {
	switch t.Type {
	case tokPunct:
		switch t.Value {
		case ",", ")", "]", "}":
			return true
		case "{":
			if !isOperand(prev) {
				return false // a map literal
			}
			if *pendingIf > 0 {
				*pendingIf--
				return false
			}
			return true
		}
	case tokIdent:
		return isOperand(prev) && !infixWords[t.Value]
	case tokInt, tokFloat, tokString:
		return isOperand(prev)
	}
	return false
}

// infixWords are the expr-lang keywords that may follow an operand.
var infixWords = map[string]bool{
	"and": true, "or": true, "not": true, "in": true, "matches": true,
	"contains": true, "startsWith": true, "endsWith": true, "else": true,
}

func closing(open string) string {
	switch open {
	case "(":
		return ")"
	case "[":
		return "]"
	}
	return "}"
}
