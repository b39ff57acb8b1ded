package render

import (
	"fmt"
	"strings"
	"sync"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// A PDF prints a character as a box when its font has no glyph for it:
// the Go fonts cover Latin, Greek and Cyrillic, not CJK, Arabic or Hebrew.
// Nothing is lost silently: the renderer notes each such character it
// prints and End adds a warning to the totals naming them (in the report,
// in Result, and on the CLI's stderr), pointing at PageOptions.Font.

// pdfGlyphs finds the characters a font has no glyph for.
type pdfGlyphs struct {
	font    *sfnt.Font
	buf     sfnt.Buffer
	known   map[rune]bool // rune: has a glyph
	missing []rune        // in the order first met
	count   int           // characters printed without a glyph
}

// goRegular is the Go font parsed, once: its glyph table is read only
// (each pdfGlyphs has its own sfnt.Buffer).
var goRegular = sync.OnceValues(func() (*sfnt.Font, error) { return sfnt.Parse(goregular.TTF) })

// pdfFontOf returns the font the PDF's text is set in, parsed: p.Font, or
// the Go font.
func pdfFontOf(p PageOptions) (*sfnt.Font, error) {
	if p.Font == nil {
		return goRegular()
	}
	f, err := sfnt.Parse(p.Font)
	if err != nil {
		return nil, fmt.Errorf("render: the PDF font is not a TrueType font: %w", err)
	}
	return f, nil
}

// check notes the characters of s the font lacks.
func (g *pdfGlyphs) check(s string) {
	for _, c := range s {
		has, ok := g.known[c]
		if !ok {
			i, err := g.font.GlyphIndex(&g.buf, c)
			has = err == nil && i != 0 || c < ' '
			g.known[c] = has
			if !has {
				g.missing = append(g.missing, c)
			}
		}
		if !has {
			g.count++
		}
	}
}

// pdfGlyphSample is how many of the missing characters a warning shows.
const pdfGlyphSample = 8

// warning describes the characters printed without a glyph ("" for none).
func (g *pdfGlyphs) warning() string {
	if g.count == 0 {
		return ""
	}
	shown := g.missing[:min(len(g.missing), pdfGlyphSample)]
	var quoted []string
	for _, c := range shown {
		quoted = append(quoted, fmt.Sprintf("%q (U+%04X)", c, c))
	}
	more := ""
	if len(g.missing) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(g.missing)-len(shown))
	}
	return fmt.Sprintf("pdf: %d characters print as boxes: the font has no glyph for %s%s; give the PDF a TrueType font that has them (reportsh run --pdf-font FILE.ttf)",
		g.count, strings.Join(quoted, ", "), more)
}
