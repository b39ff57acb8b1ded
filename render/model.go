package render

import (
	"fmt"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// BandKind says which part of a report a [Band] is.
type BandKind uint8

// The kinds of bands, in the order a report emits them.
const (
	ReportHeader BandKind = iota // once, before everything
	GroupHeader                  // when a group starts
	Detail                       // once per record
	GroupFooter                  // when a group ends
	Summary                      // once, after every group
	ReportFooter                 // once, last
)

var bandKindNames = [...]string{"report_header", "header", "detail", "footer", "summary", "report_footer"}

// String returns the kind's name as written in CSV and JSON Lines output:
// report_header, header, detail, footer, summary, report_footer.
func (k BandKind) String() string {
	if int(k) < len(bandKindNames) {
		return bandKindNames[k]
	}
	return fmt.Sprintf("BandKind(%d)", k)
}

// isGroup reports whether k is a group header or footer.
func (k BandKind) isGroup() bool { return k == GroupHeader || k == GroupFooter }

// Column is one named output column of a band.
type Column struct {
	// Name is the column's name, unique within its band.
	Name string
	// Kind is the column's static type; KindAny when only the run knows.
	// Text, Markdown and HTML right-align numeric columns.
	Kind value.Kind
	// Format is the column's format pattern (see [ParseFormat]); "" is the
	// default formatting.
	Format string
	// Label is the column's heading for readers (HTML, Markdown, PDF, XLSX,
	// text); "" shows Name. Machine formats (CSV, JSON) key by Name.
	Label string
}

// Band describes one band of a report. Events point at their Band, and
// renderers recognise bands by pointer.
type Band struct {
	// ID identifies the band within its report (unique, stable).
	ID int
	// Kind says what the band is.
	Kind BandKind
	// Level is the group level: 0 for the outermost group. Report-level
	// bands (report header and footer, summary) have -1; a detail band has
	// the level of the innermost group (-1 when there are no groups).
	Level int
	// Group is the name of the band's group level, e.g. "customer"; "" for
	// report-level bands.
	Group string
	// KeyNames are the names of the group keys of levels 0..Level.
	KeyNames []string
	// Grouping is the index of the top-level grouping (group block) a
	// group band belongs to, 0 for the first; the human formats print
	// each grouping as a table of its own. A detail band belongs to the
	// only grouping (0); report-level bands have none (the field is 0 and
	// not read).
	Grouping int
	// Columns are the band's columns; empty for a template band.
	Columns []Column
	// Template marks a band that is one line of text, such as
	// header "Territory {territory}"; its events carry Text, not Values.
	Template bool
}

// Param is one report parameter and the value the run uses.
type Param struct {
	// Name is the parameter's name.
	Name string
	// Value is its value, in the value model of package value.
	Value any
}

// Meta describes a report before its first event.
type Meta struct {
	// Title is the report's title ("" for none).
	Title string
	// Params are the report's parameters in declaration order.
	Params []Param
	// Bands are all the bands the report can emit, in script order. CSV
	// needs them to write its header; other formats use them for layout
	// and accept events of bands not listed here.
	Bands []*Band
	// Source names the report's script (informational; not printed).
	Source string
	// RunDate is when the run started, for page bands and document
	// headers; the zero time shows none (and keeps output reproducible).
	RunDate time.Time
	// PageHeader and PageFooter are the report's page bands (page_header,
	// page_footer), nil when not declared. Paged formats print them on
	// every page through [PageTemplate.Text]; the other formats ignore
	// them.
	PageHeader, PageFooter *PageTemplate
}

// Event is one instance of a band.
type Event struct {
	// Band is the band this event is an instance of.
	Band *Band
	// Keys holds the group key values of levels 0..Band.Level; a missing
	// trailing key is nil.
	Keys []any
	// Values holds one value per column of Band.
	Values []any
	// Text is the line of a template band.
	Text string
	// Styles holds one style per column of Band from its conditional
	// style rules (zero: none); nil when no column has rules.
	Styles []Style
	// RowStyle is the style of the whole row from the band's rules.
	RowStyle Style
}

// key returns the key of level i, or nil.
func (e *Event) key(i int) any {
	if i < len(e.Keys) {
		return value.Normalize(e.Keys[i])
	}
	return nil
}

// LevelCount is a count of records for one group level.
type LevelCount struct {
	// Level is the group level (0 outermost).
	Level int
	// Group is the level's name.
	Group string
	// Count is the number of records.
	Count int64
}

// Totals are the run's counters, shown at the end of the report.
type Totals struct {
	// RecordsRead counts the records read from the source.
	RecordsRead int64
	// Skipped counts records skipped for data errors (on_error skip).
	Skipped int64
	// Rejected counts records rejected because a level had too many groups.
	Rejected int64
	// RejectedByLevel splits Rejected by group level.
	RejectedByLevel []LevelCount
	// Warnings are messages for the reader, in the order they arose.
	Warnings []string
	// Elapsed is the run's duration; printed only with [Options.Elapsed].
	Elapsed time.Duration
	// Incomplete, when not empty, says why the report stops early: its run
	// was interrupted, timed out or failed. Every format then marks the
	// report as incomplete in its own way instead of writing the counts,
	// which are not known: a last line (text), a last paragraph (Markdown,
	// HTML), a row of band "incomplete" (CSV), an "incomplete" member in
	// place of "totals" (JSON), a line of band "incomplete" (JSON lines).
	Incomplete string
}

// levelName names a group level for people: its name or "level N".
func levelName(group string, level int) string {
	if group != "" {
		return group
	}
	return fmt.Sprintf("level %d", level)
}
