package interp

import (
	"strings"
	"testing"
	"time"
)

const pageScript = `report "Sales"
param region: string = "East"
source csv("s.csv")
page_header "{title} — {region}"
page_footer "Page {page} of {pages} · {format_date(run_date, '%d %b %Y')} · {{{ upper(region) }}} {run_date}"
group territory {
  group customer { footer { customer, n: COUNT() } }
}
summary { n: COUNT() }
`

// The run evaluates the page bands once, with the run's parameters, title
// and run date, and leaves the page numbers to the paged format, whatever
// the strategy.
func TestPageBandsResolved(t *testing.T) {
	files := map[string]string{"s.csv": salesCSV(200, 3)}
	runDate := time.Date(2026, 12, 7, 23, 30, 0, 0, time.FixedZone("X", 3600))
	for _, s := range []Strategy{StrategyPipeline, StrategyParallel, StrategyScan} {
		_, res := mustRun(t, pageScript, files, &RunConfig{Params: map[string]string{"region": "West"}, RunDate: runDate, Strategy: s, Workers: 2})
		if res.Strategy != s {
			t.Errorf("ran %v, want %v", res.Strategy, s)
		}
		if got, want := res.PageHeader.Text(1, 1), "Sales — West"; got != want {
			t.Errorf("%v: page header %q, want %q", s, got, want)
		}
		if got, want := res.PageFooter.Text(3, 12), "Page 3 of 12 · 07 Dec 2026 · {WEST} 2026-12-07"; got != want {
			t.Errorf("%v: page footer %q, want %q", s, got, want)
		}
	}
	// No run date: run_date is nil, which prints as nothing.
	_, res := mustRun(t, strings.Replace(pageScript, "{format_date(run_date, '%d %b %Y')}", "", 1), files, nil)
	if got, want := res.PageFooter.Text(1, 2), "Page 1 of 2 ·  · {EAST} "; got != want {
		t.Errorf("without a run date: %q, want %q", got, want)
	}
	// Without page bands there are none; an empty one is declared (it
	// replaces a paged format's default footer) and prints nothing.
	_, res = mustRun(t, "source csv(\"s.csv\")\npage_footer \"\"\nsummary { n: COUNT() }\n", files, nil)
	if res.PageHeader != nil || res.PageFooter == nil || res.PageFooter.Text(1, 1) != "" {
		t.Errorf("page bands %+v, %+v: want none and an empty footer", res.PageHeader, res.PageFooter)
	}
}

// Formats without pages print the same report with page bands or without.
func TestPageBandsIgnoredByUnpagedFormats(t *testing.T) {
	files := map[string]string{"s.csv": salesCSV(40, 3)}
	plain := strings.NewReplacer("page_header \"{title} — {region}\"\n", "").Replace(pageScript)
	plain = plain[:strings.Index(plain, "page_footer")] + plain[strings.Index(plain, "group"):]
	if strings.Contains(plain, "page_") {
		t.Fatalf("page bands left in\n%s", plain)
	}
	runDate := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, f := range []Format{FormatText, FormatCSV, FormatJSON, FormatJSONL} {
		with, _ := mustRun(t, pageScript, files, &RunConfig{Format: f, RunDate: runDate})
		without, _ := mustRun(t, plain, files, &RunConfig{Format: f, RunDate: runDate})
		if with != without {
			t.Errorf("%s: page bands change the output:\n%s\n--- without ---\n%s", f, with, without)
		}
	}
}

// A page band sees only the params, the title, the run date and the page
// numbers: anything else is an error at its place that says so.
func TestPageBandErrors(t *testing.T) {
	files := map[string]string{"s.csv": salesCSV(4, 2)}
	uses := "a page band may use {page}, {pages}, {title}, {run_date} and parameters"
	for _, c := range []struct{ band, want string }{
		{`page_footer "{amount}"`, `test.rpt:3:15: field "amount" in a page footer: ` + uses},
		{`page_header "total {SUM(amount)}"`, `test.rpt:3:21: aggregate SUM in a page header: ` + uses},
		{`page_footer "{regoin}"`, `test.rpt:3:15: unknown name "regoin" in a page footer: ` + uses + ` (did you mean "region"?)`},
		{`page_footer "{page + 1}"`, `test.rpt:3:15: {page} stands alone in a page footer: write {page}, not an expression of it`},
		{`page_footer "{territory} {pages}"`, `test.rpt:3:15: field "territory" in a page footer`},
		{"page_footer \"a\"\npage_footer \"b\"", `test.rpt:4:1: duplicate page footer (the first is at line 3)`},
	} {
		script := "param region: string = \"East\"\nsource csv(\"s.csv\")\n" + c.band + "\nsummary { n: COUNT() }\n"
		_, err := compileFS(t, script, files)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s", c.band, err, c.want)
		}
	}
}

// An expression of a page band that fails when the run evaluates it fails
// the run, at its place, before anything is written.
func TestPageBandRunError(t *testing.T) {
	files := map[string]string{"s.csv": salesCSV(4, 2)}
	p, err := compileFS(t, "param region: string = \"East\"\nsource csv(\"s.csv\")\npage_header \"x {int(region)}\"\nsummary { n: COUNT() }\n", files)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	_, err = p.Run(t.Context(), &RunConfig{Output: &out})
	if err == nil || !strings.Contains(err.Error(), "test.rpt:3:") || !strings.Contains(err.Error(), "page header") {
		t.Fatalf("error %v, want one at test.rpt:3 in the page header", err)
	}
	if out.Len() != 0 {
		t.Errorf("wrote %q before failing", out.String())
	}
}
