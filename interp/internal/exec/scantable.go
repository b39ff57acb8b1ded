package exec

import (
	"errors"
	"fmt"

	"github.com/reportsh/reportsh/interp/internal/keys"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// The scanner's aggregation state (scanTable): the groups of one reader
// and their integer states, updated from a record's cells.

// scanTable is the scanner's aggregation state: the groups, in the order
// first met, and their integer states.
type scanTable struct {
	sp         *plan.ScanPlan
	index      *keys.Index
	order      []int32     // the groups sorted by key, once the file is scanned
	state      [][]int64   // per block of blockGroups groups: stride words per group
	plan.Cells             // the record's values, as the where clauses read them
	evals      []plan.Kval // per distinct argument
	keyBuf     []byte
	rec        []any                         // a record, for cells converted as Fetch would
	rows       int64                         // records aggregated
	addFn      func(*source.RawRecord) error // add, made once for every scan
	// With parts > 1 the table aggregates only the records whose key's
	// hash, shifted right by 31, is part modulo parts (another table takes
	// the others). A
	// lenient table drops bad records without a word: another reader of the
	// same records reports them.
	parts, part uint64
	lenient     bool
	hash        uint64 // the key's hash, when parts > 1
}

func newScanTable(sp *plan.ScanPlan) *scanTable {
	t := &scanTable{sp: sp, index: keys.NewIndex(), Cells: plan.Cells{Vals: make([]plan.Kval, sp.Width),
		Strs: make([][]byte, sp.Width), StrOK: make([]bool, sp.Width)},
		evals: make([]plan.Kval, len(sp.Exprs)), rec: make([]any, sp.Width)}
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
	for _, s := range t.sp.Steps {
		if s.Let != nil {
			if _, err := s.Let.Eval(t.Vals); err != nil {
				return false, err
			}
			continue
		}
		v, err := s.Where.Eval(&t.Cells)
		if err != nil || v != plan.TTrue {
			return false, err
		}
	}
	return true, nil
}

func (t *scanTable) parseCells(r *source.RawRecord) error {
	sp := t.sp
	fast := r.Valid
	if fast {
		for _, f := range sp.Fields {
			b := r.Fields[f.Field]
			if len(b) == 0 {
				t.Vals[f.Field] = plan.Kval{}
				continue
			}
			var v plan.Kval
			if f.Dec {
				c, s, ok := source.ParseDecimal(b)
				if !ok {
					fast = false
					break
				}
				if f.Check {
					continue
				}
				if v, ok = scaleTo(c, s, f.Scale); !ok {
					return &plan.ErrScanStop{Why: fmt.Sprintf("record %d: a decimal (%s) has more fraction digits than %d, or too many digits", r.Record, b, f.Scale)}
				}
			} else if f.Date {
				d, ok := source.ParseDate(b)
				if !ok {
					fast = false
					break
				}
				v = plan.Kval{C: int64(d), Ok: true}
			} else {
				c, ok := source.ParseInt(b)
				if !ok {
					fast = false
					break
				}
				v = plan.Kval{C: c, Ok: true}
			}
			t.Vals[f.Field] = v
		}
	}
	if fast {
		fast = t.keyOf(r.Fields, nil)
	}
	if !fast {
		return t.slow(r)
	}
	for _, i := range sp.Strs {
		b := r.Fields[i]
		t.Strs[i], t.StrOK[i] = b, len(b) > 0
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
	for i, e := range sp.Exprs {
		if e.Op == plan.KField { // a bare field, the most common argument
			t.evals[i] = t.Vals[e.Field]
		} else if t.evals[i], err = e.Eval(t.Vals); err != nil {
			return err
		}
	}
	st := t.stateOf(int(g))
	for _, off := range sp.CountStar {
		st[off]++
	}
	for _, u := range sp.Counts {
		if t.evals[u.Expr].Ok {
			st[u.Off]++
		}
	}
	for _, u := range sp.Sums {
		if v := t.evals[u.Expr]; v.Ok {
			s, ok := value.AddInt64(st[u.Off], v.C)
			if !ok {
				return plan.ErrOverflow
			}
			st[u.Off] = s
			st[u.Off+1] = max(st[u.Off+1], int64(v.S)+1)
		}
	}
	for _, u := range sp.Mins {
		if v := t.evals[u.Expr]; v.Ok {
			foldExtreme(st, u.Off, v.C, int64(v.S)+1, true)
		}
	}
	for _, u := range sp.Maxs {
		if v := t.evals[u.Expr]; v.Ok {
			foldExtreme(st, u.Off, v.C, int64(v.S)+1, false)
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
func scaleTo(coef int64, s, fixed int32) (plan.Kval, bool) {
	if s >= fixed {
		return plan.Kval{C: coef, S: s, Ok: true}, s == fixed
	}
	c, ok := value.MulInt64(coef, plan.Pow10[fixed-s])
	return plan.Kval{C: c, S: s, Ok: true}, ok
}

// slow converts the record's cells as Fetch does and takes the values and
// key from them.
func (t *scanTable) slow(r *source.RawRecord) error {
	if err := r.Convert(t.rec); err != nil {
		return err
	}
	for _, f := range t.sp.Fields {
		if f.Check {
			continue // Convert checked it
		}
		switch x := t.rec[f.Field].(type) {
		case nil:
			t.Vals[f.Field] = plan.Kval{}
		case int64:
			t.Vals[f.Field] = plan.Kval{C: x, Ok: true}
		case value.Date:
			t.Vals[f.Field] = plan.Kval{C: int64(x), Ok: true}
		case value.Decimal:
			c, ok := x.Coef()
			var v plan.Kval
			if ok {
				v, ok = scaleTo(c, x.Scale(), f.Scale)
			}
			if !ok {
				return &plan.ErrScanStop{Why: fmt.Sprintf("record %d: a decimal (%s) has more fraction digits than %d, or too many digits", r.Record, x, f.Scale)}
			}
			t.Vals[f.Field] = v
		default:
			return &plan.ErrScanStop{Why: fmt.Sprintf("record %d: a value of kind %s", r.Record, value.KindOf(x))}
		}
	}
	for _, i := range t.sp.Strs {
		str, ok := t.rec[i].(string)
		t.Strs[i], t.StrOK[i] = []byte(str), ok
	}
	t.keyOf(nil, t.rec)
	return nil
}

// keyOf sets t.keyBuf to the encoded key of the record whose key cells are
// cells (fast) or whose converted values are rec. It reports false when an
// int key's cell needs the full conversion.
func (t *scanTable) keyOf(cells [][]byte, rec []any) bool {
	kb := t.keyBuf[:0]
	for _, k := range t.sp.Keys {
		if cells != nil {
			b := cells[k.Field]
			switch {
			case len(b) == 0:
				kb = keys.AppendNil(kb)
			case k.Kind == value.KindInt:
				c, ok := source.ParseInt(b)
				if !ok {
					return false
				}
				kb = keys.AppendInt(kb, c)
			case k.Kind == value.KindDate:
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
		switch x := rec[k.Field].(type) {
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
	if sp.MaxGroups > 0 && t.index.Len() >= sp.MaxGroups {
		return 0, &plan.ErrScanStop{Why: fmt.Sprintf("more than %d groups (max_groups)", sp.MaxGroups)}
	}
	g := t.index.Add(kb, h)
	if g%blockGroups == 0 {
		t.state = append(t.state, make([]int64, blockGroups*sp.Stride))
	}
	return int32(g), nil
}

// blockGroups is the number of groups whose states are allocated together,
// so that the states grow without copying.
const blockGroups = 1024

// stateOf returns group g's state.
func (t *scanTable) stateOf(g int) []int64 {
	b, i := g/blockGroups, g%blockGroups*t.sp.Stride
	return t.state[b][i : i+t.sp.Stride]
}
