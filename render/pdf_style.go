package render

import (
	"golang.org/x/image/font/gofont/gobolditalic"
	"golang.org/x/image/font/gofont/goitalic"
)

// Conditional styles in PDF: a styled cell is drawn in its font (bold,
// italic), its text colour and, highlighted, on a yellow fill.

// cellStyle sets up the style of grid column i of pr, whose cell is at x,
// y, w wide and h high, filling a highlight; the returned func restores
// the row's font and black text.
func (r *pdfRenderer) cellStyle(pr pdfRow, i int, x, y, w, h float64) func() {
	st := pr.row.CellStyle(i)
	if st == 0 {
		return func() {}
	}
	d := r.doc
	if st&StyleHighlight != 0 {
		d.SetFillColor(0xff, 0xf3, 0xa0)
		d.Rect(x, y, w, h, "F")
		d.SetFillColor(0, 0, 0)
	}
	base := r.style(pr.row)
	font := base
	if st&StyleBold != 0 {
		font = "B"
	}
	if st&StyleItalic != 0 {
		r.italics()
		font += "I"
	}
	r.font(font, r.fs)
	if cr, cg, cb, ok := st.color(); ok {
		d.SetTextColor(int(cr), int(cg), int(cb))
	}
	return func() {
		r.font(base, r.fs)
		d.SetTextColor(0, 0, 0)
	}
}

// italics adds the italic fonts the first time a cell is italic (a
// document without italics does not carry them).
func (r *pdfRenderer) italics() {
	if r.italic || r.opts.Page.Font != nil { // a font of one's own serves every style
		return
	}
	r.italic = true
	r.doc.AddUTF8FontFromBytes(pdfFont, "I", goitalic.TTF)
	r.doc.AddUTF8FontFromBytes(pdfFont, "BI", gobolditalic.TTF)
}
