// Package grammar parses reportsh scripts (.rpt files) into a positioned
// AST. It is the first phase of reportsh: the interp package checks and
// plans the AST.
//
// A script is a list of statements separated by newlines or ";":
//
//	report "Sales by territory"
//
//	param since: date = 2024-01-01
//	param region: string                  # no default: required
//
//	source csv("data/sales.csv") { amount: decimal, quantity: int } sorted by territory
//	lookup customer = sqlite("data/sales.db", table: "customers") on customer_id == id
//	on_error skip
//	max_groups 20000
//
//	where sale_date >= since && amount > 0
//	let revenue = amount * quantity
//
//	group territory {
//	  header "Territory {territory}"
//	  group customer.name as customer max_groups 500 {
//	    footer { customer, revenue: SUM(revenue) format "#,##0.00" label "Revenue" }
//	  }
//	}
//	detail { sale_date, customer, amount }
//	summary { orders: COUNT(), revenue: SUM(revenue) }
//
// The statements, in EBNF:
//
//	Stmt      = "report" STRING
//	          | "param" NAME ":" TYPE [ "=" Expr ]
//	          | "source" Call [ "{" NAME ":" TYPE { "," NAME ":" TYPE } [","] "}" ]
//	                          [ "sorted" "by" NAME { "," NAME } ]
//	          | "lookup" NAME "=" Call "on" Expr "==" NAME
//	          | "on_error" NAME | "max_groups" INT
//	          | "where" Expr | "let" NAME "=" Expr
//	          | Group
//	          | ( "header" | "footer" | "detail" | "summary" ) Band
//	          | ( "page_header" | "page_footer" ) STRING .
//	Group     = "group" Expr [ "as" NAME ] [ "max_groups" INT ]
//	            "{" { ( "header" Band | "footer" Band | Group ) EOL } "}" .
//	Band      = STRING | "{" Column { "," Column } [","] "}" { Style } .
//	Column    = [ NAME ":" ] Expr { ( "format" | "label" ) STRING | Style } .
//	            (each of format and label at most once, in either order)
//	Style     = "style" NAME "when" Expr .
//	Call      = NAME "(" [ Arg { "," Arg } [","] ] ")" .
//	Arg       = [ NAME ":" ] Literal .   (positional arguments first)
//	Literal   = STRING | ["-"] INT | ["-"] FLOAT | "true" | "false" .
//
// Keywords are reserved only where a statement or clause begins, so a field
// may be called "format", "label" or "by" (`where by > 1`).
//
// # Expressions
//
// Expressions are expr-lang (github.com/expr-lang/expr) source, which this
// package does not parse: an [Expr] records the text and where it is, and the
// interpreter compiles it. An expression is a run of tokens in which
// brackets balance. Outside brackets it ends before a newline, ";", ",",
// "}" or a group body's "{"; and when an operand has just ended (a name,
// literal or closing bracket), a name that is not an expr-lang operator
// (such as "as", "max_groups", "format", "label", "style" or "when"), a literal or a "{" ends
// it too.
// In a lookup condition the last "==" outside brackets separates the
// expression from the field name.
//
// # Lines, comments and strings
//
// Newlines end statements except inside brackets and inside the braces of a
// column list or schema, after a token that cannot end an expression (an
// operator, ",", "(", ...), and before a line that starts with a binary
// operator such as "&&", "||", "?" or ".". So both of these are one
// statement:
//
//	where amount > 0 &&
//	  region == "EU"
//	where amount > 0
//	  && region == "EU"
//
// "//" starts a comment anywhere outside strings; "#" starts one except
// inside parentheses and brackets, where it is expr-lang's closure argument
// (`filter(items, # > 1)`). Strings are "..." or '...' with Go escapes, or
// `...` raw.
//
// # Positions and errors
//
// Every node has a Pos: file name, byte offset, and 1-based line and
// column, the column counted in runes. [Parse] returns an [ErrorList] whose
// messages read like
//
//	sales.rpt:7:12: unexpected "}" (expected expression)
package grammar
