package render

import (
	"html"
	"strings"
)

// htmlRenderer writes a self-contained XHTML-compatible page: the title,
// the parameters, one table per band in band order, and the totals.
type htmlRenderer struct {
	tables
}

const htmlStyle = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222}
h1{font-size:1.5em;margin:0 0 .5em}
p.params{color:#555}
table{border-collapse:collapse;margin:0 0 1.5em}
caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f2f2f2}
.num{text-align:right;font-variant-numeric:tabular-nums}
p.totals{color:#555}
ul.warnings{color:#a40}`

func (r *htmlRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	b.WriteString("<title>" + htmlEscape(r.meta.Title) + "</title>\n")
	b.WriteString("<style>\n" + htmlStyle + "\n</style>\n</head>\n<body>\n")
	if r.meta.Title != "" {
		b.WriteString("<h1>" + htmlEscape(r.meta.Title) + "</h1>\n")
	}
	if len(r.meta.Params) > 0 {
		b.WriteString("<p class=\"params\">" + paramsLine(r.meta.Params, ", ", htmlEscape) + "</p>\n")
	}
	for _, tb := range r.list {
		if len(tb.rows) == 0 {
			continue
		}
		if tb.lines {
			for _, row := range tb.rows {
				b.WriteString("<p>" + htmlEscape(row[0]) + "</p>\n")
			}
			continue
		}
		htmlTable(&b, tb)
	}
	switch {
	case t != nil && t.Incomplete != "":
		b.WriteString("<p class=\"incomplete\"><strong>Report incomplete:</strong> " + htmlEscape(t.Incomplete) + "</p>\n")
	case t != nil:
		lines := totalsLines(t, r.opts.Elapsed)
		b.WriteString("<p class=\"totals\">" + htmlEscape(lines[0]) + "</p>\n")
		if len(lines) > 1 {
			b.WriteString("<ul class=\"warnings\">\n")
			for _, l := range lines[1:] {
				b.WriteString("<li>" + htmlEscape(l) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		}
	}
	b.WriteString("</body>\n</html>\n")
	return r.write([]byte(b.String()))
}

func htmlTable(b *strings.Builder, tb *table) {
	class := func(j int) string {
		if tb.right(j) {
			return ` class="num"`
		}
		return ""
	}
	b.WriteString("<table>\n<caption>" + htmlEscape(bandName(tb.band)) + "</caption>\n<thead>\n<tr>")
	for j, h := range tb.heads {
		b.WriteString("<th" + class(j) + ">" + htmlEscape(h) + "</th>")
	}
	b.WriteString("</tr>\n</thead>\n<tbody>\n")
	for _, row := range tb.rows {
		b.WriteString("<tr>")
		for j, c := range row {
			b.WriteString("<td" + class(j) + ">" + htmlEscape(c) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
}

var htmlBreaks = strings.NewReplacer("\r\n", "<br/>", "\n", "<br/>", "\r", "<br/>")

// htmlEscape escapes s for element content or an attribute value; line
// breaks become <br/> and stray control characters U+FFFD, so that the page
// is also well-formed XML.
func htmlEscape(s string) string {
	return htmlBreaks.Replace(html.EscapeString(textControl(strings.ToValidUTF8(s, "\uFFFD"))))
}
