package grammar

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// parseTests are scripts that parse without errors, with their AST as
// rendered by dump: one node a line, with its position (line:col) and, for
// expressions, its end.
var parseTests = []struct {
	name string
	src  string
	want string
}{
	{
		name: "bands_top",
		src: `header "Report for {region}"
detail { sale_date, customer, running: RUNNING_SUM(revenue) }
summary { orders: COUNT(), revenue: SUM(amount * quantity) }
footer "End"`,
		want: `
Header @1:1
  Band @1:8
    Template "Report for {region}" @1:8
Detail @2:1
  Band @2:8
    Column @2:10
      Expr "sale_date" @2:10-2:19
    Column @2:21
      Expr "customer" @2:21-2:29
    Column @2:31
      Ident running @2:31
      Expr "RUNNING_SUM(revenue)" @2:40-2:60
Summary @3:1
  Band @3:9
    Column @3:11
      Ident orders @3:11
      Expr "COUNT()" @3:19-3:26
    Column @3:28
      Ident revenue @3:28
      Expr "SUM(amount * quantity)" @3:37-3:59
Footer @4:1
  Band @4:8
    Template "End" @4:8
`,
	},
	{
		name: "call_literals",
		src:  "source csv('a.csv', header: true, strict: false, skip: -2, ratio: 1.5e3, big: 1_000, hex: 0x1F, sep: \"\\t\", raw: `C:\\x`,)",
		want: `
Source @1:1
  Call @1:8
    Ident csv @1:8
    Arg @1:12
      Str "a.csv" @1:12
    Arg @1:21
      Ident header @1:21
      Bool true @1:29
    Arg @1:35
      Ident strict @1:35
      Bool false @1:43
    Arg @1:50
      Ident skip @1:50
      Int -2 @1:56
    Arg @1:60
      Ident ratio @1:60
      Float 1500 @1:67
    Arg @1:74
      Ident big @1:74
      Int 1000 @1:79
    Arg @1:86
      Ident hex @1:86
      Int 31 @1:91
    Arg @1:97
      Ident sep @1:97
      Str "\t" @1:102
    Arg @1:108
      Ident raw @1:108
      Str "C:\\x" @1:113
`,
	},
	{
		name: "columns_multiline",
		src: `detail {
  a,
  b: x ?? 0,   # comment
  c: f(
    y,
    z
  ),
}`,
		want: `
Detail @1:1
  Band @1:8
    Column @2:3
      Expr "a" @2:3-2:4
    Column @3:3
      Ident b @3:3
      Expr "x ?? 0" @3:6-3:12
    Column @4:3
      Ident c @4:3
      Expr "f(\n    y,\n    z\n  )" @4:6-7:4
`,
	},
	{
		name: "comments",
		src: `where filter(xs, # > 1) # a comment
let n = len(map(xs, {# * 2})) // another
# a whole line
let m = a + // inside a multi-line expression
  b`,
		want: `
Where @1:1
  Expr "filter(xs, # > 1)" @1:7-1:24
Let @2:1
  Ident n @2:5
  Expr "len(map(xs, {# * 2}))" @2:9-2:30
Let @4:1
  Ident m @4:5
  Expr "a +                                  \n  b" @4:9-5:4
`,
	},
	{
		name: "continuation_leading",
		src: `where a
  && b
  || c.d
let e = cond
  ? 1
  : 2`,
		want: `
Where @1:1
  Expr "a\n  && b\n  || c.d" @1:7-3:9
Let @4:1
  Ident e @4:5
  Expr "cond\n  ? 1\n  : 2" @4:9-6:6
`,
	},
	{
		name: "continuation_trailing",
		src: `where a &&
  b ||
  c
let d = 1 +
  2`,
		want: `
Where @1:1
  Expr "a &&\n  b ||\n  c" @1:7-3:4
Let @4:1
  Ident d @4:5
  Expr "1 +\n  2" @4:9-5:4
`,
	},
	{
		name: "crlf",
		src:  "where a\r\nlet b = 1 +\r\n  2\r\n",
		want: `
Where @1:1
  Expr "a" @1:7-1:8
Let @2:1
  Ident b @2:5
  Expr "1 +\r\n  2" @2:9-3:4
`,
	},
	{
		name: "datetime_default",
		src:  `param at: datetime = 2024-01-01T10:00:00`,
		want: `
Param @1:1
  Ident at @1:7
  Ident datetime @1:11
  Expr "2024-01-01T10:00:00" @1:22-1:41
`,
	},
	{
		name: "empty",
		src:  ``,
		want: `
`,
	},
	{
		name: "expr_lang_ops",
		src: `where a in ["x", "y"] and not (b matches "^a") or c contains "z"
where x?.y ?? 1 > 0 && z[1:3] == [2] && w.v | len() > 0 && 2 ** 3 >= 1..3 | len()
let e = $env["x"]`,
		want: `
Where @1:1
  Expr "a in [\"x\", \"y\"] and not (b matches \"^a\") or c contains \"z\"" @1:7-1:65
Where @2:1
  Expr "x?.y ?? 1 > 0 && z[1:3] == [2] && w.v | len() > 0 && 2 ** 3 >= 1..3 | len()" @2:7-2:82
Let @3:1
  Ident e @3:5
  Expr "$env[\"x\"]" @3:9-3:18
`,
	},
	{
		name: "group_nested",
		src: `group territory {
  header "Territory {territory}"
  group customer.name as customer max_groups 500 {
    footer { customer, orders: COUNT(), revenue: SUM(revenue) format "#,##0.00" }
  }
  footer { territory, orders: COUNT(),
           high: MAX(amount) }
}`,
		want: `
Group @1:1
  Expr "territory" @1:7-1:16
  Header @2:3
    Band @2:10
      Template "Territory {territory}" @2:10
  Group @3:3
    Expr "customer.name" @3:9-3:22
    Ident customer @3:26
    IntLit 500 @3:46
    Footer @4:5
      Band @4:12
        Column @4:14
          Expr "customer" @4:14-4:22
        Column @4:24
          Ident orders @4:24
          Expr "COUNT()" @4:32-4:39
        Column @4:41
          Ident revenue @4:41
          Expr "SUM(revenue)" @4:50-4:62
          StringLit "#,##0.00" @4:70
  Footer @6:3
    Band @6:10
      Column @6:12
        Expr "territory" @6:12-6:21
      Column @6:23
        Ident orders @6:23
        Expr "COUNT()" @6:31-6:38
      Column @7:12
        Ident high @7:12
        Expr "MAX(amount)" @7:18-7:29
`,
	},
	{
		name: "groups_several",
		src: `group region { footer { region, n: COUNT() } }
group product as p {
}
group a { group b { group c { header "c" } } }`,
		want: `
Group @1:1
  Expr "region" @1:7-1:13
  Footer @1:16
    Band @1:23
      Column @1:25
        Expr "region" @1:25-1:31
      Column @1:33
        Ident n @1:33
        Expr "COUNT()" @1:36-1:43
Group @2:1
  Expr "product" @2:7-2:14
  Ident p @2:18
Group @4:1
  Expr "a" @4:7-4:8
  Group @4:11
    Expr "b" @4:17-4:18
    Group @4:21
      Expr "c" @4:27-4:28
      Header @4:31
        Band @4:38
          Template "c" @4:38
`,
	},
	{
		name: "keywords_as_fields",
		src: `where by > 1
where format == "x"
let as = sorted + on
detail { format, by: format format "0" }`,
		want: `
Where @1:1
  Expr "by > 1" @1:7-1:13
Where @2:1
  Expr "format == \"x\"" @2:7-2:20
Let @3:1
  Ident as @3:5
  Expr "sorted + on" @3:10-3:21
Detail @4:1
  Band @4:8
    Column @4:10
      Expr "format" @4:10-4:16
    Column @4:18
      Ident by @4:18
      Expr "format" @4:22-4:28
      StringLit "0" @4:36
`,
	},
	{
		name: "lookup",
		src:  `lookup customer = sqlite("data/sales.db", table: "customers") on customer_id == id`,
		want: `
Lookup @1:1
  Ident customer @1:8
  Call @1:19
    Ident sqlite @1:19
    Arg @1:26
      Str "data/sales.db" @1:26
    Arg @1:43
      Ident table @1:43
      Str "customers" @1:50
  Expr "customer_id" @1:66-1:77
  Ident id @1:81
`,
	},
	{
		name: "lookup_last_eq",
		src:  `lookup c = csv("c.csv") on (a == b) == flag`,
		want: `
Lookup @1:1
  Ident c @1:8
  Call @1:12
    Ident csv @1:12
    Arg @1:16
      Str "c.csv" @1:16
  Expr "(a == b)" @1:28-1:36
  Ident flag @1:40
`,
	},
	{
		name: "map_if",
		src: `let m = {"a": 1, "b": [1, 2]}
let v = if a > 1 { "x" } else if a < 0 { "y" } else { "z" }`,
		want: `
Let @1:1
  Ident m @1:5
  Expr "{\"a\": 1, \"b\": [1, 2]}" @1:9-1:30
Let @2:1
  Ident v @2:5
  Expr "if a > 1 { \"x\" } else if a < 0 { \"y\" } else { \"z\" }" @2:9-2:60
`,
	},
	{
		name: "only_comments",
		src: `# nothing
// here
`,
		want: `
`,
	},
	{
		name: "params",
		src: `param since: date = 2024-01-01   # comment
param min_amount: decimal = -0.5
param region: string`,
		want: `
Param @1:1
  Ident since @1:7
  Ident date @1:14
  Expr "2024-01-01" @1:21-1:31
Param @2:1
  Ident min_amount @2:7
  Ident decimal @2:19
  Expr "-0.5" @2:29-2:33
Param @3:1
  Ident region @3:7
  Ident string @3:15
`,
	},
	{
		name: "raw_string_multiline",
		src:  "where `raw\nstring` != \"\"\nwhere b",
		want: "\nWhere @1:1\n  Expr \"`raw\\nstring` != \\\"\\\"\" @1:7-2:14\nWhere @3:1\n  Expr \"b\" @3:7-3:8\n",
	},
	{
		name: "report",
		src:  `report "Sales by territory"`,
		want: `
Report @1:1
  StringLit "Sales by territory" @1:8
`,
	},
	{
		name: "semicolons",
		src:  `where a > 1; let b = 2;; where b < 3`,
		want: `
Where @1:1
  Expr "a > 1" @1:7-1:12
Let @1:14
  Ident b @1:18
  Expr "2" @1:22-1:23
Where @1:26
  Expr "b < 3" @1:32-1:37
`,
	},
	{
		name: "settings",
		src: `on_error skip
max_groups 20_000`,
		want: `
OnError @1:1
  Ident skip @1:10
MaxGroups @2:1
  IntLit 20000 @2:12
`,
	},
	{
		name: "source_query",
		src:  `source sqlite("data/sales.db", query: "SELECT * FROM sales WHERE territory = :region")`,
		want: `
Source @1:1
  Call @1:8
    Ident sqlite @1:8
    Arg @1:15
      Str "data/sales.db" @1:15
    Arg @1:32
      Ident query @1:32
      Str "SELECT * FROM sales WHERE territory = :region" @1:39
`,
	},
	{
		name: "source_schema",
		src:  `source csv("data/sales.csv") { amount: decimal, quantity: int, sale_date: date } sorted by territory, customer`,
		want: `
Source @1:1
  Call @1:8
    Ident csv @1:8
    Arg @1:12
      Str "data/sales.csv" @1:12
  FieldType @1:32
    Ident amount @1:32
    Ident decimal @1:40
  FieldType @1:49
    Ident quantity @1:49
    Ident int @1:59
  FieldType @1:64
    Ident sale_date @1:64
    Ident date @1:75
  Ident territory @1:92
  Ident customer @1:103
`,
	},
	{
		name: "source_schema_multiline",
		src: `source csv("a.csv") {
  amount: decimal,   # money
  qty: int,
}
source jsonl("b.jsonl")`,
		want: `
Source @1:1
  Call @1:8
    Ident csv @1:8
    Arg @1:12
      Str "a.csv" @1:12
  FieldType @2:3
    Ident amount @2:3
    Ident decimal @2:11
  FieldType @3:3
    Ident qty @3:3
    Ident int @3:8
Source @5:1
  Call @5:8
    Ident jsonl @5:8
    Arg @5:14
      Str "b.jsonl" @5:14
`,
	},
	{
		name: "source_sqlite",
		src:  `source sqlite("data/sales.db", table: "sales")`,
		want: `
Source @1:1
  Call @1:8
    Ident sqlite @1:8
    Arg @1:15
      Str "data/sales.db" @1:15
    Arg @1:32
      Ident table @1:32
      Str "sales" @1:39
`,
	},
	{
		name: "strings_columns",
		src:  "detail { y: \"a,b}#c\" format \"0,0}#\", z: 'q}', w: `}`, v: \"\\\"}\" }",
		want: "\nDetail @1:1\n  Band @1:8\n    Column @1:10\n      Ident y @1:10\n      Expr \"\\\"a,b}#c\\\"\" @1:13-1:21\n      StringLit \"0,0}#\" @1:29\n    Column @1:38\n      Ident z @1:38\n      Expr \"'q}'\" @1:41-1:45\n    Column @1:47\n      Ident w @1:47\n      Expr \"`}`\" @1:50-1:53\n    Column @1:55\n      Ident v @1:55\n      Expr \"\\\"\\\\\\\"}\\\"\" @1:58-1:63\n",
	},
	{
		name: "template_escapes",
		src:  `header "a\tb \"{x}\" \u00e9"`,
		want: `
Header @1:1
  Band @1:8
    Template "a\tb \"{x}\" é" @1:8
`,
	},
	{
		name: "ternary_columns",
		src:  `detail { x: a ? b : c, y: a ? "p" : "q" format "0", z ? 1 : 2 }`,
		want: `
Detail @1:1
  Band @1:8
    Column @1:10
      Ident x @1:10
      Expr "a ? b : c" @1:13-1:22
    Column @1:24
      Ident y @1:24
      Expr "a ? \"p\" : \"q\"" @1:27-1:40
      StringLit "0" @1:48
    Column @1:53
      Expr "z ? 1 : 2" @1:53-1:62
`,
	},
	{
		name: "unicode",
		src: `let größe = "ä" + straße  # ü
detail { größe }`,
		want: `
Let @1:1
  Ident größe @1:5
  Expr "\"ä\" + straße" @1:13-1:25
Detail @2:1
  Band @2:8
    Column @2:10
      Expr "größe" @2:10-2:15
`,
	},
	{
		name: "where_let",
		src: `where sale_date >= since && amount >= min_amount
let revenue = amount * quantity
where revenue > 0`,
		want: `
Where @1:1
  Expr "sale_date >= since && amount >= min_amount" @1:7-1:49
Let @2:1
  Ident revenue @2:5
  Expr "amount * quantity" @2:15-2:32
Where @3:1
  Expr "revenue > 0" @3:7-3:18
`,
	},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // Parse is safe for concurrent use
			f, err := Parse("t.rpt", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got, want := dump(f), strings.TrimPrefix(tt.want, "\n"); got != want {
				t.Errorf("AST:\n%s\nwant:\n%s", got, want)
			}
			if msg := checkInvariants([]byte(tt.src), f, false); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// checkInvariants checks what must hold of any AST Parse returns: unions
// have exactly one member, positions agree with offsets, and every
// expression's Text is its source span (comments blanked). With partial set,
// the AST came with errors, and a lookup whose condition could not be split
// may lack its Right. It returns a description of the first violation, or "".
func checkInvariants(src []byte, f *File, partial bool) (msg string) {
	fail := func(format string, args ...any) {
		if msg == "" {
			msg = fmt.Sprintf(format, args...)
		}
	}
	Inspect(f, func(n Node) bool {
		if n == nil {
			return false
		}
		pos := n.Position()
		if _, isFile := n.(*File); !isFile && !(partial && pos.Line == 0) {
			if m := checkPos(src, pos); m != "" {
				fail("%T: %s", n, m)
			}
		}
		one := func(what string, set ...bool) {
			if c := countSet(set...); c != 1 {
				fail("%s at %v has %d members set", what, pos, c)
			}
		}
		switch n := n.(type) {
		case *Stmt:
			one("Stmt", n.Report != nil, n.Param != nil, n.Source != nil, n.Lookup != nil,
				n.OnError != nil, n.MaxGroups != nil, n.Where != nil, n.Let != nil, n.Group != nil,
				n.Detail != nil, n.Summary != nil, n.Header != nil, n.Footer != nil,
				n.PageHeader != nil, n.PageFooter != nil)
		case *GroupItem:
			one("GroupItem", n.Header != nil, n.Footer != nil, n.Group != nil)
		case *Band:
			one("Band", n.Template != nil, len(n.Columns) > 0)
		case *Literal:
			one("Literal", n.Str != nil, n.Int != nil, n.Float != nil, n.Bool != nil)
		case *Expr:
			if m := checkPos(src, n.EndPos); m != "" {
				fail("Expr end: %s", m)
				return false
			}
			if n.Pos.Offset >= n.EndPos.Offset {
				fail("Expr at %v is empty", pos)
				return false
			}
			span := src[n.Pos.Offset:n.EndPos.Offset]
			if len(n.Text) != len(span) {
				fail("Expr %q at %v: source span is %q", n.Text, pos, span)
				return false
			}
			for i := range span {
				if n.Text[i] != span[i] && n.Text[i] != ' ' {
					fail("Expr %q at %v: source span is %q", n.Text, pos, span)
				}
			}
			if strings.TrimSpace(n.Text) != n.Text {
				fail("Expr %q at %v has surrounding space", n.Text, pos)
			}
		}
		return true
	})
	return msg
}

func countSet(set ...bool) int {
	n := 0
	for _, s := range set {
		if s {
			n++
		}
	}
	return n
}

// checkPos checks that a position's line and column agree with its offset.
func checkPos(src []byte, pos lexer.Position) string {
	if pos.Offset < 0 || pos.Offset > len(src) {
		return fmt.Sprintf("offset of %v out of range", pos)
	}
	before := src[:pos.Offset]
	line := 1 + strings.Count(string(before), "\n")
	col := 1 + utf8.RuneCount(before[strings.LastIndexByte(string(before), '\n')+1:])
	if line != pos.Line || col != pos.Column {
		return fmt.Sprintf("position %v at offset %d should be %d:%d", pos, pos.Offset, line, col)
	}
	return ""
}
