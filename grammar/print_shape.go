package grammar

import (
	"fmt"
	"strings"
)

// shape renders an AST without positions, for telling whether two parses
// mean the same: expressions as their tokens, so that white space does not
// count, and a parameter's default as its exact text, which is not an
// expression.
func shape(f *File) string {
	var b strings.Builder
	depth := 0
	Inspect(f, func(n Node) bool {
		if n == nil {
			depth--
			return false
		}
		b.WriteString(strings.Repeat(" ", depth))
		depth++
		switch n := n.(type) {
		case *Stmt:
			fmt.Fprintf(&b, "Stmt %t %t %t %t", n.Detail != nil, n.Summary != nil, n.Header != nil, n.Footer != nil)
			if n.PageHeader != nil || n.PageFooter != nil {
				fmt.Fprintf(&b, " page %t %t", n.PageHeader != nil, n.PageFooter != nil)
			}
		case *GroupItem:
			fmt.Fprintf(&b, "Item %t %t", n.Header != nil, n.Footer != nil)
		case *Param:
			b.WriteString("Param")
			if n.Default != nil {
				fmt.Fprintf(&b, " = %q", strings.ReplaceAll(n.Default.Text, "\r\n", "\n"))
			}
		case *Group:
			fmt.Fprintf(&b, "Group as=%t max=%t having=%t order=%t desc=%t limit=%t",
				n.As != nil, n.MaxGroups != nil, n.Having != nil, n.OrderBy != nil, n.Desc, n.Limit != nil)
		case *Column:
			fmt.Fprintf(&b, "Column %t %t %t", n.Name != nil, n.Format != nil, n.Label != nil)
		case *Arg:
			fmt.Fprintf(&b, "Arg %t", n.Name != nil)
		case *Expr:
			b.WriteString("Expr")
			for _, t := range exprTokens(n.Text) {
				fmt.Fprintf(&b, " %q", t)
			}
		case *Literal:
			switch {
			case n.Str != nil:
				fmt.Fprintf(&b, "Str %q", *n.Str)
			case n.Bool != nil:
				fmt.Fprintf(&b, "Bool %t", *n.Bool)
			default:
				fmt.Fprintf(&b, "Number %s", n.Raw)
			}
		case *Template:
			fmt.Fprintf(&b, "Template %q", n.Text)
		case *StringLit:
			fmt.Fprintf(&b, "String %q", n.Value)
		case *Ident:
			fmt.Fprintf(&b, "Ident %s", n.Name)
		case *IntLit:
			fmt.Fprintf(&b, "Int %d", n.Value)
		default:
			fmt.Fprintf(&b, "%T", n)
		}
		b.WriteByte('\n')
		return true
	})
	return b.String()
}

// exprTokens returns the tokens of an expression's text.
func exprTokens(text string) []string {
	s := &scanner{src: []byte(text), clean: []byte(text), line: 1, col: 1}
	s.run()
	var toks []string
	for _, t := range s.toks {
		if t.Type != tokEOL {
			toks = append(toks, t.Value)
		}
	}
	return toks
}
