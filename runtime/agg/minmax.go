package agg

import (
	"cmp"
	"fmt"
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

// minMaxAcc is MIN and MAX over numbers, strings, bools, dates and
// timestamps (value.Compare's order). Among equal values of different
// representations (1 and 1.0) the canonical first one wins.
type minMaxAcc struct {
	f   Func
	cur any
}

func (a *minMaxAcc) Add(v any) error {
	if v == nil {
		return nil
	}
	if a.cur == nil {
		if err := checkKind(a.f, v); err != nil {
			return err
		}
		a.cur = v
		return nil
	}
	c, err := compareValues(v, a.cur)
	if err != nil {
		if err := checkKind(a.f, v); err != nil {
			return err
		}
		return fmt.Errorf("%s: %w", a.f, err)
	}
	if a.f == Max {
		c = -c
	}
	if c < 0 || (c == 0 && canonCmp(v, a.cur) < 0) {
		a.cur = v
	}
	return nil
}

func (a *minMaxAcc) Result() any { return a.cur }
func (a *minMaxAcc) Reset()      { a.cur = nil }

func (a *minMaxAcc) Merge(o Accumulator) error {
	b, ok := o.(*minMaxAcc)
	if !ok || b.f != a.f {
		return mergeMismatch(a, o)
	}
	return a.Add(b.cur)
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
