package grammar

import (
	"strings"
	"testing"
)

// TestColumnLabel parses a column's label, alone and beside a format in
// either order, and checks the values and where they are.
func TestColumnLabel(t *testing.T) {
	src := `detail { a label "Total revenue", b: x format "0.0" label "B", c label "C" format "#", label }`
	f, err := Parse("l.rpt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cols := f.Stmts[0].Detail.Columns
	type want struct{ format, label string }
	wants := []want{{"", "Total revenue"}, {"0.0", "B"}, {"#", "C"}, {"", ""}}
	if len(cols) != len(wants) {
		t.Fatalf("got %d columns, want %d", len(cols), len(wants))
	}
	for i, w := range wants {
		c := cols[i]
		got := want{}
		if c.Format != nil {
			got.format = c.Format.Value
		}
		if c.Label != nil {
			got.label = c.Label.Value
		}
		if got != w {
			t.Errorf("column %d: got %+v, want %+v", i, got, w)
		}
	}
	if p := cols[0].Label.Pos; p.Line != 1 || p.Column != 18 {
		t.Errorf("label of a at %d:%d, want 1:18", p.Line, p.Column)
	}
	if got := cols[3].Expr.Text; got != "label" {
		t.Errorf("a field called label: expression %q", got)
	}
	out := checkFormat(t, "l.rpt", []byte(src))
	if !strings.Contains(string(out), `c label "C" format "#"`) {
		t.Errorf("Format reorders or drops the options:\n%s", out)
	}
}
