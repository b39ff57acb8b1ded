package render

import (
	"fmt"
	"html"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// htmlRenderer writes a self-contained XHTML-compatible page: the title,
// the parameters and run date, the report as one grouped table (group
// headings, detail rows and subtotals in report order; see [document]),
// report-level lines as paragraphs, and the totals. Its print CSS repeats
// the column headings on every page and keeps a group's heading with its
// first rows and its footer with its last rows.
type htmlRenderer struct {
	document
}

const htmlStyle = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em;margin:0 0 .5em}
dl.params{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:0 0 1em;color:#555}
dl.params dt{font-weight:600}
dl.params dd{margin:0}
table{border-collapse:collapse;margin:0 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
thead th{background:#f2f2f2}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.nw,td.key{white-space:nowrap}
tr.heading th{background:#fafafa;font-weight:600;border-bottom:none}
tr.header td:first-child{font-weight:600}
tr.footer td{font-weight:600;background:#f7f7f7}
tr.summary td{font-weight:700;background:#eee;border-top:2px solid #888}
p.totals{color:#555}
ul.warnings{color:#a40}
thead{display:table-header-group}
tbody{break-inside:avoid;page-break-inside:avoid}
tr{break-inside:avoid;page-break-inside:avoid}
tr.heading,tr.header{break-after:avoid;page-break-after:avoid}
tr.footer,tr.summary{break-before:avoid;page-break-before:avoid}
@media print{body{margin:0}thead th{background:none}}`

// htmlIndent is the left padding of a key cell or heading per level (em).
const htmlIndent = 1.5

func (r *htmlRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	b.WriteString("<title>" + htmlEscape(r.meta.Title) + "</title>\n")
	b.WriteString("<style>\n" + htmlStyle + "\n" + r.levelStyle() + r.styleCSS() + htmlPageStyle(r.meta.PageHeader, r.meta.PageFooter) + "</style>\n</head>\n<body>\n")
	if r.meta.Title != "" {
		b.WriteString("<h1>" + htmlEscape(r.meta.Title) + "</h1>\n")
	}
	r.params(&b)
	for _, t := range r.tables() {
		if t.paragraph() {
			b.WriteString("<p>" + htmlEscape(t.rows[0].key) + "</p>\n")
			continue
		}
		r.table(&b, &t)
	}
	htmlTotals(&b, t, r.opts.Elapsed)
	b.WriteString("</body>\n</html>\n")
	return r.write([]byte(b.String()))
}

// levelStyle indents the key cells and headings of each level.
func (r *htmlRenderer) levelStyle() string {
	var b strings.Builder
	for l := 1; l < r.grid.Levels; l++ {
		fmt.Fprintf(&b, ".l%d{padding-left:%gem}\n", l, 0.6+htmlIndent*float64(l))
	}
	return b.String()
}

// params writes the parameters and the run date as a definition list.
func (r *htmlRenderer) params(b *strings.Builder) {
	date := runDate(r.meta.RunDate)
	if len(r.meta.Params) == 0 && date == "" {
		return
	}
	b.WriteString("<dl class=\"params\">\n")
	for _, p := range r.meta.Params {
		b.WriteString("<dt>" + htmlEscape(p.Name) + "</dt><dd>" + htmlEscape(paramValue(p)) + "</dd>\n")
	}
	if date != "" {
		b.WriteString("<dt>run date</dt><dd>" + htmlEscape(date) + "</dd>\n")
	}
	b.WriteString("</dl>\n")
}

// table writes t, each group that starts in it in a <tbody> of its own.
func (r *htmlRenderer) table(b *strings.Builder, t *docTable) {
	width := len(t.cols)
	b.WriteString("<table>\n<thead>\n<tr>")
	if t.keyed {
		width++
		b.WriteString("<th>" + htmlEscape(t.keyHeading) + "</th>")
	}
	for _, j := range t.cols {
		b.WriteString("<th" + r.numClass(j) + ">" + htmlEscape(r.grid.Columns[j].Heading) + "</th>")
	}
	b.WriteString("</tr>\n</thead>\n<tbody>\n")
	for i, row := range t.rows {
		if row.fresh && i > 0 {
			b.WriteString("</tbody>\n<tbody>\n")
		}
		r.row(b, t, &row, width)
	}
	b.WriteString("</tbody>\n</table>\n")
}

// row writes one table row.
func (r *htmlRenderer) row(b *strings.Builder, t *docTable, row *docRow, width int) {
	lvl := ""
	if row.indent > 0 && row.key != "" {
		lvl = fmt.Sprintf(" l%d", row.indent)
	}
	if row.heading() {
		fmt.Fprintf(b, "<tr class=\"heading\"><th colspan=\"%d\" scope=\"rowgroup\" class=\"key%s\">%s</th></tr>\n", width, lvl, htmlEscape(row.key))
		return
	}
	b.WriteString("<tr class=\"" + r.rowClass(row.band) + styleClasses(row.style) + "\">")
	if t.keyed {
		b.WriteString("<td class=\"key" + lvl + styleClasses(row.style) + "\">" + htmlEscape(row.key) + "</td>")
	}
	for _, j := range t.cols {
		b.WriteString("<td" + withStyle(r.numClass(j), row.cellStyle(j)) + ">" + htmlEscape(r.totalLabel(t, row, j)) + "</td>")
	}
	b.WriteString("</tr>\n")
}

// rowClass names a row's class: header, footer (a subtotal), summary, or
// detail (a detail row, or a footer of the innermost level of a report
// without details).
func (r *htmlRenderer) rowClass(b *Band) string {
	switch {
	case b.Kind == GroupHeader:
		return "header"
	case b.Kind == Summary:
		return "summary"
	case r.subtotal(b):
		return "footer"
	}
	return "detail"
}

// numClass is the class attribute of grid column j's cells: right-aligned
// numbers, dates and times kept on one line.
func (r *htmlRenderer) numClass(j int) string {
	switch {
	case r.right(j):
		return ` class="num"`
	case r.grid.Columns[j].Kind == value.KindDate || r.grid.Columns[j].Kind == value.KindTime:
		return ` class="nw"`
	}
	return ""
}

// htmlTotals writes the totals, or the incomplete mark.
func htmlTotals(b *strings.Builder, t *Totals, elapsed bool) {
	switch {
	case t != nil && t.Incomplete != "":
		b.WriteString("<p class=\"incomplete\"><strong>Report incomplete:</strong> " + htmlEscape(t.Incomplete) + "</p>\n")
	case t != nil:
		lines := totalsLines(t, elapsed)
		b.WriteString("<p class=\"totals\">" + htmlEscape(lines[0]) + "</p>\n")
		if len(lines) > 1 {
			b.WriteString("<ul class=\"warnings\">\n")
			for _, l := range lines[1:] {
				b.WriteString("<li>" + htmlEscape(l) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		}
	}
}

var htmlBreaks = strings.NewReplacer("\r\n", "<br/>", "\n", "<br/>", "\r", "<br/>")

// htmlEscape escapes s for element content or an attribute value; line
// breaks become <br/> and stray control characters U+FFFD, so that the page
// is also well-formed XML.
func htmlEscape(s string) string {
	return htmlBreaks.Replace(html.EscapeString(textControl(strings.ToValidUTF8(s, "\uFFFD"))))
}
