package grammar

import (
	"strings"
	"testing"
)

// TestPageBands parses page_header and page_footer: their text, where they
// are, and that Format keeps them.
func TestPageBands(t *testing.T) {
	src := "page_header \"{title} {region}\"\npage_footer 'Page {page} of {pages}'\n"
	f, err := Parse("p.rpt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Stmts) != 2 {
		t.Fatalf("got %d statements, want 2", len(f.Stmts))
	}
	h, ft := f.Stmts[0].PageHeader, f.Stmts[1].PageFooter
	if h == nil || ft == nil {
		t.Fatalf("page bands not parsed: %+v %+v", f.Stmts[0], f.Stmts[1])
	}
	if h.Text != "{title} {region}" || ft.Text != "Page {page} of {pages}" {
		t.Errorf("texts %q, %q", h.Text, ft.Text)
	}
	if ft.Pos.Line != 2 || ft.Pos.Column != 13 {
		t.Errorf("page footer text at %d:%d, want 2:13", ft.Pos.Line, ft.Pos.Column)
	}
	if f.Stmts[1].Node() != Node(ft) {
		t.Errorf("Stmt.Node of a page footer is not its template")
	}
	out := checkFormat(t, "p.rpt", []byte(src))
	want := "page_header \"{title} {region}\"\npage_footer \"Page {page} of {pages}\"\n"
	if string(out) != want {
		t.Errorf("Format:\n%s\nwant:\n%s", out, want)
	}
}

// TestPageBandErrors: a page band is one line of text.
func TestPageBandErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`page_footer { n: COUNT() }`, `p.rpt:1:13: page_footer is one line of text, not columns (write page_footer "Page {page} of {pages}")`},
		{`page_header 12`, `p.rpt:1:13: unexpected number 12 (expected string)`},
		{`page_header "x" label "y"`, `p.rpt:1:17: a label is a column's heading: a page band has no columns to label`},
	} {
		_, err := Parse("p.rpt", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %s", tc.src, err, tc.want)
		}
	}
}
