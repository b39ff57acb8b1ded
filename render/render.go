package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// Options configures a renderer. The zero value is valid.
type Options struct {
	// Color makes the text format print its title and column headings in
	// ANSI bold. Other formats ignore it. Off by default.
	Color bool
	// Elapsed adds Totals.Elapsed to the totals. Off by default, since it
	// makes the output differ from run to run.
	Elapsed bool
	// TextBuffer is the most rows of one band the text format holds back to
	// align their columns; a longer run of rows is printed in pieces that
	// keep the first piece's column widths where they can. 0 means 1000.
	TextBuffer int
	// Page sets the PDF format's page size, orientation and margins.
	Page PageOptions
}

// Renderer writes one report. Begin is called once, then Emit once per
// event in report order, then End once; a call out of that order is an
// error. After an error from the writer every call returns that error.
// A Renderer writes one report and is not safe for concurrent use.
type Renderer interface {
	// Begin starts the report; m must list every band the report can emit.
	Begin(m *Meta) error
	// Emit renders (or holds back) one event.
	Emit(e *Event) error
	// End writes whatever is held back and the totals (nil: no totals).
	End(t *Totals) error
}

// incompleteLabel starts the line that marks an incomplete report.
const incompleteLabel = "report incomplete"

// ErrUnknownFormat is returned (wrapped) by [New] for a format it does not
// know.
var ErrUnknownFormat = errors.New("unknown output format")

var constructors = []struct {
	name string
	make func(*base) Renderer
}{
	{"text", func(b *base) Renderer { return &textRenderer{base: b} }},
	{"csv", func(b *base) Renderer { return &csvRenderer{base: b} }},
	{"json", func(b *base) Renderer { return &jsonRenderer{base: b} }},
	{"jsonl", func(b *base) Renderer { return &jsonlRenderer{base: b} }},
	{"markdown", func(b *base) Renderer { return &markdownRenderer{document: document{base: b}} }},
	{"html", func(b *base) Renderer { return &htmlRenderer{document: document{base: b}} }},
	{"pdf", func(b *base) Renderer { return &pdfRenderer{base: b} }},
	{"xlsx", func(b *base) Renderer { return &xlsxRenderer{base: b} }},
}

// Formats returns the names [New] accepts, in a fixed order ("md" is also
// accepted, for markdown).
func Formats() []string {
	out := make([]string, len(constructors))
	for i, c := range constructors {
		out[i] = c.name
	}
	return out
}

// New returns a renderer of the named format (case-insensitive) writing to
// w. An unknown name gives an error wrapping [ErrUnknownFormat] that lists
// the formats.
func New(format string, w io.Writer, opts Options) (Renderer, error) {
	name := strings.ToLower(format)
	if name == "md" {
		name = "markdown"
	}
	for _, c := range constructors {
		if c.name == name {
			return c.make(&base{w: &stickyWriter{w: w}, opts: opts}), nil
		}
	}
	return nil, fmt.Errorf("%w %q (want one of %s)", ErrUnknownFormat, format, strings.Join(Formats(), ", "))
}

// stickyWriter remembers the first write error and returns it from then on.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	s.err = err
	return n, err
}

// bandInfo is what renderers precompute for a band.
type bandInfo struct {
	band *Band
	fmts []Formatter // one per column
	seq  int         // position among the bands seen
}

// base holds what every renderer shares: the writer, the options, the
// report's description and the call order.
type base struct {
	w     *stickyWriter
	opts  Options
	meta  *Meta
	bands map[*Band]*bandInfo
	order []*bandInfo
	phase int // 0 before Begin, 1 running, 2 ended
}

// begin records m and compiles the bands' formats.
func (b *base) begin(m *Meta) error {
	if b.phase != 0 {
		return errors.New("render: Begin called twice")
	}
	if m == nil {
		return errors.New("render: Begin with nil Meta")
	}
	b.phase = 1
	b.meta = m
	b.bands = make(map[*Band]*bandInfo, len(m.Bands))
	for _, band := range m.Bands {
		if _, err := b.info(band); err != nil {
			return err
		}
	}
	return b.w.err
}

// beginGrid is begin for the formats that lay the report out on a [Grid]:
// it returns the grid of m.
func (b *base) beginGrid(m *Meta) (*Grid, error) {
	if err := b.begin(m); err != nil {
		return nil, err
	}
	return NewGrid(m)
}

// info returns the compiled band, compiling it the first time.
func (b *base) info(band *Band) (*bandInfo, error) {
	if bi, ok := b.bands[band]; ok {
		return bi, nil
	}
	bi := &bandInfo{band: band, fmts: make([]Formatter, len(band.Columns)), seq: len(b.order)}
	for j, c := range band.Columns {
		f, err := ParseFormat(c.Format)
		if err != nil {
			return nil, fmt.Errorf("render: %s column %q: %w", bandName(band), c.Name, err)
		}
		bi.fmts[j] = f
	}
	b.bands[band] = bi
	b.order = append(b.order, bi)
	return bi, nil
}

// emit checks the call order and the event, and returns the event's band.
func (b *base) emit(e *Event) (*bandInfo, error) {
	if err := b.running("Emit"); err != nil {
		return nil, err
	}
	if e == nil || e.Band == nil {
		return nil, errors.New("render: Emit of an event without a band")
	}
	if !e.Band.Template && len(e.Values) != len(e.Band.Columns) {
		return nil, fmt.Errorf("render: %s: %d values for %d columns", bandName(e.Band), len(e.Values), len(e.Band.Columns))
	}
	return b.info(e.Band)
}

// end checks the call order and marks the renderer ended.
func (b *base) end() error {
	if err := b.running("End"); err != nil {
		return err
	}
	b.phase = 2
	return nil
}

func (b *base) running(call string) error {
	switch b.phase {
	case 0:
		return fmt.Errorf("render: %s before Begin", call)
	case 2:
		return fmt.Errorf("render: %s after End", call)
	}
	return b.w.err
}

// write writes p, returning the writer's (sticky) error.
func (b *base) write(p []byte) error {
	_, err := b.w.Write(p)
	return err
}

// bandName names a band in messages and headings: "customer footer",
// "detail", "summary".
func bandName(band *Band) string {
	switch band.Kind {
	case GroupHeader, GroupFooter:
		return levelName(band.Group, band.Level) + " " + band.Kind.String()
	case ReportHeader:
		return "report header"
	case ReportFooter:
		return "report footer"
	}
	return band.Kind.String()
}

// cell returns column j of e, normalized.
func cell(e *Event, j int) any { return value.Normalize(e.Values[j]) }

// paramsLine renders the parameters as "name: value" pairs joined by sep,
// values exact (value.String).
func paramsLine(ps []Param, sep string, quote func(string) string) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = quote(p.Name + ": " + value.String(value.Normalize(p.Value)))
	}
	return strings.Join(parts, sep)
}

// totalsLines renders the totals for people: one line of counts, then one
// line per warning (each prefixed "warning: ").
func totalsLines(t *Totals, elapsed bool) []string {
	if t.Incomplete != "" {
		return []string{incompleteLabel + ": " + t.Incomplete}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "records read: %d, skipped: %d, rejected: %d", t.RecordsRead, t.Skipped, t.Rejected)
	if len(t.RejectedByLevel) > 0 {
		b.WriteString(" (")
		for i, lc := range t.RejectedByLevel {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s: %d", levelName(lc.Group, lc.Level), lc.Count)
		}
		b.WriteString(")")
	}
	if elapsed {
		fmt.Fprintf(&b, ", elapsed: %s", t.Elapsed)
	}
	lines := []string{b.String()}
	for _, w := range t.Warnings {
		lines = append(lines, "warning: "+w)
	}
	return lines
}
