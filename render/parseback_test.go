package render

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// The fixture's tricky string: '|', '<', ',', '"' and a newline.
const trickyNote = "rush | <b>\"urgent\"</b>, call\nback"

// Scenario I16: every output format's result parses back (JSON, CSV, HTML,
// and JSON Lines and Markdown too).
func TestParseBack(t *testing.T) {
	render := func(t *testing.T, format string) []byte {
		t.Helper()
		var out bytes.Buffer
		if err := newFixture().run(format, &out, Options{}); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}

	t.Run("json", func(t *testing.T) {
		type group struct {
			Key     map[string]any   `json:"key"`
			Header  any              `json:"header"`
			Groups  []group          `json:"groups"`
			Details []map[string]any `json:"details"`
			Footer  map[string]any   `json:"footer"`
		}
		var doc struct {
			Title        string         `json:"title"`
			Params       map[string]any `json:"params"`
			ReportHeader string         `json:"report_header"`
			Groups       []group        `json:"groups"`
			Summary      map[string]any `json:"summary"`
			ReportFooter string         `json:"report_footer"`
			Totals       struct {
				RecordsRead     int64 `json:"records_read"`
				Skipped         int64 `json:"skipped"`
				Rejected        int64 `json:"rejected"`
				RejectedByLevel []struct {
					Level int    `json:"level"`
					Group string `json:"group"`
					Count int64  `json:"count"`
				} `json:"rejected_by_level"`
				Warnings []string `json:"warnings"`
			} `json:"totals"`
		}
		dec := json.NewDecoder(bytes.NewReader(render(t, "json")))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if doc.Title != "Sales by territory" || doc.Params["since"] != "2024-01-01" || doc.Params["min_amount"] != json.Number("0") {
			t.Errorf("title/params: %q %v", doc.Title, doc.Params)
		}
		if len(doc.Groups) != 2 || doc.Groups[0].Key["territory"] != "North" || doc.Groups[1].Key["territory"] != "South" {
			t.Fatalf("territories: %+v", doc.Groups)
		}
		north := doc.Groups[0]
		if north.Header != "Territory North" || doc.Groups[1].Header != nil {
			t.Errorf("headers: %v, %v", north.Header, doc.Groups[1].Header)
		}
		if len(north.Groups) != 2 || north.Groups[0].Key["customer"] != "Acme, Inc." {
			t.Fatalf("customers of North: %+v", north.Groups)
		}
		acme := north.Groups[0]
		if len(acme.Details) != 2 {
			t.Fatalf("Acme details: %v", acme.Details)
		}
		d0, d1 := acme.Details[0], acme.Details[1]
		if d0["note"] != trickyNote || d0["sale_date"] != "2024-01-03" || d0["quantity"] != json.Number("2") {
			t.Errorf("detail 0: %v", d0)
		}
		if d1["amount"] != json.Number("10.12345678901234567890") || d1["note"] != nil {
			t.Errorf("detail 1 (exact decimal, null): %v", d1)
		}
		if acme.Footer["revenue"] != json.Number("2479.12") || north.Footer["share"] != json.Number("0.903") || north.Footer["first"] != "Jan 3, 2024" {
			t.Errorf("footers: %v %v", acme.Footer, north.Footer)
		}
		if doc.Summary["orders"] != json.Number("4") || doc.ReportFooter != "End of report" {
			t.Errorf("summary: %v, report footer %q", doc.Summary, doc.ReportFooter)
		}
		tot := doc.Totals
		if tot.RecordsRead != 7 || tot.Skipped != 1 || tot.Rejected != 2 || len(tot.RejectedByLevel) != 1 || tot.RejectedByLevel[0].Group != "customer" || len(tot.Warnings) != 1 {
			t.Errorf("totals: %+v", tot)
		}
	})

	t.Run("csv", func(t *testing.T) {
		recs, err := csv.NewReader(bytes.NewReader(render(t, "csv"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		f := newFixture()
		want := 1
		for _, e := range f.events {
			if !e.Band.Template {
				want++
			}
		}
		if len(recs) != want {
			t.Fatalf("%d records, want %d (header + one per non-template event)", len(recs), want)
		}
		head := strings.Join(recs[0], ",")
		if head != "band,level,territory,customer,sale_date,amount,quantity,note,orders,revenue,avg,share,first,avg_amount,ratio" {
			t.Errorf("header: %s", head)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		first := recs[1]
		if first[col["band"]] != "detail" || first[col["level"]] != "1" || first[col["customer"]] != "Acme, Inc." || first[col["note"]] != trickyNote {
			t.Errorf("first row: %q", first)
		}
		if got := recs[2][col["amount"]]; got != "10.12345678901234567890" {
			t.Errorf("decimal not exact: %q", got)
		}
		last := recs[len(recs)-1]
		if last[col["band"]] != "summary" || last[col["level"]] != "" || last[col["revenue"]] != "1234567.89" || last[col["ratio"]] != "0.30000000000000004" {
			t.Errorf("summary row: %q", last)
		}
	})

	t.Run("html", func(t *testing.T) {
		page := render(t, "html")
		d := xml.NewDecoder(bytes.NewReader(page))
		d.Strict = true
		var stack []string
		counts := map[string]int{}
		var cells []string
		var text strings.Builder
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("not well-formed: %v", err)
			}
			switch x := tok.(type) {
			case xml.StartElement:
				stack = append(stack, x.Name.Local)
				counts[x.Name.Local]++
				if x.Name.Local == "td" {
					text.Reset()
				}
			case xml.EndElement:
				if len(stack) == 0 || stack[len(stack)-1] != x.Name.Local {
					t.Fatalf("unbalanced </%s>", x.Name.Local)
				}
				stack = stack[:len(stack)-1]
				if x.Name.Local == "td" {
					cells = append(cells, text.String())
				}
			case xml.CharData:
				text.Write(x)
			}
		}
		if len(stack) != 0 {
			t.Fatalf("unclosed elements %v", stack)
		}
		if counts["html"] != 1 || counts["h1"] != 1 || counts["table"] != 1 || counts["link"]+counts["script"] != 0 {
			t.Errorf("element counts: %v", counts)
		}
		// The tricky note comes back as text, its newline as a <br/>.
		want := strings.ReplaceAll(trickyNote, "\n", "")
		found := false
		for _, c := range cells {
			found = found || c == want
		}
		if !found {
			t.Errorf("no cell reads %q", want)
		}
	})

	t.Run("jsonl", func(t *testing.T) {
		out := render(t, "jsonl")
		sc := bufio.NewScanner(bytes.NewReader(out))
		var bands []string
		for sc.Scan() {
			var obj map[string]any
			if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
				t.Fatalf("line %d: %v: %s", len(bands)+1, err, sc.Bytes())
			}
			bands = append(bands, obj["band"].(string))
		}
		if want := len(newFixture().events) + 2; len(bands) != want {
			t.Fatalf("%d lines, want %d", len(bands), want)
		}
		if bands[0] != "report" || bands[len(bands)-1] != "totals" || bands[3] != "detail" {
			t.Errorf("bands: %v", bands)
		}
	})

	t.Run("markdown", func(t *testing.T) {
		// Every row of a table has as many unescaped '|' as its header.
		lines := strings.Split(string(render(t, "markdown")), "\n")
		pipes := -1
		for i, l := range lines {
			if !strings.HasPrefix(l, "|") {
				pipes = -1
				continue
			}
			n := strings.Count(l, "|") - strings.Count(l, `\|`)
			if pipes >= 0 && n != pipes {
				t.Errorf("line %d has %d cells, its table %d: %s", i+1, n, pipes, l)
			}
			pipes = n
		}
	})
}
