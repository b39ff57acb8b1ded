package examples

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/reportsh/reportsh/interp"
)

// needTool returns the path of the first of names on PATH. Outside CI a
// missing tool skips the test with the package to install; under CI=true
// it fails it (.ci/run installs it).
func needTool(t *testing.T, pkg string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	msg := names[0] + " is not installed (apt-get install " + pkg + ")"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + ": CI must install it (.ci/run)")
	}
	t.Skip(msg + ": skipping")
	return ""
}

// renderExample runs the example script to HTML in a temporary file and
// returns its path.
func renderExample(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(name + ".rpt")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := interp.Compile(context.Background(), name+".rpt", src, &interp.Options{Dir: "."})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := prog.Run(context.Background(), &interp.RunConfig{Output: &out, Format: "html"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name+".html")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rowCounts is what the browser finds in the grouped table.
type rowCounts struct {
	Tables, Headings, Details, Footers, Summary, Bodies int
	TheadDisplay, FooterWeight, NumAlign                string
	FooterKeys                                          []string
}

const inspectJS = `(() => {
	const q = s => document.querySelectorAll(s);
	const cs = s => getComputedStyle(document.querySelector(s));
	return {
		Tables: q("table").length, Headings: q("tbody tr.heading").length,
		Details: q("tbody tr.detail").length, Footers: q("tbody tr.footer").length,
		Summary: q("tbody tr.summary").length, Bodies: q("tbody").length,
		TheadDisplay: cs("thead").display, FooterWeight: cs("tr.footer td").fontWeight,
		NumAlign: cs("tbody td.num").textAlign,
		FooterKeys: [...q("tr.footer td.key, tr.summary td.key")].map(td => td.textContent),
	};
})()`

// The HTML report in a real browser: it loads without console errors, the
// grouped table is there with its CSS applied (repeating column headings
// for print, bold footers, right-aligned numbers), and printed to PDF on
// small pages every page repeats the column headings and none starts with
// a footer, and every page prints the example's page header and its page
// footer "… page X of Y" (checked with pdftotext where poppler-utils is
// installed, which CI does). One browser prints two examples: one with
// page bands, one without (numbered by default).
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	printed := printInBrowser(t, renderExample(t, "sales_by_territory"), renderExample(t, "daily_detail"))
	t.Run("sales_by_territory", func(t *testing.T) {
		got, pdf := printed[0].counts, printed[0].pdf
		if got.Tables != 1 || got.Headings != 8 || got.Details != 24 || got.Footers != 8 || got.Summary != 1 || got.Bodies < 8 {
			t.Errorf("grouped table: %+v", got)
		}
		if got.TheadDisplay != "table-header-group" || got.FooterWeight < "600" || got.NumAlign != "right" {
			t.Errorf("styles: thead %q, footer weight %q, numbers %q", got.TheadDisplay, got.FooterWeight, got.NumAlign)
		}
		pages := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1))
		if pages < 4 {
			t.Fatalf("the PDF has %d pages, want several on A6 landscape (%d bytes)", pages, len(pdf))
		}
		t.Logf("printed on %d A6 landscape pages", pages)
		texts := checkPrintedPages(t, pdf, pages, headings{"territory /", "avg_amount", "segment"}, got.FooterKeys)
		checkPageBands(t, texts)
	})
	// A report without a page_footer prints "Page X of Y" at the foot of
	// every page, as its PDF does.
	t.Run("daily_detail", func(t *testing.T) {
		got, pdf := printed[1].counts, printed[1].pdf
		pages := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1))
		if pages < 2 {
			t.Fatalf("the PDF has %d pages, want several on A6 landscape", pages)
		}
		for i, text := range checkPrintedPages(t, pdf, pages, headings{"customer", "sale_date", ""}, got.FooterKeys) {
			if want := fmt.Sprintf("Page %d of %d", i+1, pages); !strings.Contains(text, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, text)
			}
		}
	})
}

// headings identifies the line of column headings in a printed page's
// text: it holds first and last; the key column's heading may wrap to a
// second line, wrap.
type headings struct{ first, last, wrap string }

// printedPage is what printInBrowser found of one page.
type printedPage struct {
	counts rowCounts
	pdf    []byte
}

// printInBrowser opens each HTML page of paths in one headless Chromium,
// checks that it logs no errors, and returns what inspectJS counts in it
// and the page printed to PDF on A6 landscape paper.
func printInBrowser(t *testing.T, paths ...string) []printedPage {
	t.Helper()
	browser := needTool(t, "chromium", "chromium", "chromium-browser", "google-chrome", "headless-shell")
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox)...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // start the browser before any timeout
		t.Fatalf("starting %s: %v", browser, err)
	}
	tctx, cancelT := context.WithTimeout(ctx, time.Minute)
	defer cancelT()

	var out []printedPage
	for _, path := range paths {
		messages := consoleMessages(tctx)
		var p printedPage
		err := chromedp.Do(tctx,
			chromedp.Navigate("file://"+path),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
				p.counts, err = chromedp.Evaluate[rowCounts](inspectJS)(ctx, tg)
				return err
			}),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
				p.pdf, err = chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperSize{Width: 5.83, Height: 4.13}))(ctx, tg)
				return err
			}),
		)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if errs := messages(); len(errs) > 0 {
			t.Errorf("%s: console errors: %q", path, errs)
		}
		out = append(out, p)
	}
	return out
}

// checkPageBands checks that every printed page carries the example's page
// header and its page footer with the page's number and the page count
// (CSS @page margin boxes, printed by Chromium from version 131).
func checkPageBands(t *testing.T, texts []string) {
	t.Helper()
	const header = "Sales by territory: sales since 2024-01-01"
	for i, text := range texts {
		footer := fmt.Sprintf("Sales by territory — page %d of %d", i+1, len(texts))
		if !strings.Contains(text, header) || !strings.Contains(text, footer) {
			t.Errorf("page %d lacks the page header %q or the page footer %q:\n%s", i+1, header, footer, text)
		}
	}
}

// consoleMessages collects the errors and exceptions the page logs; the
// returned func stops and returns them.
func consoleMessages(ctx context.Context) func() []string {
	ctx, stop := context.WithCancel(ctx)
	var mu sync.Mutex
	var errs []string
	done := make(chan struct{})
	msgs := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		time.Sleep(200 * time.Millisecond) // let late messages arrive
		stop()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return errs
	}
}

// checkPrintedPages reads the PDF's text page by page: every page shows
// the column headings, and the first row under them is not a footer. It
// returns the text of each page.
func checkPrintedPages(t *testing.T, pdf []byte, pages int, h headings, footerKeys []string) []string {
	pdftotext := needTool(t, "poppler-utils", "pdftotext")
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	texts := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	if len(texts) != pages {
		t.Fatalf("pdftotext found %d pages, the PDF %d", len(texts), pages)
	}
	for i, text := range texts {
		first, ok := firstRowUnderHeadings(text, h)
		if !ok {
			t.Errorf("page %d does not repeat the column headings:\n%s", i+1, text)
			continue
		}
		for _, k := range footerKeys {
			if strings.HasPrefix(first, k+" ") {
				t.Errorf("page %d starts with the footer row %q:\n%s", i+1, first, text)
			}
		}
	}
	return texts
}

// firstRowUnderHeadings returns the first line of text after the column
// headings: the line holding h.first and h.last (the heading of the key
// column may wrap, its second line h.wrap).
func firstRowUnderHeadings(page string, h headings) (string, bool) {
	lines := strings.Split(page, "\n")
	for i, l := range lines {
		if !strings.Contains(l, h.first) || !strings.Contains(l, h.last) {
			continue
		}
		for _, next := range lines[i+1:] {
			if s := strings.TrimSpace(next); s != "" && s != h.wrap {
				return s, true
			}
		}
	}
	return "", false
}
