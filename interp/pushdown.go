package interp

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

// pdJudgeRows is the least number of rows a range must hold for its number
// of groups to steer the push-down (see pdSource.Fetch and adapt).
const pdJudgeRows = 4096

// pushPlan is how a report's aggregation runs in SQLite, or why it does not.
type pushPlan struct {
	// reason says why the aggregation is not pushed down; "" when it is.
	reason string
	// sql is the statement over the rows of one rowid range (its bounds
	// are parameters 1 and 2: above the first, up to the second); sqlAll
	// the one over the whole table.
	sql, sqlAll string
	table       source.SQLiteTable
	// keyCols are the schema indexes of the level keys; keyNames the keys.
	keyCols  []int
	keyNames []string
	// cols are the aggregate result columns, after the keys; cols[0] is
	// COUNT(*).
	cols []pdCol
	// levels are the carriers and translations of each group level, global
	// those of the report-wide aggregates.
	levels []pdSpecs
	global pdSpecs
	// checked describes the values each statement checks, for explain.
	checked []string
	// raw, when every checked field's values can be read as they are
	// stored (not DECIMAL(p,s) columns, whose REALs SQLite rounds), reads
	// the rows through SQLite's C API and aggregates them in Go instead of
	// running sql (see pushdown_raw.go).
	raw *pdRaw
	// whyNotRaw says why raw is nil.
	whyNotRaw string
}

// pdCol is one aggregate result column.
type pdCol struct {
	fn    string // SUM, COUNT, MIN, MAX
	arg   string // over the inner statement's aliases; * for COUNT(*)
	scale int32  // the fraction digits of a decimal's scaled integer
	dec   bool   // the values are decimals (scaled integers)
	// field, for the SUM of a bare field, names the field: a REAL in it
	// means a value of that field does not conform.
	field string
	what  string // how that field's values must be, for the fall back's reason
	k     *kexpr // the argument, for the CSV scanner; nil for COUNT(*)
}

func (c pdCol) sql() string { return c.fn + "(" + c.arg + ")" }

// pdSpecs are one level's (or the report's) aggregates as carriers.
type pdSpecs struct {
	carriers []agg.Spec
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

// translate turns carrier results into the aggregates' results.
func (s *pdSpecs) translate(carried []any) []any {
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
			out[k] = avgOf(carried[r.i], n)
		}
	}
	return out
}

// avgOf is AVG from an exact total of n values (an int or decimal sum), as
// the engine computes it: agg.DecimalAvg.
func avgOf(total any, n int64) any {
	t, ok := value.ToDecimal(total)
	if !ok || n == 0 {
		return nil
	}
	return agg.DecimalAvg(t, n)
}

// pushStatic returns why the report's shape keeps its aggregation out of
// SQLite, whatever the table; "" when the table decides.
func (p *Program) pushStatic() string {
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
func (p *Program) carrierShape(noJoin string) string {
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
func (p *Program) planPushdown(tbl source.SQLiteTable, isTable bool, schema *value.Schema) *pushPlan {
	pp := &pushPlan{table: tbl}
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
	a.col(pdCol{fn: "COUNT", arg: "*"})
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
			pp.levels = append(pp.levels, specs)
		}
	}
	specs, why := a.specs(p.m.Global, "the report")
	if why != "" {
		return why
	}
	pp.global = specs
	for _, name := range sortedKinds(p.m.Source.Types) {
		i := a.schema.Index(name)
		if i < 0 {
			continue
		}
		if _, ok := a.alias[i]; !ok && !containsInt(pp.keyCols, i) && !containsInt(a.strs, i) {
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
	p       *Program
	pp      *pushPlan
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
	rawFields []pdRawField
	noRaw     string // why the rows cannot be aggregated in Go as read
}

// col adds a result column (once) and returns its index.
func (a *pdAnalyzer) col(c pdCol) int {
	key := c.sql()
	if i, ok := a.colIx[key]; ok {
		if c.field != "" && a.pp.cols[i].field == "" {
			a.pp.cols[i].field, a.pp.cols[i].what = c.field, c.what
		}
		return i
	}
	a.pp.cols = append(a.pp.cols, c)
	a.colIx[key] = len(a.pp.cols) - 1
	return len(a.pp.cols) - 1
}

// affinity is SQLite's column affinity of a declared type.
func affinity(decl string) string {
	u := strings.ToUpper(decl)
	switch {
	case strings.Contains(u, "INT"):
		return "INTEGER"
	case strings.Contains(u, "CHAR"), strings.Contains(u, "CLOB"), strings.Contains(u, "TEXT"):
		return "TEXT"
	case strings.Contains(u, "BLOB"), strings.TrimSpace(u) == "":
		return "BLOB"
	case strings.Contains(u, "REAL"), strings.Contains(u, "FLOA"), strings.Contains(u, "DOUB"):
		return "REAL"
	}
	return "NUMERIC"
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
	a.pp.keyCols = append(a.pp.keyCols, i)
	a.pp.keyNames = append(a.pp.keyNames, lv.Name)
	return ""
}

// sqliteBackend computes the partial states in SQL.
type sqliteBackend struct{}

func (sqliteBackend) declared(a *pdAnalyzer, i int) string {
	return fmt.Sprintf("field %s is declared, so every record's value is checked, but no aggregate reads it", a.schema.Fields[i].Name)
}

// key accepts a field whose every distinct stored value SQLite's GROUP BY
// tells apart as reportsh does.
func (sqliteBackend) key(a *pdAnalyzer, i int, lv *program.Level) string {
	f := a.schema.Fields[i]
	switch f.Kind {
	case value.KindString, value.KindInt, value.KindDate, value.KindBool:
	default:
		// Equal keys written differently (1.5 and 1.50, one instant in two
		// zones) would show as the first record's, which SQLite cannot tell.
		return fmt.Sprintf("the key of group %s is a %s field", lv.Name, f.Kind)
	}
	if affinity(a.pp.table.Decls[i]) == "BLOB" {
		// Without a declared type a column may hold 1 and 1.0, one group
		// for SQLite and two for reportsh.
		return fmt.Sprintf("the key of group %s has no declared SQLite type", lv.Name)
	}
	a.inner = append(a.inner, quoteSQL(a.pp.table.Columns[i])+" AS k"+strconv.Itoa(len(a.pp.keyCols)))
	return ""
}

// specs translates a level's aggregates into carriers.
func (a *pdAnalyzer) specs(specs []agg.Spec, where string) (pdSpecs, string) {
	var out pdSpecs
	carrier := func(f agg.Func, col int) int {
		out.carriers = append(out.carriers, agg.Spec{Func: f, Arg: col})
		return len(out.carriers) - 1
	}
	for _, s := range specs {
		call := s.Func.String() + "()"
		var arg pdExpr
		if s.Arg >= 0 {
			e := a.p.m.Args[s.Arg]
			call = s.Func.String() + "(" + oneLine(e.Text) + ")"
			var why string
			if arg, why = a.expr(e.Node); why != "" {
				return out, call + " in " + where + ": " + why
			}
			if _, ok := a.back.(sqliteBackend); ok {
				a.col(pdCol{fn: "SUM", arg: arg.sql, scale: arg.scale, dec: arg.dec, k: arg.k}) // an overflow shows as a REAL
			}
		}
		sum := func() int { return a.col(pdCol{fn: "SUM", arg: arg.sql, scale: arg.scale, dec: arg.dec, k: arg.k}) }
		switch s.Func {
		case agg.Sum, agg.RunningSum, agg.PercentOfTotal:
			out.results = append(out.results, pdResult{how: pdSame, i: carrier(s.Func, sum())})
		case agg.Count, agg.CountStar, agg.RunningCount:
			col := 0 // COUNT(*)
			if s.Arg >= 0 {
				col = a.col(pdCol{fn: "COUNT", arg: arg.sql, k: arg.k})
			}
			out.results = append(out.results, pdResult{how: pdCount, i: carrier(agg.Sum, col)})
		case agg.Avg:
			i := carrier(agg.Sum, sum())
			j := carrier(agg.Sum, a.col(pdCol{fn: "COUNT", arg: arg.sql, k: arg.k}))
			out.results = append(out.results, pdResult{how: pdAvg, i: i, j: j})
		case agg.Min, agg.Max:
			col := a.col(pdCol{fn: strings.ToUpper(s.Func.String()), arg: arg.sql, scale: arg.scale, dec: arg.dec, k: arg.k})
			out.results = append(out.results, pdResult{how: pdSame, i: carrier(s.Func, col)})
		default:
			return out, call + " in " + where + " is not computed in SQLite"
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
			return pdExpr{sql: "(" + strconv.FormatInt(v, 10) + ")", k: &kexpr{op: kConst, c: v}}, ""
		case value.Decimal:
			c, scale := v.Big()
			if !c.IsInt64() || scale > maxPushScale {
				return pdExpr{}, "the literal " + v.String() + " is too long for 64-bit integers"
			}
			return pdExpr{sql: "(" + c.String() + ")", scale: scale, dec: true, k: &kexpr{op: kConst, c: c.Int64(), scale: scale}}, ""
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
			e.k = &kexpr{op: kNeg, l: e.k, scale: e.scale}
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
		if l.k.date || r.k.date {
			return pdExpr{}, "date arithmetic is not computed in the scanner"
		}
		out := pdExpr{dec: l.dec || r.dec, k: &kexpr{op: kOps[op], l: l.k, r: r.k}}
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

// scaleUp writes e's SQL as a scaled integer with scale fraction digits.
func scaleUp(e pdExpr, scale int32) string {
	if e.scale == scale {
		return e.sql
	}
	return e.sql + " * 1" + strings.Repeat("0", int(scale-e.scale))
}

// field returns the checked value of field i, adding its conversion to the
// inner statement and the SUM that reveals a non-conforming value.
func (sqliteBackend) field(a *pdAnalyzer, i int) (pdExpr, string) {
	f := a.schema.Fields[i]
	col := quoteSQL(a.pp.table.Columns[i])
	aff := affinity(a.pp.table.Decls[i])
	e := pdExpr{sql: "c" + strconv.Itoa(i), k: &kexpr{op: kField, field: i}}
	var conv, what string
	switch {
	case f.Kind == value.KindInt && aff == "INTEGER":
		// Text or REAL values in an INTEGER column are never numbers
		// SQLite would sum as integers: the column's SUM becomes a REAL.
		conv, what = col, "an integer"
	case f.Kind == value.KindInt:
		conv, what = "CASE WHEN typeof("+col+") = 'integer' THEN "+col+" WHEN "+col+" IS NULL THEN NULL ELSE 0.5 END", "an integer"
	case f.Kind == value.KindDecimal && f.Scale <= maxPushScale && aff == "TEXT":
		e.scale, e.dec = f.Scale, true
		conv, what = decimalText(col, f.Scale), "a decimal written with "+fractionDigits(f.Scale)
	case f.Kind == value.KindDecimal && f.Scale > 0 && f.Scale <= maxPushScale && a.pp.table.Rescale[i] == f.Scale:
		e.scale, e.dec = f.Scale, true
		conv, what = decimalNumeric(col, f.Scale), "a number with at most "+fractionDigits(f.Scale)
	case f.Kind == value.KindDecimal:
		return e, fmt.Sprintf("decimal field %s is stored as %s: only TEXT and DECIMAL(p,s) columns are summed exactly in SQLite", f.Name, declName(a.pp.table.Decls[i]))
	default:
		return e, fmt.Sprintf("%s is a %s field", f.Name, f.Kind)
	}
	e.k.scale = e.scale // the scaled integer's, for reading the rows in Go
	if _, ok := a.alias[i]; !ok {
		a.alias[i] = e.sql
		a.inner = append(a.inner, conv+" AS "+e.sql)
		a.pp.checked = append(a.pp.checked, f.Name+" ("+what+")")
		if f.Kind == value.KindDecimal && aff != "TEXT" {
			// A DECIMAL(p,s) column's REALs are SQLite's to round.
			a.noRaw = "decimal field " + f.Name + " is a " + declName(a.pp.table.Decls[i]) + " column, whose values SQLite rounds: only its statement sums them exactly"
		}
		a.rawFields = append(a.rawFields, pdRawField{field: i, name: f.Name, dec: e.dec, scale: e.scale, what: what})
	}
	a.col(pdCol{fn: "SUM", arg: e.sql, scale: e.scale, dec: e.dec, field: f.Name, what: what, k: e.k})
	return e, ""
}

func fractionDigits(n int32) string {
	if n == 1 {
		return "1 fraction digit"
	}
	return strconv.Itoa(int(n)) + " fraction digits"
}

func declName(decl string) string {
	if strings.TrimSpace(decl) == "" {
		return "a column without a declared type"
	}
	return decl
}

// decimalText converts a TEXT decimal column to its scaled integer. A value
// conforms when it is exactly what reportsh reads as a decimal with scale
// fraction digits: a well-formed number (SQLite's own test: it equals its
// REAL) that starts with a digit or '-' and ends with '.' and scale digits
// (so no exponent, spaces or '+'), of at most 18 characters (so that its
// digits fit an int64). Empty text is nil.
func decimalText(col string, scale int32) string {
	shape := col + " GLOB '[0-9-]*." + strings.Repeat("[0-9]", int(scale)) + "'"
	value := "CAST(REPLACE(" + col + ", '.', '') AS INTEGER)"
	if scale == 0 {
		shape = col + " GLOB '[0-9-]*' AND " + col + " NOT GLOB '?*[^0-9]*'"
		value = "CAST(" + col + " AS INTEGER)"
	}
	return "CASE WHEN length(" + col + ") <= 18 AND " + shape + " AND " + col + " = CAST(" + col + " AS REAL)" +
		" THEN " + value + " WHEN " + col + " IS NULL OR " + col + " = '' THEN NULL ELSE 0.5 END"
}

// decimalNumeric converts a DECIMAL(p,s) column, which SQLite stores as
// INTEGER or REAL, to its scaled integer: an integer times 10^s; a REAL when
// it is the double nearest a number with at most s fraction digits (then
// reportsh reads that number), and small enough for that to be exact.
func decimalNumeric(col string, scale int32) string {
	pow := "1" + strings.Repeat("0", int(scale))
	bound := "4e" + strconv.Itoa(15-int(scale))
	if scale > 15 {
		bound = "0"
	}
	return "CASE typeof(" + col + ") WHEN 'integer' THEN " + col + " * " + pow +
		" WHEN 'real' THEN CASE WHEN " + col + " BETWEEN -" + bound + " AND " + bound + " AND ROUND(" + col + " * " + pow + ") / " + pow + ".0 = " + col +
		" THEN CAST(ROUND(" + col + " * " + pow + ") AS INTEGER) ELSE 0.5 END WHEN 'null' THEN NULL ELSE 0.5 END"
}

// build writes the statements.
func (a *pdAnalyzer) build() {
	pp := a.pp
	inner := strings.Join(a.inner, ", ")
	if inner == "" {
		inner = "NULL"
	}
	var outer []string
	for l := range pp.keyCols {
		outer = append(outer, "k"+strconv.Itoa(l))
	}
	for _, c := range pp.cols {
		outer = append(outer, c.sql())
	}
	var group string
	if len(pp.keyCols) > 0 {
		// BINARY: a column's NOCASE collation must not merge groups.
		var keys []string
		for l := range pp.keyCols {
			keys = append(keys, "k"+strconv.Itoa(l)+" COLLATE BINARY")
		}
		group = " GROUP BY " + strings.Join(keys, ", ")
	}
	// LIMIT -1 keeps SQLite from flattening the subquery, which would
	// convert and check a value once per use instead of once per row.
	from := " FROM " + quoteSQL(pp.table.Name)
	stmt := func(where string) string {
		return "SELECT " + strings.Join(outer, ", ") + " FROM (SELECT " + inner + from + where + " LIMIT -1)" + group
	}
	where := ""
	if pp.table.RowID != "" {
		where = " WHERE " + pp.table.RowID + " > ?1 AND " + pp.table.RowID + " <= ?2"
	}
	pp.sqlAll, pp.sql = stmt(""), stmt(where)
	pp.whyNotRaw = a.noRaw
	if a.noRaw == "" {
		// The same rows read as they are, for aggregating in Go.
		var cols []string
		for _, i := range pp.keyCols {
			cols = append(cols, quoteSQL(pp.table.Columns[i]))
		}
		for _, f := range a.rawFields {
			cols = append(cols, quoteSQL(pp.table.Columns[f.field]))
		}
		if len(cols) == 0 {
			cols = append(cols, "NULL")
		}
		read := "SELECT " + strings.Join(cols, ", ") + from
		pp.raw = &pdRaw{sql: read + where, sqlAll: read, fields: a.rawFields}
	}
}

// quoteSQL quotes an SQL identifier.
func quoteSQL(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// PlanPushdown says whether a report's aggregation runs in SQLite.
type PlanPushdown struct {
	// Pushed is set when SQLite computes the aggregates.
	Pushed bool `json:"pushed"`
	// SQL is the statement sent for each range of rowids (?1 and ?2 are
	// the range's bounds), or for the whole table when it has no rowid.
	SQL string `json:"sql,omitempty"`
	// InGo says that SQL reads the rows, through SQLite's C API, and Go
	// aggregates them as they are read; else SQL aggregates them.
	InGo bool `json:"in_go,omitempty"`
	// Ranges says how the table is split into statements.
	Ranges string `json:"ranges,omitempty"`
	// Checked lists the fields whose values every statement checks, and
	// how they must be; a value that is not, or an overflow, makes the run
	// fall back to reading the rows.
	Checked []string `json:"checked,omitempty"`
	// Reason says why the aggregation is not pushed down.
	Reason string `json:"reason,omitempty"`
}

// explainPushdown plans the push-down for explain: nil for a source that is
// not SQLite.
func (p *Program) explainPushdown(run *runPlan) *PlanPushdown {
	if p.m.Source == nil || p.m.Source.Kind != "sqlite" {
		return nil
	}
	pd := run.push
	if pd == nil || (run.strategy != StrategyPushdown && run.strategy != StrategyPushdownRaw) {
		return &PlanPushdown{Reason: run.whyNot(StrategyPushdown)}
	}
	pp := pd.pp
	out := &PlanPushdown{Pushed: true, SQL: pp.sql, InGo: pp.raw != nil, Checked: pp.checked,
		Ranges: fmt.Sprintf("one statement per range of rowids holding about %d rows (more when groups are many), run on up to %d connections at once", run.tune.rangeRows, max(run.workers, 1))}
	if pp.table.RowID == "" {
		out.Ranges = "one statement over the whole table (it has no rowid)"
	}
	if out.InGo {
		out.SQL = pp.raw.sql
	}
	return out
}

// writeText prints the push-down in the source section of a plan.
func (pd *PlanPushdown) writeText(tw *textWriter) {
	switch {
	case pd == nil:
	case !pd.Pushed:
		tw.section(false, "", "aggregation pushed down: no, %s", pd.Reason)
	default:
		tw.section(false, "", "aggregation pushed down: %s", pd.SQL)
		if pd.InGo {
			tw.section(false, "", "  the rows read through SQLite's C API and aggregated in Go as they are read (SQLite only walks the table)")
		}
		tw.section(false, "", "  %s", pd.Ranges)
		if len(pd.Checked) > 0 {
			tw.section(false, "", "  checked: %s; a value that is not, or an overflow, makes the run read the rows instead", strings.Join(pd.Checked, ", "))
		} else {
			tw.section(false, "", "  an overflow makes the run read the rows instead")
		}
	}
}
