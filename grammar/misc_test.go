package grammar

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestLiterals(t *testing.T) {
	tests := []struct {
		arg  string
		want string // the Literal as dump renders it, or the error
	}{
		{`"a\x41\u00e9\n"`, `Str "aAé\n"`},
		{`'it\'s "q"'`, `Str "it's \"q\""`},
		{`"say \'hi\'"`, `Str "say 'hi'"`},
		{"`C:\\dir\r\n`", `Str "C:\\dir\n"`},
		{`"\xff"`, `Str "\xff"`},
		{`007`, `Int 7`},
		{`0b101`, `Int 5`},
		{`-0x10`, `Int -16`},
		{`-1.5`, `Float -1.5`},
		{`2.5e-3`, `Float 0.0025`},
		{`1_000.5`, `Float 1000.5`},
		{`false`, `Bool false`},
		{`99999999999999999999`, `t.rpt:1:12: integer 99999999999999999999 out of range`},
		{`1e999`, `t.rpt:1:12: number 1e999 out of range`},
		{`-1abc`, `t.rpt:1:12: invalid number "-1abc"`},
		{`0x`, `t.rpt:1:12: invalid number "0x"`},
		{`1.5x`, `t.rpt:1:12: invalid number "1.5x"`},
		{`"a\qb"`, `t.rpt:1:14: invalid escape sequence in string`},
		{`-x`, `t.rpt:1:12: unexpected "-" (expected string, number, boolean or ")")`},
		{`nil`, `t.rpt:1:12: unexpected "nil" (expected string, number, boolean or ")")`},
		{`1, (1)`, `t.rpt:1:15: unexpected "(" (expected string, number or boolean)`},
	}
	for _, tt := range tests {
		f, err := Parse("t.rpt", []byte("source csv("+tt.arg+")"))
		var got string
		if err != nil {
			got = err.Error()
		} else {
			got = nodeLabel(&f.Stmts[0].Source.Call.Args[0].Value)
			if raw := f.Stmts[0].Source.Call.Args[0].Value.Raw; raw != tt.arg {
				t.Errorf("%s: Raw = %q", tt.arg, raw)
			}
		}
		if got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.arg, got, tt.want)
		}
	}
}

// TestMessages covers the ways tokens are named in error messages.
func TestMessages(t *testing.T) {
	tests := []struct{ src, want string }{
		{`detail "abc" "a string long enough to be cut short"`,
			`1:14: unexpected string "a string long enoug..." (expected end of statement)`},
		{`detail "abc" 'a string long enough to be cut short'`,
			`1:14: unexpected string 'a string long enoug...' (expected end of statement)`},
		{`where x 1.5`, `1:9: unexpected number 1.5 (expected end of statement)`},
		{"group x { header }", `1:18: unexpected "}" (expected string or "{")`},
		{"header;", `1:7: unexpected ";" (expected string or "{")`},
		{"where x {\n}", `1:9: unexpected "{" (expected end of statement)`},
		{"source csv(f(1))", `1:12: unexpected "f" (expected string, number, boolean or ")")`},
		{"source csv(\"a\" \"b\")", `1:16: unexpected string "b" (expected "," or ")")`},
		{"lookup x = csv() on a == f(b)", `1:26: expected lookup field name after "==", not an expression`},
		{"lookup x = csv() on a == (b)", `1:26: expected lookup field name after "==", not an expression`},
		{"source csv() sorted by", `1:23: unexpected end of file (expected name)`},
		{"report \"a\"\n  }", `2:3: unexpected "}" (expected statement)`},
		{"detail { a, (b]) }", `1:15: unexpected "]" (expected ")" to close "(" at 1:13)`},
		{"detail { a }}", `1:13: unexpected "}" (expected end of statement)`},
		{"where a ? b :", `1:14: unexpected end of file (expected expression)`},
		{"where !", `1:8: unexpected end of file (expected expression)`},
		{"group x {\n  group y {\n    footer { a }\n  }\n  where\n}", `5:3: unexpected "where" (expected header, footer, group or "}")`},
		{"detail { sum: (a,\n  b }", `2:5: unexpected "}" (expected ")" to close "(" at 1:15)`},
		{"where [a", `1:7: "[" is never closed`},
		{"param x: int = \"\\q\"\nreport 1", `2:8: unexpected number 1 (expected string)`},
	}
	for _, tt := range tests {
		_, err := Parse("", []byte(tt.src))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q:\n got %v\nwant %s", tt.src, err, tt.want)
		}
	}
}

func TestInspectPrunes(t *testing.T) {
	f, err := Parse("t.rpt", []byte("group a { group b { header \"x\" } }\nwhere c"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	Inspect(f, func(n Node) bool {
		switch n := n.(type) {
		case *Group:
			seen = append(seen, "group")
			return false
		case *Expr:
			seen = append(seen, n.Text)
		}
		return true
	})
	if got := strings.Join(seen, " "); got != "group c" {
		t.Errorf("visited %s", got)
	}
	if (&Stmt{}).Node() != nil {
		t.Error("empty Stmt has a Node")
	}
}

// TestLexer covers the participle lexer definition, which Parse bypasses.
func TestLexer(t *testing.T) {
	f, err := parser.ParseString("t.rpt", "where a > 1\n")
	if err != nil || len(f.Stmts) != 1 || f.Stmts[0].Where == nil {
		t.Errorf("ParseString: %v, %v", f, err)
	}
	if _, err := parser.ParseString("t.rpt", "where \"a"); err == nil ||
		err.Error() != "t.rpt:1:7: string literal not terminated" {
		t.Errorf("ParseString: %v", err)
	}
	if _, err := (definition{}).Lex("t.rpt", failingReader{}); err == nil {
		t.Error("Lex: no error from the reader")
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errFailingReader }

var errFailingReader = &Error{Msg: "read failed"}

// TestSalesExample parses the example script of the language description.
func TestSalesExample(t *testing.T) {
	src, err := os.ReadFile("testdata/sales.rpt")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("testdata/sales.rpt", src)
	if err != nil {
		t.Fatal(err)
	}
	if msg := checkInvariants(src, f, false); msg != "" {
		t.Error(msg)
	}
	var kinds []string
	for _, s := range f.Stmts {
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", s.Node()), "*grammar."))
	}
	want := "ReportStmt Param Param Param Source Lookup OnError MaxGroups Where Let Where Group Band Band"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("statements: %s", got)
	}
}

func BenchmarkParse(b *testing.B) {
	src, err := os.ReadFile("testdata/sales.rpt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("sales.rpt", src); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLargeInputs parses inputs that would take very long if some pass were
// quadratic; the test timeout catches that.
func TestLargeInputs(t *testing.T) {
	n := 10_000 // a quarter of it under the race detector: still far past any small buffer or limit
	if raceEnabled {
		n = 2_500
	}
	blank := strings.Repeat("\n", 20*n)
	f, err := Parse("big.rpt", []byte("where a"+blank+"&& b"))
	if err != nil || f.Stmts[0].Where.Cond.EndPos.Line != 20*n+1 {
		t.Errorf("continued expression: %v", err)
	}
	_, err = Parse("big.rpt", []byte(strings.Repeat("where a @ b\n", 2*n)))
	if n := len(err.(ErrorList)); n != maxErrors {
		t.Errorf("%d errors, want %d", n, maxErrors)
	}
	src := "detail { " + strings.Repeat("a, ", 2*n) + "b }\n" + strings.Repeat("let x = (((a)))\n", n)
	if _, err := Parse("big.rpt", []byte(src)); err != nil {
		t.Error(err)
	}
}
