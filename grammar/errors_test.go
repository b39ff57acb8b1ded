package grammar

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// errorTests are malformed scripts with every error Parse reports for them.
var errorTests = []struct {
	src  string
	want []string
}{
	{"where", []string{
		"sales.rpt:1:6: unexpected end of file (expected expression)",
	}},
	{"where a > 1 )", []string{
		`sales.rpt:1:13: unexpected ")" (expected end of statement)`,
	}},
	{"foo bar", []string{
		`sales.rpt:1:1: unexpected "foo" (expected statement)`,
	}},
	{`group {
  header "x"
}`, []string{
		`sales.rpt:1:7: unexpected "{" (expected expression)`,
	}},
	{"group x {\n  where a\n}", []string{
		`sales.rpt:2:3: unexpected "where" (expected header, footer, group or "}")`,
	}},
	{"footer { a, b c }", []string{
		`sales.rpt:1:15: unexpected "c" (expected "," or "}")`,
	}},
	{"footer { a: }", []string{
		`sales.rpt:1:13: unexpected "}" (expected expression)`,
	}},
	{"param x int", []string{
		`sales.rpt:1:9: unexpected "int" (expected ":")`,
	}},
	{"param x: int =", []string{
		"sales.rpt:1:15: unexpected end of file (expected expression)",
	}},
	{"source csv", []string{
		`sales.rpt:1:11: unexpected end of file (expected "(")`,
	}},
	{`source "x.csv"`, []string{
		`sales.rpt:1:8: unexpected string "x.csv" (expected source call such as csv("file.csv"))`,
	}},
	{`source csv("a", 1 2)`, []string{
		`sales.rpt:1:19: unexpected number 2 (expected "," or ")")`,
	}},
	{"source csv(x: y)", []string{
		`sales.rpt:1:15: unexpected "y" (expected string, number or boolean)`,
	}},
	{`source csv(delim: ",", "a.csv")`, []string{
		"sales.rpt:1:24: positional argument after named arguments",
	}},
	{`source csv("a.csv", n: 1.2.3)`, []string{
		`sales.rpt:1:27: unexpected "." (expected "," or ")")`,
	}},
	{`source csv("a.csv") { a: int b: int }`, []string{
		`sales.rpt:1:30: unexpected "b" (expected "," or "}")`,
	}},
	{`source csv("a.csv") sorted territory`, []string{
		`sales.rpt:1:28: unexpected "territory" (expected "by")`,
	}},
	{`lookup c = csv("c.csv") on a`, []string{
		"sales.rpt:1:28: lookup condition must have the form EXPR == FIELD",
	}},
	{`lookup c = csv("c.csv") on a == b + 1`, []string{
		`sales.rpt:1:33: expected lookup field name after "==", not an expression`,
	}},
	{`lookup c = csv("c.csv") on == b`, []string{
		`sales.rpt:1:28: missing expression before "=="`,
	}},
	{`lookup c = csv("c.csv") on a ==`, []string{
		"sales.rpt:1:32: unexpected end of file (expected expression)",
	}},
	{"max_groups -1", []string{
		`sales.rpt:1:12: unexpected "-" (expected integer)`,
	}},
	{"max_groups 99999999999999999999999", []string{
		"sales.rpt:1:12: integer 99999999999999999999999 out of range",
	}},
	{"where f(a, b\nlet y = 1", []string{
		`sales.rpt:1:8: "(" is never closed`,
	}},
	{"where (a]", []string{
		`sales.rpt:1:9: unexpected "]" (expected ")" to close "(" at 1:7)`,
	}},
	{`report "abc
where x`, []string{
		"sales.rpt:1:8: string literal not terminated",
	}},
	{"report 'a\\q'", []string{
		"sales.rpt:1:10: invalid escape sequence in string",
	}},
	{`detail { a label "x" label "y" }`, []string{
		"sales.rpt:1:22: a column has one label (the first is at 1:18)",
	}},
	{`detail { a format "0" label "x" format "1" }`, []string{
		"sales.rpt:1:33: a column has one format (the first is at 1:19)",
	}},
	{`detail { a label }`, []string{
		`sales.rpt:1:18: unexpected "}" (expected string)`,
	}},
	{`header "Region {r}" label "R"`, []string{
		"sales.rpt:1:21: a label is a column's heading: a text band has no columns to label",
	}},
	{"detail { a format 12 }", []string{
		"sales.rpt:1:19: unexpected number 12 (expected string)",
	}},
	{"on_error", []string{
		"sales.rpt:1:9: unexpected end of file (expected name)",
	}},
	{`group x {
  header "x"`, []string{
		`sales.rpt:2:13: unexpected end of file (expected "}" to close "{" at 1:9)`,
	}},
	{"group x max_groups 5 as y {\n}", []string{
		`sales.rpt:1:22: unexpected "as" (expected "{")`,
	}},
	{"where a @ b", []string{
		`sales.rpt:1:9: unexpected character "@"`,
	}},
	{"}", []string{
		`sales.rpt:1:1: unexpected "}" (expected statement)`,
	}},
	{"let x 3", []string{
		`sales.rpt:1:7: unexpected number 3 (expected "=")`,
	}},
	{"where a\nwhere b c\nlet z = 1\nlet = 2", []string{
		`sales.rpt:2:9: unexpected "c" (expected end of statement)`,
		`sales.rpt:4:5: unexpected "=" (expected name)`,
	}},
	{"where `abc", []string{
		"sales.rpt:1:7: raw string literal not terminated",
	}},
	{`detail "abc" "def"`, []string{
		`sales.rpt:1:14: unexpected string "def" (expected end of statement)`,
	}},
	{`header "x";
footer { n: COUNT() } extra`, []string{
		`sales.rpt:2:23: unexpected "extra" (expected end of statement)`,
	}},
	{"detail { a + }\nwhere b &&\n\n# comment\n", []string{
		`sales.rpt:1:14: unexpected "}" (expected expression)`,
		"sales.rpt:5:1: unexpected end of file (expected expression)",
	}},
	{"where a; where ;\n", []string{
		`sales.rpt:1:16: unexpected ";" (expected expression)`,
	}},
}

func TestParseErrors(t *testing.T) {
	for _, tt := range errorTests {
		t.Run(tt.src, func(t *testing.T) {
			f, err := Parse("sales.rpt", []byte(tt.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Parse returned %v, want an ErrorList", err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if msg := checkInvariants([]byte(tt.src), f, true); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestParseRecovers checks that the statements around a syntax error are
// kept.
func TestParseRecovers(t *testing.T) {
	src := "where a\nfoo bar\ngroup x {\n  where y\n}\nlet b = 1\nwhere\nwhere c"
	f, err := Parse("r.rpt", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	want := "Where @1:1\n  Expr \"a\" @1:7-1:8\nLet @6:1\n  Ident b @6:5\n  Expr \"1\" @6:9-6:10\nWhere @8:1\n  Expr \"c\" @8:7-8:8\n"
	if got := dump(f); got != want {
		t.Errorf("AST:\n%s\nwant:\n%s", got, want)
	}
	if got := len(err.(ErrorList)); got != 3 {
		t.Errorf("%d errors, want 3: %v", got, err)
	}
}

func TestParseErrorLimit(t *testing.T) {
	src := strings.Repeat("where\n", 50)
	_, err := Parse("", []byte(src))
	list := err.(ErrorList)
	if len(list) != maxErrors {
		t.Errorf("%d errors, want %d", len(list), maxErrors)
	}
	if got, want := list[0].Error(), "1:6: unexpected newline (expected expression)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseNesting(t *testing.T) {
	src := strings.Repeat("group x {\n", maxNesting+1) + strings.Repeat("}\n", maxNesting+1)
	_, err := Parse("deep.rpt", []byte(src))
	want := fmt.Sprintf("deep.rpt:%d:9: groups nested more than %d deep", maxNesting+1, maxNesting)
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	src = strings.Repeat("group x {\n", maxNesting) + strings.Repeat("}\n", maxNesting)
	if _, err := Parse("deep.rpt", []byte(src)); err != nil {
		t.Error(err)
	}
}

func TestErrorList(t *testing.T) {
	var list ErrorList
	if list.Err() != nil {
		t.Error("empty list: Err() != nil")
	}
	if got := list.Error(); got != "no errors" {
		t.Errorf("empty list: %q", got)
	}
	pos := func(line int) lexer.Position {
		return lexer.Position{Filename: "a.rpt", Offset: line * 10, Line: line, Column: 2}
	}
	list.Add(pos(3), "third %d", 3)
	if got := list.Err().Error(); got != "a.rpt:3:2: third 3" {
		t.Errorf("one error: %q", got)
	}
	list.Add(pos(1), "first")
	if got := list.Error(); got != "a.rpt:3:2: third 3 (and 1 more error)" {
		t.Errorf("two errors: %q", got)
	}
	list.Add(pos(2), "second")
	list.Add(lexer.Position{Filename: "0.rpt", Line: 9, Column: 1}, "other file")
	list.Add(pos(2), "also second")
	list.Sort()
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	want := "0.rpt:9:1: other file|a.rpt:1:2: first|a.rpt:2:2: also second|a.rpt:2:2: second|a.rpt:3:2: third 3"
	if strings.Join(got, "|") != want {
		t.Errorf("sorted: %s", strings.Join(got, "|"))
	}
	if got := list.Error(); got != "0.rpt:9:1: other file (and 4 more errors)" {
		t.Errorf("five errors: %q", got)
	}
	var e *Error
	if !errors.As(list.Err(), &e) || e.Msg != "other file" {
		t.Errorf("errors.As found %v", e)
	}
	if got := (&Error{Msg: "bare"}).Error(); got != "bare" {
		t.Errorf("no position: %q", got)
	}
}
