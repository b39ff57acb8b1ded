package render

import "strconv"

// PageTemplate is a page band (page_header or page_footer) as a paged
// format prints it: the report's parameters, title and run date are
// already in its text (the interpreter evaluates them once, when the run
// starts), and only the page number and the page count are left to fill
// in, page by page, by [PageTemplate.Text].
type PageTemplate struct {
	// Parts are the band's pieces in order.
	Parts []PagePart
}

// PageVar says what a [PagePart] prints.
type PageVar uint8

// The parts of a page band.
const (
	PageText   PageVar = iota // the part's Text, as is
	PageNumber                // {page}: the number of the page, from 1
	PageCount                 // {pages}: the number of pages of the document
)

// PagePart is one piece of a [PageTemplate]: literal text, or a page
// number or count.
type PagePart struct {
	// Var says what the part prints.
	Var PageVar
	// Text is what a PageText part prints.
	Text string
}

// Text returns the band's line on page page of pages. A nil template
// returns "" (no band declared: a paged format then prints its own default,
// such as [DefaultPageFooter]).
func (t *PageTemplate) Text(page, pages int) string {
	if t == nil {
		return ""
	}
	var b []byte
	for _, p := range t.Parts {
		switch p.Var {
		case PageNumber:
			b = strconv.AppendInt(b, int64(page), 10)
		case PageCount:
			b = strconv.AppendInt(b, int64(pages), 10)
		default:
			b = append(b, p.Text...)
		}
	}
	return string(b)
}

// NeedsPages reports whether the template prints the page count, which a
// paged format knows only once every page is laid out.
func (t *PageTemplate) NeedsPages() bool {
	if t == nil {
		return false
	}
	for _, p := range t.Parts {
		if p.Var == PageCount {
			return true
		}
	}
	return false
}

// DefaultPageFooter returns the page footer of a paged format when the
// report declares none: "Page {page} of {pages}".
func DefaultPageFooter() *PageTemplate {
	return &PageTemplate{Parts: []PagePart{
		{Text: "Page "}, {Var: PageNumber}, {Text: " of "}, {Var: PageCount},
	}}
}
