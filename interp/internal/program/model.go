// Package program is a compiled report script as the phases after the
// checker read it: its parameters, sources, per-record steps, group levels
// with their aggregates, bands, and the record layout. Compile builds it;
// the planner and the executors only read it, so one Program runs many
// times concurrently.
package program

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// Param is a declared parameter.
type Param struct {
	Name       string
	Kind       value.Kind
	Default    any
	HasDefault bool
	Pos        lexer.Position
}

// Source says where records (or lookup rows) come from.
type Source struct {
	Kind      string // csv, jsonl, sqlite
	Path      string // as written, relative to the script
	Table     string
	Query     string
	Delimiter rune
	Sample    int // rows sampled to infer types (0: the source's default)
	Types     map[string]value.Kind
	SortedBy  []string
	SortedPos lexer.Position // of the sorted by clause
	OrderBy   []string       // pushed down into SQLite
	Pos       lexer.Position
	Schema    *value.Schema
}

// Lookup joins related rows into each record.
type Lookup struct {
	Name   string
	Source *Source
	On     string // column of the lookup source
	Left   *Expr  // over the main record
	Slot   int
	Pos    lexer.Position
}

// Step is one where or let, in script order.
type Step struct {
	Where *Expr
	Let   *Expr
	Name  string
	Slot  int
}

// Column is one column of a band.
type Column struct {
	Name   string
	Expr   *Expr
	Format string
	Label  string // "footer of group territory column revenue", for errors
	Styles []StyleRule
}

// StyleRule is a compiled `style NAME when EXPR`: Style applies when When
// is true. When reads the band's params, keys and own columns by name.
type StyleRule struct {
	Style render.Style
	When  *Expr
	What  string // "style red of footer of group region column revenue", for errors
}

// TemplatePart is a literal or an expression of a text band, or, in a
// page band, a page number or count (Page; the renderer fills it in).
type TemplatePart struct {
	Lit  string
	Expr *Expr
	Page render.PageVar
}

// PageBand is a page_header or page_footer. An empty one (no parts) is
// declared and prints nothing: it replaces a paged format's default.
type PageBand struct {
	What  string // "page header", "page footer"
	Parts []TemplatePart
	Pos   lexer.Position
}

// Band is a header, footer, detail or summary band.
type Band struct {
	Band     *render.Band
	Cols     []*Column
	Template []TemplatePart
	Styles   []StyleRule // the band's row rules
	HasStyle bool        // some column or the band has style rules
	Aggs     []*AggRef   // every aggregate the band reads
	Pos      lexer.Position
}

// Level is one grouping level.
type Level struct {
	Name      string
	Key       *Expr
	KeySlot   int
	MaxGroups int
	Header    *Band
	Footer    *Band
	Specs     []agg.Spec
	SlotSpec  map[string]int // aggregate slot → index in Specs (and Group.Results)
	SpecRefs  []*AggRef      // the aggregate call of each spec
	Pos       lexer.Position
	// Having drops groups whose condition is not true; OrderBy sorts the
	// groups of a parent (Desc: descending) and Limit keeps the first ones.
	// They see the level's keys, its aggregates and its footer's columns.
	Having  *Expr
	OrderBy *Expr
	Desc    bool
	Limit   int
	// Running aggregates in the footer accumulate across the groups of a
	// parent (a running total of monthly revenue).
	Running []*AggRef
	// KeyNames are the names of levels 0..this one.
	KeyNames []string
}

// Holds reports whether a group's events must wait for the group to close.
func (lv *Level) Holds() bool {
	return lv.Having != nil || lv.OrderBy != nil || lv.Limit > 0 || (lv.Header != nil && len(lv.Header.Aggs) > 0)
}

// Sorts reports whether the level's groups are emitted sorted or limited.
func (lv *Level) Sorts() bool { return lv.OrderBy != nil || lv.Limit > 0 }

// Grouping is one independent grouping configuration (a top-level group
// block and the groups nested in it).
type Grouping struct {
	Levels    []*Level
	Streaming bool // input arrives sorted by the level keys
}

// AggRef is one aggregate call found in an expression and replaced by a read
// of its accumulator slot.
type AggRef struct {
	Fn    agg.Func
	Name  string // as written, upper-cased
	Param float64
	Arg   *Expr // nil for COUNT()
	Slot  string
	Pos   lexer.Position
	Kind  value.Kind
}

// Expr is one compiled row expression.
type Expr struct {
	Text string
	Pos  lexer.Position
	Kind value.Kind
	Prog *vm.Program
	Aggs []*AggRef
	Refs []string // names read from the environment
	// Slot, when not -1, is the record slot a bare field name reads: the
	// stage copies it instead of running the VM (set by plan; 0 before).
	Slot int
	// Node is the checked, rewritten expression; plan builds fast from it.
	Node ast.Node
	// Fast, when set, evaluates the expression without the VM.
	Fast FastFn
	// LocText and locPos, when set, are the text its nodes' locations
	// count in and where it starts: the enclosing expression's, for an
	// aggregate's argument (see at).
	LocText string
	LocPos  lexer.Position
}

// At returns the script position of rune offset off of a node's location.
func (e *Expr) At(off int) lexer.Position {
	if e.LocText != "" {
		return PosAt(e.LocPos, e.LocText, off)
	}
	return PosAt(e.Pos, e.Text, off)
}

// FastFn evaluates a small expression directly over a record, without the
// VM: field reads, constants, arithmetic and comparisons — the shape of
// most where clauses, lets and aggregate arguments (amount * quantity).
// It has the VM path's semantics exactly (the same value functions); an
// error carries the rune offset of the failing operator for its position.
type FastFn func(rec value.Record) (any, error)

// PosAt returns the file position of the rune at runeOff within text, an
// expression that starts at base in its file.
func PosAt(base lexer.Position, text string, runeOff int) lexer.Position {
	p := base
	n := 0
	for i, r := range text {
		if n == runeOff {
			p.Offset = base.Offset + i
			return p
		}
		if r == '\n' {
			p.Line++
			p.Column = 1
		} else {
			p.Column++
		}
		n++
	}
	p.Offset = base.Offset + len(text)
	return p
}

// Program is a compiled report script: what the checker produces and the
// planner and executors read. Nothing in it changes after Compile, so one
// Program runs many times concurrently.
type Program struct {
	Name      string
	Title     string
	Params    []*Param
	Source    *Source
	Lookups   []*Lookup
	Steps     []*Step
	Groupings []*Grouping
	Detail    *Band
	Summary   *Band
	RepHeader *Band
	RepFooter *Band
	// PageHeader and PageFooter are the page bands (nil: none). Their
	// expressions see the params, title and run_date, and are evaluated
	// once, when the run starts.
	PageHeader *PageBand
	PageFooter *PageBand
	OnError    string // "fail" or "skip"
	MaxGroups  int
	// MaxValueBytes bounds one value an operator, function or template
	// builds (0: value.DefaultMaxBytes; negative: no bound; see
	// value.MaxBytes).
	MaxValueBytes int64

	// Record layout: source fields, lookup slots, let slots, key slots,
	// aggregate argument slots.
	NSource    int
	ArgBase    int
	Width      int
	Args       []*Expr // aggregate arguments, evaluated per record
	ArgIx      map[string]int
	Global     []agg.Spec
	GlobalRefs []*AggRef
	GSlot      map[string]int  // summary/report aggregate slot → index in global
	NeedSort   bool            // a detail band over input not sorted by its group keys (see DetailWaits)
	Unused     map[string]bool // source fields no expression reads
	Names      []string        // record slot names for the environment (index = slot)
	Bands      []*render.Band
}

// DetailWaits reports why the detail band's rows wait for their group to
// close instead of being printed as their records arrive ("" when they do
// not): over input not sorted by the group keys every group closes at the
// end of the input; with PERCENT_OF_TOTAL in the grouping a group closes
// once the enclosing total is known. Its records are held until then.
func (p *Program) DetailWaits() string {
	if p.Detail == nil || len(p.Groupings) == 0 {
		return ""
	}
	if p.NeedSort {
		return "a detail band over input not sorted by its group keys holds records in memory; " +
			"declare the source `sorted by` its keys, or index the SQLite table on them"
	}
	for _, lv := range p.Groupings[0].Levels {
		for _, sp := range lv.Specs {
			if sp.Func == agg.PercentOfTotal {
				return "a detail band with PERCENT_OF_TOTAL in a group's bands holds the records " +
					"of each group until the enclosing group's total is known"
			}
		}
	}
	return ""
}

// ArgIndex returns the index of an aggregate argument among p.Args.
func (p *Program) ArgIndex(e *Expr) int { return p.ArgIx[e.Text] }

// PosString prints a position as file:line:col (line:col without a file).
func PosString(p lexer.Position) string {
	if p.Filename == "" {
		return fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

// BandName names a band in messages: "footer of group territory".
func BandName(b *render.Band) string {
	switch b.Kind {
	case render.GroupHeader:
		return "header of group " + b.Group
	case render.GroupFooter:
		return "footer of group " + b.Group
	}
	return b.Kind.String()
}

// OneLine joins an expression written over several lines into one.
func OneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, " ")
}
