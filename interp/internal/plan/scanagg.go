package plan

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
	KField = iota // a field's value
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
	Op    uint8
	Field int   // kField: the schema index
	c     int64 // kConst
	scale int32
	date  bool // a date's day number (a field or a parameter)
	l, r  *kexpr
}

// Kval is a value in the scanner: c × 10^-scale of the expression, and the
// scale the value would have in a record (the fraction digits written, for
// a decimal field; what value.Decimal's arithmetic makes of them above).
// ok is false for nil.
type Kval struct {
	C  int64
	S  int32
	Ok bool
}

// Pow10 holds 10^0 … 10^18.
var Pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// ErrScanStop stops a scan aggregation: the run reads the records instead.
type ErrScanStop struct{ Why string }

func (e *ErrScanStop) Error() string { return e.Why }

// Eval computes e over the fields' values; an overflow stops the scan.
func (e *kexpr) Eval(vals []Kval) (Kval, error) {
	switch e.Op {
	case KField:
		return vals[e.Field], nil
	case kConst:
		return Kval{C: e.c, S: e.scale, Ok: true}, nil
	case kNeg:
		v, err := e.l.Eval(vals)
		if err != nil || !v.Ok {
			return v, err
		}
		if v.C == math.MinInt64 {
			return v, ErrOverflow
		}
		v.C = -v.C
		return v, nil
	}
	var l, r Kval
	var err error
	// Operands that are fields are read in place (amount * quantity).
	if e.l.Op == KField {
		l = vals[e.l.Field]
	} else if l, err = e.l.Eval(vals); err != nil {
		return l, err
	}
	if !l.Ok {
		return l, nil
	}
	if e.r.Op == KField {
		r = vals[e.r.Field]
	} else if r, err = e.r.Eval(vals); err != nil {
		return r, err
	}
	if !r.Ok {
		return r, nil
	}
	if e.Op == kMul {
		c, ok := value.MulInt64(l.C, r.C)
		if !ok {
			return l, ErrOverflow
		}
		return Kval{C: c, S: l.S + r.S, Ok: true}, nil
	}
	a, ok1 := value.MulInt64(l.C, Pow10[e.scale-e.l.scale])
	b, ok2 := value.MulInt64(r.C, Pow10[e.scale-e.r.scale])
	if e.Op == kSub {
		if b == math.MinInt64 {
			ok2 = false
		}
		b = -b
	}
	c, ok3 := value.AddInt64(a, b)
	if !ok1 || !ok2 || !ok3 {
		return l, ErrOverflow
	}
	return Kval{C: c, S: max(l.S, r.S), Ok: true}, nil
}

var ErrOverflow = &ErrScanStop{"an aggregate's argument overflowed 64-bit integers"}

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
	e := pdExpr{sql: "c" + fmt.Sprint(i), k: &kexpr{Op: KField, Field: i}}
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
	if src := p.m.Source; src == nil || src.Kind != "csv" && src.Kind != "jsonl" {
		return "the source is not a CSV or JSON lines file"
	}
	return p.carrierShape("the scanner does not join")
}

// PlanScan decides whether the report's aggregation runs in the scanner of a
// CSV file whose records have schema.
func (p *Planner) PlanScan(schema *value.Schema, params map[string]any) (*PushPlan, *ScanPlan) {
	pp := &PushPlan{}
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
	sp := &ScanPlan{Width: len(schema.Fields), Steps: a.ksteps, Strs: a.strs}
	for _, i := range pp.KeyCols {
		sp.Keys = append(sp.Keys, scanKey{Field: i, Kind: schema.Fields[i].Kind})
	}
	for i, f := range schema.Fields {
		_, read := a.alias[i]
		check := containsInt(a.checked, i) && f.Kind != value.KindString
		if read || check {
			scale := int32(0)
			if f.Kind == value.KindDecimal {
				scale = max(f.Scale, scanMinScale)
			}
			sp.Fields = append(sp.Fields, scanField{Field: i, Dec: f.Kind == value.KindDecimal, Date: f.Kind == value.KindDate, Scale: scale, Check: check})
		}
	}
	exprs := map[string]int{}
	for _, c := range pp.Cols {
		sc := scanCol{op: scanOps[c.Fn], off: sp.Stride, dec: c.Dec, scale: c.Scale, date: c.K != nil && c.K.date}
		if c.K != nil {
			x, ok := exprs[c.arg]
			if !ok {
				x = len(sp.Exprs)
				exprs[c.arg] = x
				sp.Exprs = append(sp.Exprs, c.K)
			}
			sc.expr = x
		} else {
			sc.op = scanCountStar
		}
		u := scanUpd{Expr: int32(sc.expr), Off: int32(sc.off)}
		switch sc.op {
		case scanCountStar:
			sp.CountStar = append(sp.CountStar, u.Off)
		case scanCount:
			sp.Counts = append(sp.Counts, u)
		case scanSum:
			sp.Sums = append(sp.Sums, u)
		case scanMin:
			sp.Mins = append(sp.Mins, u)
		case scanMax:
			sp.Maxs = append(sp.Maxs, u)
		}
		sp.Stride += sc.words()
		sp.Cols = append(sp.Cols, sc)
	}
	if len(p.m.Groupings) == 1 {
		levels := p.m.Groupings[0].Levels
		for _, lv := range levels {
			sp.Levels = append(sp.Levels, scanLevel{Name: lv.Name, Max: lv.MaxGroups})
		}
		sp.MaxGroups = levels[len(levels)-1].MaxGroups
	}
	return pp, sp
}

// ScanPlan is how the scanner aggregates a report.
type ScanPlan struct {
	Width  int // fields per record
	Keys   []scanKey
	Fields []scanField // the fields the arguments read
	Exprs  []*kexpr    // the distinct arguments
	Cols   []scanCol   // per pushPlan.cols
	// The columns' updates, by operation.
	CountStar                []int32
	Counts, Sums, Mins, Maxs []scanUpd
	Stride                   int // state words per group
	MaxGroups                int // the innermost level's limit; 0: none
	Levels                   []scanLevel
	Steps                    []kstep // the where clauses and lets, in order
	Strs                     []int   // the string fields the where clauses read
}

// scanLevel is a group level's name and limit (0: none).
type scanLevel struct {
	Name string
	Max  int
}

// scanUpd is a column's update: the argument's index and the state's offset.
type scanUpd struct{ Expr, Off int32 }

type scanKey struct {
	Field int
	Kind  value.Kind // string, int or date
}

type scanField struct {
	Field int
	Dec   bool
	Date  bool
	Scale int32
	Check bool // only checked: no aggregate reads it
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

// Result converts a column's state to the value a record run computes.
func (c scanCol) Result(st []int64) any {
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
