package render

import "testing"

// TestPageTemplateText fills in page numbers; the parameters and run date
// are text already (the interpreter substitutes them at run start), and a
// value that looks like a placeholder is not one.
func TestPageTemplateText(t *testing.T) {
	footer := &PageTemplate{Parts: []PagePart{
		{Text: "West {page} · printed 2026-12-07 · page "}, {Var: PageNumber}, {Text: "/"}, {Var: PageCount},
	}}
	header := &PageTemplate{Parts: []PagePart{{Text: "Sales"}}}
	var none *PageTemplate
	for _, tc := range []struct {
		tpl         *PageTemplate
		page, pages int
		want        string
		needsPages  bool
	}{
		{footer, 1, 12, "West {page} · printed 2026-12-07 · page 1/12", true},
		{footer, 12, 12, "West {page} · printed 2026-12-07 · page 12/12", true},
		{header, 3, 4, "Sales", false},
		{DefaultPageFooter(), 2, 310, "Page 2 of 310", true},
		{none, 1, 1, "", false},
		{&PageTemplate{Parts: []PagePart{{Var: PageNumber}}}, 7, 0, "7", false},
	} {
		if got := tc.tpl.Text(tc.page, tc.pages); got != tc.want {
			t.Errorf("Text(%d, %d) = %q, want %q", tc.page, tc.pages, got, tc.want)
		}
		if got := tc.tpl.NeedsPages(); got != tc.needsPages {
			t.Errorf("%q: NeedsPages = %t", tc.want, got)
		}
	}
}
