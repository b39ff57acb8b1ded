package exec

import (
	"fmt"
	"math"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// Scan aggregation: a report over a CSV file whose aggregates are sums,
// counts, averages and extremes of + - * over int and decimal fields (and
// extremes of dates), grouped by string, int or date fields, filtered by
// simple where clauses (scanwhere.go), has the CSV scanner's raw cells
// aggregated directly: each cell it needs is parsed from its bytes into a
// 64-bit integer (a decimal as its coefficient at a fixed scale), the
// group is found by the key cells' bytes, and the group's partial states
// are plain integers. No record is built and no value boxed. At the end
// the states are the records of a run like the SQLite push-down's (keys,
// then the result columns of pushPlan.cols), fed to engines whose specs are
// carriers, so everything after the aggregation is the usual code.
//
// It is exact, or it does not run: a value the fast parsers do not take is
// converted as Fetch would convert it (so its errors, skips and counts are
// Fetch's); a decimal with more fraction digits than the field's fixed
// scale, an overflow, or a bad record when on_error is fail stops it, and
// the run reads the records instead, from the start, having written
// nothing. With several workers a large file is read in ranges, a reader
// and a table each (scanagg_run.go), merged in key order (scangroups.go).

// The operations of a kexpr.
const (
	kField = iota // a field's value
	kConst        // c at scale
	kNeg
	kAdd
	kSub
	kMul
)

var kOps = map[string]uint8{"+": kAdd, "-": kSub, "*": kMul}

// kexpr is an aggregate argument as the scanner computes it: its values are
// integers at the fixed scale scale (10^scale per unit).
type kexpr struct {
	op    uint8
	field int   // kField: the schema index
	c     int64 // kConst
	scale int32
	date  bool // a date's day number (a field or a parameter)
	l, r  *kexpr
}

// kval is a value in the scanner: c × 10^-scale of the expression, and the
// scale the value would have in a record (the fraction digits written, for
// a decimal field; what value.Decimal's arithmetic makes of them above).
// ok is false for nil.
type kval struct {
	c  int64
	s  int32
	ok bool
}

// Pow10 holds 10^0 … 10^18.
var Pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// errScanStop stops a scan aggregation: the run reads the records instead.
type errScanStop struct{ why string }

func (e *errScanStop) Error() string { return e.why }

// eval computes e over the fields' values; an overflow stops the scan.
func (e *kexpr) eval(vals []kval) (kval, error) {
	switch e.op {
	case kField:
		return vals[e.field], nil
	case kConst:
		return kval{c: e.c, s: e.scale, ok: true}, nil
	case kNeg:
		v, err := e.l.eval(vals)
		if err != nil || !v.ok {
			return v, err
		}
		if v.c == math.MinInt64 {
			return v, errOverflow
		}
		v.c = -v.c
		return v, nil
	}
	var l, r kval
	var err error
	// Operands that are fields are read in place (amount * quantity).
	if e.l.op == kField {
		l = vals[e.l.field]
	} else if l, err = e.l.eval(vals); err != nil {
		return l, err
	}
	if !l.ok {
		return l, nil
	}
	if e.r.op == kField {
		r = vals[e.r.field]
	} else if r, err = e.r.eval(vals); err != nil {
		return r, err
	}
	if !r.ok {
		return r, nil
	}
	if e.op == kMul {
		c, ok := value.MulInt64(l.c, r.c)
		if !ok {
			return l, errOverflow
		}
		return kval{c: c, s: l.s + r.s, ok: true}, nil
	}
	a, ok1 := value.MulInt64(l.c, Pow10[e.scale-e.l.scale])
	b, ok2 := value.MulInt64(r.c, Pow10[e.scale-e.r.scale])
	if e.op == kSub {
		if b == math.MinInt64 {
			ok2 = false
		}
		b = -b
	}
	c, ok3 := value.AddInt64(a, b)
	if !ok1 || !ok2 || !ok3 {
		return l, errOverflow
	}
	return kval{c: c, s: max(l.s, r.s), ok: true}, nil
}

var errOverflow = &errScanStop{"an aggregate's argument overflowed 64-bit integers"}

// csvBackend computes the partial states in the CSV scanner.
type csvBackend struct{}

// key accepts string and int fields: two records are in one group exactly
// when their cells' bytes (strings) or parsed values (ints) are equal.
func (csvBackend) key(a *pdAnalyzer, i int, lv *program.Level) string {
	switch k := a.schema.Fields[i].Kind; k {
	case value.KindString, value.KindInt, value.KindDate:
		return ""
	default:
		return fmt.Sprintf("the key of group %s is a %s field", lv.Name, k)
	}
}

// scanMinScale is the least fixed scale of a decimal field: values with up
// to this many fraction digits are taken even when the first records had
// fewer.
const scanMinScale = 2

// field takes int and decimal fields; a decimal field's values are held at
// a fixed scale, the most fraction digits of the first records (at least
// scanMinScale).
func (csvBackend) field(a *pdAnalyzer, i int) (pdExpr, string) {
	f := a.schema.Fields[i]
	e := pdExpr{sql: "c" + fmt.Sprint(i), k: &kexpr{op: kField, field: i}}
	switch f.Kind {
	case value.KindInt:
	case value.KindDate:
		e.k.date = true // its day number
	case value.KindDecimal:
		e.scale, e.dec = max(f.Scale, scanMinScale), true
		if e.scale > maxPushScale {
			return e, fmt.Sprintf("decimal field %s has %d fraction digits, too many for 64-bit integers", f.Name, f.Scale)
		}
		e.k.scale = e.scale
	default:
		return e, fmt.Sprintf("%s is a %s field", f.Name, f.Kind)
	}
	a.alias[i] = e.sql
	return e, ""
}

// declared has the scanner check the cells of a declared field that no
// aggregate reads, as Fetch would convert them: int and decimal cells must
// parse; string cells are checked for UTF-8 with the record.
func (csvBackend) declared(a *pdAnalyzer, i int) string {
	switch f := a.schema.Fields[i]; f.Kind {
	case value.KindInt, value.KindDecimal, value.KindString, value.KindDate:
		a.checked = append(a.checked, i)
		return ""
	default:
		return fmt.Sprintf("field %s is declared %s, so every record's value is checked, but no aggregate reads it", f.Name, f.Kind)
	}
}

// scanStatic returns why the report's aggregation is not computed in the
// CSV scanner, whatever the file; "" when the file's columns decide.
func (p *Planner) scanStatic() string {
	if src := p.m.Source; src == nil || src.Kind != "csv" {
		return "the source is not CSV"
	}
	return p.carrierShape("the scanner does not join")
}

// planScan decides whether the report's aggregation runs in the scanner of a
// CSV file whose records have schema.
func (p *Planner) planScan(schema *value.Schema, params map[string]any) (*pushPlan, *scanPlan) {
	pp := &pushPlan{}
	if pp.reason = p.scanStatic(); pp.reason != "" {
		return pp, nil
	}
	a := &pdAnalyzer{p: p, pp: pp, schema: schema, back: csvBackend{}, alias: map[int]string{}, colIx: map[string]int{},
		lets: map[string]pdExpr{}, params: params}
	if pp.reason = a.steps(); pp.reason != "" {
		return pp, nil
	}
	if pp.reason = a.analyze(); pp.reason != "" {
		return pp, nil
	}
	sp := &scanPlan{width: len(schema.Fields), steps: a.ksteps, strs: a.strs}
	for _, i := range pp.keyCols {
		sp.keys = append(sp.keys, scanKey{field: i, kind: schema.Fields[i].Kind})
	}
	for i, f := range schema.Fields {
		_, read := a.alias[i]
		check := containsInt(a.checked, i) && f.Kind != value.KindString
		if read || check {
			scale := int32(0)
			if f.Kind == value.KindDecimal {
				scale = max(f.Scale, scanMinScale)
			}
			sp.fields = append(sp.fields, scanField{field: i, dec: f.Kind == value.KindDecimal, date: f.Kind == value.KindDate, scale: scale, check: check})
		}
	}
	exprs := map[string]int{}
	for _, c := range pp.cols {
		sc := scanCol{op: scanOps[c.fn], off: sp.stride, dec: c.dec, scale: c.scale, date: c.k != nil && c.k.date}
		if c.k != nil {
			x, ok := exprs[c.arg]
			if !ok {
				x = len(sp.exprs)
				exprs[c.arg] = x
				sp.exprs = append(sp.exprs, c.k)
			}
			sc.expr = x
		} else {
			sc.op = scanCountStar
		}
		u := scanUpd{expr: int32(sc.expr), off: int32(sc.off)}
		switch sc.op {
		case scanCountStar:
			sp.countStar = append(sp.countStar, u.off)
		case scanCount:
			sp.counts = append(sp.counts, u)
		case scanSum:
			sp.sums = append(sp.sums, u)
		case scanMin:
			sp.mins = append(sp.mins, u)
		case scanMax:
			sp.maxs = append(sp.maxs, u)
		}
		sp.stride += sc.words()
		sp.cols = append(sp.cols, sc)
	}
	if len(p.m.Groupings) == 1 {
		levels := p.m.Groupings[0].Levels
		for _, lv := range levels {
			sp.levels = append(sp.levels, scanLevel{name: lv.Name, max: lv.MaxGroups})
		}
		sp.maxGroups = levels[len(levels)-1].MaxGroups
	}
	return pp, sp
}

// scanPlan is how the scanner aggregates a report.
type scanPlan struct {
	width  int // fields per record
	keys   []scanKey
	fields []scanField // the fields the arguments read
	exprs  []*kexpr    // the distinct arguments
	cols   []scanCol   // per pushPlan.cols
	// The columns' updates, by operation.
	countStar                []int32
	counts, sums, mins, maxs []scanUpd
	stride                   int // state words per group
	maxGroups                int // the innermost level's limit; 0: none
	levels                   []scanLevel
	steps                    []kstep // the where clauses and lets, in order
	strs                     []int   // the string fields the where clauses read
}

// scanLevel is a group level's name and limit (0: none).
type scanLevel struct {
	name string
	max  int
}

// scanUpd is a column's update: the argument's index and the state's offset.
type scanUpd struct{ expr, off int32 }

type scanKey struct {
	field int
	kind  value.Kind // string, int or date
}

type scanField struct {
	field int
	dec   bool
	date  bool
	scale int32
	check bool // only checked: no aggregate reads it
}

// The operations of a scanCol.
const (
	scanCountStar = iota
	scanCount
	scanSum
	scanMin
	scanMax
)

var scanOps = map[string]uint8{"COUNT": scanCount, "SUM": scanSum, "MIN": scanMin, "MAX": scanMax}

// scanCol is one result column: its state is words at off in a group's
// state; sums and extremes keep a second word, 0 when no value was seen,
// else the value's scale plus one (the largest, for a sum; the value's,
// for an extreme).
type scanCol struct {
	op    uint8
	expr  int
	off   int
	dec   bool
	date  bool  // the values are dates' day numbers (MIN and MAX of a date field)
	scale int32 // the expression's fixed scale
}

func (c scanCol) words() int {
	if c.op == scanCount || c.op == scanCountStar {
		return 1
	}
	return 2
}

// result converts a column's state to the value a record run computes.
func (c scanCol) result(st []int64) any {
	switch c.op {
	case scanCount, scanCountStar:
		return st[c.off]
	}
	meta := st[c.off+1]
	if meta == 0 {
		return nil
	}
	v := st[c.off]
	switch {
	case c.date:
		return value.Date(v)
	case !c.dec:
		return v
	}
	s := int32(meta - 1)
	return value.NewDecimal(v/Pow10[c.scale-s], s)
}
