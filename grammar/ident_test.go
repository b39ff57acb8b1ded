package grammar

import (
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// Issue 15 item 9: IsIdent accepts exactly the names the scanner reads as
// one identifier token: any Unicode letters, digits after the first, _ and $.
func TestIsIdentMatchesScanner(t *testing.T) {
	for _, s := range []string{
		"x", "_", "x1", "größe", "大きさ", "Ωmega", "x٣", "$x", "a$b", "snake_case",
		"", "1x", "٣x", "a b", " x", "x ", "a.b", "a-b", "x\xff", "é\u0301", "\u00a0",
	} {
		sc := scan("t.rpt", []byte(s))
		oneToken := len(sc.errs) == 0 && len(sc.toks) == 3 && sc.toks[0].Type == tokIdent && sc.toks[0].Value == s
		if got := IsIdent(s); got != oneToken {
			t.Errorf("IsIdent(%q) = %v, but the scanner reads %v", s, got, tokens(sc.toks))
		}
	}
}

func tokens(toks []lexer.Token) []string {
	var out []string
	for _, t := range toks {
		out = append(out, t.Value)
	}
	return out
}
