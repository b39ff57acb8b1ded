package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// htmlRow is one table row of an HTML report as a reader's browser sees
// it: its class, the text of its first cell, and the <tbody> it is in.
type htmlRow struct {
	class, key string
	tbody      int
}

func (r htmlRow) String() string { return fmt.Sprintf("%d:%s:%s", r.tbody, r.class, r.key) }

// htmlRows parses page (well-formed XHTML) and returns the rows of its
// tables' bodies in document order.
func htmlRows(t *testing.T, page []byte) []htmlRow {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	var rows []htmlRow
	tbody, cell, inBody := 0, 0, false
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rows
		}
		require.NoError(t, err, "well-formed")
		switch x := tok.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "tbody":
				tbody++
				inBody = true
			case "tr":
				if inBody {
					rows = append(rows, htmlRow{class: attr(x, "class"), tbody: tbody})
					cell = 0
				}
			case "td", "th":
				cell++
				text.Reset()
			}
		case xml.EndElement:
			switch x.Name.Local {
			case "tbody":
				inBody = false
			case "td", "th":
				if inBody && cell == 1 {
					rows[len(rows)-1].key = text.String()
				}
			}
		case xml.CharData:
			text.Write(x)
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// In the HTML report a group's footer follows its detail rows, before the
// next group's rows, and each group starts a <tbody> of its own that keeps
// its heading with its first rows (the territory heading with Acme's rows)
// and its footer with its last rows (North's footer with Globex's rows).
func TestHTMLGroupedRows(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, newFixture().run("html", &out, Options{}))
	var got []string
	for _, r := range htmlRows(t, out.Bytes()) {
		got = append(got, r.String())
	}
	assert.Equal(t, []string{
		"1:heading:Territory North",
		"1:detail:Acme, Inc.", "1:detail:", "1:footer:Acme, Inc.",
		"2:detail:Globex", "2:footer:Globex", "2:footer:North",
		"3:detail:South › Initech", "3:footer:Initech", "3:footer:South",
		"3:summary:Total",
	}, got)
}

// Over a larger report: every footer closes the <tbody> of its group's
// detail rows (the footers of enclosing groups may follow it there), and no
// <tbody> holds the details of two groups.
func TestHTMLFooterEndsItsGroup(t *testing.T) {
	f := newFixture()
	f.events = nil
	for _, terr := range []string{"East", "North", "West"} {
		f.events = append(f.events, &Event{Band: f.th, Keys: []any{terr}, Text: "Territory " + terr})
		for c := range 3 {
			cust := fmt.Sprintf("%s customer %d", terr, c)
			keys := []any{terr, cust}
			for i := range c + 1 {
				f.events = append(f.events, &Event{Band: f.det, Keys: keys, Values: []any{date("2024-01-01"), cust, dec("1"), int64(i), nil}})
			}
			f.events = append(f.events, &Event{Band: f.cf, Keys: keys, Values: []any{cust, int64(c + 1), dec("1")}})
		}
		f.events = append(f.events, &Event{Band: f.tf, Keys: []any{terr}, Values: []any{terr, int64(6), dec("6"), nil, nil, nil}})
	}
	var out bytes.Buffer
	require.NoError(t, f.run("html", &out, Options{}))
	rows := htmlRows(t, out.Bytes())
	require.Len(t, rows, 3*(1+3+6+1))
	group := "" // the customer whose rows the current <tbody> holds
	for i, r := range rows {
		if i > 0 && r.tbody != rows[i-1].tbody {
			assert.Contains(t, []string{"footer", "summary"}, rows[i-1].class, "row %d ends a tbody: %v", i-1, rows[i-1])
			group = ""
		}
		switch {
		case r.class == "detail" && r.key != "":
			assert.Empty(t, group, "row %v: a second group's details in one tbody", r)
			group = r.key
		case r.class == "footer" && strings.Contains(r.key, "customer"):
			assert.Equal(t, group, r.key, "row %d: the footer follows its group's details", i)
			assert.Equal(t, "detail", rows[i-1].class, "row %d: right after a detail row", i)
		}
	}
}

// Markdown: one table with the keys in the first column indented by level
// (no-break spaces), headings and subtotals bold; report-level lines are
// paragraphs around it.
func TestMarkdownGroupedTable(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, newFixture().run("markdown", &out, Options{}))
	s := out.String()
	assert.Equal(t, 1, strings.Count(s, "\n| ---"), "one table")
	assert.Contains(t, s, "\n| **Territory North**  |")
	assert.Contains(t, s, "\n| \u00a0\u00a0\u00a0Acme, Inc.        | 2024-01-03 |")
	assert.Contains(t, s, "\n| \u00a0\u00a0\u00a0**Acme, Inc.**    |")
	assert.Regexp(t, `\n\| \*\*Total\*\* +\|[ |]+\*\*4\*\* \| \*\*\$1,234,567\.89\*\* \|`, s) // the summary's own pattern
	assert.Less(t, strings.Index(s, "Prepared for"), strings.Index(s, "| ---"))
	assert.Greater(t, strings.Index(s, "End of report"), strings.Index(s, "**Total**"))
}

// Columns no row fills are left out; a run date is shown when set.
func TestDocumentDropsEmptyColumnsAndShowsRunDate(t *testing.T) {
	f := newFlatFixture()
	f.meta.RunDate = time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	for _, e := range f.events {
		if e.Band == f.det {
			e.Values[4] = nil // ok: never filled
		}
	}
	for _, format := range []string{"html", "markdown"} {
		var out bytes.Buffer
		require.NoError(t, f.run(format, &out, Options{}))
		assert.NotContains(t, out.String(), "ok", format)
		assert.Contains(t, out.String(), "price", format)
		assert.Contains(t, out.String(), "2026-12-07 09:30 UTC", format)
	}
}
