package exec

import (
	"errors"
	"fmt"

	"github.com/reportsh/reportsh/interp/internal/keys"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// The scanner's aggregation state (scanTable): the groups of one reader
// and their integer states, updated from a record's cells.

// scanTable is the scanner's aggregation state: the groups, in the order
// first met, and their integer states.
type scanTable struct {
	sp     *scanPlan
	index  *keys.Index
	order  []int32   // the groups sorted by key, once the file is scanned
	state  [][]int64 // per block of blockGroups groups: stride words per group
	cells            // the record's values, as the where clauses read them
	evals  []kval    // per distinct argument
	keyBuf []byte
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
	t := &scanTable{sp: sp, index: keys.NewIndex(), cells: cells{vals: make([]kval, sp.width),
		strs: make([][]byte, sp.width), strOK: make([]bool, sp.width)},
		evals: make([]kval, len(sp.exprs)), rec: make([]any, sp.width)}
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
		v, err := s.where.eval(&t.cells)
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
	c, ok := value.MulInt64(coef, Pow10[fixed-s])
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
