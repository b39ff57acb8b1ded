package render

// Rows are drawn in blocks that must stay on one page when they fit on
// one: a group heading with the row after it, and a footer (subtotal)
// with the row before it, so that a heading is not left alone at the foot
// of a page and a footer does not start one.

// feed adds a row, drawing the rows held before it when a page may break
// between them and it.
func (r *pdfRenderer) feed(pr pdfRow) {
	if len(r.pending) > 0 && pdfBreakBefore(r.pending[len(r.pending)-1].row, pr.row) {
		r.flush()
	}
	r.pending = append(r.pending, pr)
}

// pdfBreakBefore reports whether a page may break between prev and next:
// not after a group header, and not before a footer or the summary unless
// prev is a sibling footer (a report of footers only).
func pdfBreakBefore(prev, next Row) bool {
	if prev.Band.Kind == GroupHeader {
		return false
	}
	switch next.Band.Kind {
	case GroupFooter, Summary:
		return prev.Band == next.Band && prev.Band.Kind == GroupFooter
	}
	return true
}

// flush draws the held rows, on a new page when they do not fit on this
// one but fit on a page.
func (r *pdfRenderer) flush() {
	if len(r.pending) == 0 {
		return
	}
	total := 0.0
	for _, pr := range r.pending {
		total += r.rowHeight(pr)
	}
	if r.doc.GetY()+total > r.bottom && r.top+total <= r.bottom {
		r.newPage()
		r.continueHeadings(r.pending[0].row)
	}
	for _, pr := range r.pending {
		r.drawRow(pr)
	}
	r.pending = r.pending[:0]
}

// style is a row's font style: bold for headers, footers and the
// summary; plain for details and body footers (see pdfBodyFooters).
func (r *pdfRenderer) style(row Row) string {
	if row.Band.Kind == Detail || row.Band.Kind == ReportHeader || row.Band.Kind == ReportFooter || r.body[row.Band] {
		return ""
	}
	return "B"
}

// pdfBodyFooters returns the footers that are a report's body rows, drawn
// as details, not as subtotals: those of the innermost level of each
// grouping of a report without details (as in HTML, see
// document.subtotal).
func pdfBodyFooters(bands []*Band) map[*Band]bool {
	deepest := map[int]int{} // per grouping
	for _, b := range bands {
		if b.Template {
			continue
		}
		if b.Kind == Detail {
			return nil
		}
		if b.Kind.isGroup() {
			if d, ok := deepest[b.Grouping]; !ok || b.Level > d {
				deepest[b.Grouping] = b.Level
			}
		}
	}
	body := map[*Band]bool{}
	for _, b := range bands {
		if d, ok := deepest[b.Grouping]; ok && b.Kind == GroupFooter && b.Level == d {
			body[b] = true
		}
	}
	return body
}

// pdfRowIndent is how far a group heading's text is indented: by its
// level. (A subtotal shows only its own group's key, in that level's
// column, which indents it.)
func pdfRowIndent(row Row) float64 {
	if row.Band.Kind == GroupHeader && row.Band.Template {
		return float64(row.Level) * pdfIndent
	}
	return 0
}

// rowLines wraps each cell of pr to its column (one entry for a template
// row's text).
func (r *pdfRenderer) rowLines(pr pdfRow, texts []string) [][]string {
	d := r.doc
	r.font(r.style(pr.row), r.fs)
	indent := pdfRowIndent(pr.row)
	if texts == nil {
		return [][]string{pdfWrap(d, pr.row.Text, r.tableWidth()-2*pdfPadX-indent)}
	}
	out := make([][]string, len(r.cols))
	for i, c := range r.cols {
		if c.j >= len(texts) || texts[c.j] == "" {
			continue
		}
		if pdfWhole(c.gc, pr.cell(c.j)) {
			out[i] = []string{texts[c.j]} // drawn smaller if it does not fit
			continue
		}
		w := c.w - 2*pdfPadX
		if i == 0 {
			w -= indent
		}
		out[i] = pdfWrap(d, texts[c.j], w)
	}
	return out
}

// rowHeight is the most height pr takes (with all its keys shown).
func (r *pdfRenderer) rowHeight(pr pdfRow) float64 { return r.height(pr, pr.texts) }

// height is the height pr takes showing texts.
func (r *pdfRenderer) height(pr pdfRow, texts []string) float64 {
	n := 1
	for _, ls := range r.rowLines(pr, texts) {
		n = max(n, len(ls))
	}
	h := float64(n)*r.lh + 2*pdfPadY
	if pr.row.Band.Kind == GroupHeader && pr.texts == nil {
		h += 1.5 // space above a heading
	}
	return h
}

// drawRow draws one row at the current y, on a new page when it does not
// fit.
func (r *pdfRenderer) drawRow(pr pdfRow) {
	d := r.doc
	texts := r.showKeys(pr)
	h := r.height(pr, texts)
	if d.GetY()+h > r.bottom && d.GetY() > r.top && !pr.cont {
		r.newPage()
		r.continueHeadings(pr.row)
		texts = r.showKeys(pr) // a new page shows every key
		h = r.height(pr, texts)
	}
	if !pr.cont {
		defer r.track(pr)
	}
	y := d.GetY()
	if pr.texts == nil {
		r.drawText(pr, y)
		d.SetY(y + h)
		return
	}
	r.fillRow(pr.row, y, h)
	lines := r.rowLines(pr, texts)
	indent := pdfRowIndent(pr.row)
	x := r.left
	for i, c := range r.cols {
		align := "L"
		if c.numeric || isNumber(pr.cell(c.j)) {
			align = "R"
		}
		in := 0.0
		if i == 0 {
			in = indent
		}
		restyle := r.cellStyle(pr, c.j, x, y, c.w, h)
		for k, line := range lines[i] {
			d.SetXY(x+pdfPadX+in, y+pdfPadY+float64(k)*r.lh)
			avail := c.w - 2*pdfPadX - in
			if lw := d.GetStringWidth(line); lw > avail { // a number wider than the rows measured
				d.SetFontSize(r.fs * avail / lw)
				d.CellFormat(avail, r.lh, line, "", 0, align, false, 0, "")
				d.SetFontSize(r.fs)
				continue
			}
			d.CellFormat(avail, r.lh, line, "", 0, align, false, 0, "")
		}
		restyle()
		x += c.w
	}
	d.SetY(y + h)
}

// showKeys returns the texts to show: a detail row leaves out the keys
// that repeat the detail row above it on the page.
func (r *pdfRenderer) showKeys(pr pdfRow) []string {
	if pr.row.Band.Kind != Detail {
		r.keys = nil
		return pr.texts
	}
	texts := pr.texts
	prev := r.keys
	r.keys = make([]string, len(r.cols))
	for i, c := range r.cols {
		if c.gc.Key < 0 || c.j >= len(texts) {
			continue
		}
		r.keys[i] = texts[c.j]
		if prev != nil && i < len(prev) && prev[i] == texts[c.j] {
			if &texts[0] == &pr.texts[0] {
				texts = append([]string(nil), pr.texts...)
			}
			texts[c.j] = ""
		}
	}
	return texts
}

// fillRow shades a footer (darker for outer levels) and the summary,
// rules the summary above and a detail (or body footer) below.
func (r *pdfRenderer) fillRow(row Row, y, h float64) {
	d := r.doc
	tw := r.tableWidth()
	kind := row.Band.Kind
	if r.body[row.Band] {
		kind = Detail
	}
	switch kind {
	case Detail:
		d.SetDrawColor(225, 225, 225)
		d.SetLineWidth(0.1)
		d.Line(r.left, y+h, r.left+tw, y+h)
	case GroupFooter:
		g := 238 - 10*max(0, 2-row.Level)
		d.SetFillColor(g, g, g)
		d.Rect(r.left, y, tw, h, "F")
		d.SetFillColor(0, 0, 0) // as the text: fpdf then writes no colour per cell
	case Summary:
		d.SetFillColor(210, 216, 226)
		d.Rect(r.left, y, tw, h, "F")
		d.SetFillColor(0, 0, 0)
		d.SetDrawColor(60, 60, 60)
		d.SetLineWidth(0.4)
		d.Line(r.left, y, r.left+tw, y)
	}
}

// drawText draws a template row: a group header as a bold heading
// indented by level, other templates as a line of text.
func (r *pdfRenderer) drawText(pr pdfRow, y float64) {
	d := r.doc
	lines := r.rowLines(pr, nil)[0]
	top := y + pdfPadY
	if pr.row.Band.Kind == GroupHeader {
		top += 1.5
	}
	x := r.left + pdfPadX + pdfRowIndent(pr.row)
	for k, line := range lines {
		d.SetXY(x, top+float64(k)*r.lh)
		d.CellFormat(r.tableWidth()-(x-r.left)-pdfPadX, r.lh, line, "", 0, "L", false, 0, "")
	}
}

// track keeps r.open up to date with a row drawn: a group header opens its
// level (and closes the deeper ones), a footer closes its level.
func (r *pdfRenderer) track(pr pdfRow) {
	l := pr.row.Level
	if l < 0 {
		return
	}
	switch pr.row.Band.Kind {
	case GroupHeader:
		for len(r.open) < l {
			r.open = append(r.open, pdfRow{})
		}
		heading := pdfRow{}
		if pr.texts == nil { // a template: a heading to repeat
			heading = pr
			heading.row.Text += " (continued)"
			heading.cont = true
		}
		r.open = append(r.open[:l], heading)
	case GroupFooter:
		r.open = r.open[:min(l, len(r.open))]
	}
}

// continueHeadings repeats, at the top of a new page, the headings of the
// groups that go on there: those open above next (a heading that opens a
// group at a level replaces the one open there).
func (r *pdfRenderer) continueHeadings(next Row) {
	n := len(r.open)
	if next.Band.Kind == GroupHeader && next.Level >= 0 {
		n = min(n, next.Level)
	}
	for _, h := range r.open[:n] {
		if h.cont {
			r.font(r.style(h.row), r.fs)
			r.drawRow(h)
		}
	}
}
