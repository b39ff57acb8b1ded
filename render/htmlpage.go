package render

import (
	"fmt"
	"strings"
)

// htmlPageStyle is the print CSS of a report's page bands: an @page rule
// whose margin boxes print the page header at the top centre and the
// page footer at the bottom centre of every printed page, where the
// browser supports margin boxes (Chromium from version 131). A band's
// text parts become CSS strings, {page} counter(page) and {pages}
// counter(pages). Without a page footer, pages are numbered "Page X of Y"
// at the bottom right, as in the PDF; an empty band prints nothing.
func htmlPageStyle(head, foot *PageTemplate) string {
	var b strings.Builder
	b.WriteString("@page{margin:16mm 12mm;")
	boxes := []struct {
		name string
		band *PageTemplate
	}{{"top-center", head}, {"bottom-center", foot}}
	if foot == nil {
		boxes[1].name, boxes[1].band = "bottom-right", DefaultPageFooter()
	}
	for _, box := range boxes {
		if content := cssContent(box.band); content != "" {
			fmt.Fprintf(&b, "@%s{content:%s;font:8pt system-ui,sans-serif;color:#555}", box.name, content)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// cssContent is the value of a CSS content property that prints a page
// band, "" for a nil or empty band.
func cssContent(t *PageTemplate) string {
	if t == nil {
		return ""
	}
	var parts []string
	for _, p := range t.Parts {
		switch p.Var {
		case PageNumber:
			parts = append(parts, "counter(page)")
		case PageCount:
			parts = append(parts, "counter(pages)")
		default:
			if p.Text != "" {
				parts = append(parts, cssString(p.Text))
			}
		}
	}
	return strings.Join(parts, " ")
}

// cssString quotes s as a CSS string that is safe inside an HTML <style>
// element: quotes, backslashes, control characters and the characters
// that could end the element or start a markup entity (<, >, &) are
// written as CSS hex escapes, each ended by a space.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, "\\%x ", c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
