package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	exprcompiler "github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// aggPolicy says whether and how aggregate calls may appear in an expression.
type aggPolicy uint8

const (
	aggForbidden aggPolicy = iota // where, let, group keys, lookup keys
	aggGroup                      // group header/footer: over the group instance
	aggRunning                    // detail: running within the innermost group
	aggGlobal                     // summary, report header/footer: the whole report
)

// exprCompiler compiles expressions and collects positioned errors.
type exprCompiler struct {
	errs    *grammar.ErrorList
	funcs   *funcTable
	nagg    int
	maxSize int                   // Options.MaxExprSize
	tooBig  []*program.LimitError // expressions over maxSize
	stopped bool                  // maxErrors reached: expressions are no longer checked
}

// maxErrors bounds the errors checking reports: past it, expressions are
// no longer checked (each error's suggestions weigh every name in scope, so
// a script of errors alone would otherwise check in quadratic time).
const maxErrors = 100

func (c *exprCompiler) errorf(pos lexer.Position, format string, args ...any) {
	c.errs.Add(pos, format, args...)
}

// compile parses and checks text (which starts at pos in the script) in sc.
// It returns nil after recording errors.
func (c *exprCompiler) compile(text string, pos lexer.Position, sc *scope) *program.Expr {
	if c.maxSize > 0 && len(text) > c.maxSize {
		c.tooBig = append(c.tooBig, &program.LimitError{Limit: "max expression size", Value: int64(len(text)), Max: int64(c.maxSize), Where: program.PosString(pos)})
		return nil
	}
	if len(*c.errs) >= maxErrors {
		if !c.stopped {
			c.stopped = true
			c.errorf(pos, "too many errors (%d): checking stops here", len(*c.errs))
		}
		return nil
	}
	tree, err := parser.ParseWithConfig(text, c.funcs.config())
	if err != nil {
		c.exprError(text, pos, err)
		return nil
	}
	w := &walker{c: c, text: text, base: pos, at: newTextPos(pos, text), sc: sc, src: tree.Source, refs: map[string]bool{}}
	before := len(*c.errs)
	kind := w.walk(&tree.Node)
	if len(*c.errs) > before {
		return nil
	}
	return c.finish(tree, text, pos, sc, kind, w.refs, w.aggs)
}

// finish type-checks and compiles a tree already walked by a walker.
func (c *exprCompiler) finish(tree *parser.Tree, text string, pos lexer.Position, sc *scope, kind value.Kind, refs map[string]bool, aggs []*program.AggRef) *program.Expr {
	e := &program.Expr{Text: text, Pos: pos, Kind: kind, Aggs: aggs}
	for r := range refs {
		e.Refs = append(e.Refs, r)
	}
	sort.Strings(e.Refs)
	// The environment holds only the names the expression uses (the walker
	// resolved every other identifier or reported it): building it from
	// the whole scope would make checking a script quadratic in its lets.
	env := make(map[string]any, len(refs)+len(aggs))
	for name := range refs {
		env[name] = nil
	}
	for _, a := range aggs {
		env[a.Slot] = nil
	}
	cfg := c.funcs.config()
	cfg.WithEnv(env)
	cfg.Strict = false
	if _, err := checker.Check(tree, cfg); err != nil {
		c.exprError(text, pos, err)
		return nil
	}
	prog, err := exprcompiler.Compile(tree, cfg)
	if err != nil {
		c.exprError(text, pos, err)
		return nil
	}
	e.Prog = prog
	e.Node = tree.Node
	return e
}

func (c *exprCompiler) exprError(text string, pos lexer.Position, err error) {
	if fe, ok := err.(*file.Error); ok {
		msg := fe.Message
		c.errorf(program.PosAt(pos, text, fe.From), "%s", msg)
		return
	}
	c.errorf(pos, "%v", err)
}

// walker checks and rewrites one expression tree in place.
type walker struct {
	c     *exprCompiler
	text  string
	base  lexer.Position
	at    *textPos // positions in text
	sc    *scope
	src   file.Source
	inAgg bool
	aggs  []*program.AggRef
	refs  map[string]bool
}

func (w *walker) pos(n ast.Node) lexer.Position {
	return w.at.atRune(n.Location().From)
}

func (w *walker) errorf(n ast.Node, format string, args ...any) {
	w.c.errorf(w.pos(n), format, args...)
}

func call(name string, at ast.Node, args ...ast.Node) ast.Node {
	callee := &ast.IdentifierNode{Value: name}
	callee.SetLocation(at.Location())
	n := &ast.CallNode{Callee: callee, Arguments: args}
	n.SetLocation(at.Location())
	return n
}

var binaryFuncs = map[string]string{
	"+": "__add", "-": "__sub", "*": "__mul", "/": "__div", "%": "__mod", "**": "__pow", "^": "__pow",
	"==": "__eq", "!=": "__ne", "<": "__lt", "<=": "__le", ">": "__gt", ">=": "__ge",
	"in": "__in", "contains": "__contains", "startsWith": "__startsWith", "endsWith": "__endsWith",
	"matches": "__matches",
}

// walk returns the static kind of *node, reporting errors and rewriting the
// node to the language's semantics (exact numbers, nil propagation).
func (w *walker) walk(node *ast.Node) value.Kind {
	switch n := (*node).(type) {
	case *ast.NilNode:
		return value.KindNil
	case *ast.BoolNode:
		return value.KindBool
	case *ast.StringNode:
		return value.KindString
	case *ast.IntegerNode:
		w.replace(node, &ast.ConstantNode{Value: int64(n.Value)})
		return value.KindInt
	case *ast.FloatNode:
		lit := w.literalText(n)
		d, err := value.ParseDecimal(strings.ReplaceAll(lit, "_", ""))
		if errors.Is(err, value.ErrScale) {
			w.errorf(n, "%v", err) // not rounded silently (issue 15 item 11)
			return value.KindAny
		}
		if err != nil {
			d, err = value.DecimalFromFloat(n.Value)
			if err != nil {
				w.errorf(n, "%v", err)
				return value.KindAny
			}
		}
		w.replace(node, &ast.ConstantNode{Value: d})
		return value.KindDecimal
	case *ast.ConstantNode:
		return value.KindOf(n.Value)
	case *ast.IdentifierNode:
		return w.ident(n)
	case *ast.UnaryNode:
		k := w.walk(&n.Node)
		switch n.Operator {
		case "-":
			if k != value.KindAny && k != value.KindNil && !k.IsNumeric() {
				w.errorf(n, "cannot negate %s", k)
			}
			w.replace(node, call("__neg", n, n.Node))
			return k
		case "+":
			*node = n.Node
			return k
		default: // "!", "not"
			w.replace(node, call("__not", n, n.Node))
			return value.KindBool
		}
	case *ast.BinaryNode:
		return w.binary(node, n)
	case *ast.ConditionalNode:
		w.walk(&n.Cond)
		n.Cond = call("__truthy", n.Cond, n.Cond)
		k1 := w.walk(&n.Exp1)
		k2 := w.walk(&n.Exp2)
		if k1 == k2 {
			return k1
		}
		if k1 == value.KindNil {
			return k2
		}
		if k2 == value.KindNil {
			return k1
		}
		return value.KindAny
	case *ast.ChainNode:
		return w.walk(&n.Node)
	case *ast.MemberNode:
		return w.member(node, n)
	case *ast.CallNode:
		return w.call(node, n)
	case *ast.BuiltinNode:
		w.errorf(n, "unknown function %q%s", n.Name, suggest(n.Name, w.c.funcs.names()))
		return value.KindAny
	case *ast.ArrayNode:
		for i := range n.Nodes {
			w.walk(&n.Nodes[i])
		}
		return value.KindAny
	case *ast.SliceNode, *ast.MapNode, *ast.PredicateNode, *ast.PointerNode,
		*ast.VariableDeclaratorNode, *ast.SequenceNode, *ast.BytesNode, *ast.PairNode:
		w.errorf(*node, "this kind of expression is not supported in reports: %s", (*node).String())
		return value.KindAny
	}
	w.errorf(*node, "unsupported expression %s", (*node).String())
	return value.KindAny
}

func (w *walker) literalText(n ast.Node) string {
	loc := n.Location()
	if loc.From >= 0 && loc.From < loc.To && loc.To <= w.at.runeLen() {
		return w.text[w.at.byteOf(loc.From):w.at.byteOf(loc.To)]
	}
	return n.String()
}

func (w *walker) replace(node *ast.Node, n ast.Node) {
	n.SetLocation((*node).Location())
	*node = n
}

func (w *walker) member(node *ast.Node, n *ast.MemberNode) value.Kind {
	prop, ok := n.Property.(*ast.StringNode)
	if !ok || n.Method {
		w.errorf(n, "only field access like customer.name is supported here")
		return value.KindAny
	}
	kind := value.KindAny
	if id, ok := n.Node.(*ast.IdentifierNode); ok {
		sc := w.sc
		if w.inAgg && sc.inner != nil {
			sc = sc.inner
		}
		if schema, ok := sc.records[id.Value]; ok && schema != nil {
			i := schema.Index(prop.Value)
			if i < 0 {
				w.errorf(n.Property, "unknown field %q of %s%s", prop.Value, id.Value, SuggestOrList(prop.Value, schema.Names()))
				return value.KindAny
			}
			kind = schema.Fields[i].Kind
		}
	}
	w.walk(&n.Node)
	w.replace(node, call("__get", n, n.Node, &ast.StringNode{Value: prop.Value}))
	return kind
}

func (w *walker) binary(node *ast.Node, n *ast.BinaryNode) value.Kind {
	l := w.walk(&n.Left)
	r := w.walk(&n.Right)
	switch n.Operator {
	case "&&", "and":
		c := &ast.ConditionalNode{Cond: call("__truthy", n.Left, n.Left), Exp1: call("__truthy", n.Right, n.Right), Exp2: &ast.BoolNode{Value: false}}
		w.replace(node, c)
		return value.KindBool
	case "||", "or":
		c := &ast.ConditionalNode{Cond: call("__truthy", n.Left, n.Left), Exp1: &ast.BoolNode{Value: true}, Exp2: call("__truthy", n.Right, n.Right)}
		w.replace(node, c)
		return value.KindBool
	case "??":
		if l == value.KindNil {
			return r
		}
		return l
	}
	fn, ok := binaryFuncs[n.Operator]
	if !ok {
		w.errorf(n, "operator %q is not supported", n.Operator)
		return value.KindAny
	}
	w.replace(node, call(fn, n, n.Left, n.Right))
	switch n.Operator {
	case "+", "-", "*", "/", "%":
		k, err := arithKind(n.Operator, l, r)
		if err != nil {
			w.errorf(n, "%v", err)
		}
		return k
	case "**", "^":
		if !numericOrUnknown(l) || !numericOrUnknown(r) {
			w.errorf(n, "cannot apply %s to %s and %s", n.Operator, l, r)
		}
		return value.KindFloat
	case "<", "<=", ">", ">=":
		if !comparable(l, r) {
			w.errorf(n, "cannot compare %s with %s", l, r)
		}
	case "contains", "startsWith", "endsWith", "matches":
		if !stringOrUnknown(l) || !stringOrUnknown(r) {
			w.errorf(n, "%s needs strings, not %s and %s", n.Operator, l, r)
		}
	}
	return value.KindBool
}

func unknown(k value.Kind) bool { return k == value.KindAny || k == value.KindNil }

func numericOrUnknown(k value.Kind) bool { return unknown(k) || k.IsNumeric() }

func stringOrUnknown(k value.Kind) bool { return unknown(k) || k == value.KindString }

func comparable(l, r value.Kind) bool {
	switch {
	case unknown(l) || unknown(r) || l == r:
		return true
	case l.IsNumeric() && r.IsNumeric():
		return true
	case (l == value.KindDate || l == value.KindTime) && (r == value.KindDate || r == value.KindTime || r == value.KindString):
		return true
	case (r == value.KindDate || r == value.KindTime) && l == value.KindString:
		return true
	}
	return false
}

// arithKind is the static counterpart of value.Arith.
func arithKind(op string, l, r value.Kind) (value.Kind, error) {
	if l == value.KindNil || r == value.KindNil {
		return value.KindNil, nil
	}
	if l == value.KindAny || r == value.KindAny {
		return value.KindAny, nil
	}
	if l.IsNumeric() && r.IsNumeric() {
		switch {
		case l == value.KindFloat || r == value.KindFloat:
			return value.KindFloat, nil
		case l == value.KindDecimal || r == value.KindDecimal || op == "/":
			return value.KindDecimal, nil
		}
		return value.KindInt, nil
	}
	switch {
	case op == "+" && l == value.KindString && r == value.KindString:
		return value.KindString, nil
	case (op == "+" || op == "-") && l == value.KindDate && r == value.KindInt:
		return value.KindDate, nil
	case op == "+" && l == value.KindInt && r == value.KindDate:
		return value.KindDate, nil
	case op == "-" && l == value.KindDate && r == value.KindDate:
		return value.KindInt, nil
	}
	return value.KindAny, fmt.Errorf("cannot apply %s to %s and %s", op, l, r)
}

func (w *walker) call(node *ast.Node, n *ast.CallNode) value.Kind {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		w.errorf(n, "only named functions can be called")
		return value.KindAny
	}
	name := id.Value
	if fn, ok := agg.FuncByName(name); ok {
		return w.aggregate(node, n, fn, strings.ToUpper(name))
	}
	f, ok := w.c.funcs.lookup(name)
	if !ok {
		w.errorf(n, "unknown function %q%s", name, suggest(name, append(w.c.funcs.names(), agg.Names()...)))
		return value.KindAny
	}
	kinds := make([]value.Kind, len(n.Arguments))
	for i := range n.Arguments {
		kinds[i] = w.walk(&n.Arguments[i])
	}
	if len(kinds) < f.MinArgs || (f.MaxArgs >= 0 && len(kinds) > f.MaxArgs) {
		w.errorf(n, "%s takes %s, got %d (%s)", name, argCount(f.MinArgs, f.MaxArgs), len(kinds), f.Sig)
		return value.KindAny
	}
	k, err := f.Check(kinds)
	if err != nil {
		w.errorf(n, "%v", err)
		return value.KindAny
	}
	id.Value = funcPrefix + f.Name
	return k
}

func argCount(lo, hi int) string {
	switch {
	case hi < 0 && lo == 1:
		return "at least 1 argument"
	case hi < 0:
		return fmt.Sprintf("at least %d arguments", lo)
	case lo == hi && lo == 1:
		return "1 argument"
	case lo == hi:
		return fmt.Sprintf("%d arguments", lo)
	}
	return fmt.Sprintf("%d to %d arguments", lo, hi)
}

func (w *walker) aggregate(node *ast.Node, n *ast.CallNode, fn agg.Func, name string) value.Kind {
	switch {
	case w.inAgg:
		w.errorf(n, "aggregate %s cannot be nested inside another aggregate", name)
		return value.KindAny
	case w.sc.page:
		w.errorf(n, "aggregate %s in a %s: %s", name, w.sc.what, pageBandUses)
		return value.KindAny
	case w.sc.aggs == aggForbidden:
		w.errorf(n, "aggregate %s is not allowed in a %s (aggregates belong in header, footer, detail and summary bands)", name, w.sc.what)
		return value.KindAny
	}
	ref := &program.AggRef{Fn: fn, Name: name, Pos: w.pos(n)}
	args := n.Arguments
	lo, hi := agg.Arity(fn)
	if len(args) < lo || len(args) > hi {
		w.errorf(n, "%s takes %s, got %d", name, argCount(lo, hi), len(args))
		return value.KindAny
	}
	if agg.HasParam(fn) {
		p, ok := constNumber(args[len(args)-1])
		if !ok {
			w.errorf(args[len(args)-1], "the last argument of %s must be a number literal", name)
			return value.KindAny
		}
		if err := agg.CheckParam(fn, p); err != nil {
			w.errorf(args[len(args)-1], "%v", err)
			return value.KindAny
		}
		ref.Param = p
		args = args[:len(args)-1]
	}
	argKind := value.KindNil
	if len(args) == 1 {
		argText := args[0].String()
		argPos := w.pos(args[0])
		inner := w.sc.inner
		if inner == nil {
			inner = w.sc
		}
		// Check the argument in the record scope, then compile it on its own.
		sub := &walker{c: w.c, text: w.text, base: w.base, at: w.at, sc: w.sc, src: w.src, inAgg: true, refs: map[string]bool{}}
		before := len(*w.c.errs)
		argKind = sub.walk(&args[0])
		if len(*w.c.errs) > before {
			return value.KindAny
		}
		ref.Arg = w.c.finish(&parser.Tree{Node: args[0], Source: w.src}, argText, argPos, inner, argKind, sub.refs, nil)
		if ref.Arg == nil {
			return value.KindAny
		}
		ref.Arg.LocText, ref.Arg.LocPos = w.text, w.base // its nodes keep their locations in the aggregate's expression
	}
	k, err := agg.ResultKind(fn, argKind)
	if err != nil {
		w.errorf(n, "%v", err)
		return value.KindAny
	}
	if w.sc.aggs == aggRunning && fn == agg.PercentOfTotal {
		w.errorf(n, "PERCENT_OF_TOTAL is not available in a detail band (use it in a footer)")
	}
	ref.Kind = k
	ref.Slot = fmt.Sprintf("__agg%d", w.c.nagg)
	w.c.nagg++
	w.aggs = append(w.aggs, ref)
	w.replace(node, &ast.IdentifierNode{Value: ref.Slot})
	return k
}

func constNumber(n ast.Node) (float64, bool) {
	switch x := n.(type) {
	case *ast.UnaryNode:
		if f, ok := constNumber(x.Node); ok && (x.Operator == "-" || x.Operator == "+") {
			if x.Operator == "-" {
				return -f, true
			}
			return f, true
		}
	case *ast.IntegerNode:
		return float64(x.Value), true
	case *ast.FloatNode:
		return x.Value, true
	case *ast.ConstantNode:
		f, ok := value.ToFloat(x.Value)
		return f, ok
	}
	return 0, false
}
