package render

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The PDF format: the report as a grouped table on A4 or Letter pages
// (see [PageOptions]), laid out from the [Grid]. fpdf keeps the document
// in memory and writes it at End: a PDF cannot be streamed, since its
// page count and cross-reference table come last. A report with several
// top-level groupings prints one table per grouping (see [Grid.Sections]),
// each with its own columns and headings.

// PageOptions are the page settings of the PDF format. The zero value is
// A4 portrait with 15 mm margins.
type PageOptions struct {
	// Size is "a4" (default) or "letter" (case-insensitive).
	Size string
	// Landscape turns the page sideways.
	Landscape bool
	// Margin is the margin on every side, in millimetres; 0 means 15.
	Margin float64
	// Font is a TrueType font (the bytes of a .ttf file) to print with
	// instead of the Go fonts, e.g. one with the CJK glyphs they lack. It
	// serves every style: bold and italic cells print in it as it is.
	Font []byte
}

// pdfFixedDate stands in the document's creation and modification dates
// when the report has no run date, so that two runs give the same bytes.
var pdfFixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// The layout's sizes, in millimetres and points.
const (
	pdfFont       = "go"
	pdfFontSize   = 9.0     // pt, table and text
	pdfTitleSize  = 14.0    // pt
	pdfLineH      = 4.0     // mm, one line of 9 pt text
	pdfPadX       = 1.2     // mm, cell padding left and right
	pdfPadY       = 0.7     // mm, cell padding top and bottom
	pdfIndent     = 3.0     // mm per group level
	pdfSampleRows = 1000    // rows measured to size the columns
	pdfMaxColFrac = 0.4     // a column takes at most this share of the width
	pdfTotal      = "Total" // the summary row's label
	pdfTableGap   = 5.0     // mm between two tables
)

// pdfRenderer renders a report as a PDF document.
type pdfRenderer struct {
	*base
	doc     *fpdf.Fpdf
	grid    *Grid
	cols    []pdfCol // the current table's columns
	sec     int      // the current table's section (see Grid.Sections)
	tables  int      // the tables begun
	sample  []pdfRow // rows held until the columns are sized
	sized   bool     // the columns are sized and the table has begun
	italic  bool     // the italic fonts are added (see italics)
	pending []pdfRow // rows kept together, not yet drawn
	// open holds, by level, the heading of each group open on the page
	// (a template group header; a zero pdfRow for a group without one),
	// repeated as "(continued)" when the group goes on on a new page.
	open   []pdfRow
	top    float64 // y below the repeated headings on a new page
	bottom float64 // the lowest y a row may reach
	left   float64
	width  float64  // the printable width
	keys   []string // key texts of the last detail row drawn on this page
	font0  string   // the font last set, "" when unknown
	fs, lh float64  // the table's font size (pt) and line height (mm)
	// pageHead and pageFoot are the report's page bands (nil: none
	// declared; the foot then is the run date and "Page X of Y").
	pageHead, pageFoot *PageTemplate
	body               map[*Band]bool // footers drawn as body rows (pdfBodyFooters)
	glyphs             *pdfGlyphs     // the characters the font lacks
}

// pdfCol is one column of the table as drawn.
type pdfCol struct {
	gc      *GridColumn
	j       int // the grid column
	numeric bool
	natural float64 // widest text measured, padding included
	min     float64 // widest word (whole number or date), padding included
	w       float64
	head    []string // the heading's lines
}

// pdfRow is one row with its cells' texts.
type pdfRow struct {
	row   Row
	texts []string
	cont  bool // a heading repeated at the top of a page, "(continued)"
}

// cell returns the value of grid column i (nil for a column added to the
// grid after the row).
func (pr *pdfRow) cell(i int) any {
	if i < len(pr.row.Cells) {
		return pr.row.Cells[i]
	}
	return nil
}

func (r *pdfRenderer) Begin(m *Meta) error {
	g, err := r.beginGrid(m)
	if err != nil {
		return err
	}
	r.grid = g
	font, err := pdfFontOf(r.opts.Page)
	if err != nil {
		return err
	}
	r.glyphs = &pdfGlyphs{font: font, known: map[rune]bool{}}
	doc, err := newPDFDoc(r.opts.Page, m.RunDate)
	if err != nil {
		return err
	}
	r.doc = doc
	r.checkMeta(m)
	pw, ph := doc.GetPageSize()
	l, _, rm, b := doc.GetMargins()
	r.left, r.width, r.bottom = l, pw-l-rm, ph-b
	r.pageHead, r.pageFoot = m.PageHeader, m.PageFooter
	r.body = pdfBodyFooters(m.Bands)
	doc.SetHeaderFunc(r.pageHeader)
	doc.SetFooterFunc(func() { r.pageFooter(m.RunDate) })
	r.newPage()
	r.drawTitle(m)
	return doc.Error()
}

// newPDFDoc makes the document: page size and margins, the Go fonts, fixed
// dates.
func newPDFDoc(p PageOptions, runDate time.Time) (*fpdf.Fpdf, error) {
	size := "A4"
	switch strings.ToLower(p.Size) {
	case "", "a4":
	case "letter":
		size = "Letter"
	default:
		return nil, fmt.Errorf("render: page size %q (want a4 or letter)", p.Size)
	}
	orient := "P"
	if p.Landscape {
		orient = "L"
	}
	margin := p.Margin
	if margin == 0 {
		margin = 15
	}
	if margin < 0 || margin > 60 {
		return nil, fmt.Errorf("render: page margin %g mm (want 0 to 60)", margin)
	}
	doc := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orient, UnitStr: "mm", SizeStr: size})
	doc.SetMargins(margin, margin, margin)
	doc.SetAutoPageBreak(false, margin) // rows break pages themselves
	doc.SetCellMargin(0)
	if p.Font != nil { // checked by pdfFontOf
		for _, style := range []string{"", "B", "I", "BI"} {
			doc.AddUTF8FontFromBytes(pdfFont, style, p.Font)
		}
	} else {
		doc.AddUTF8FontFromBytes(pdfFont, "", goregular.TTF)
		doc.AddUTF8FontFromBytes(pdfFont, "B", gobold.TTF)
	}
	doc.AliasNbPages("{nb}")
	date := pdfFixedDate
	if !runDate.IsZero() {
		date = runDate
	}
	doc.SetCreationDate(date)
	doc.SetModificationDate(date)
	doc.SetCatalogSort(true)
	doc.SetCompression(true)
	doc.SetProducer("reportsh", true)
	return doc, doc.Error()
}

// checkMeta notes the characters of the title, the parameters, the page
// bands and the column headings that the font lacks.
func (r *pdfRenderer) checkMeta(m *Meta) {
	r.glyphs.check(m.Title)
	r.glyphs.check(paramsLine(m.Params, " ", func(s string) string { return s }))
	for _, t := range []*PageTemplate{m.PageHeader, m.PageFooter} {
		if t != nil {
			for _, p := range t.Parts {
				r.glyphs.check(p.Text)
			}
		}
	}
	for _, c := range r.grid.Columns {
		r.glyphs.check(c.Heading)
	}
}

// drawTitle draws the title, the parameters and the run date on page 1.
func (r *pdfRenderer) drawTitle(m *Meta) {
	d := r.doc
	if m.Title != "" {
		r.font("B", pdfTitleSize)
		for _, line := range pdfWrap(d, m.Title, r.width) {
			d.SetX(r.left)
			d.CellFormat(r.width, 6.5, line, "", 1, "L", false, 0, "")
		}
		d.Ln(1)
	}
	r.font("", pdfFontSize)
	d.SetTextColor(80, 80, 80)
	var lines []string
	if len(m.Params) > 0 {
		lines = append(lines, paramsLine(m.Params, " · ", func(s string) string { return s }))
	}
	if !m.RunDate.IsZero() {
		lines = append(lines, "run date: "+pdfDate(m.RunDate))
	}
	for _, l := range lines {
		for _, line := range pdfWrap(d, l, r.width) {
			d.SetX(r.left)
			d.CellFormat(r.width, pdfLineH, line, "", 1, "L", false, 0, "")
		}
	}
	d.SetTextColor(0, 0, 0)
	if m.Title != "" || len(lines) > 0 {
		d.Ln(3)
	}
}

// pdfDate shows a run date.
func pdfDate(t time.Time) string { return t.Format("2006-01-02 15:04 MST") }

// pageHeader repeats the column headings at the top of every page after
// the table has begun.
func (r *pdfRenderer) pageHeader() {
	r.keys = nil
	if line := pdfPageLine(r.pageHead, r.doc.PageNo()); line != "" {
		_, t, _, _ := r.doc.GetMargins()
		r.font("", 8)
		r.doc.SetTextColor(90, 90, 90)
		r.doc.SetXY(r.left, t-8)
		r.doc.CellFormat(r.width, pdfLineH, line, "", 0, "L", false, 0, "")
		r.doc.SetTextColor(0, 0, 0)
		r.doc.SetXY(r.left, t)
	}
	if r.sized {
		r.drawHeadings()
	}
}

// pageFooter prints the run date and "Page X of Y".
func (r *pdfRenderer) pageFooter(runDate time.Time) {
	d := r.doc
	pw, ph := d.GetPageSize()
	_, _, rm, b := d.GetMargins()
	y := ph - b + 3
	r.font("", 8)
	d.SetTextColor(90, 90, 90)
	if r.pageFoot != nil { // the report's own page_footer ("" prints none)
		d.SetXY(r.left, y)
		d.CellFormat(r.width, pdfLineH, pdfPageLine(r.pageFoot, d.PageNo()), "", 0, "L", false, 0, "")
		d.SetTextColor(0, 0, 0)
		return
	}
	if !runDate.IsZero() {
		d.SetXY(r.left, y)
		d.CellFormat(r.width/2, pdfLineH, pdfDate(runDate), "", 0, "L", false, 0, "")
	}
	d.SetXY(pw-rm-r.width/2, y)
	d.CellFormat(r.width/2, pdfLineH, pdfPageLine(DefaultPageFooter(), d.PageNo()), "", 0, "R", false, 0, "")
	d.SetTextColor(0, 0, 0)
}

// pdfPageLine is a page band's line on page page; the page count, known
// only once every page is laid out, is fpdf's alias {nb}, which it
// replaces as it writes the file.
func pdfPageLine(t *PageTemplate, page int) string {
	if t == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range t.Parts {
		switch p.Var {
		case PageNumber:
			b.WriteString(strconv.Itoa(page))
		case PageCount:
			b.WriteString("{nb}")
		default:
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func (r *pdfRenderer) Emit(e *Event) error {
	if _, err := r.emit(e); err != nil {
		return err
	}
	row, err := r.grid.Row(e)
	if err != nil {
		return err
	}
	pr := pdfRow{row: row}
	r.glyphs.check(row.Text)
	if !e.Band.Template {
		pr.texts = make([]string, len(row.Cells))
		for i, v := range row.Cells {
			if v != nil {
				pr.texts[i] = r.grid.Text(&row, i)
				r.glyphs.check(pr.texts[i])
			}
		}
		if e.Band.Kind == GroupFooter { // a subtotal names its own group only
			for i := range pr.texts {
				if k := r.grid.Columns[i].Key; k >= 0 && k < row.Level {
					pr.texts[i] = ""
				}
			}
		}
		if e.Band.Kind == Summary {
			r.totalLabel(&pr)
		}
	}
	if row.Section != r.sec {
		r.nextSection(row.Section)
	}
	if !r.sized {
		r.sample = append(r.sample, pr)
		if len(r.sample) >= pdfSampleRows {
			r.startTable()
		}
		return r.doc.Error()
	}
	r.feed(pr)
	return r.doc.Error()
}

// totalLabel puts "Total" in the summary's first column of its table when
// the summary leaves it empty.
func (r *pdfRenderer) totalLabel(pr *pdfRow) {
	first := 0
	if secs := r.grid.Sections; len(secs) > 1 && pr.row.Section < len(secs) && len(secs[pr.row.Section].Columns) > 0 {
		first = secs[pr.row.Section].Columns[0]
	}
	if first < len(pr.texts) && pr.texts[first] == "" {
		pr.texts[first] = pdfTotal
	}
}

func (r *pdfRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	if !r.sized {
		r.startTable()
	}
	r.flush()
	if t != nil {
		// The run's totals are the caller's (interp's Result): the
		// warning reaches the reader of the PDF and the caller.
		if w := r.glyphs.warning(); w != "" {
			t.Warnings = append(t.Warnings, w)
		}
		r.drawTotals(t)
	}
	if err := r.doc.Error(); err != nil {
		return fmt.Errorf("render: pdf: %w", err)
	}
	if err := r.doc.Output(r.w); err != nil {
		return errors.Join(r.w.err, err)
	}
	return r.w.err
}

// drawTotals writes the totals (or the incomplete mark, in red) and the
// warnings after the table.
func (r *pdfRenderer) drawTotals(t *Totals) {
	d := r.doc
	y := d.GetY() + 3
	for i, line := range totalsLines(t, r.opts.Elapsed) {
		style := ""
		if t.Incomplete != "" {
			style = "B"
			d.SetTextColor(200, 0, 0)
		} else if i > 0 {
			d.SetTextColor(150, 70, 0) // warnings
		}
		r.font(style, pdfFontSize)
		for _, l := range pdfWrap(d, line, r.width) {
			if y+pdfLineH > r.bottom {
				r.newPage()
				y = d.GetY()
			}
			d.SetXY(r.left, y)
			d.CellFormat(r.width, pdfLineH, l, "", 0, "L", false, 0, "")
			y += pdfLineH
		}
		d.SetTextColor(0, 0, 0)
	}
	d.SetY(y)
}

// font sets the font unless it is set (fpdf writes every change into the
// page).
func (r *pdfRenderer) font(style string, size float64) {
	if key := fmt.Sprintf("%s/%g", style, size); key != r.font0 {
		r.doc.SetFont(pdfFont, style, size)
		r.font0 = key
	}
}

// newPage starts a page. fpdf restores its own font around the page
// header and footer, so the font is unknown after.
func (r *pdfRenderer) newPage() {
	r.doc.AddPage()
	r.font0 = ""
}
