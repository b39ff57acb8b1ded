package grammar

import (
	"fmt"
	"strings"
)

// dump renders an AST one node a line, indented by depth, with positions, for
// compact assertions.
func dump(root Node) string {
	var b strings.Builder
	depth := 0
	var labeled []bool // per open node: whether it was printed
	Inspect(root, func(n Node) bool {
		if n == nil {
			if labeled[len(labeled)-1] {
				depth--
			}
			labeled = labeled[:len(labeled)-1]
			return false
		}
		label := nodeLabel(n)
		labeled = append(labeled, label != "")
		if label == "" {
			return true
		}
		p := n.Position()
		fmt.Fprintf(&b, "%s%s @%d:%d", strings.Repeat("  ", depth), label, p.Line, p.Column)
		if e, ok := n.(*Expr); ok {
			fmt.Fprintf(&b, "-%d:%d", e.EndPos.Line, e.EndPos.Column)
		}
		b.WriteByte('\n')
		depth++
		return true
	})
	return b.String()
}

func nodeLabel(n Node) string {
	switch n := n.(type) {
	case *File:
		return ""
	case *Stmt:
		switch {
		case n.Detail != nil:
			return "Detail"
		case n.Summary != nil:
			return "Summary"
		case n.Header != nil:
			return "Header"
		case n.Footer != nil:
			return "Footer"
		}
		return ""
	case *GroupItem:
		switch {
		case n.Header != nil:
			return "Header"
		case n.Footer != nil:
			return "Footer"
		}
		return ""
	case *ReportStmt:
		return "Report"
	case *Param:
		return "Param"
	case *Source:
		return "Source"
	case *FieldType:
		return "FieldType"
	case *Call:
		return "Call"
	case *Arg:
		return "Arg"
	case *Literal:
		switch {
		case n.Str != nil:
			return fmt.Sprintf("Str %q", *n.Str)
		case n.Int != nil:
			return fmt.Sprintf("Int %d", *n.Int)
		case n.Float != nil:
			return fmt.Sprintf("Float %g", *n.Float)
		case n.Bool != nil:
			return fmt.Sprintf("Bool %t", *n.Bool)
		}
		return "Literal?"
	case *Lookup:
		return "Lookup"
	case *OnError:
		return "OnError"
	case *MaxGroups:
		return "MaxGroups"
	case *Where:
		return "Where"
	case *Let:
		return "Let"
	case *Group:
		return "Group"
	case *Band:
		return "Band"
	case *Template:
		return fmt.Sprintf("Template %q", n.Text)
	case *Column:
		return "Column"
	case *Ident:
		return "Ident " + n.Name
	case *Expr:
		return fmt.Sprintf("Expr %q", n.Text)
	case *IntLit:
		return fmt.Sprintf("IntLit %d", n.Value)
	case *StringLit:
		return fmt.Sprintf("StringLit %q", n.Value)
	}
	return fmt.Sprintf("%T", n)
}
