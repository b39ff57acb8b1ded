package agg

import (
	"cmp"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// compareValues is value.Compare with fast paths for the common same-kind
// pairs.
func compareValues(a, b any) (int, error) {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y), nil
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y), nil
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	case value.Decimal:
		if y, ok := b.(value.Decimal); ok {
			return x.Cmp(y), nil
		}
	case value.Date:
		if y, ok := b.(value.Date); ok {
			return cmp.Compare(x, y), nil
		}
	}
	return value.Compare(a, b)
}

// canonCmp is a total, deterministic order on values, used to choose among
// values that compare equal (1, 1.0 and 1.00) and to sort keys: value.Less's
// order first, then the kind, then the larger decimal scale first, then the
// canonical text. Results that depend on it therefore do not depend on the
// input order.
func canonCmp(a, b any) int {
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	c, err := compareValues(a, b)
	if err == nil && c != 0 {
		return c
	}
	ka, kb := value.KindOf(a), value.KindOf(b)
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	switch x := a.(type) {
	case value.Decimal:
		if s := cmp.Compare(b.(value.Decimal).Scale(), x.Scale()); s != 0 {
			return s
		}
	case float64:
		if y := b.(float64); err == nil && math.Signbit(x) != math.Signbit(y) {
			if math.Signbit(x) {
				return -1 // -0 before 0
			}
			return 1
		}
	case time.Time:
		y := b.(time.Time)
		if err == nil {
			if c := strings.Compare(x.Location().String(), y.Location().String()); c != 0 {
				return c
			}
		}
	}
	if err == nil {
		return 0
	}
	return strings.Compare(fmt.Sprintf("%T:%s", a, value.String(a)), fmt.Sprintf("%T:%s", b, value.String(b)))
}

// addMinMax folds v into *cur, the extreme so far (nil: none), for f Min
// or Max: MIN and MAX over numbers, strings, bools, dates and timestamps
// (value.Compare's order). Among equal values of different representations
// (1 and 1.0) the canonical first one wins, so the result does not depend
// on input order.
func addMinMax(f Func, cur *any, v any) error {
	if v == nil {
		return nil
	}
	if *cur == nil {
		if err := checkKind(f, v); err != nil {
			return err
		}
		*cur = v
		return nil
	}
	r, err := compareValues(v, *cur)
	if err != nil {
		if err := checkKind(f, v); err != nil {
			return err
		}
		return fmt.Errorf("%s: %w", f, err)
	}
	if f == Max {
		r = -r
	}
	if r < 0 || (r == 0 && tieMatters(v, *cur) && canonCmp(v, *cur) < 0) {
		*cur = v
	}
	return nil
}

// tieMatters reports whether two equal values might be written differently
// (1 and 1.0, 1.5 and 1.50, 0 and -0, one instant in two zones), so that the
// canonical one must be chosen.
func tieMatters(v, cur any) bool {
	switch x := v.(type) {
	case int64:
		_, same := cur.(int64)
		return !same
	case string:
		_, same := cur.(string)
		return !same
	case value.Date:
		_, same := cur.(value.Date)
		return !same
	case float64:
		_, same := cur.(float64)
		return !same || x == 0
	case value.Decimal:
		y, same := cur.(value.Decimal)
		return !same || x.Scale() != y.Scale()
	}
	return true
}

// firstLastAcc is FIRST and LAST: the first (last) non-nil value in input
// order. With AddAt the order is the sequence numbers'; with Add it is the
// order of the calls, and a merged accumulator's input follows the
// receiver's.
type firstLastAcc struct {
	last     bool
	set      bool
	explicit bool // fed through AddAt
	seq      int64
	v        any
}

func (a *firstLastAcc) Add(v any) error {
	if v == nil || (a.set && !a.last) {
		return nil
	}
	a.v, a.set = v, true
	return nil
}

func (a *firstLastAcc) AddAt(v any, seq int64) error {
	a.explicit = true
	if v == nil {
		return nil
	}
	if !a.set || (a.last && seq >= a.seq) || (!a.last && seq < a.seq) {
		a.v, a.seq, a.set = v, seq, true
	}
	return nil
}

func (a *firstLastAcc) Result() any { return a.v }

func (a *firstLastAcc) Reset() { *a = firstLastAcc{last: a.last} }

func (a *firstLastAcc) Merge(o Accumulator) error {
	b, ok := o.(*firstLastAcc)
	if !ok || b.last != a.last {
		return mergeMismatch(a, o)
	}
	if !b.set {
		a.explicit = a.explicit || b.explicit
		return nil
	}
	if a.explicit && b.explicit {
		return a.AddAt(b.v, b.seq)
	}
	if !a.set || a.last {
		a.v, a.seq, a.set = b.v, b.seq, true
	}
	a.explicit = a.explicit || b.explicit
	return nil
}
