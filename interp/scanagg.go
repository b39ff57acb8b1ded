package interp

import (
	"errors"
	"fmt"
	"math"

	"github.com/reportsh/reportsh/interp/internal/keys"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/source"
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

// pow10 holds 10^0 … 10^18.
var pow10 = func() (p [19]int64) {
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
	a, ok1 := value.MulInt64(l.c, pow10[e.scale-e.l.scale])
	b, ok2 := value.MulInt64(r.c, pow10[e.scale-e.r.scale])
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
func (p *Program) scanStatic() string {
	if src := p.m.Source; src == nil || src.Kind != "csv" {
		return "the source is not CSV"
	}
	return p.carrierShape("the scanner does not join")
}

// planScan decides whether the report's aggregation runs in the scanner of a
// CSV file whose records have schema.
func (p *Program) planScan(schema *value.Schema, params map[string]any) (*pushPlan, *scanPlan) {
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
	return value.NewDecimal(v/pow10[c.scale-s], s)
}

// scanTable is the scanner's aggregation state: the groups, in the order
// first met, and their integer states.
type scanTable struct {
	sp     *scanPlan
	index  *keys.Index
	order  []int32   // the groups sorted by key, once the file is scanned
	state  [][]int64 // per block of blockGroups groups: stride words per group
	vals   []kval    // per schema index: the record's values
	evals  []kval    // per distinct argument
	keyBuf []byte
	strs   [][]byte                      // per schema index: the string fields the where clauses read
	strOK  []bool                        // … and whether they are not nil
	rec    []any                         // a record, for cells converted as Fetch would
	rows   int64                         // records aggregated
	addFn  func(*source.RawRecord) error // add, made once for every scan
	// With parts > 1 the table aggregates only the records whose key's
	// hash, shifted right by 31, is part modulo parts (another table takes
	// the others). A
	// lenient table drops bad records without a word: another reader of the
	// same records reports them.
	parts, part uint64
	lenient     bool
	hash        uint64 // the key's hash, when parts > 1
}

func newScanTable(sp *scanPlan) *scanTable {
	t := &scanTable{sp: sp, index: keys.NewIndex(), vals: make([]kval, sp.width),
		evals: make([]kval, len(sp.exprs)), rec: make([]any, sp.width),
		strs: make([][]byte, sp.width), strOK: make([]bool, sp.width)}
	t.addFn = t.add
	return t
}

// add aggregates one record. A *source.DataError is the record's (Fetch's
// error for it); an *errScanStop stops the scan.
func (t *scanTable) add(r *source.RawRecord) error {
	keep, err := t.parse(r)
	if err != nil {
		var de *source.DataError
		if t.lenient && errors.As(err, &de) {
			return nil
		}
		return err
	}
	if !keep {
		return nil
	}
	if t.parts > 1 {
		// Bit 31 and up: the index takes a slot from the low bits and
		// compares the high 32, so a partition by either would crowd a
		// table's keys into half its slots or tags.
		if t.hash = t.index.Hash(t.keyBuf); t.hash>>31%t.parts != t.part {
			return nil
		}
	}
	return t.update(t.keyBuf)
}

// parse sets t.vals to the values of the fields the arguments read, and
// t.keyBuf to the record's encoded key: from the bytes, or, for cells the
// fast parsers do not take, as Fetch converts them. It runs the where
// clauses and lets: keep is false when a where leaves the record out.
func (t *scanTable) parse(r *source.RawRecord) (keep bool, err error) {
	if err := t.parseCells(r); err != nil {
		return false, err
	}
	for _, s := range t.sp.steps {
		if s.let != nil {
			if _, err := s.let.eval(t.vals); err != nil {
				return false, err
			}
			continue
		}
		v, err := s.where.eval(t)
		if err != nil || v != tTrue {
			return false, err
		}
	}
	return true, nil
}

func (t *scanTable) parseCells(r *source.RawRecord) error {
	sp := t.sp
	fast := r.Valid
	if fast {
		for _, f := range sp.fields {
			b := r.Fields[f.field]
			if len(b) == 0 {
				t.vals[f.field] = kval{}
				continue
			}
			var v kval
			if f.dec {
				c, s, ok := source.ParseDecimal(b)
				if !ok {
					fast = false
					break
				}
				if f.check {
					continue
				}
				if v, ok = scaleTo(c, s, f.scale); !ok {
					return &errScanStop{fmt.Sprintf("record %d: a decimal (%s) has more fraction digits than %d, or too many digits", r.Record, b, f.scale)}
				}
			} else if f.date {
				d, ok := source.ParseDate(b)
				if !ok {
					fast = false
					break
				}
				v = kval{c: int64(d), ok: true}
			} else {
				c, ok := source.ParseInt(b)
				if !ok {
					fast = false
					break
				}
				v = kval{c: c, ok: true}
			}
			t.vals[f.field] = v
		}
	}
	if fast {
		fast = t.keyOf(r.Fields, nil)
	}
	if !fast {
		return t.slow(r)
	}
	for _, i := range sp.strs {
		b := r.Fields[i]
		t.strs[i], t.strOK[i] = b, len(b) > 0
	}
	return nil
}

// update aggregates the record whose values are in t.vals and whose
// encoded key is kb. An *errScanStop stops the scan.
func (t *scanTable) update(kb []byte) error {
	sp := t.sp
	g, err := t.groupOf(kb)
	if err != nil {
		return err
	}
	for i, e := range sp.exprs {
		if e.op == kField { // a bare field, the most common argument
			t.evals[i] = t.vals[e.field]
		} else if t.evals[i], err = e.eval(t.vals); err != nil {
			return err
		}
	}
	st := t.stateOf(int(g))
	for _, off := range sp.countStar {
		st[off]++
	}
	for _, u := range sp.counts {
		if t.evals[u.expr].ok {
			st[u.off]++
		}
	}
	for _, u := range sp.sums {
		if v := t.evals[u.expr]; v.ok {
			s, ok := value.AddInt64(st[u.off], v.c)
			if !ok {
				return errOverflow
			}
			st[u.off] = s
			st[u.off+1] = max(st[u.off+1], int64(v.s)+1)
		}
	}
	for _, u := range sp.mins {
		if v := t.evals[u.expr]; v.ok {
			foldExtreme(st, u.off, v.c, int64(v.s)+1, true)
		}
	}
	for _, u := range sp.maxs {
		if v := t.evals[u.expr]; v.ok {
			foldExtreme(st, u.off, v.c, int64(v.s)+1, false)
		}
	}
	t.rows++
	return nil
}

// foldExtreme folds the value v, whose meta is its scale plus one, into the
// MIN (isMin) or MAX state at off: st[off] the extreme so far, st[off+1]
// its meta, 0 while there is none. Among equal extremes the one with more
// fraction digits is canonical (agg's canonCmp): 1.50 before 1.5, whatever
// the order they come in.
func foldExtreme(st []int64, off int32, v, meta int64, isMin bool) {
	cur, curMeta := st[off], st[off+1]
	better := v > cur
	if isMin {
		better = v < cur
	}
	if curMeta == 0 || better || (v == cur && meta > curMeta) {
		st[off], st[off+1] = v, meta
	}
}

// scaleTo returns coef × 10^-s at the fixed scale fixed.
func scaleTo(coef int64, s, fixed int32) (kval, bool) {
	if s >= fixed {
		return kval{c: coef, s: s, ok: true}, s == fixed
	}
	c, ok := value.MulInt64(coef, pow10[fixed-s])
	return kval{c: c, s: s, ok: true}, ok
}

// slow converts the record's cells as Fetch does and takes the values and
// key from them.
func (t *scanTable) slow(r *source.RawRecord) error {
	if err := r.Convert(t.rec); err != nil {
		return err
	}
	for _, f := range t.sp.fields {
		if f.check {
			continue // Convert checked it
		}
		switch x := t.rec[f.field].(type) {
		case nil:
			t.vals[f.field] = kval{}
		case int64:
			t.vals[f.field] = kval{c: x, ok: true}
		case value.Date:
			t.vals[f.field] = kval{c: int64(x), ok: true}
		case value.Decimal:
			c, ok := x.Coef()
			var v kval
			if ok {
				v, ok = scaleTo(c, x.Scale(), f.scale)
			}
			if !ok {
				return &errScanStop{fmt.Sprintf("record %d: a decimal (%s) has more fraction digits than %d, or too many digits", r.Record, x, f.scale)}
			}
			t.vals[f.field] = v
		default:
			return &errScanStop{fmt.Sprintf("record %d: a value of kind %s", r.Record, value.KindOf(x))}
		}
	}
	for _, i := range t.sp.strs {
		str, ok := t.rec[i].(string)
		t.strs[i], t.strOK[i] = []byte(str), ok
	}
	t.keyOf(nil, t.rec)
	return nil
}

// keyOf sets t.keyBuf to the encoded key of the record whose key cells are
// cells (fast) or whose converted values are rec. It reports false when an
// int key's cell needs the full conversion.
func (t *scanTable) keyOf(cells [][]byte, rec []any) bool {
	kb := t.keyBuf[:0]
	for _, k := range t.sp.keys {
		if cells != nil {
			b := cells[k.field]
			switch {
			case len(b) == 0:
				kb = keys.AppendNil(kb)
			case k.kind == value.KindInt:
				c, ok := source.ParseInt(b)
				if !ok {
					return false
				}
				kb = keys.AppendInt(kb, c)
			case k.kind == value.KindDate:
				d, ok := source.ParseDate(b)
				if !ok {
					return false
				}
				kb = keys.AppendDate(kb, d)
			default:
				kb = keys.AppendString(kb, b)
			}
			continue
		}
		switch x := rec[k.field].(type) {
		case nil:
			kb = keys.AppendNil(kb)
		case int64:
			kb = keys.AppendInt(kb, x)
		case value.Date:
			kb = keys.AppendDate(kb, x)
		case string:
			kb = keys.AppendString(kb, []byte(x))
		}
	}
	t.keyBuf = kb
	return true
}

// groupOf returns the group of encoded key kb, creating it when new.
func (t *scanTable) groupOf(kb []byte) (int32, error) {
	sp := t.sp
	var i int
	var h uint64
	if t.parts > 1 {
		i, h = t.index.FindHash(kb, t.hash)
	} else {
		i, h = t.index.Find(kb)
	}
	if i >= 0 {
		return int32(i), nil
	}
	if sp.maxGroups > 0 && t.index.Len() >= sp.maxGroups {
		return 0, &errScanStop{fmt.Sprintf("more than %d groups (max_groups)", sp.maxGroups)}
	}
	g := t.index.Add(kb, h)
	if g%blockGroups == 0 {
		t.state = append(t.state, make([]int64, blockGroups*sp.stride))
	}
	return int32(g), nil
}

// blockGroups is the number of groups whose states are allocated together,
// so that the states grow without copying.
const blockGroups = 1024

// stateOf returns group g's state.
func (t *scanTable) stateOf(g int) []int64 {
	b, i := g/blockGroups, g%blockGroups*t.sp.stride
	return t.state[b][i : i+t.sp.stride]
}
