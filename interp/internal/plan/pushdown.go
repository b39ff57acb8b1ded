package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"

	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// Aggregation push-down: a report over a SQLite table whose aggregates
// SQLite can compute exactly has SQLite compute them, one
//
//	SELECT keys…, COUNT(*), SUM(…), COUNT(…), MIN(…), MAX(…)
//	FROM (SELECT … FROM table WHERE rowid > ? AND rowid <= ?) GROUP BY keys…
//
// per range of rowids, instead of reading every row into Go. Exactness comes
// from integers: every aggregate argument is an int or decimal expression
// (fields, literals, + - *), and decimal fields, which have a fixed number
// of fraction digits, travel as scaled integers (12.34 as 1234), so SUM,
// MIN and MAX are SQLite's 64-bit integer arithmetic. Each column's
// conversion checks its value in the same statement: a value that is not
// what reportsh would read (a decimal with another number of fraction
// digits, text in an integer column, …) becomes the REAL 0.5, which turns
// the column's SUM into a REAL; an overflow in an expression turns it into
// a REAL too, and one in a SUM is an error. Either makes the run fall back
// to reading the rows, transparently.
//
// The result rows are partial aggregate states (one per group and range).
// They are fed, one record per row, into aggregation engines whose specs
// are "carriers" (the SUM of the partial SUMs, the MIN of the partial MINs,
// the SUM of the partial COUNTs, …), so grouping, key order, nil keys,
// PERCENT_OF_TOTAL, having, order by and limit are the engine's and the
// builder's as in any run; each closed group's carrier results are then
// translated back into the report's aggregates (AVG from the exact SUM and
// COUNT).

// PdJudgeRows is the least number of rows a range must hold for its number
// of groups to steer the push-down (see pdSource.Fetch and adapt).
const PdJudgeRows = 4096

// PushPlan is how a report's aggregation runs in SQLite, or why it does not.
type PushPlan struct {
	// reason says why the aggregation is not pushed down; "" when it is.
	reason string
	// Sql is the statement over the rows of one rowid range (its bounds
	// are parameters 1 and 2: above the first, up to the second); sqlAll
	// the one over the whole table.
	Sql, SqlAll string
	table       source.SQLiteTable
	// KeyCols are the schema indexes of the level keys; keyNames the keys.
	KeyCols  []int
	KeyNames []string
	// Cols are the aggregate result columns, after the keys; cols[0] is
	// COUNT(*).
	Cols []PdCol
	// Levels are the carriers and translations of each group level, global
	// those of the report-wide aggregates.
	Levels []pdSpecs
	Global pdSpecs
	// checked describes the values each statement checks, for explain.
	checked []string
	// Raw, when every checked field's values can be read as they are
	// stored (not DECIMAL(p,s) columns, whose REALs SQLite rounds), reads
	// the rows through SQLite's C API and aggregates them in Go instead of
	// running sql (see pushdown_raw.go).
	Raw *pdRaw
	// whyNotRaw says why raw is nil.
	whyNotRaw string
}

// PdCol is one aggregate result column.
type PdCol struct {
	Fn    string // SUM, COUNT, MIN, MAX
	arg   string // over the inner statement's aliases; * for COUNT(*)
	Scale int32  // the fraction digits of a decimal's scaled integer
	Dec   bool   // the values are decimals (scaled integers)
	// Field, for the SUM of a bare field, names the field: a REAL in it
	// means a value of that field does not conform.
	Field string
	What  string // how that field's values must be, for the fall back's reason
	K     *kexpr // the argument, for the CSV scanner; nil for COUNT(*)
}

func (c PdCol) Sql() string { return c.Fn + "(" + c.arg + ")" }

// pdSpecs are one level's (or the report's) aggregates as carriers.
type pdSpecs struct {
	Carriers []agg.Spec
	results  []pdResult // per aggregate of the level, in spec order
}

// How an aggregate's result comes from its carriers' results.
const (
	pdSame  = iota // the carrier's result (SUM, MIN, MAX, PERCENT_OF_TOTAL)
	pdCount        // the SUM of partial counts; 0 when there were none
	pdAvg          // the SUM of partial sums over the SUM of partial counts
)

type pdResult struct {
	how  int
	i, j int // carrier indexes
}

// Translate turns carrier results into the aggregates' results.
func (s *pdSpecs) Translate(carried []any) []any {
	out := make([]any, len(s.results))
	for k, r := range s.results {
		switch r.how {
		case pdSame:
			out[k] = carried[r.i]
		case pdCount:
			out[k] = carried[r.i]
			if out[k] == nil {
				out[k] = int64(0)
			}
		case pdAvg:
			n, _ := carried[r.j].(int64)
			out[k] = AvgOf(carried[r.i], n)
		}
	}
	return out
}

// AvgOf is AVG from an exact total of n values (an int or decimal sum), as
// the engine computes it: agg.DecimalAvg.
func AvgOf(total any, n int64) any {
	t, ok := value.ToDecimal(total)
	if !ok || n == 0 {
		return nil
	}
	return agg.DecimalAvg(t, n)
}

// pushStatic returns why the report's shape keeps its aggregation out of
// SQLite, whatever the table; "" when the table decides.
func (p *Planner) pushStatic() string {
	src := p.m.Source
	switch {
	case src == nil || src.Kind != "sqlite":
		return "the source is not SQLite"
	case src.Query != "":
		return "the source is a query: its rows are read as the query returns them"
	}
	if why := p.carrierShape("SQLite does not join"); why != "" {
		return why
	}
	if len(p.m.Steps) > 0 {
		if s := p.m.Steps[0]; s.Let != nil {
			return "the report has a let (let " + s.Name + "), which runs on each record read"
		}
		return "the report has a where, which runs on each record read"
	}
	return ""
}

// carrierShape returns why the report's shape needs its records one by one
// (so that its aggregation cannot be computed as partial states by SQLite
// or the CSV scanner); "" when it does not. noJoin ends the lookup reason.
// Where clauses and lets are the caller's to judge.
func (p *Planner) carrierShape(noJoin string) string {
	switch {
	case len(p.m.Lookups) > 0:
		return "the report has a lookup, which " + noJoin
	case p.m.Detail != nil:
		return "the report has a detail band, which prints every record"
	case len(p.m.Groupings) > 1:
		return fmt.Sprintf("the report has %d top-level groupings", len(p.m.Groupings))
	case len(p.m.Source.SortedBy) > 0:
		return "the source declares `sorted by`, which is checked on every record"
	}
	return ""
}

// planPushdown decides whether the report's aggregation runs in SQLite over
// tbl, whose records have schema, and builds the statement.
func (p *Planner) planPushdown(tbl source.SQLiteTable, isTable bool, schema *value.Schema) *PushPlan {
	pp := &PushPlan{table: tbl}
	if why := p.pushStatic(); why != "" {
		pp.reason = why
		return pp
	}
	if !isTable {
		pp.reason = "the source is a view"
		return pp
	}
	a := &pdAnalyzer{p: p, pp: pp, schema: schema, back: sqliteBackend{}, alias: map[int]string{}, colIx: map[string]int{}}
	if pp.reason = a.analyze(); pp.reason == "" {
		a.build()
	}
	return pp
}

// analyze translates the keys and the aggregates of every level into
// result columns and carriers; it returns why it cannot.
func (a *pdAnalyzer) analyze() string {
	p, pp := a.p, a.pp
	a.col(PdCol{Fn: "COUNT", arg: "*"})
	if len(p.m.Groupings) == 1 {
		levels := p.m.Groupings[0].Levels
		for _, lv := range levels {
			if why := a.key(lv); why != "" {
				return why
			}
		}
		for _, lv := range levels {
			specs, why := a.specs(lv.Specs, "group "+lv.Name)
			if why != "" {
				return why
			}
			pp.Levels = append(pp.Levels, specs)
		}
	}
	specs, why := a.specs(p.m.Global, "the report")
	if why != "" {
		return why
	}
	pp.Global = specs
	for _, name := range sortedKinds(p.m.Source.Types) {
		i := a.schema.Index(name)
		if i < 0 {
			continue
		}
		if _, ok := a.alias[i]; !ok && !containsInt(pp.KeyCols, i) && !containsInt(a.strs, i) {
			if why := a.back.declared(a, i); why != "" {
				return why
			}
		}
	}
	return ""
}

func sortedKinds(m map[string]value.Kind) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func containsInt(list []int, x int) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// pdAnalyzer translates keys and aggregate arguments into SQL.
type pdAnalyzer struct {
	p       *Planner
	pp      *PushPlan
	schema  *value.Schema
	back    pdBackend
	inner   []string       // the inner statement's select list
	alias   map[int]string // schema index → alias of its checked value (SQLite), or name (CSV)
	checked []int          // declared fields only checked (CSV)
	colIx   map[string]int // pdCol.sql() → index in pp.cols
	// For the CSV scanner: the lets translated so far, the bound
	// parameters, the steps, and the string fields the where clauses read.
	lets   map[string]pdExpr
	params map[string]any
	ksteps []kstep
	strs   []int
	// For reading the rows in Go (SQLite): how each checked field's values
	// are read, and whether every one can be.
	rawFields []PdRawField
	noRaw     string // why the rows cannot be aggregated in Go as read
}

// col adds a result column (once) and returns its index.
func (a *pdAnalyzer) col(c PdCol) int {
	key := c.Sql()
	if i, ok := a.colIx[key]; ok {
		if c.Field != "" && a.pp.Cols[i].Field == "" {
			a.pp.Cols[i].Field, a.pp.Cols[i].What = c.Field, c.What
		}
		return i
	}
	a.pp.Cols = append(a.pp.Cols, c)
	a.colIx[key] = len(a.pp.Cols) - 1
	return len(a.pp.Cols) - 1
}

// pdBackend is what differs between computing partial states in SQLite and
// in the CSV scanner: which fields can be keys and values, and how.
type pdBackend interface {
	// key checks that field i can be the key of level lv: "" or why not.
	key(a *pdAnalyzer, i int, lv *program.Level) string
	// field returns field i as an aggregate's operand, or why it cannot be.
	field(a *pdAnalyzer, i int) (pdExpr, string)
	// declared checks the values of field i, declared but not read: "" or
	// why that cannot be done.
	declared(a *pdAnalyzer, i int) string
}

// key checks a group level's key: a field whose every distinct value the
// backend tells apart as reportsh does.
func (a *pdAnalyzer) key(lv *program.Level) string {
	name := ""
	if lv.Key != nil {
		name = strings.TrimSpace(lv.Key.Text)
	}
	i := -1
	if check.IsIdent(name) {
		i = a.schema.Index(name)
	}
	if i < 0 {
		return fmt.Sprintf("the key of group %s is not a field of the source", lv.Name)
	}
	if why := a.back.key(a, i, lv); why != "" {
		return why
	}
	a.pp.KeyCols = append(a.pp.KeyCols, i)
	a.pp.KeyNames = append(a.pp.KeyNames, lv.Name)
	return ""
}

// specs translates a level's aggregates into carriers.
func (a *pdAnalyzer) specs(specs []agg.Spec, where string) (pdSpecs, string) {
	var out pdSpecs
	carrier := func(f agg.Func, col int) int {
		out.Carriers = append(out.Carriers, agg.Spec{Func: f, Arg: col})
		return len(out.Carriers) - 1
	}
	for _, s := range specs {
		call := s.Func.String() + "()"
		var arg pdExpr
		if s.Arg >= 0 {
			e := a.p.m.Args[s.Arg]
			call = s.Func.String() + "(" + program.OneLine(e.Text) + ")"
			var why string
			if arg, why = a.expr(e.Node); why != "" {
				return out, call + " in " + where + ": " + why
			}
			if _, ok := a.back.(sqliteBackend); ok {
				a.col(PdCol{Fn: "SUM", arg: arg.sql, Scale: arg.scale, Dec: arg.dec, K: arg.k}) // an overflow shows as a REAL
			}
		}
		sum := func() int { return a.col(PdCol{Fn: "SUM", arg: arg.sql, Scale: arg.scale, Dec: arg.dec, K: arg.k}) }
		switch s.Func {
		case agg.Sum, agg.RunningSum, agg.PercentOfTotal:
			out.results = append(out.results, pdResult{how: pdSame, i: carrier(s.Func, sum())})
		case agg.Count, agg.CountStar, agg.RunningCount:
			col := 0 // COUNT(*)
			if s.Arg >= 0 {
				col = a.col(PdCol{Fn: "COUNT", arg: arg.sql, K: arg.k})
			}
			out.results = append(out.results, pdResult{how: pdCount, i: carrier(agg.Sum, col)})
		case agg.Avg:
			i := carrier(agg.Sum, sum())
			j := carrier(agg.Sum, a.col(PdCol{Fn: "COUNT", arg: arg.sql, K: arg.k}))
			out.results = append(out.results, pdResult{how: pdAvg, i: i, j: j})
		case agg.Min, agg.Max:
			col := a.col(PdCol{Fn: strings.ToUpper(s.Func.String()), arg: arg.sql, Scale: arg.scale, Dec: arg.dec, K: arg.k})
			out.results = append(out.results, pdResult{how: pdSame, i: carrier(s.Func, col)})
		default:
			engine := "SQLite"
			if _, ok := a.back.(csvBackend); ok {
				engine = "the scanner"
			}
			return out, call + " in " + where + " is not computed in " + engine
		}
	}
	return out, ""
}

// pdExpr is an aggregate argument in SQL: a scaled integer with scale
// fraction digits when dec.
type pdExpr struct {
	sql   string
	scale int32
	dec   bool
	k     *kexpr // the same, for the CSV scanner
}

// maxPushScale bounds the scale of a pushed expression: 10^18 is the
// largest power of ten in an int64.
const maxPushScale = 18

// maxPushText bounds the SQL text of one pushed expression, its lets
// inlined; maxPushLets that of all the lets together. A let used twice in
// the next doubles the text (and the scanner's work per record), so a
// chain of lets would otherwise grow exponentially with the script.
const (
	maxPushText = 1 << 12
	maxPushLets = 1 << 16
)

// tooLong is why an expression stays off SQLite and the scanner.
const tooLong = "it is too long to compute in SQLite or the scanner, its lets inlined"

// expr translates an aggregate argument's checked tree into SQL over the
// inner statement's checked values.
func (a *pdAnalyzer) expr(n ast.Node) (pdExpr, string) {
	const only = "only +, - and * of int and decimal fields and literals are computed in SQLite"
	switch x := n.(type) {
	case *ast.IdentifierNode:
		i := a.schema.Index(x.Value)
		if i < 0 {
			return a.ident(x.Value)
		}
		return a.back.field(a, i)
	case *ast.ConstantNode:
		switch v := x.Value.(type) {
		case int64:
			return pdExpr{sql: "(" + strconv.FormatInt(v, 10) + ")", k: &kexpr{Op: kConst, c: v}}, ""
		case value.Decimal:
			c, scale := v.Big()
			if !c.IsInt64() || scale > maxPushScale {
				return pdExpr{}, "the literal " + v.String() + " is too long for 64-bit integers"
			}
			return pdExpr{sql: "(" + c.String() + ")", scale: scale, dec: true, k: &kexpr{Op: kConst, c: c.Int64(), scale: scale}}, ""
		}
		return pdExpr{}, only
	case *ast.CallNode:
		id, ok := x.Callee.(*ast.IdentifierNode)
		if !ok {
			return pdExpr{}, only
		}
		if id.Value == "__neg" && len(x.Arguments) == 1 {
			e, why := a.expr(x.Arguments[0])
			if why == "" && e.k.date {
				return pdExpr{}, "date arithmetic is not computed in the scanner"
			}
			e.sql = "(-" + e.sql + ")"
			e.k = &kexpr{Op: kNeg, l: e.k, scale: e.scale}
			return e, why
		}
		op := map[string]string{"__add": "+", "__sub": "-", "__mul": "*"}[id.Value]
		if op == "" || len(x.Arguments) != 2 {
			return pdExpr{}, only
		}
		l, why := a.expr(x.Arguments[0])
		if why != "" {
			return l, why
		}
		r, why := a.expr(x.Arguments[1])
		if why != "" {
			return r, why
		}
		if len(l.sql)+len(r.sql) > maxPushText {
			return pdExpr{}, tooLong
		}
		if l.k.date || r.k.date {
			return pdExpr{}, "date arithmetic is not computed in the scanner"
		}
		out := pdExpr{dec: l.dec || r.dec, k: &kexpr{Op: kOps[op], l: l.k, r: r.k}}
		if op == "*" {
			out.scale = l.scale + r.scale
			out.sql = "(" + l.sql + " * " + r.sql + ")"
		} else {
			out.scale = max(l.scale, r.scale)
			out.sql = "(" + scaleUp(l, out.scale) + " " + op + " " + scaleUp(r, out.scale) + ")"
		}
		if out.scale > maxPushScale {
			return pdExpr{}, "its scale is too large for 64-bit integers"
		}
		out.k.scale = out.scale
		return out, ""
	}
	return pdExpr{}, only
}

// pdRaw is the statement that reads the rows, and how to check its values.
type pdRaw struct {
	Sql, SqlAll string       // the keys' columns, then fields' (as pp.sql and pp.sqlAll)
	Fields      []PdRawField // after the keys, in statement order
}

// PdRawField is a field the aggregates read.
type PdRawField struct {
	Field int // schema index (kexpr's field)
	Name  string
	Dec   bool  // a decimal written as TEXT with scale fraction digits; else an integer
	Scale int32 // fraction digits
	What  string
}
