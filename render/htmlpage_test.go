package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The page bands become an @page rule with margin boxes: text parts as CSS
// strings, {page} and {pages} as counters; without a page footer the
// pages are numbered as in the PDF.
func TestHTMLPageStyle(t *testing.T) {
	head := &PageTemplate{Parts: []PagePart{{Text: "Umsätze seit 2024-01-01"}}}
	foot := &PageTemplate{Parts: []PagePart{{Text: "Seite "}, {Var: PageNumber}, {Text: " von "}, {Var: PageCount}}}
	const box = ";font:8pt system-ui,sans-serif;color:#555}"
	for _, c := range []struct {
		name       string
		head, foot *PageTemplate
		want       string
	}{
		{"none: numbered pages", nil, nil, `@page{margin:16mm 12mm;@bottom-right{content:"Page " counter(page) " of " counter(pages)` + box + "}\n"},
		{"both", head, foot, `@page{margin:16mm 12mm;@top-center{content:"Umsätze seit 2024-01-01"` + box +
			`@bottom-center{content:"Seite " counter(page) " von " counter(pages)` + box + "}\n"},
		{"footer only", nil, &PageTemplate{Parts: []PagePart{{Var: PageNumber}, {Text: "/"}, {Var: PageCount}}},
			`@page{margin:16mm 12mm;@bottom-center{content:counter(page) "/" counter(pages)` + box + "}\n"},
		{"empty footer prints none", head, &PageTemplate{},
			`@page{margin:16mm 12mm;@top-center{content:"Umsätze seit 2024-01-01"` + box + "}\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, htmlPageStyle(c.head, c.foot))
		})
	}
}

// A band's text cannot end its CSS string nor the <style> element: quotes,
// backslashes, control characters, <, > and & are CSS hex escapes.
func TestCSSStringEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`plain — ünïcode`:        `"plain — ünïcode"`,
		`say "hi"`:               `"say \22 hi\22 "`,
		`C:\dir`:                 `"C:\5c dir"`,
		"</style><script>x&amp;": `"\3c /style\3e \3c script\3e x\26 amp;"`,
		"two\nlines\x7f":         `"two\a lines\7f "`,
	} {
		assert.Equal(t, want, cssString(in), "%q", in)
	}
}

// A page band holding "</style>" leaves the HTML page with one style
// element, its text escaped in the @page rule.
func TestHTMLPageBandsInPage(t *testing.T) {
	f := newFixture()
	f.meta.PageHeader = &PageTemplate{Parts: []PagePart{{Text: `</style><h1 id="x">`}}}
	f.meta.PageFooter = &PageTemplate{Parts: []PagePart{{Text: "page "}, {Var: PageNumber}}}
	var out bytes.Buffer
	require.NoError(t, f.run("html", &out, Options{}))
	html := out.String()
	assert.Equal(t, 1, strings.Count(html, "</style>"), "one style element")
	assert.NotContains(t, html, `<h1 id="x">`)
	assert.Contains(t, html, `@top-center{content:"\3c /style\3e \3c h1 id=\22 x\22 \3e "`)
	assert.Contains(t, html, `@bottom-center{content:"page " counter(page);`)
}
