package grammar

import "github.com/alecthomas/participle/v2/lexer"

// The AST types double as the participle grammar: the parser struct tags
// describe the syntax of most statements. Stmt dispatches on a statement's
// first word, and sources, bands, their parts and the literals parse
// themselves (Parse methods: participle's Parseable), which spares a
// detail report the building of parsers by reflection (see stmt.go). Pos
// is the position of the node's first token.

// Node is implemented by every AST node.
type Node interface {
	// Position returns the position of the node's first token.
	Position() lexer.Position
}

// File is a parsed script.
type File struct {
	Pos   lexer.Position
	Stmts []*Stmt `parser:"(EOL | @@ EOL)* EOF"`
}

// Stmt is one top-level statement. Exactly one field other than Pos is set.
// Its first word picks the statement's grammar (see [Stmt.Parse]).
type Stmt struct {
	Pos       lexer.Position
	Report    *ReportStmt
	Param     *Param
	Source    *Source
	Lookup    *Lookup
	OnError   *OnError
	MaxGroups *MaxGroups
	Where     *Where
	Let       *Let
	Group     *Group
	Detail    *Band
	Summary   *Band
	Header    *Band // report header
	Footer    *Band // report footer
	// PageHeader and PageFooter are `page_header "TEXT"` and
	// `page_footer "TEXT"`: a line at the top or bottom of every page of a
	// paged format.
	PageHeader *Template
	PageFooter *Template
}

// ReportStmt is `report "Title"`.
type ReportStmt struct {
	Pos   lexer.Position
	Title StringLit `parser:"'report' @@"`
}

// Param is `param NAME: TYPE = DEFAULT`. Type is not checked here. Default is
// nil when the parameter is required; otherwise it is raw expression text,
// such as 2024-01-01, which the interpreter interprets according to Type.
type Param struct {
	Pos     lexer.Position
	Name    Ident `parser:"'param' @@"`
	Type    Ident `parser:"':' @@"`
	Default *Expr `parser:"('=' @@)?"`
}

// Source is `source CALL {SCHEMA} sorted by NAME, ...`, with the schema and
// the sort order optional.
type Source struct {
	Pos      lexer.Position
	Call     *Call
	Schema   []*FieldType
	SortedBy []Ident
}

// FieldType is one `NAME: TYPE` entry of a source schema.
type FieldType struct {
	Pos  lexer.Position
	Name Ident
	Type Ident
}

// Call is a data source such as `sqlite("sales.db", table: "sales")`:
// positional literal arguments followed by named ones. That positional
// arguments come first is checked by Parse.
type Call struct {
	Pos  lexer.Position
	Name Ident
	Args []*Arg
}

// Arg is one argument of a [Call]. Name is nil for a positional argument.
type Arg struct {
	Pos   lexer.Position
	Name  *Ident
	Value Literal
}

// Lookup is `lookup NAME = CALL on LEFT == RIGHT`: records of the main
// source are joined to the record of the lookup source whose field RIGHT
// equals the value of LEFT. The last "==" outside brackets separates the two.
type Lookup struct {
	Pos   lexer.Position
	Name  Ident `parser:"'lookup' @@ '='"`
	Call  *Call `parser:"@@"`
	Left  *Expr `parser:"'on' @@"`
	Right Ident // split off Left by Parse
}

// OnError is `on_error MODE`, where MODE is "skip" or "fail" (checked by
// the interpreter).
type OnError struct {
	Pos  lexer.Position
	Mode Ident `parser:"'on_error' @@"`
}

// MaxGroups is the report-wide `max_groups N`.
type MaxGroups struct {
	Pos   lexer.Position
	Limit IntLit `parser:"'max_groups' @@"`
}

// Where is `where COND`, a filter on records.
type Where struct {
	Pos  lexer.Position
	Cond *Expr `parser:"'where' @@"`
}

// Let is `let NAME = VALUE`, a computed field.
type Let struct {
	Pos   lexer.Position
	Name  Ident `parser:"'let' @@ '='"`
	Value *Expr `parser:"@@"`
}

// Group is `group KEY as NAME max_groups N having COND order by EXPR desc
// limit N { ITEMS }`, with every clause after KEY optional. Groups nest
// through Items. Having, order by and limit see the level's keys and
// aggregates, like its footer.
type Group struct {
	Pos       lexer.Position
	Key       *Expr        `parser:"'group' @@"`
	As        *Ident       `parser:"('as' @@)?"`
	MaxGroups *IntLit      `parser:"('max_groups' @@)?"`
	Having    *Expr        `parser:"('having' @@)?"`
	OrderBy   *Expr        `parser:"('order' 'by' @@"`
	Desc      bool         `parser:"  (@'desc' | 'asc')? )?"`
	Limit     *IntLit      `parser:"('limit' @@)?"`
	Items     []*GroupItem `parser:"'{' (EOL | @@ EOL)* '}'"`
}

// GroupItem is one item of a group body. Exactly one field other than Pos is
// set.
type GroupItem struct {
	Pos    lexer.Position
	Header *Band  `parser:"  'header' @@"`
	Footer *Band  `parser:"| 'footer' @@"`
	Group  *Group `parser:"| @@"`
}

// Band is what a header, footer, detail or summary prints: either a string
// template or a list of columns. Exactly one of Template and Columns is set.
type Band struct {
	Pos      lexer.Position
	Template *Template
	Columns  []*Column
	// Styles are the band's row rules, `style NAME when EXPR` after the
	// closing brace of a column band: the whole row takes the style.
	Styles []*StyleRule
}

// StyleRule is `style NAME when EXPR`: when the condition holds for an
// emitted row, the column (or, after a band, the whole row) takes the
// style NAME.
type StyleRule struct {
	Pos   lexer.Position
	Style *Ident
	When  *Expr
}

// Column is `NAME: EXPR format "PATTERN" label "HEADING"`, with the name,
// the format and the label optional and the format and the label in either
// order. A bare column such as `customer` has no Name.
type Column struct {
	Pos    lexer.Position
	Name   *Ident
	Expr   *Expr
	Format *StringLit
	Label  *StringLit // the heading human formats show; nil: the name
	Styles []*StyleRule
}

// Ident is a name: a parameter, field, type, function or option name.
type Ident struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
}

// Position implements [Node].
func (n *File) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Stmt) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *ReportStmt) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Param) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Source) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *FieldType) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Call) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Arg) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Lookup) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *OnError) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *MaxGroups) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Where) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Let) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Group) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *GroupItem) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Band) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Column) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *StyleRule) Position() lexer.Position { return n.Pos }

// Position implements [Node].
func (n *Ident) Position() lexer.Position { return n.Pos }
