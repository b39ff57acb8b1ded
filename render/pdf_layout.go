package render

import (
	"strings"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/reportsh/reportsh/runtime/value"
)

// startTable sizes the columns of the current section from its rows held
// so far, draws the report header lines held, the headings and the other
// held rows. A table after another starts a little below it, or on a new
// page when its headings and first rows do not fit.
func (r *pdfRenderer) startTable() {
	d := r.doc
	r.cols = nil
	r.font("B", pdfFontSize)
	for _, j := range tableColumns(r.grid, r.sec) {
		gc := &r.grid.Columns[j]
		r.cols = append(r.cols, pdfCol{gc: gc, j: j, numeric: gc.Numeric(), natural: pdfLongest(d, gc.Heading, true),
			min: pdfWordWidth(d, gc.Heading)})
	}
	if len(r.cols) > 0 && r.sec == len(r.grid.Sections)-1 { // the summary's label
		r.cols[0].natural = max(r.cols[0].natural, d.GetStringWidth(pdfTotal))
		r.cols[0].min = max(r.cols[0].min, d.GetStringWidth(pdfTotal))
	}
	r.measure()
	r.fs, r.lh = pdfFontSize, pdfLineH
	if scale := r.fitWidths(); scale < 1 {
		r.fs, r.lh = pdfFontSize*scale, pdfLineH*scale
	}
	r.font("B", r.fs)
	for i := range r.cols {
		c := &r.cols[i]
		c.head = pdfWrap(d, c.gc.Heading, c.w-2*pdfPadX)
	}
	held := r.sample
	for len(held) > 0 && held[0].row.Band.Kind == ReportHeader && held[0].texts == nil {
		r.drawRow(held[0]) // the report header's lines come before the headings
		held = held[1:]
	}
	r.sized = true
	gap := 0.0
	if r.tables > 0 {
		gap = pdfTableGap
	}
	r.tables++
	if len(r.cols) > 0 {
		if d.GetY()+gap+r.headingsHeight()+3*r.lh > r.bottom {
			r.newPage() // the headings draw themselves
		} else {
			if gap > 0 {
				d.SetY(d.GetY() + gap)
			}
			r.drawHeadings()
		}
	}
	for _, pr := range held {
		r.feed(pr)
	}
	r.sample = nil
}

// tableColumns returns the grid columns of section sec's table: the
// section's, or every grid column when the grid has a single section.
func tableColumns(g *Grid, sec int) []int {
	if sec < len(g.Sections) && len(g.Sections) > 1 {
		return g.Sections[sec].Columns
	}
	out := make([]int, len(g.Columns))
	for j := range out {
		out[j] = j
	}
	return out
}

// nextSection ends the table of the current section (sizing and drawing
// it first if its rows are still held) and makes sec the current one:
// its rows are held until its columns are sized.
func (r *pdfRenderer) nextSection(sec int) {
	if !r.sized && len(r.sample) > 0 {
		r.startTable()
	}
	r.flush()
	r.sec, r.sized, r.open, r.keys = sec, false, nil, nil
}

// measure finds each column's natural width (its widest text) and least
// width (its widest word, or whole number or date) over the held rows, and
// which columns hold only numbers.
func (r *pdfRenderer) measure() {
	d := r.doc
	valued := make([]bool, len(r.cols))
	allNum := make([]bool, len(r.cols))
	for i := range allNum {
		allNum[i] = true
	}
	for _, pr := range r.sample {
		if pr.texts == nil {
			continue
		}
		r.font(r.style(pr.row), pdfFontSize)
		for i := range r.cols {
			c := &r.cols[i]
			if c.j >= len(pr.texts) || pr.texts[c.j] == "" {
				continue
			}
			s, v := pr.texts[c.j], pr.cell(c.j)
			valued[i] = true
			allNum[i] = allNum[i] && isNumber(v)
			w := pdfLongest(d, s, false)
			c.natural = max(c.natural, w)
			if pdfWhole(c.gc, v) {
				c.min = max(c.min, w) // numbers and dates do not wrap
			} else {
				c.min = max(c.min, pdfWordWidth(d, s))
			}
		}
	}
	d.SetFontSize(pdfFontSize)
	slack := d.GetStringWidth("00") // room for numbers longer than those measured
	for i := range r.cols {
		c := &r.cols[i]
		c.natural += 2 * pdfPadX
		c.min += 2 * pdfPadX
		if valued[i] && allNum[i] {
			c.numeric = true
		}
		if c.numeric && valued[i] && len(r.sample) >= pdfSampleRows {
			c.min += slack
			c.natural += slack
		}
	}
}

// pdfWhole reports whether v prints on one line: numbers and dates do not
// wrap.
func pdfWhole(gc *GridColumn, v any) bool {
	return isNumber(v) || gc.Kind == value.KindDate || gc.Kind == value.KindTime
}

// fitWidths sets the columns' widths to fit the page: no column wider than
// a share of it, none narrower than its least width, the space between
// shared out by one common cap (long text then wraps). When the least
// widths do not fit, the table's font shrinks (to 60% at most: past that,
// words break) and fitWidths returns the scale.
func (r *pdfRenderer) fitWidths() float64 {
	total := r.width
	maxW := total * pdfMaxColFrac
	sumMin := 0.0
	for i := range r.cols {
		c := &r.cols[i]
		c.min = min(max(c.min, 8), maxW)
		c.natural = min(max(c.natural, c.min), maxW)
		sumMin += c.min
	}
	scale := 1.0
	if sumMin > total {
		pads := 2 * pdfPadX * float64(len(r.cols)) // padding does not shrink
		scale = max((total-pads)/(sumMin-pads), 0.6)
		sumMin = 0
		for i := range r.cols {
			c := &r.cols[i]
			c.min = (c.min-2*pdfPadX)*scale + 2*pdfPadX
			c.natural = (c.natural-2*pdfPadX)*scale + 2*pdfPadX
			sumMin += c.min
		}
		if sumMin > total { // still too wide: every column gives up its share
			for i := range r.cols {
				r.cols[i].min *= total / sumMin
				r.cols[i].natural = r.cols[i].min
			}
		}
	}
	width := func(c *pdfCol, limit float64) float64 { return max(c.min, min(c.natural, limit)) }
	lo, hi := 0.0, maxW
	for range 40 { // the largest cap whose widths fit
		mid := (lo + hi) / 2
		sum := 0.0
		for i := range r.cols {
			sum += width(&r.cols[i], mid)
		}
		if sum <= total {
			lo = mid
		} else {
			hi = mid
		}
	}
	for i := range r.cols {
		r.cols[i].w = width(&r.cols[i], lo)
	}
	return scale
}

// pdfWordWidth is the width of the widest word of s.
func pdfWordWidth(d *fpdf.Fpdf, s string) float64 {
	w := 0.0
	for _, word := range strings.Fields(s) {
		w = max(w, d.GetStringWidth(word))
	}
	return w
}

// pdfLongest measures s: its widest line, or, for a heading that may wrap
// at spaces, its widest word (at least what fits in 35 mm of it).
func pdfLongest(d *fpdf.Fpdf, s string, heading bool) float64 {
	w := 0.0
	for _, line := range strings.Split(s, "\n") {
		lw := d.GetStringWidth(line)
		if heading {
			lw = min(lw, 35)
			for _, word := range strings.Fields(line) {
				lw = max(lw, d.GetStringWidth(word))
			}
		}
		w = max(w, lw)
	}
	return w
}

// pdfWrap breaks s into lines no wider than w: at newlines, at spaces, and
// inside a word too long for a line.
func pdfWrap(d *fpdf.Fpdf, s string, w float64) []string {
	w += 0.05 // a column sized to a text holds it despite rounding
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if d.GetStringWidth(try) <= w {
				line = try
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			line = word
			for d.GetStringWidth(line) > w && utf8.RuneCountInString(line) > 1 {
				cut := pdfFit(d, line, w)
				out = append(out, line[:cut])
				line = line[cut:]
			}
		}
		out = append(out, line)
	}
	return out
}

// pdfFit returns the byte length of the longest prefix of s (one rune at
// least) no wider than w.
func pdfFit(d *fpdf.Fpdf, s string, w float64) int {
	end := 0
	for i, rn := range s {
		next := i + utf8.RuneLen(rn)
		if end > 0 && d.GetStringWidth(s[:next]) > w {
			break
		}
		end = next
	}
	return end
}

// headingsHeight is the height of the column headings.
func (r *pdfRenderer) headingsHeight() float64 {
	n := 1
	for _, c := range r.cols {
		n = max(n, len(c.head))
	}
	return float64(n)*r.lh + 2*pdfPadY
}

// drawHeadings draws the column headings at the current y: bold on grey,
// ruled below, aligned as their columns.
func (r *pdfRenderer) drawHeadings() {
	d := r.doc
	y := d.GetY()
	h := r.headingsHeight()
	d.SetFillColor(225, 229, 235)
	d.Rect(r.left, y, r.tableWidth(), h, "F")
	d.SetFillColor(0, 0, 0)
	r.font("B", r.fs)
	x := r.left
	for _, c := range r.cols {
		align := "L"
		if c.numeric {
			align = "R"
		}
		for i, line := range c.head {
			d.SetXY(x+pdfPadX, y+pdfPadY+float64(i)*r.lh)
			d.CellFormat(c.w-2*pdfPadX, r.lh, line, "", 0, align, false, 0, "")
		}
		x += c.w
	}
	d.SetDrawColor(90, 90, 90)
	d.SetLineWidth(0.3)
	d.Line(r.left, y+h, r.left+r.tableWidth(), y+h)
	d.SetY(y + h)
	r.top = y + h
}

func (r *pdfRenderer) tableWidth() float64 {
	w := 0.0
	for _, c := range r.cols {
		w += c.w
	}
	if w == 0 {
		return r.width
	}
	return w
}
