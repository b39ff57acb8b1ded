package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

func TestNewAndFormats(t *testing.T) {
	want := []string{"text", "csv", "json", "jsonl", "markdown", "html", "pdf", "xlsx"}
	if got := Formats(); !slices.Equal(got, want) {
		t.Errorf("Formats() = %v, want %v", got, want)
	}
	for _, name := range append(want, "md", "MD", "Text", "HTML") {
		if r, err := New(name, io.Discard, Options{}); err != nil || r == nil {
			t.Errorf("New(%q) = %v, %v", name, r, err)
		}
	}
	_, err := New("docx", io.Discard, Options{})
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), `"docx"`) || !strings.Contains(err.Error(), "text, csv, json, jsonl, markdown, html, pdf, xlsx") {
		t.Errorf("New(docx) error = %v", err)
	}
}

func TestBandKindString(t *testing.T) {
	for k, want := range map[BandKind]string{ReportHeader: "report_header", GroupHeader: "header", Detail: "detail",
		GroupFooter: "footer", Summary: "summary", ReportFooter: "report_footer", 9: "BandKind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", k, got, want)
		}
	}
}

// failWriter accepts limit bytes, then fails.
type failWriter struct {
	limit, n int
	short    bool // fail with a short write instead of an error
}

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > w.limit {
		k := w.limit - w.n
		w.n = w.limit
		if w.short {
			return k, nil
		}
		return k, errDiskFull
	}
	w.n += len(p)
	return len(p), nil
}

// Scenario I23 (render's part): a failing writer makes the renderer return
// the error, from the call that met it and every later call, without panic.
func TestFailingWriter(t *testing.T) {
	for _, format := range Formats() {
		var full bytes.Buffer
		if err := newFixture().run(format, &full, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, short := range []bool{false, true} {
			wantErr := errDiskFull
			if short {
				wantErr = io.ErrShortWrite
			}
			for _, limit := range failLimits(format, full.Len()) {
				f := newFixture()
				r, _ := New(format, &failWriter{limit: limit, short: short}, Options{TextBuffer: 2})
				var first error
				calls := []func() error{func() error { return r.Begin(f.meta) }}
				for _, e := range f.events {
					calls = append(calls, func() error { return r.Emit(e) })
				}
				calls = append(calls, func() error { return r.End(f.totals) })
				for i, call := range calls {
					err := call()
					if first != nil && !errors.Is(err, wantErr) {
						t.Fatalf("%s limit %d: call %d after the failure returned %v", format, limit, i, err)
					}
					if first == nil && err != nil {
						if !errors.Is(err, wantErr) {
							t.Fatalf("%s limit %d: call %d returned %v", format, limit, i, err)
						}
						first = err
					}
				}
				if first == nil {
					t.Errorf("%s: writer failing after %d of %d bytes, no error", format, limit, full.Len())
				}
			}
		}
	}
}

// failLimits are the byte counts after which TestFailingWriter's writer
// fails: a geometric series over the output, or, for the binary formats,
// which build their file in memory and write it at End (a render costs
// tens of milliseconds), its first byte, a byte past its first write, its
// middle and its last byte.
func failLimits(format string, n int) []int {
	if format == "pdf" || format == "xlsx" {
		return []int{0, 100, n / 2, n - 1}
	}
	var out []int
	for limit := 0; limit < n; limit += 1 + limit/3 {
		out = append(out, limit)
	}
	return out
}

func TestCallOrder(t *testing.T) {
	f := newFixture()
	for _, format := range Formats() {
		r, _ := New(format, io.Discard, Options{})
		if err := r.Emit(f.events[0]); err == nil || !strings.Contains(err.Error(), "Emit before Begin") {
			t.Errorf("%s: Emit before Begin: %v", format, err)
		}
		if err := r.End(nil); err == nil || !strings.Contains(err.Error(), "End before Begin") {
			t.Errorf("%s: End before Begin: %v", format, err)
		}
		if err := r.Begin(nil); err == nil {
			t.Errorf("%s: Begin(nil) succeeded", format)
		}
		r, _ = New(format, io.Discard, Options{})
		if err := r.Begin(f.meta); err != nil {
			t.Fatal(err)
		}
		if err := r.Begin(f.meta); err == nil || !strings.Contains(err.Error(), "twice") {
			t.Errorf("%s: second Begin: %v", format, err)
		}
		if err := r.Emit(nil); err == nil {
			t.Errorf("%s: Emit(nil) succeeded", format)
		}
		if err := r.Emit(&Event{}); err == nil {
			t.Errorf("%s: Emit without band succeeded", format)
		}
		if err := r.Emit(&Event{Band: f.cf, Values: []any{"x"}}); err == nil || !strings.Contains(err.Error(), "1 values for 3 columns") {
			t.Errorf("%s: short values: %v", format, err)
		}
		if err := r.End(nil); err != nil {
			t.Errorf("%s: End(nil): %v", format, err)
		}
		if err := r.Emit(f.events[0]); err == nil || !strings.Contains(err.Error(), "after End") {
			t.Errorf("%s: Emit after End: %v", format, err)
		}
		if err := r.End(nil); err == nil {
			t.Errorf("%s: second End succeeded", format)
		}
	}
}

func TestBadFormatInMeta(t *testing.T) {
	band := &Band{ID: 9, Kind: GroupFooter, Level: 0, Group: "region", KeyNames: []string{"region"},
		Columns: []Column{{Name: "total", Kind: value.KindDecimal, Format: "#,##0.0#0"}}}
	for _, format := range Formats() {
		r, _ := New(format, io.Discard, Options{})
		err := r.Begin(&Meta{Bands: []*Band{band}})
		var fe *FormatError
		if !errors.As(err, &fe) || fe.Offset != 8 || !strings.Contains(err.Error(), `region footer column "total"`) {
			t.Errorf("%s: Begin with a bad format: %v", format, err)
		}
		r, _ = New(format, io.Discard, Options{})
		_ = r.Begin(&Meta{})
		if err := r.Emit(&Event{Band: band, Keys: []any{"x"}, Values: []any{int64(1)}}); !errors.As(err, &fe) {
			t.Errorf("%s: Emit of an unlisted band with a bad format: %v", format, err)
		}
	}
}

// An event of a band not listed in Meta.Bands: CSV refuses it (its header
// is written), the other formats take it.
func TestUnlistedBand(t *testing.T) {
	extra := &Band{ID: 50, Kind: GroupFooter, Level: 0, Group: "region", KeyNames: []string{"region"},
		Columns: []Column{{Name: "n", Kind: value.KindInt}}}
	extraDetail := &Band{ID: 51, Kind: Detail, Level: -1, Columns: []Column{{Name: "x", Kind: value.KindAny}}}
	for _, format := range Formats() {
		var out bytes.Buffer
		r, _ := New(format, &out, Options{})
		_ = r.Begin(&Meta{Title: "T"})
		err1 := r.Emit(&Event{Band: extra, Keys: []any{"north"}, Values: []any{int64(3)}})
		err2 := r.Emit(&Event{Band: extraDetail, Values: []any{"v"}})
		err3 := r.Emit(&Event{Band: extra, Keys: []any{"south"}, Values: []any{int64(4)}})
		errEnd := r.End(&Totals{})
		if format == "csv" {
			if err1 == nil || !strings.Contains(err1.Error(), "not listed") {
				t.Errorf("csv: unlisted band: %v", err1)
			}
			continue
		}
		if err := errors.Join(err1, err2, err3, errEnd); err != nil {
			t.Errorf("%s: %v", format, err)
		}
		if format == "pdf" && !havePDFText(t) {
			continue
		}
		if text := readable(t, format, out.Bytes()); (format != "text" && !strings.Contains(text, "south")) || !strings.Contains(text, "4") {
			t.Errorf("%s: output lacks the unlisted band's events:\n%s", format, out.String())
		}
	}
}

func TestTextOptions(t *testing.T) {
	var out bytes.Buffer
	f := newFlatFixture()
	f.meta.Title = "Flat"
	f.totals = &Totals{RecordsRead: 3, Elapsed: 1500 * time.Millisecond}
	if err := f.run("text", &out, Options{Color: true, Elapsed: true}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{boldOn + "Flat" + boldOff + "\n====\n", boldOn + "   id  name", boldOn + "Total" + boldOff, ", elapsed: 1.5s\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

// A long run of rows prints in pieces of TextBuffer rows: the column names
// once, the widths of the first piece kept (and widened when needed).
func TestTextBuffer(t *testing.T) {
	det := &Band{ID: 1, Kind: Detail, Level: -1, Columns: []Column{
		{Name: "n", Kind: value.KindAny}, {Name: "name", Kind: value.KindString}}}
	var out bytes.Buffer
	r, _ := New("text", &out, Options{TextBuffer: 2})
	_ = r.Begin(&Meta{Bands: []*Band{det}})
	for i, name := range []string{"a", "bb", "ccc", "a much longer name", "e"} {
		if err := r.Emit(&Event{Band: det, Values: []any{int64(i * 100), name}}); err != nil {
			t.Fatal(err)
		}
		if i == 1 && out.Len() == 0 {
			t.Error("nothing printed after TextBuffer rows")
		}
	}
	_ = r.End(nil)
	want := `  n  name
  0  a
100  bb
200  ccc
300  a much longer name
400  e
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestTextCell(t *testing.T) {
	if got := textCell("a\tb\r\n\x01\x7f"); got != `a\tb\r\n\x01\x7f` {
		t.Errorf("textCell = %q", got)
	}
}

// Two bands of one kind on one level: JSON names the second "footer_2";
// a template header and a header with columns land in the same group.
func TestJSONSlots(t *testing.T) {
	keys := []string{"k"}
	h1 := &Band{ID: 1, Kind: GroupHeader, Level: 0, Group: "k", KeyNames: keys, Template: true}
	h2 := &Band{ID: 2, Kind: GroupHeader, Level: 0, Group: "k", KeyNames: keys, Columns: []Column{{Name: "a"}}}
	f1 := &Band{ID: 3, Kind: GroupFooter, Level: 0, Group: "k", KeyNames: keys, Columns: []Column{{Name: "a"}}}
	f2 := &Band{ID: 4, Kind: GroupFooter, Level: 0, Group: "k", KeyNames: keys, Columns: []Column{{Name: "b"}}}
	s1 := &Band{ID: 5, Kind: Summary, Level: -1, Columns: []Column{{Name: "n"}}}
	s2 := &Band{ID: 6, Kind: Summary, Level: -1, Columns: []Column{{Name: "m"}}}
	var out bytes.Buffer
	r, _ := New("json", &out, Options{Elapsed: true})
	_ = r.Begin(&Meta{Bands: []*Band{h1, h2, f1, f2, s1, s2}})
	for _, e := range []*Event{
		{Band: h1, Keys: []any{int64(1)}, Text: "one"},
		{Band: h2, Keys: []any{int64(1)}, Values: []any{"x"}},
		{Band: f1, Keys: []any{int64(1)}, Values: []any{"y"}},
		{Band: h1, Keys: []any{int64(1)}, Text: "one again"}, // same key, new group
		{Band: f2, Keys: []any{int64(1)}, Values: []any{"z"}},
		{Band: s1, Values: []any{int64(1)}},
		{Band: s2, Values: []any{int64(2)}},
	} {
		if err := r.Emit(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.End(&Totals{Elapsed: time.Second}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	groups := doc["groups"].([]any)
	if len(groups) != 2 {
		t.Fatalf("groups: %v", groups)
	}
	g0, g1 := groups[0].(map[string]any), groups[1].(map[string]any)
	if g0["header"] != "one" || g0["header_2"].(map[string]any)["a"] != "x" || g0["footer"].(map[string]any)["a"] != "y" {
		t.Errorf("first group: %v", g0)
	}
	if g1["header"] != "one again" || g1["footer_2"].(map[string]any)["b"] != "z" {
		t.Errorf("second group: %v", g1)
	}
	if doc["summary_2"].(map[string]any)["m"] != 2.0 || doc["totals"].(map[string]any)["elapsed_seconds"] != 1.0 {
		t.Errorf("document: %v", doc)
	}
}

func TestAppendJSON(t *testing.T) {
	ts := time.Date(2024, 3, 5, 10, 0, 0, 500, time.UTC)
	type other struct{ A int }
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, `null`},
		{true, `true`},
		{int32(-3), `-3`},
		{dec("-0.50"), `-0.50`},
		{1e21, `1e+21`},
		// Issue 15 item 11: visible, never null (which reads as missing).
		{math.NaN(), `"NaN"`},
		{math.Inf(1), `"Infinity"`},
		{math.Inf(-1), `"-Infinity"`},
		{date("2024-03-05"), `"2024-03-05"`},
		{ts, `"2024-03-05T10:00:00.0000005Z"`},
		{map[string]any{"b": int64(1), "a": "x"}, `{"a":"x","b":1}`},
		{[]any{int64(1), nil}, `[1,null]`},
		{other{A: 1}, `"{1}"`},
		{"q\"\\\n\r\t\x01<&>\u2028é\xff", `"q\"\\\n\r\t\u0001<&>\u2028é\ufffd"`},
	} {
		got := string(appendJSON(nil, c.v))
		if got != c.want {
			t.Errorf("appendJSON(%#v) = %s, want %s", c.v, got, c.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("appendJSON(%#v) = %s is not valid JSON", c.v, got)
		}
	}
}

// CSV: a column named like a fixed column gets a suffix; a column named
// like a group key fills the key's column.
func TestCSVNames(t *testing.T) {
	b := &Band{ID: 1, Kind: GroupFooter, Level: 0, Group: "level", KeyNames: []string{"level"},
		Columns: []Column{{Name: "band"}, {Name: "level"}, {Name: "band_2"}}}
	var out bytes.Buffer
	r, _ := New("csv", &out, Options{})
	_ = r.Begin(&Meta{Bands: []*Band{b}})
	_ = r.Emit(&Event{Band: b, Keys: []any{"L"}, Values: []any{"x", "L2", "y"}})
	_ = r.End(nil)
	want := "band,level,level_2,band_2,band_2_2\nfooter,0,L2,x,y\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestKeyName(t *testing.T) {
	b := &Band{Kind: GroupFooter, Level: 2, Group: "city", KeyNames: []string{"country"}}
	if got := []string{keyName(b, 0), keyName(b, 1), keyName(b, 2)}; !slices.Equal(got, []string{"country", "level_1", "city"}) {
		t.Errorf("keyName = %v", got)
	}
	if got := bandName(&Band{Kind: GroupHeader, Level: 3}); got != "level 3 header" {
		t.Errorf("bandName = %q", got)
	}
}

// Markdown and HTML escape what their readers would interpret.
func TestEscapes(t *testing.T) {
	if got := mdEscape("a|b*c_d`e[f]<g>#h~i\\j\r\nk\x01"); got != `a\|b\*c\_d`+"\\`"+`e\[f\]\<g\>\#h\~i\\j<br>k`+"\uFFFD" {
		t.Errorf("mdEscape = %q", got)
	}
	if got := htmlEscape("<a href='x'>&\"\n\xff\x02"); got != "&lt;a href=&#39;x&#39;&gt;&amp;&#34;<br/>\uFFFD\uFFFD" {
		t.Errorf("htmlEscape = %q", got)
	}
}

// A renderer keeps nothing of an event: the caller may reuse it.
func TestEventReuse(t *testing.T) {
	for _, format := range Formats() {
		f := newFixture()
		var out bytes.Buffer
		r, _ := New(format, &out, Options{})
		_ = r.Begin(f.meta)
		scratch := &Event{}
		for _, e := range f.events {
			scratch.Band, scratch.Text = e.Band, e.Text
			scratch.Keys = append(scratch.Keys[:0], e.Keys...)
			scratch.Values = append(scratch.Values[:0], e.Values...)
			if err := r.Emit(scratch); err != nil {
				t.Fatal(err)
			}
			for i := range scratch.Values {
				scratch.Values[i] = "garbage"
			}
			for i := range scratch.Keys {
				scratch.Keys[i] = "garbage"
			}
		}
		_ = r.End(f.totals)
		var want bytes.Buffer
		_ = newFixture().run(format, &want, Options{})
		if out.String() != want.String() {
			t.Errorf("%s: output changes when the caller reuses its events", format)
		}
	}
}
