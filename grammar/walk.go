package grammar

// Inspect traverses the AST rooted at n in depth-first order, like
// go/ast.Inspect: it calls f(n), and if that returns true, it inspects each
// non-nil child of n, followed by a call of f(nil).
func Inspect(n Node, f func(Node) bool) {
	if !f(n) {
		return
	}
	switch n := n.(type) {
	case *File:
		for _, s := range n.Stmts {
			Inspect(s, f)
		}
	case *Stmt:
		inspectStmt(n, f)
	case *ReportStmt:
		Inspect(&n.Title, f)
	case *Param:
		Inspect(&n.Name, f)
		Inspect(&n.Type, f)
		if n.Default != nil {
			Inspect(n.Default, f)
		}
	case *Source:
		Inspect(n.Call, f)
		for _, ft := range n.Schema {
			Inspect(ft, f)
		}
		for i := range n.SortedBy {
			Inspect(&n.SortedBy[i], f)
		}
	case *FieldType:
		Inspect(&n.Name, f)
		Inspect(&n.Type, f)
	case *Call:
		Inspect(&n.Name, f)
		for _, a := range n.Args {
			Inspect(a, f)
		}
	case *Arg:
		if n.Name != nil {
			Inspect(n.Name, f)
		}
		Inspect(&n.Value, f)
	case *Lookup:
		Inspect(&n.Name, f)
		Inspect(n.Call, f)
		Inspect(n.Left, f)
		Inspect(&n.Right, f)
	case *OnError:
		Inspect(&n.Mode, f)
	case *MaxGroups:
		Inspect(&n.Limit, f)
	case *Where:
		Inspect(n.Cond, f)
	case *Let:
		Inspect(&n.Name, f)
		Inspect(n.Value, f)
	case *Group:
		Inspect(n.Key, f)
		if n.As != nil {
			Inspect(n.As, f)
		}
		if n.MaxGroups != nil {
			Inspect(n.MaxGroups, f)
		}
		if n.Having != nil {
			Inspect(n.Having, f)
		}
		if n.OrderBy != nil {
			Inspect(n.OrderBy, f)
		}
		if n.Limit != nil {
			Inspect(n.Limit, f)
		}
		for _, it := range n.Items {
			Inspect(it, f)
		}
	case *GroupItem:
		switch {
		case n.Header != nil:
			Inspect(n.Header, f)
		case n.Footer != nil:
			Inspect(n.Footer, f)
		case n.Group != nil:
			Inspect(n.Group, f)
		}
	case *Band:
		if n.Template != nil {
			Inspect(n.Template, f)
		}
		for _, c := range n.Columns {
			Inspect(c, f)
		}
		for _, r := range n.Styles {
			Inspect(r, f)
		}
	case *StyleRule:
		Inspect(n.Style, f)
		Inspect(n.When, f)
	case *Column:
		if n.Name != nil {
			Inspect(n.Name, f)
		}
		Inspect(n.Expr, f)
		for _, s := range n.options() {
			Inspect(s, f)
		}
		for _, r := range n.Styles {
			Inspect(r, f)
		}
	}
	f(nil)
}

func inspectStmt(s *Stmt, f func(Node) bool) {
	if n := s.Node(); n != nil {
		Inspect(n, f)
	}
}

// Node returns the statement's one non-nil field, or nil for an empty Stmt.
// Detail, Summary, Header and Footer statements return their [*Band], and
// PageHeader and PageFooter their [*Template]; use the fields to tell them
// apart.
func (s *Stmt) Node() Node {
	switch {
	case s.Report != nil:
		return s.Report
	case s.Param != nil:
		return s.Param
	case s.Source != nil:
		return s.Source
	case s.Lookup != nil:
		return s.Lookup
	case s.OnError != nil:
		return s.OnError
	case s.MaxGroups != nil:
		return s.MaxGroups
	case s.Where != nil:
		return s.Where
	case s.Let != nil:
		return s.Let
	case s.Group != nil:
		return s.Group
	case s.Detail != nil:
		return s.Detail
	case s.Summary != nil:
		return s.Summary
	case s.Header != nil:
		return s.Header
	case s.Footer != nil:
		return s.Footer
	case s.PageHeader != nil:
		return s.PageHeader
	case s.PageFooter != nil:
		return s.PageFooter
	}
	return nil
}
