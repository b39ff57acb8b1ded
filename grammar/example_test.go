package grammar_test

import (
	"fmt"

	"github.com/reportsh/reportsh/grammar"
)

func ExampleParse() {
	src := `report "Orders"
where amount > 0   # skip refunds
group region {
  footer { region, total: SUM(amount) format "#,##0.00" }
}`
	f, err := grammar.Parse("orders.rpt", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range f.Stmts {
		switch {
		case s.Report != nil:
			fmt.Printf("title %q\n", s.Report.Title.Value)
		case s.Where != nil:
			e := s.Where.Cond
			fmt.Printf("filter %q at %d:%d\n", e.Text, e.Pos.Line, e.Pos.Column)
		case s.Group != nil:
			fmt.Printf("group by %q\n", s.Group.Key.Text)
			for _, c := range s.Group.Items[0].Footer.Columns {
				fmt.Printf("  column %q\n", c.Expr.Text)
			}
		}
	}

	_, err = grammar.Parse("orders.rpt", []byte("detail { region, total SUM(amount) }"))
	fmt.Println(err)
	// Output:
	// title "Orders"
	// filter "amount > 0" at 2:7
	// group by "region"
	//   column "region"
	//   column "SUM(amount)"
	// orders.rpt:1:24: unexpected "SUM" (expected "," or "}")
}

// Collect every expression in a script, for instance to compile them.
func ExampleInspect() {
	f, _ := grammar.Parse("x.rpt", []byte("let t = a * b\ndetail { t, c: t > 1 ? 'big' : 'small' }"))
	grammar.Inspect(f, func(n grammar.Node) bool {
		if e, ok := n.(*grammar.Expr); ok {
			fmt.Printf("%d:%d %s\n", e.Pos.Line, e.Pos.Column, e.Text)
		}
		return true
	})
	// Output:
	// 1:9 a * b
	// 2:10 t
	// 2:16 t > 1 ? 'big' : 'small'
}
