package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"go.uber.org/goleak"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/reportsh/reportsh/stdlib"
)

// TestMain fails the package if a test leaves a goroutine behind: a run
// that outlives its request would.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// serve starts a server for cfg that the test closes at its end.
func serve(t *testing.T, cfg config) *httptest.Server {
	t.Helper()
	h, err := newHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// get sends a GET with an optional Accept header and returns the response
// with its body read.
func get(t *testing.T, srv *httptest.Server, path, accept string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func TestList(t *testing.T) {
	srv := serve(t, config{FS: embedded})
	resp, body := get(t, srv, "/reports", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var list []reportInfo
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	want := []reportInfo{
		{Name: "monthly", Title: "Monthly revenue", URL: "/reports/monthly",
			Params: []paramInfo{{Name: "year", Type: "int", Default: "2024"}}},
		{Name: "territories", Title: "Revenue by territory", URL: "/reports/territories",
			Params: []paramInfo{{Name: "since", Type: "date", Default: "2023-01-01"}}},
		{Name: "territory", Title: "Customers of one territory", URL: "/reports/territory",
			Params: []paramInfo{{Name: "region", Type: "string", Required: true}}},
	}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("list:\n%+v\nwant:\n%+v", list, want)
	}
}

// The territories report over the embedded data, with its default since:
// East has 45 orders worth 28,572.46; all territories 198 orders.
func TestFormats(t *testing.T) {
	srv := serve(t, config{FS: embedded})
	tests := []struct {
		format, accept, contentType string
		check                       func(t *testing.T, body string)
	}{
		{"text", "text/plain", "text/plain; charset=utf-8", func(t *testing.T, body string) {
			for _, want := range []string{"Revenue by territory\n", "East           45   28,572.46\n", "Total         198  180,440.13\n"} {
				if !strings.Contains(body, want) {
					t.Errorf("no %q in\n%s", want, body)
				}
			}
		}},
		{"html", "text/html", "text/html; charset=utf-8", checkHTML},
		{"csv", "text/csv", "text/csv; charset=utf-8", func(t *testing.T, body string) {
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"band", "level", "territory", "orders", "revenue"}; !slices.Equal(rows[0], want) {
				t.Errorf("header %q, want %q", rows[0], want)
			}
			if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, []string{"footer", "0", "East", "45", "28572.46"}) }) {
				t.Errorf("no footer row for East in %q", rows)
			}
		}},
		{"json", "application/json", "application/json", func(t *testing.T, body string) {
			var rep struct {
				Title  string
				Groups []struct {
					Footer struct {
						Territory string
						Orders    int
						Revenue   json.Number
					}
				}
				Summary struct{ Orders int }
			}
			if err := json.Unmarshal([]byte(body), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Title != "Revenue by territory" || len(rep.Groups) != 8 || rep.Summary.Orders != 198 {
				t.Errorf("title %q, %d groups, %d orders", rep.Title, len(rep.Groups), rep.Summary.Orders)
			}
			if f := rep.Groups[1].Footer; f.Territory != "East" || f.Orders != 45 || f.Revenue != "28572.46" {
				t.Errorf("second group %+v", f)
			}
		}},
		{"jsonl", "application/x-ndjson", "application/x-ndjson", func(t *testing.T, body string) {
			lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
			for _, line := range lines {
				var v map[string]any
				if err := json.Unmarshal([]byte(line), &v); err != nil {
					t.Fatalf("%v: %s", err, line)
				}
			}
			if !strings.Contains(body, `"territory":"East","orders":45,"revenue":28572.46`) {
				t.Errorf("no East footer in\n%s", body)
			}
		}},
		{"markdown", "text/markdown", "text/markdown; charset=utf-8", func(t *testing.T, body string) {
			if !strings.HasPrefix(body, "# Revenue by territory\n") || !strings.Contains(body, "| East") {
				t.Errorf("markdown:\n%s", body)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			// The same report, chosen by the query and by the Accept header.
			for _, req := range []struct{ path, accept string }{
				{"/reports/territories?format=" + tt.format, ""},
				{"/reports/territories", tt.accept},
			} {
				resp, body := get(t, srv, req.path, req.accept)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s (Accept %q): status %d: %s", req.path, req.accept, resp.StatusCode, body)
				}
				if ct := resp.Header.Get("Content-Type"); ct != tt.contentType {
					t.Errorf("%s (Accept %q): Content-Type %q, want %q", req.path, req.accept, ct, tt.contentType)
				}
				tt.check(t, body)
			}
		})
	}
}

// checkHTML parses the page as XML tokens (the renderer writes XHTML) and
// looks for East's row.
func checkHTML(t *testing.T, body string) {
	d := xml.NewDecoder(strings.NewReader(body))
	var cells []string
	var title string
	var inTitle bool
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, body)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inTitle = tok.Name.Local == "title"
		case xml.EndElement:
			inTitle = false
		case xml.CharData:
			if inTitle {
				title = string(tok)
			}
			cells = append(cells, strings.TrimSpace(string(tok)))
		}
	}
	if title != "Revenue by territory" {
		t.Errorf("title %q", title)
	}
	if i := slices.Index(cells, "East"); i < 0 || !slices.Contains(cells[i:], "28,572.46") {
		t.Errorf("no row for East in %q", cells)
	}
}

func TestParamChangesResult(t *testing.T) {
	srv := serve(t, config{FS: embedded})
	summary := func(path string) string {
		resp, body := get(t, srv, path, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", path, resp.StatusCode, body)
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(rows[len(rows)-1], ",")
	}
	if got, want := summary("/reports/territories?format=csv"), "summary,,,198,180440.13"; got != want {
		t.Errorf("default since: %s, want %s", got, want)
	}
	if got, want := summary("/reports/territories?format=csv&since=2024-06-01"), "summary,,,71,40087.09"; got != want {
		t.Errorf("since=2024-06-01: %s, want %s", got, want)
	}
}

// Issue 15 item 1: a string parameter from the query keeps its spaces:
// "E a s t" is no territory, where it used to be read as East.
func TestParamKeepsSpaces(t *testing.T) {
	srv := serve(t, config{FS: embedded})
	for path, want := range map[string]string{
		"/reports/territory?format=csv&region=East":          "summary,,,,45,28572.46",
		"/reports/territory?format=csv&region=E%20a%20s%20t": "summary,,,,0,",
	} {
		resp, body := get(t, srv, path, "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "\n"+want) {
			t.Errorf("%s: status %d, want a line starting %q in:\n%s", path, resp.StatusCode, want, body)
		}
	}
}

func TestClientErrors(t *testing.T) {
	srv := serve(t, config{FS: embedded})
	tests := []struct {
		path, accept string
		status       int
		msg          string
	}{
		{"/reports/territories?since=yesterday", "", 400, `param since: invalid date "yesterday" (want YYYY-MM-DD)`},
		{"/reports/monthly?yaer=2023", "", 400, `param yaer: unknown parameter (did you mean "year"?)`},
		{"/reports/territory", "", 400, "param region: required parameter not set (add region=VALUE to the query; the type is string)"},
		{"/reports/territory?region=East&region=West", "", 400, "param region: given 2 times"},
		{"/reports/territories?format=docx", "", 400, `unknown format "docx" (want one of text, html, csv, json, jsonl, markdown, pdf, xlsx)`},
		{"/reports/territories", "image/png", 406, "none of the accepted media types is served"},
		{"/reports/nope", "", 404, `no report "nope" (GET /reports lists them)`},
		{"/reports/", "", 404, "404 page not found"},
	}
	for _, tt := range tests {
		resp, body := get(t, srv, tt.path, tt.accept)
		if resp.StatusCode != tt.status || !strings.HasPrefix(body, tt.msg) {
			t.Errorf("%s: %d %q, want %d %q", tt.path, resp.StatusCode, body, tt.status, tt.msg)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tt.path, ct)
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/reports/territories", nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d", resp.StatusCode)
	}
}

func TestRunErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"div.rpt":     {Data: []byte("source csv(\"n.csv\")\nsummary { r: 1 / SUM(n - 1) }\n")},
		"n.csv":       {Data: []byte("n\n1\n")},
		"numbers.rpt": {Data: []byte("source csv(\"n.csv\")\ndetail { n }\n")},
	}
	srv := serve(t, config{FS: fsys, MaxOutput: 10})
	resp, body := get(t, srv, "/reports/div", "")
	if resp.StatusCode != 500 || body != "div.rpt:2:16: summary column r: division by zero\n" {
		t.Errorf("division by zero: %d %q", resp.StatusCode, body)
	}
	resp, body = get(t, srv, "/reports/numbers", "")
	if resp.StatusCode != 500 || !strings.Contains(body, "the report is larger than 10 bytes") {
		t.Errorf("too large: %d %q", resp.StatusCode, body)
	}
}

func TestNewHandlerErrors(t *testing.T) {
	tests := []struct {
		fsys fstest.MapFS
		want string
	}{
		{fstest.MapFS{"x.csv": {Data: []byte("n\n1\n")}}, "no .rpt files"},
		{fstest.MapFS{"bad.rpt": {Data: []byte("source csv(\"x.csv\")\nwhere m > 1\n")}, "x.csv": {Data: []byte("n\n1\n")}},
			`bad.rpt:2:7: unknown field "m"`},
		// The reports are confined to the file system they come from.
		{fstest.MapFS{"escape.rpt": {Data: []byte("source csv(\"../data/sales.csv\")\n")}}, "escape.rpt:1:"},
	}
	for _, tt := range tests {
		_, err := newHandler(config{FS: tt.fsys})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
	var list grammar.ErrorList
	if _, err := newHandler(config{FS: tests[1].fsys}); !errors.As(err, &list) {
		t.Errorf("compile error %T is not a grammar.ErrorList", err)
	}
}

func TestConcurrentRequests(t *testing.T) {
	srv := serve(t, config{FS: embedded})
	const n = 10
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := srv.Client().Get(srv.URL + "/reports/territory?region=East&format=json")
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("request %d: %d %v %s", i, resp.StatusCode, err, b)
			}
			bodies[i] = string(b)
		})
	}
	wg.Wait()
	for i, b := range bodies {
		if b != bodies[0] || b == "" {
			t.Fatalf("body %d differs from body 0:\n%s\n%s", i, b, bodies[0])
		}
	}
}

// gated is a report over many records that calls gate(n) for each. The
// first call signals started and then waits for release, so a test can act
// while the run is in progress; calls counts the calls.
type gated struct {
	rows     int
	started  chan struct{}
	release  chan struct{}
	calls    atomic.Int64
	startOne sync.Once
}

func newGated(rows int) *gated {
	return &gated{rows: rows, started: make(chan struct{}), release: make(chan struct{})}
}

// config is a server config for the gated report.
func (g *gated) config() config {
	var data bytes.Buffer
	data.WriteString("n\n")
	for i := range g.rows {
		fmt.Fprintln(&data, i)
	}
	return config{
		FS: fstest.MapFS{
			"gated.rpt": {Data: []byte("source csv(\"n.csv\")\nwhere gate(n)\nsummary { records: COUNT() }\n")},
			"n.csv":     {Data: data.Bytes()},
		},
		Functions: map[string]any{"gate": &stdlib.Func{
			Name: "gate", Sig: "gate(n int) bool", Doc: "Waits for the test on its first call.", MinArgs: 1, MaxArgs: 1,
			Check: func([]value.Kind) (value.Kind, error) { return value.KindBool, nil },
			Call: func(...any) (any, error) {
				g.calls.Add(1)
				g.startOne.Do(func() {
					close(g.started)
					<-g.release
				})
				return true, nil
			},
		}},
	}
}

// TestClientGoesAway cancels a request while its report runs: the run
// stops (it does not read the rest of the records), and TestMain's leak
// check shows that none of its goroutines outlive it.
func TestClientGoesAway(t *testing.T) {
	const rows = 50_000
	g := newGated(rows)
	h, err := newHandler(g.config())
	if err != nil {
		t.Fatal(err)
	}
	serverSawCancel := make(chan struct{})
	var status atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		go func() {
			<-r.Context().Done()
			close(serverSawCancel)
		}()
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		status.Store(int64(rec.status))
	}))

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/reports/gated", nil)
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	<-g.started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("client: %v, want context.Canceled", err)
	}
	<-serverSawCancel // the request's context is cancelled before the run goes on
	close(g.release)
	srv.Close() // waits for the handler to return

	if got := status.Load(); got != http.StatusServiceUnavailable {
		t.Errorf("status %d, want %d", got, http.StatusServiceUnavailable)
	}
	if n := g.calls.Load(); n >= rows {
		t.Errorf("the run went on after the client left: gate called %d times for %d records", n, rows)
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

func TestTimeout(t *testing.T) {
	g := newGated(50_000)
	cfg := g.config()
	cfg.Timeout = 50 * time.Millisecond
	h, err := newHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		<-g.started
		time.Sleep(2 * cfg.Timeout) // past the deadline before the run goes on
		close(g.release)
	}()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/reports/gated", nil))
	if rec.Code != http.StatusGatewayTimeout || rec.Body.String() != "the report did not finish within 50ms\n" {
		t.Errorf("%d %q", rec.Code, rec.Body.String())
	}
}
