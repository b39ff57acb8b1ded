package grammar

import "testing"

func TestGroupClauses(t *testing.T) {
	src := "group customer as c max_groups 50 having SUM(amount) > 10 order by revenue desc limit 5 {\n  footer { c, revenue: SUM(amount) }\n}\n"
	f, err := Parse("g.rpt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	g := f.Stmts[0].Group
	if g.Key.Text != "customer" || g.As.Name != "c" || g.MaxGroups.Value != 50 {
		t.Fatalf("key/as/max_groups: %+v", g)
	}
	if g.Having == nil || g.Having.Text != "SUM(amount) > 10" {
		t.Fatalf("having = %+v", g.Having)
	}
	if g.OrderBy == nil || g.OrderBy.Text != "revenue" || !g.Desc {
		t.Fatalf("order by = %+v desc=%v", g.OrderBy, g.Desc)
	}
	if g.Limit == nil || g.Limit.Value != 5 || g.Limit.Pos.Column != 87 {
		t.Fatalf("limit = %+v", g.Limit)
	}
	f, err = Parse("g.rpt", []byte("group t order by n asc {\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if g := f.Stmts[0].Group; g.Desc || g.OrderBy.Text != "n" || g.Limit != nil {
		t.Fatalf("asc: %+v", g)
	}
}
