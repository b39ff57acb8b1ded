package plan

import (
	"bytes"
	"cmp"
	"fmt"

	"github.com/expr-lang/expr/ast"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// Where clauses and lets in the scanner. A let of + - * over int and
// decimal fields, literals, parameters and earlier lets is computed where
// an aggregate uses it (it is inlined) and, for its overflow, on every
// record that reaches it; a where of comparisons, nil tests, !, && and ||
// over such values and over string fields, literals and parameters is
// evaluated on each record before it is aggregated, with the language's
// three-valued logic (a comparison with nil is nil, and nil is not true).

// Truth values of a kcond: false, true, nil.
const (
	tFalse = iota
	TTrue
	tNil
)

// The operations of a kcond.
const (
	cConst  = iota // val
	cTruthy        // a is true
	cNot           // !a, nil stays nil
	cIf            // a is true ? b : c (what && and || compile to)
	cCmp           // l test r over numbers
	cStrCmp        // sl test sr over strings
)

// Comparisons.
const (
	testEq = iota
	testNe
	testLt
	testLe
	testGt
	testGe
)

var kTests = map[string]uint8{"__eq": testEq, "__ne": testNe, "__lt": testLt, "__le": testLe, "__gt": testGt, "__ge": testGe}

// kcond is a where condition as the scanner evaluates it.
type kcond struct {
	op      uint8
	val     uint8 // cConst
	test    uint8
	a, b, c *kcond
	l, r    *kexpr  // cCmp; nil is the literal nil
	sl, sr  kstring // cStrCmp
}

// kstring is a string operand: a field's cell, a literal, or nil.
type kstring struct {
	field int // -1 for a literal
	lit   []byte
	isNil bool
}

// Cells are a record's values as the scanner's conditions read them.
type Cells struct {
	Vals  []Kval   // per schema index: the record's values
	Strs  [][]byte // per schema index: the string fields the where clauses read
	StrOK []bool   // … and whether they are not nil
}

// Eval returns the condition's truth value over the record's values.
func (k *kcond) Eval(t *Cells) (uint8, error) {
	switch k.op {
	case cConst:
		return k.val, nil
	case cTruthy, cNot:
		v, err := k.a.Eval(t)
		switch {
		case err != nil:
			return v, err
		case k.op == cTruthy && v != TTrue:
			return tFalse, nil
		case k.op == cTruthy || v == tNil:
			return v, nil
		}
		return 1 - v, nil
	case cIf:
		v, err := k.a.Eval(t)
		if err != nil {
			return v, err
		}
		if v == TTrue {
			return k.b.Eval(t)
		}
		return k.c.Eval(t)
	case cStrCmp:
		a, aok := k.sl.value(t)
		b, bok := k.sr.value(t)
		return compared(k.test, aok, bok, func() int { return bytes.Compare(a, b) }), nil
	}
	var a, b Kval
	var err error
	if k.l != nil {
		if a, err = k.l.Eval(t.Vals); err != nil {
			return tNil, err
		}
	}
	if k.r != nil {
		if b, err = k.r.Eval(t.Vals); err != nil {
			return tNil, err
		}
	}
	if a.Ok && b.Ok {
		// Compare at the larger of the two fixed scales.
		ls, rs := k.l.scale, k.r.scale
		x, ok1 := value.MulInt64(a.C, Pow10[max(ls, rs)-ls])
		y, ok2 := value.MulInt64(b.C, Pow10[max(ls, rs)-rs])
		if !ok1 || !ok2 {
			return tNil, ErrOverflow
		}
		a.C, b.C = x, y
	}
	return compared(k.test, a.Ok, b.Ok, func() int { return cmp.Compare(a.C, b.C) }), nil
}

// compared applies test to two operands, either of which may be nil (not
// ok): == and != compare nil as a value (nil == nil), the orderings of nil
// are nil.
func compared(test uint8, aok, bok bool, cmp func() int) uint8 {
	if !aok || !bok {
		switch test {
		case testEq:
			return truth(aok == bok)
		case testNe:
			return truth(aok != bok)
		}
		return tNil
	}
	c := cmp()
	switch test {
	case testEq:
		return truth(c == 0)
	case testNe:
		return truth(c != 0)
	case testLt:
		return truth(c < 0)
	case testLe:
		return truth(c <= 0)
	case testGt:
		return truth(c > 0)
	}
	return truth(c >= 0)
}

func truth(b bool) uint8 {
	if b {
		return TTrue
	}
	return tFalse
}

// value returns the operand's bytes, and false for nil.
func (s kstring) value(t *Cells) ([]byte, bool) {
	switch {
	case s.isNil:
		return nil, false
	case s.field < 0:
		return s.lit, true
	}
	b := t.Strs[s.field]
	return b, t.StrOK[s.field]
}

// kstep is a where or a let, in the script's order.
type kstep struct {
	Where *kcond
	Let   *kexpr
}

// steps translates the script's where clauses and lets; the lets become
// operands of what follows them.
func (a *pdAnalyzer) steps() string {
	total := 0
	for _, s := range a.p.m.Steps {
		if s.Let != nil {
			e, why := a.expr(s.Let.Node)
			if total += len(e.sql); why == "" && total > maxPushLets {
				why = tooLong
			}
			if why != "" {
				return "let " + s.Name + ": " + why
			}
			a.lets[s.Name] = e
			a.ksteps = append(a.ksteps, kstep{Let: e.k})
			continue
		}
		c, why := a.cond(s.Where.Node)
		if why != "" {
			return "where " + program.OneLine(s.Where.Text) + ": " + why
		}
		a.ksteps = append(a.ksteps, kstep{Where: c})
	}
	return ""
}

const onlyConds = "only comparisons, in over a written-out list, nil tests, !, && and || of int and decimal values and of strings are evaluated in the scanner"

// cond translates a condition.
func (a *pdAnalyzer) cond(n ast.Node) (*kcond, string) {
	switch x := n.(type) {
	case *ast.BoolNode:
		return &kcond{op: cConst, val: truth(x.Value)}, ""
	case *ast.NilNode:
		return &kcond{op: cConst, val: tNil}, ""
	case *ast.ConditionalNode:
		c, why := a.cond(x.Cond)
		if why != "" {
			return nil, why
		}
		b, why := a.cond(x.Exp1)
		if why != "" {
			return nil, why
		}
		e, why := a.cond(x.Exp2)
		if why != "" {
			return nil, why
		}
		return &kcond{op: cIf, a: c, b: b, c: e}, ""
	case *ast.CallNode:
		id, ok := x.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, onlyConds
		}
		if (id.Value == "__truthy" || id.Value == "__not") && len(x.Arguments) == 1 {
			c, why := a.cond(x.Arguments[0])
			if why != "" {
				return nil, why
			}
			op := uint8(cTruthy)
			if id.Value == "__not" {
				op = cNot
			}
			return &kcond{op: op, a: c}, ""
		}
		if id.Value == "__in" && len(x.Arguments) == 2 {
			return a.in(x.Arguments[0], x.Arguments[1])
		}
		test, ok := kTests[id.Value]
		if !ok || len(x.Arguments) != 2 {
			return nil, onlyConds
		}
		return a.compare(test, x.Arguments[0], x.Arguments[1])
	}
	return nil, onlyConds
}

// compare translates the comparison l test r.
func (a *pdAnalyzer) compare(test uint8, ln, rn ast.Node) (*kcond, string) {
	l, why := a.operand(ln)
	if why != "" {
		return nil, why
	}
	r, why := a.operand(rn)
	if why != "" {
		return nil, why
	}
	switch {
	case l.num != nil && r.num != nil, l.num != nil && r.str.isNil, l.str.isNil && r.num != nil:
		return &kcond{op: cCmp, test: test, l: l.num, r: r.num}, ""
	case l.num == nil && r.num == nil:
		return &kcond{op: cStrCmp, test: test, sl: l.str, sr: r.str}, ""
	}
	return nil, "it compares a number with a string"
}

// in translates x in [e1, e2, …], a list written out without nil, as
// x == nil ? nil : x == e1 || x == e2 || … (== is not three-valued: a nil
// x compares false, where in gives nil). An empty list, a nil element or a
// list that is not written out stays on records.
func (a *pdAnalyzer) in(xn, list ast.Node) (*kcond, string) {
	arr, ok := list.(*ast.ArrayNode)
	if !ok || len(arr.Nodes) == 0 {
		return nil, "in takes a list written out in the scanner"
	}
	var out *kcond
	for i := len(arr.Nodes) - 1; i >= 0; i-- {
		if _, isNil := arr.Nodes[i].(*ast.NilNode); isNil {
			return nil, "in with a nil element stays on records"
		}
		eq, why := a.compare(testEq, xn, arr.Nodes[i])
		if why != "" {
			return nil, why
		}
		if out == nil {
			out = eq
			continue
		}
		out = &kcond{op: cIf, a: eq, b: &kcond{op: cConst, val: TTrue}, c: out} // eq || out
	}
	isNil, why := a.compare(testEq, xn, &ast.NilNode{})
	if why != "" {
		return nil, why
	}
	return &kcond{op: cIf, a: isNil, b: &kcond{op: cConst, val: tNil}, c: out}, ""
}

// koperand is a comparison's operand: a number (num) or else a string or
// nil (str).
type koperand struct {
	num *kexpr
	str kstring
}

// operand translates a comparison's operand.
func (a *pdAnalyzer) operand(n ast.Node) (koperand, string) {
	switch x := n.(type) {
	case *ast.NilNode:
		return koperand{str: kstring{isNil: true}}, ""
	case *ast.StringNode:
		return koperand{str: kstring{field: -1, lit: []byte(x.Value)}}, ""
	case *ast.IdentifierNode:
		if i := a.schema.Index(x.Value); i >= 0 && a.schema.Fields[i].Kind == value.KindString {
			a.strs = appendOnce(a.strs, i)
			return koperand{str: kstring{field: i}}, ""
		}
		if v, ok := a.params[x.Value]; ok && a.schema.Index(x.Value) < 0 && a.lets[x.Value].k == nil {
			switch v := v.(type) {
			case nil:
				return koperand{str: kstring{isNil: true}}, ""
			case string:
				return koperand{str: kstring{field: -1, lit: []byte(v)}}, ""
			}
		}
	}
	e, why := a.expr(n)
	if why != "" {
		return koperand{}, why
	}
	return koperand{num: e.k}, ""
}

// ident translates an identifier that is not a field: a let, or a
// parameter whose value is a number.
func (a *pdAnalyzer) ident(name string) (pdExpr, string) {
	if e, ok := a.lets[name]; ok {
		return e, ""
	}
	if v, ok := a.params[name]; ok {
		switch v := v.(type) {
		case int64:
			return pdExpr{sql: "(" + fmt.Sprint(v) + ")", k: &kexpr{Op: kConst, c: v}}, ""
		case value.Date:
			return pdExpr{sql: "(" + v.String() + ")", k: &kexpr{Op: kConst, c: int64(v), date: true}}, ""
		case value.Decimal:
			c, ok := v.Coef()
			if !ok || v.Scale() > maxPushScale {
				return pdExpr{}, "parameter " + name + " is too long for 64-bit integers"
			}
			return pdExpr{sql: "(" + v.String() + ")", scale: v.Scale(), dec: true, k: &kexpr{Op: kConst, c: c, scale: v.Scale()}}, ""
		}
		return pdExpr{}, "parameter " + name + " is not an int or a decimal"
	}
	return pdExpr{}, name + " is not a field of the source"
}

func appendOnce(list []int, x int) []int {
	if containsInt(list, x) {
		return list
	}
	return append(list, x)
}
