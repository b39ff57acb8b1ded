package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/font/gofont/gomono"
)

// newCJKFixture is the sections fixture with Japanese and Korean keys and
// a Chinese title: characters the Go fonts have no glyph for.
func newCJKFixture() *fixture {
	f := newSectionsFixture()
	f.meta.Title = "Umsätze 东京"
	f.events[0].Keys, f.events[0].Values[0] = []any{"東京"}, "東京"
	f.events[1].Keys, f.events[1].Values[0] = []any{"서울"}, "서울"
	return f
}

// Characters the font lacks print as boxes, and the run says so: a
// warning in the totals (the caller's, so Result and the CLI's stderr
// carry it) and in the PDF, naming them and the way out.
func TestPDFMissingGlyphsWarn(t *testing.T) {
	f := newCJKFixture()
	path, _ := pdfOf(t, f, Options{})
	require.Len(t, f.totals.Warnings, 1)
	w := f.totals.Warnings[0]
	assert.Contains(t, w, "pdf: 6 characters print as boxes")
	assert.Contains(t, w, "'东' (U+4E1C), '京' (U+4EAC), '東' (U+6771), '서' (U+C11C), '울' (U+C6B8)")
	assert.Contains(t, w, "--pdf-font")
	assert.NotContains(t, w, "'ä'", "the Go fonts have Latin letters")
	if havePDFText(t) {
		text := strings.Join(pdfPages(t, path), "")
		assert.Contains(t, text, "print as boxes", "the reader of the PDF is told")
		assert.Contains(t, text, "東京", "the text layer keeps the characters")
	}

	plain := newSectionsFixture()
	pdfOf(t, plain, Options{})
	assert.Empty(t, plain.totals.Warnings, "a report the font covers has no warning")
}

// PageOptions.Font replaces the Go fonts (every style); bytes that are not
// a TrueType font are an error before anything is written.
func TestPDFFont(t *testing.T) {
	f := newCJKFixture()
	path, out := pdfOf(t, f, Options{Page: PageOptions{Font: gomono.TTF}})
	assert.True(t, bytes.HasPrefix(out, []byte("%PDF-")))
	require.Len(t, f.totals.Warnings, 1, "Go Mono lacks CJK too")
	if havePDFText(t) {
		assert.Contains(t, strings.Join(pdfPages(t, path), ""), "Umsätze")
	}
	styled := newStyledFixture()
	_, out = pdfOf(t, styled, Options{Page: PageOptions{Font: gomono.TTF}})
	assert.True(t, bytes.HasPrefix(out, []byte("%PDF-")), "bold and italic cells print in the one font")

	var buf bytes.Buffer
	err := newSectionsFixture().run("pdf", &buf, Options{Page: PageOptions{Font: []byte("not a font")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the PDF font is not a TrueType font")
	assert.Zero(t, buf.Len())
}
