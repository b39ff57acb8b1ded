package interp

import (
	"github.com/alecthomas/participle/v2/lexer"
	"sync/atomic"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// The plan: what Compile produces and Run executes. Nothing here changes
// after Compile, so one Program runs many times concurrently.

// paramDef is a declared parameter.
type paramDef struct {
	Name       string
	Kind       value.Kind
	Default    any
	HasDefault bool
	Pos        lexer.Position
}

// sourceDef says where records (or lookup rows) come from.
type sourceDef struct {
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

// lookupDef joins related rows into each record.
type lookupDef struct {
	Name   string
	Source *sourceDef
	On     string // column of the lookup source
	Left   *Expr  // over the main record
	Slot   int
	Pos    lexer.Position
}

// step is one where or let, in script order.
type step struct {
	Where *Expr
	Let   *Expr
	Name  string
	Slot  int
}

// colDef is one column of a band.
type colDef struct {
	Name   string
	Expr   *Expr
	Format string
	label  string // "footer of group territory column revenue", for errors
}

// templatePart is a literal or an expression of a text band.
type templatePart struct {
	Lit  string
	Expr *Expr
}

// bandDef is a header, footer, detail or summary band.
type bandDef struct {
	Band     *render.Band
	Cols     []*colDef
	Template []templatePart
	Aggs     []*aggRef // every aggregate the band reads
	Pos      lexer.Position
}

// level is one grouping level.
type level struct {
	Name      string
	Key       *Expr
	KeySlot   int
	MaxGroups int
	Header    *bandDef
	Footer    *bandDef
	Specs     []agg.Spec
	slotSpec  map[string]int // aggregate slot → index in Specs (and Group.Results)
	specRefs  []*aggRef      // the aggregate call of each spec
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
	Running []*aggRef
	// keyNames are the names of levels 0..this one.
	keyNames []string
}

// holds reports whether a group's events must wait for the group to close.
func (lv *level) holds() bool {
	return lv.Having != nil || lv.OrderBy != nil || lv.Limit > 0 || (lv.Header != nil && len(lv.Header.Aggs) > 0)
}

// sorts reports whether the level's groups are emitted sorted or limited.
func (lv *level) sorts() bool { return lv.OrderBy != nil || lv.Limit > 0 }

// grouping is one independent grouping configuration (a top-level group
// block and the groups nested in it).
type grouping struct {
	Levels    []*level
	Streaming bool // input arrives sorted by the level keys
}

// Program is a compiled report script, ready to run any number of times,
// concurrently.
type Program struct {
	spare     atomic.Pointer[spareSource] // the main source Compile opened (Options.ReuseSource)
	name      string
	title     string
	opts      Options
	params    []*paramDef
	source    *sourceDef
	lookups   []*lookupDef
	steps     []*step
	groupings []*grouping
	detail    *bandDef
	summary   *bandDef
	repHeader *bandDef
	repFooter *bandDef
	onError   string // "fail" or "skip"
	maxGroups int

	// Record layout: source fields, lookup slots, let slots, key slots,
	// aggregate argument slots.
	nSource    int
	argBase    int
	width      int
	args       []*Expr // aggregate arguments, evaluated per record
	argIx      map[string]int
	global     []agg.Spec
	globalRefs []*aggRef
	gslot      map[string]int  // summary/report aggregate slot → index in global
	needSort   bool            // buffer and sort records (detail over unsorted groups)
	unused     map[string]bool // source fields no expression reads
	names      []string        // record slot names for the environment (index = slot)
	bands      []*render.Band
	funcs      *funcTable

	tune tuning // the executors' sizes (tests make them small)
	// faultIn, set by the tests, names a part of a run that panics as it
	// starts (see protect).
	faultIn string
}

// argIndex returns the index of an aggregate argument among p.args.
func (p *Program) argIndex(e *Expr) int { return p.argIx[e.Text] }

// Title returns the report's title (its report statement, else the script's
// file name without extension).
func (p *Program) Title() string { return p.title }

// ParamInfo describes one declared parameter.
type ParamInfo struct {
	Name string
	// Type is the declared type as scripts write it: int, decimal, date…
	Type string
	// Default is the default value; nil when the parameter is required.
	Default any
	// Required is set when the parameter has no default.
	Required bool
}

// Params returns the declared parameters in declaration order.
func (p *Program) Params() []ParamInfo {
	out := make([]ParamInfo, len(p.params))
	for i, pd := range p.params {
		out[i] = ParamInfo{Name: pd.Name, Type: pd.Kind.String(), Default: pd.Default, Required: !pd.HasDefault}
	}
	return out
}
