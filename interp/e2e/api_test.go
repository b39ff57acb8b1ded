package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/reportsh/reportsh/bench/salesgen"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// eventLog is an Observer that keeps every event.
type eventLog struct {
	mu     sync.Mutex
	events []stream.Event
}

func (l *eventLog) Observe(e stream.Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) all() []stream.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]stream.Event(nil), l.events...)
}

// Scenario I15
func TestEmbeddingAPIRegistersPipeline(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	var kept int64
	for _, s := range d.sales() {
		if s.Territory != "Pacific" {
			kept++
		}
	}
	p := d.compile(t, `report "Registered report"
source csv("sales.csv")
where territory != "Pacific"
group territory {
  footer { territory, n: COUNT() }
}
`)
	reg := stream.NewRegistry(stream.RegistryOptions{})
	var log eventLog
	ctx := context.Background()
	res, err := p.Run(ctx, &interp.RunConfig{Registry: reg, Observer: &log, ChunkSize: 250})
	if err != nil {
		t.Fatal(err)
	}

	snap := res.Snapshot
	if snap.ID == 0 || snap.Name != "Registered report" || snap.Status != stream.StatusCompleted || snap.Err != nil {
		t.Errorf("result snapshot: id %v, name %q, status %v, err %v", snap.ID, snap.Name, snap.Status, snap.Err)
	}
	c := snap.Counters
	if c.RecordsIn != 1000 || c.RecordsOut != kept || c.Failed != 0 || c.Chunks < 4 || c.Chunks > 5 {
		t.Errorf("counters %+v: want 1000 in, %d out (the where clause drops Pacific), 4 chunks of 250 (5 with an empty last one)", c, kept)
	}
	gap(t, "I15-bytes", c.Bytes > 0, "Counters.Bytes = %d after reading a %d-record CSV file", c.Bytes, c.RecordsIn)
	if snap.StartedAt.IsZero() || snap.FinishedAt.Before(snap.StartedAt) || snap.ChunkSize != 250 {
		t.Errorf("times/chunk size: started %v, finished %v, chunk size %d", snap.StartedAt, snap.FinishedAt, snap.ChunkSize)
	}

	// The registry lists the run, completed, under the same ID.
	list := registryList(t, reg, 1)
	if list[0].ID != snap.ID || list[0].Status != stream.StatusCompleted || list[0].Counters != c {
		t.Errorf("registry lists %+v, want the result's snapshot", list[0])
	}
	if got, ok := reg.Get(snap.ID); !ok || got.Status != stream.StatusCompleted {
		t.Errorf("Get(%v) = %v, %v", snap.ID, got.Status, ok)
	}
	if n := len(reg.List(stream.StatusCompleted)); n != 1 {
		t.Errorf("%d completed pipelines listed, want 1", n)
	}
	if n := len(reg.List(stream.StatusRunning, stream.StatusPaused, stream.StatusStarting)); n != 0 {
		t.Errorf("%d active pipelines listed after the run, want 0", n)
	}

	// The observer saw the run start and stop under that ID; every event
	// carries it.
	events := log.all()
	if len(events) < 2 {
		t.Fatalf("%d events", len(events))
	}
	if _, ok := events[0].(stream.PipelineStarted); !ok {
		t.Errorf("first event %s, want pipeline_started", events[0].Kind())
	}
	stop, ok := events[len(events)-1].(stream.PipelineStopped)
	if !ok || stop.Status != stream.StatusCompleted || stop.Counters != c {
		t.Errorf("last event %+v, want pipeline_stopped, completed, with the final counters", events[len(events)-1])
	}
	chunks := 0
	for _, e := range events {
		if e.Info().Pipeline != snap.ID || e.Info().Name != "Registered report" {
			t.Fatalf("event %s carries pipeline %v %q, want %v", e.Kind(), e.Info().Pipeline, e.Info().Name, snap.ID)
		}
		if _, ok := e.(stream.ChunkFetched); ok {
			chunks++
		}
	}
	if int64(chunks) != c.Chunks {
		t.Errorf("%d chunk_fetched events, counters say %d chunks", chunks, c.Chunks)
	}

	// A second run registers a second pipeline; finished ones can be
	// removed.
	res2, err := p.Run(ctx, &interp.RunConfig{Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Snapshot.ID == snap.ID {
		t.Errorf("second run reuses ID %v", snap.ID)
	}
	registryList(t, reg, 2)
	if err := reg.Remove(snap.ID); err != nil {
		t.Errorf("Remove: %v", err)
	}
	if l := registryList(t, reg, 1); l[0].ID != res2.Snapshot.ID {
		t.Errorf("after Remove the registry lists %v", l[0].ID)
	}
}

// parsedRow is one band row read back from rendered output: the cells by
// column (and group key) name.
type parsedRow map[string]string

// parsed holds the rows read back from a report, by band: "footer:0",
// "footer:1", "summary".
type parsed map[string][]parsedRow

// referenceRows builds the expected rows from the collected events.
func referenceRows(res *interp.Result) (parsed, map[string][]string) {
	out := parsed{}
	cols := map[string][]string{}
	for _, e := range res.Events {
		var band string
		switch e.Band.Kind {
		case render.GroupFooter:
			band = fmt.Sprintf("footer:%d", e.Band.Level)
		case render.Summary:
			band = "summary"
		default:
			continue
		}
		row := parsedRow{}
		names := []string{}
		for i, k := range e.Band.KeyNames {
			row[k] = value.String(e.Keys[i])
			names = append(names, k)
		}
		for i, c := range e.Band.Columns {
			row[c.Name] = value.String(e.Values[i])
			if !slices.Contains(names, c.Name) {
				names = append(names, c.Name)
			}
		}
		cols[band] = names
		out[band] = append(out[band], row)
	}
	return out, cols
}

// jsonText turns a decoded JSON scalar into the canonical text.
func jsonText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case json.Number:
		return x.String()
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func parseJSONReport(t *testing.T, out []byte) parsed {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JSON does not parse: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("JSON: trailing data after the document (%v)", err)
	}
	p := parsed{}
	// A group's footer comes after its inner groups' in report order; the
	// walk visits them in that order too.
	var walk func(groups []any, level int, keys parsedRow)
	walk = func(groups []any, level int, keys parsedRow) {
		for _, g := range groups {
			obj := g.(map[string]any)
			row := parsedRow{}
			for k, v := range keys {
				row[k] = v
			}
			for k, v := range obj["key"].(map[string]any) {
				row[k] = jsonText(v)
			}
			if sub, ok := obj["groups"].([]any); ok {
				walk(sub, level+1, row)
			}
			if f, ok := obj["footer"].(map[string]any); ok {
				full := parsedRow{}
				for k, v := range row {
					full[k] = v
				}
				for k, v := range f {
					full[k] = jsonText(v)
				}
				band := fmt.Sprintf("footer:%d", level)
				p[band] = append(p[band], full)
			}
		}
	}
	groups, _ := doc["groups"].([]any)
	walk(groups, 0, parsedRow{})
	if s, ok := doc["summary"].(map[string]any); ok {
		row := parsedRow{}
		for k, v := range s {
			row[k] = jsonText(v)
		}
		p["summary"] = append(p["summary"], row)
	}
	return p
}

func parseJSONLReport(t *testing.T, out []byte) parsed {
	t.Helper()
	p := parsed{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.UseNumber()
		var obj struct {
			Band   string         `json:"band"`
			Level  int            `json:"level"`
			Keys   map[string]any `json:"keys"`
			Values map[string]any `json:"values"`
		}
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("JSONL line %d does not parse: %v: %s", line, err, sc.Bytes())
		}
		var band string
		switch obj.Band {
		case "footer":
			band = fmt.Sprintf("footer:%d", obj.Level)
		case "summary":
			band = "summary"
		default:
			continue
		}
		row := parsedRow{}
		for k, v := range obj.Keys {
			row[k] = jsonText(v)
		}
		for k, v := range obj.Values {
			row[k] = jsonText(v)
		}
		p[band] = append(p[band], row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return p
}

func parseCSVReport(t *testing.T, out []byte) parsed {
	t.Helper()
	tb := parseCSV(t, out)
	p := parsed{}
	for _, r := range tb.rows {
		var band string
		switch r[tb.col["band"]] {
		case "footer":
			band = "footer:" + r[tb.col["level"]]
		case "summary":
			band = "summary"
		default:
			continue
		}
		row := parsedRow{}
		for name, i := range tb.col {
			row[name] = r[i]
		}
		p[band] = append(p[band], row)
	}
	return p
}

// parseHTMLReport reads the page as XML (strictly: it must be well-formed)
// and returns the rows of its grouped table: the footers of each level
// (the key cell, indented by level with class lN, holds the level's key,
// named by the key column's heading "territory / product") and the
// summary.
func parseHTMLReport(t *testing.T, out []byte) parsed {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	p := parsed{}
	var (
		stack       []string
		text        strings.Builder
		heads, keys []string
		cells       []string
		class       string // of the row
		level       int    // of the row's key cell
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("HTML is not well-formed: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			text.Reset()
			switch x.Name.Local {
			case "tr":
				cells, class, level = nil, htmlAttr(x, "class"), 0
			case "td":
				if c := htmlAttr(x, "class"); strings.HasPrefix(c, "key l") {
					level, _ = strconv.Atoi(strings.TrimPrefix(c, "key l"))
				}
			}
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != x.Name.Local {
				t.Fatalf("HTML: unbalanced </%s>", x.Name.Local)
			}
			stack = stack[:len(stack)-1]
			switch x.Name.Local {
			case "th":
				if slices.Contains(stack, "thead") {
					heads = append(heads, text.String())
				}
			case "td":
				cells = append(cells, text.String())
			case "tr":
				if slices.Contains(stack, "thead") {
					keys = strings.Split(heads[0], " / ")
					continue
				}
				band := "summary"
				if class != "summary" {
					band = fmt.Sprintf("footer:%d", level)
				}
				if class == "heading" || class == "header" || len(cells) == 0 {
					continue
				}
				if len(cells) != len(heads) {
					t.Fatalf("HTML: row of %d cells under %d headings", len(cells), len(heads))
				}
				row := parsedRow{}
				if class != "summary" {
					row[keys[level]] = cells[0]
					// The rows of the inner groups learn their outer key
					// from the footer that closes them.
					for l := level + 1; l < len(keys); l++ {
						for _, r := range p[fmt.Sprintf("footer:%d", l)] {
							if _, ok := r[keys[level]]; !ok {
								r[keys[level]] = cells[0]
							}
						}
					}
				}
				for i, h := range heads[1:] {
					row[h] = cells[i+1]
				}
				p[band] = append(p[band], row)
			}
		case xml.CharData:
			text.Write(x)
		}
	}
	if len(stack) != 0 {
		t.Fatalf("HTML: unclosed %v", stack)
	}
	return p
}

func htmlAttr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// Scenario I16
func TestOutputParsesBack(t *testing.T) {
	t.Parallel()
	d := sharedDataset(t, 1000, allFiles)
	// Awkward text on purpose: the title and header carry markup
	// characters, a footer text column carries a comma and quotes. The mean
	// is rounded in the script because HTML, being for people, shows
	// numbers rounded to two places; the other columns read back exactly.
	p := d.compile(t, `report "Sales <by> territory & product"
param min: decimal = 0
source csv("sales.csv")
where amount >= min
header "Prepared for <{min}> & \"co\""
group territory {
  header "Territory {territory}"
  group product {
    footer { product, n: COUNT(), revenue: SUM(amount * quantity), label: concat(product, ", \"", territory, "\"") }
  }
  footer { territory, n: COUNT(), revenue: SUM(amount * quantity), avg: round(AVG(amount), 2), last: MAX(sale_date) }
}
summary { n: COUNT(), revenue: SUM(amount * quantity), units: SUM(quantity) }
`)
	// The reference: the events of a run collected into the Result.
	rc := interp.RunConfig{Params: map[string]string{"min": "10"}, Collect: true}
	_, res := runTo(t, p, rc, "text")
	want, cols := referenceRows(res)

	// The reference itself is right: territory footers against salesgen.
	var kept []salesgen.Sale
	for _, s := range d.sales() {
		if s.HasAmount && s.AmountCents >= 1000 {
			kept = append(kept, s)
		}
	}
	byTerritory := grouped(kept, func(s salesgen.Sale) string { return s.Territory })
	if len(want["footer:0"]) != len(byTerritory) {
		t.Fatalf("%d territory footers, want %d", len(want["footer:0"]), len(byTerritory))
	}
	for _, r := range want["footer:0"] {
		tot := byTerritory[r["territory"]]
		if r["n"] != strconv.FormatInt(tot.count, 10) || r["revenue"] != salesgen.FormatCents(tot.revenueCents) {
			t.Errorf("territory %s: n=%s revenue=%s, want %d %s", r["territory"], r["n"], r["revenue"], tot.count, salesgen.FormatCents(tot.revenueCents))
		}
	}

	compare := func(t *testing.T, got parsed) {
		t.Helper()
		for _, band := range []string{"footer:0", "footer:1", "summary"} {
			if len(got[band]) != len(want[band]) {
				t.Fatalf("%s: %d rows parsed back, want %d", band, len(got[band]), len(want[band]))
			}
			for i, w := range want[band] {
				for _, name := range cols[band] {
					if g, ok := got[band][i][name]; !ok || g != w[name] {
						t.Fatalf("%s row %d: %s = %q (present %v), want %q", band, i, name, g, ok, w[name])
					}
				}
			}
		}
	}
	rc.Collect = false
	for _, format := range []string{"json", "jsonl", "csv", "html"} {
		// Scenario I16
		t.Run(format, func(t *testing.T) {
			out, _ := runTo(t, p, rc, format)
			switch format {
			case "json":
				compare(t, parseJSONReport(t, out))
			case "jsonl":
				compare(t, parseJSONLReport(t, out))
			case "csv":
				compare(t, parseCSVReport(t, out))
			case "html":
				compare(t, parseHTMLReport(t, out))
				if !bytes.Contains(out, []byte("<title>Sales &lt;by&gt; territory &amp; product</title>")) {
					t.Errorf("HTML title not escaped as text")
				}
			}
		})
	}
}

// Scenario I24
func TestOutputByteIdentical(t *testing.T) {
	t.Parallel()
	d := newDataset(t, 300, salesCSV|customersCSV)
	// A report using most of the language: lookups, where/let, nested
	// groups with header, footer, order by and limit, running totals,
	// shares, distinct counts, medians, and a detail band (which sorts
	// the unsorted input by its group keys).
	const body = `
lookup c = csv("customers.csv") on customer_id == id
where amount != nil
let revenue = amount * quantity
let month = format_date(sale_date, "%Y-%m")
header "Sales {COUNT()}"
group c.segment as segment {
  header "Segment {segment}"
  group territory order by revenue desc limit 5 {
    footer { territory, n: COUNT(), revenue: SUM(revenue) format "#,##0.00",
             share: PERCENT_OF_TOTAL(revenue) format "0.00", running: RUNNING_SUM(revenue),
             customers: COUNT_DISTINCT(customer), median: MEDIAN(amount), months: COUNT_DISTINCT(month) }
  }
  footer { segment, n: COUNT(), revenue: SUM(revenue), avg: AVG(amount), first: MIN(sale_date), last: MAX(sale_date) }
}
detail { id, customer, country: c.country, amount, quantity, revenue, run: RUNNING_SUM(revenue) }
summary { n: COUNT(), revenue: SUM(revenue), avg: AVG(revenue) }
footer "{COUNT_DISTINCT(customer)} customers"
`
	// Each format runs at chunk sizes 1, 7 and 1000, twice at 1000. A
	// SQLite source fetches with one query per chunk, slow under -race at
	// chunk size 1: it reads a smaller data set, into one format.
	small := newDataset(t, 200, salesDB|customersCSV)
	for _, src := range []struct {
		name, decl string
		data       *dataset
		formats    []string
		runs       []int // chunk sizes, in run order
	}{
		{"csv", `source csv("sales.csv")`, d, render.Formats(), []int{1, 7, 1000, 1000}},
		{"sqlite", `source sqlite("sales.db", table: "sales") { amount: decimal }`, small, []string{"text"}, []int{1, 7, 1000, 1000}},
	} {
		p := src.data.compile(t, `report "Identical"`+"\n"+src.decl+body)
		for _, format := range src.formats {
			if raceSlowdown > 1 && (format == "pdf" || format == "xlsx") {
				continue // built from the same events as html; render's tests run them twice under -race
			}
			// Scenario I24
			t.Run(src.name+"/"+format, func(t *testing.T) {
				var first []byte
				for run, chunk := range src.runs {
					out, _ := runTo(t, p, interp.RunConfig{ChunkSize: chunk}, format)
					if first == nil {
						first = out
						if len(out) < 1000 {
							t.Fatalf("suspiciously short output (%d bytes):\n%s", len(out), out)
						}
						continue
					}
					if !bytes.Equal(out, first) {
						t.Fatalf("run %d (chunk size %d): output differs from run 0 (chunk size %d) at byte %d",
							run, chunk, src.runs[0], firstDiff(out, first))
					}
				}
			})
		}
	}
}

// firstDiff returns the index of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
