package grammar

import (
	"strings"
	"testing"
)

// TestStyleRules parses style rules on columns (several, beside a format
// and a label) and after a column band, and prints them back.
func TestStyleRules(t *testing.T) {
	src := "group region {\n  footer { region, n: COUNT(), revenue: SUM(x) style red when revenue < 0 format \"0.00\" style bold when revenue > threshold label \"Rev\" } style highlight when n > 100\n}\ndetail { x style muted when x == 0, y }\n"
	f, err := Parse("s.rpt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	foot := f.Stmts[0].Group.Items[0].Footer
	rev := foot.Columns[2]
	if rev.Format == nil || rev.Label == nil || len(rev.Styles) != 2 {
		t.Fatalf("revenue: format %v label %v styles %d", rev.Format, rev.Label, len(rev.Styles))
	}
	got := []string{}
	for _, r := range append(append([]*StyleRule{}, rev.Styles...), foot.Styles...) {
		got = append(got, r.Style.Name+" when "+r.When.Text)
	}
	want := []string{"red when revenue < 0", "bold when revenue > threshold", "highlight when n > 100"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rules %q, want %q", got, want)
	}
	if p := rev.Styles[0].Style.Pos; p.Line != 2 || p.Column != 54 {
		t.Errorf("style name at %d:%d, want 2:54", p.Line, p.Column)
	}
	if d := f.Stmts[1].Detail; len(d.Columns) != 2 || len(d.Columns[0].Styles) != 1 || len(d.Styles) != 0 {
		t.Errorf("detail: %d columns, x has %d rules", len(d.Columns), len(d.Columns[0].Styles))
	}
	out := string(checkFormat(t, "s.rpt", []byte(src)))
	for _, w := range []string{
		`revenue: SUM(x) format "0.00" label "Rev" style red when revenue < 0 style bold when revenue > threshold,`,
		"} style highlight when n > 100\n",
		"detail { x style muted when x == 0, y }",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in\n%s", w, out)
		}
	}
}

// TestStyleRuleErrors: a rule without a name or a condition, and one on a
// text band, are syntax errors at the place.
func TestStyleRuleErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`detail { x style when x > 0 }`, `1:23: style when needs a condition`},
		{`detail { x style "red" when x > 0 }`, `1:18: style needs a style name`},
		{`detail { x style red }`, `1:22: style red needs a condition: style red when EXPR`},
		{`detail { x style red when }`, `1:27:`},
		{`summary "total" style red when true`, `1:17: a style rule needs a column band`},
		{`page_footer "p" style red when true`, `1:17: a style rule needs a column band: a page band`},
	} {
		_, err := Parse("e.rpt", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
	}
}
