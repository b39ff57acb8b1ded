// Package check parses and checks a report script and builds its
// program (package program): names and scopes, types, aggregates and
// where they may appear, expressions compiled for the expr VM and as fast
// closures, the record layout, and which group levels stream. Errors are
// positioned (grammar.ErrorList), several at once where they are
// independent.
package check

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// Config are the options of checking a script.
type Config struct {
	// MaxGroups overrides every level's group limit (0: the script's).
	MaxGroups int
	// MaxScriptSize limits the length of the script in bytes (0: none).
	MaxScriptSize int
	// MaxExprSize limits the length of every expression (0: none).
	MaxExprSize int
	// Functions are the functions scripts may call besides the built-ins.
	Functions map[string]any
	// Sources are the names of the Go sources scripts may read.
	Sources map[string]bool
	// MaxValueBytes bounds one value an operator, function or template
	// builds (0: value.DefaultMaxBytes; negative: no bound).
	MaxValueBytes int64
}

// Compile parses and checks a script and builds its program; in opens
// its sources to learn their fields.
func Compile(ctx context.Context, name string, src []byte, cfg Config, in *input.Opener) (*program.Program, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.MaxScriptSize > 0 && len(src) > cfg.MaxScriptSize {
		return nil, &program.LimitError{Limit: "max script size in bytes", Value: int64(len(src)), Max: int64(cfg.MaxScriptSize),
			Where: program.PosString(offsetPos(name, src, cfg.MaxScriptSize))}
	}
	file, err := grammar.Parse(name, src)
	if err != nil {
		return nil, err
	}
	c := &compiler{
		ctx:     ctx,
		m:       &program.Program{Name: name, OnError: "fail", MaxGroups: agg.DefaultMaxGroups, GSlot: map[string]int{}},
		in:      in,
		cfg:     cfg,
		names:   map[string]value.Kind{},
		params:  map[string]value.Kind{},
		paramAt: map[string]lexer.Position{},
		recs:    map[string]*value.Schema{},
	}
	if cfg.MaxGroups > 0 {
		c.m.MaxGroups = cfg.MaxGroups
	}
	c.m.MaxValueBytes = cfg.MaxValueBytes
	typed, err := goFuncs(cfg.Functions)
	if err != nil {
		return nil, err
	}
	c.funcs = newFuncTable(typed, value.MaxBytes(cfg.MaxValueBytes))
	c.ec = &exprCompiler{errs: &c.errs, funcs: c.funcs, maxSize: cfg.MaxExprSize}
	c.file(file)
	if err := ctx.Err(); err != nil {
		// Opening a source ended with ctx: that, not what it left undone.
		c.in.DropSpare()
		return nil, err
	}
	if len(c.ec.tooBig) > 0 {
		c.in.DropSpare()
		return nil, c.ec.tooBig[0] // a limit, not a mistake in the script
	}
	c.errs.Sort()
	if err := c.errs.Err(); err != nil {
		c.in.DropSpare()
		return nil, err
	}
	return c.m, nil
}

// offsetPos returns the position of byte off of src.
func offsetPos(name string, src []byte, off int) lexer.Position {
	line := bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return lexer.Position{Filename: name, Offset: off, Line: line + 1, Column: utf8.RuneCount(src[start:off]) + 1}
}

// compiler holds the state of one Compile.
type compiler struct {
	ctx     context.Context // Compile's, for the sources' I/O
	m       *program.Program
	in      *input.Opener
	cfg     Config
	funcs   *funcTable
	errs    grammar.ErrorList
	ec      *exprCompiler
	names   map[string]value.Kind     // record scope: fields, lookups' keys, lets, params
	params  map[string]value.Kind     // the params alone, which bands see
	paramAt map[string]lexer.Position // where each param is declared
	recs    map[string]*value.Schema  // lookups
	slots   []string                  // record slot names
	kinds   []value.Kind
	slotIx  map[string]int            // slotOf's index, made once the layout is fixed
	seen    map[string]lexer.Position // top-level statement kinds seen once
	argIx   map[string]int            // aggregate argument text → arg index
}

func (c *compiler) errorf(pos lexer.Position, format string, args ...any) {
	c.errs.Add(pos, format, args...)
}

func (c *compiler) once(kind string, pos lexer.Position) bool {
	if c.seen == nil {
		c.seen = map[string]lexer.Position{}
	}
	if prev, ok := c.seen[kind]; ok {
		c.errorf(pos, "duplicate %s (the first is at line %d)", kind, prev.Line)
		return false
	}
	c.seen[kind] = pos
	return true
}

func (c *compiler) file(f *grammar.File) {
	p := c.m
	// Pass 1: declarations that later statements depend on.
	for _, s := range f.Stmts {
		switch {
		case s.Report != nil:
			if c.once("report title", s.Report.Pos) {
				p.Title = s.Report.Title.Value
			}
		case s.Param != nil:
			c.param(s.Param)
		case s.OnError != nil:
			if c.once("on_error", s.OnError.Pos) {
				switch m := s.OnError.Mode.Name; m {
				case "skip", "fail":
					p.OnError = m
				default:
					c.errorf(s.OnError.Mode.Pos, "on_error must be skip or fail, not %q", m)
				}
			}
		case s.MaxGroups != nil:
			if c.once("max_groups", s.MaxGroups.Pos) {
				if s.MaxGroups.Limit.Value <= 0 {
					c.errorf(s.MaxGroups.Pos, "max_groups must be positive")
				} else if c.cfg.MaxGroups == 0 {
					p.MaxGroups = int(s.MaxGroups.Limit.Value)
				}
			}
		}
	}
	for _, s := range f.Stmts {
		if s.Source != nil && c.once("source", s.Source.Pos) {
			c.source(s.Source)
		}
	}
	if p.Source == nil {
		if _, declared := c.seen["source"]; !declared {
			c.errorf(f.Pos, "the report has no source (add e.g. source csv(\"data.csv\"))")
		}
		return
	}
	if p.Source.Schema == nil {
		return // already reported
	}
	for _, s := range f.Stmts {
		if s.Lookup != nil {
			c.lookup(s.Lookup)
		}
	}
	// Pass 2: the record pipeline, in order.
	for _, s := range f.Stmts {
		switch {
		case s.Where != nil:
			e := c.ec.compile(s.Where.Cond.Text, s.Where.Cond.Pos, c.recordScope("where clause"))
			if e != nil {
				if e.Kind != value.KindBool && !unknown(e.Kind) {
					c.errorf(s.Where.Cond.Pos, "where needs a condition (bool), but this is %s", e.Kind)
				}
				p.Steps = append(p.Steps, &program.Step{Where: e})
			}
		case s.Let != nil:
			c.let(s.Let)
		}
	}
	// Pass 3: groups and bands.
	for _, s := range f.Stmts {
		if s.Group != nil {
			c.grouping(s.Group)
		}
	}
	for _, s := range f.Stmts {
		switch {
		case s.Detail != nil:
			if c.once("detail band", s.Detail.Pos) {
				p.Detail = c.detailBand(s.Detail)
			}
		case s.Summary != nil:
			if c.once("summary band", s.Summary.Pos) {
				p.Summary = c.globalBand(s.Summary, render.Summary, "summary")
			}
		case s.Header != nil:
			if c.once("report header", s.Header.Pos) {
				p.RepHeader = c.globalBand(s.Header, render.ReportHeader, "report header")
			}
		case s.Footer != nil:
			if c.once("report footer", s.Footer.Pos) {
				p.RepFooter = c.globalBand(s.Footer, render.ReportFooter, "report footer")
			}
		}
	}
	if p.Title == "" {
		base := filepath.Base(p.Name)
		p.Title = strings.TrimSuffix(base, filepath.Ext(base))
	}
	c.pageBands(f)
	c.plan()
}

func (c *compiler) param(d *grammar.Param) {
	name := d.Name.Name
	k, ok := value.ParseKind(d.Type.Name)
	if !ok {
		c.errorf(d.Type.Pos, "unknown type %q for param %s (types: int, decimal, float, string, date, timestamp, bool)", d.Type.Name, name)
		return
	}
	if q, dup := c.paramAt[name]; dup {
		c.errorf(d.Name.Pos, "duplicate param %s (the first is at line %d)", name, q.Line)
		return
	}
	pd := &program.Param{Name: name, Kind: k, Pos: d.Pos}
	if d.Default != nil {
		v, err := ParseParamText(k, d.Default.Text)
		if err != nil {
			c.errorf(d.Default.Pos, "default of param %s: %v", name, err)
			return
		}
		pd.Default, pd.HasDefault = v, true
	}
	c.m.Params = append(c.m.Params, pd)
	c.names[name] = k
	c.params[name] = k
	c.paramAt[name] = d.Pos
}

// ParseParamText parses a parameter's value written in a script or on the
// command line. A string keeps its text exactly, but for one pair of
// quotes around it (' or ", outside spaces dropped); any other type is
// parsed from the text without the spaces and quotes around it. Spaces
// inside are kept for every type: in a timestamp they are its own, in a
// number an error.
func ParseParamText(k value.Kind, text string) (any, error) {
	t := strings.TrimSpace(text)
	quoted := len(t) >= 2 && (t[0] == '"' || t[0] == '\'') && t[len(t)-1] == t[0]
	if quoted {
		t = t[1 : len(t)-1]
	}
	switch {
	case k == value.KindString && quoted:
		return t, nil
	case k == value.KindString:
		return text, nil
	}
	t = strings.TrimSpace(t)
	if k == value.KindAny {
		return value.Infer(t), nil
	}
	return value.Parse(k, t)
}

func (c *compiler) addSlot(name string, k value.Kind) int {
	c.slots = append(c.slots, name)
	c.kinds = append(c.kinds, k)
	return len(c.slots) - 1
}

// recordScope is the scope of per-record expressions.
func (c *compiler) recordScope(what string) *scope {
	return &scope{what: what, names: c.names, records: c.recs, aggs: aggForbidden}
}

func (c *compiler) let(l *grammar.Let) {
	name := l.Name.Name
	e := c.ec.compile(l.Value.Text, l.Value.Pos, c.recordScope("let"))
	if _, dup := c.names[name]; dup {
		c.errorf(l.Name.Pos, "let %s: the name is already a field, param or let", name)
		return
	}
	if _, dup := c.recs[name]; dup {
		c.errorf(l.Name.Pos, "let %s: the name is already a lookup", name)
		return
	}
	if e == nil {
		c.names[name] = value.KindAny
		return
	}
	slot := c.addSlot(name, e.Kind)
	c.names[name] = e.Kind
	c.m.Steps = append(c.m.Steps, &program.Step{Let: e, Name: name, Slot: slot})
}

// argSlot returns the index of an aggregate argument, sharing identical ones.
func (c *compiler) argSlot(e *program.Expr) int {
	if c.argIx == nil {
		c.argIx = map[string]int{}
		c.m.ArgIx = c.argIx
	}
	key := e.Text
	if i, ok := c.argIx[key]; ok {
		return i
	}
	c.m.Args = append(c.m.Args, e)
	c.argIx[key] = len(c.m.Args) - 1
	return len(c.m.Args) - 1
}

func specOf(c *compiler, a *program.AggRef) agg.Spec {
	s := agg.Spec{Func: a.Fn, Arg: -1, Param: a.Param}
	if a.Arg != nil {
		s.Arg = c.argSlot(a.Arg)
	}
	return s
}

func (c *compiler) grouping(g *grammar.Group) {
	gr := &program.Grouping{}
	var keys []string
	keyKinds := map[string]value.Kind{}
	c.m.Groupings = append(c.m.Groupings, gr)
	for depth := 0; g != nil; depth++ {
		lv := &program.Level{Pos: g.Pos, MaxGroups: c.m.MaxGroups, SlotSpec: map[string]int{}}
		key := c.ec.compile(g.Key.Text, g.Key.Pos, c.recordScope("group key"))
		lv.Key = key
		switch {
		case g.As != nil:
			lv.Name = g.As.Name
		case IsIdent(g.Key.Text):
			lv.Name = strings.TrimSpace(g.Key.Text)
		default:
			lv.Name = lastIdent(g.Key.Text)
			if lv.Name == "" {
				lv.Name = fmt.Sprintf("group%d", depth+1)
			}
		}
		if g.MaxGroups != nil {
			if g.MaxGroups.Value <= 0 {
				c.errorf(g.MaxGroups.Pos, "max_groups must be positive")
			} else {
				lv.MaxGroups = int(g.MaxGroups.Value)
			}
		}
		for _, k := range keys {
			if k == lv.Name {
				c.errorf(g.Key.Pos, "group level %q is already used by an enclosing group (add `as NAME`)", lv.Name)
			}
		}
		if key != nil {
			lv.KeySlot = c.addSlot("__key:"+lv.Name, key.Kind)
			keyKinds[lv.Name] = key.Kind
		}
		keys = append(keys, lv.Name)
		lv.KeyNames = append([]string(nil), keys...)
		gr.Levels = append(gr.Levels, lv)
		var next *grammar.Group
		for _, it := range g.Items {
			switch {
			case it.Header != nil:
				if lv.Header != nil {
					c.errorf(it.Header.Pos, "duplicate header in group %s", lv.Name)
					continue
				}
				lv.Header = c.groupBand(it.Header, render.GroupHeader, depth, lv, keys, keyKinds)
				lv.Header.Band.Grouping = len(c.m.Groupings) - 1
			case it.Footer != nil:
				if lv.Footer != nil {
					c.errorf(it.Footer.Pos, "duplicate footer in group %s", lv.Name)
					continue
				}
				lv.Footer = c.groupBand(it.Footer, render.GroupFooter, depth, lv, keys, keyKinds)
				lv.Footer.Band.Grouping = len(c.m.Groupings) - 1
			case it.Group != nil:
				if next != nil {
					c.errorf(it.Group.Pos, "a group may nest only one group (put independent groupings at the top level)")
					continue
				}
				next = it.Group
			}
		}
		c.groupClauses(g, lv, depth, keys, keyKinds)
		g = next
	}
}

// groupClauses compiles having, order by and limit in the level's footer
// scope extended with the footer's column names.
func (c *compiler) groupClauses(g *grammar.Group, lv *program.Level, depth int, keys []string, keyKinds map[string]value.Kind) {
	if g.Limit != nil {
		if g.Limit.Value <= 0 {
			c.errorf(g.Limit.Pos, "limit must be positive")
		} else {
			lv.Limit = int(g.Limit.Value)
		}
	}
	lv.Desc = g.Desc
	if g.Having == nil && g.OrderBy == nil {
		return
	}
	sc := c.levelScope("group "+lv.Name+" clause", keys, keyKinds)
	if lv.Footer != nil {
		for i, col := range lv.Footer.Cols {
			if _, clash := sc.lookup(col.Name); !clash {
				sc.names[col.Name] = lv.Footer.Band.Columns[i].Kind
			}
		}
	}
	compileClause := func(e *grammar.Expr) *program.Expr {
		x := c.ec.compile(e.Text, e.Pos, sc)
		if x != nil {
			for _, a := range x.Aggs {
				lv.SlotSpec[a.Slot] = len(lv.Specs)
				lv.Specs = append(lv.Specs, specOf(c, a))
				lv.SpecRefs = append(lv.SpecRefs, a)
			}
		}
		return x
	}
	if g.Having != nil {
		lv.Having = compileClause(g.Having)
		if lv.Having != nil && lv.Having.Kind != value.KindBool && !unknown(lv.Having.Kind) {
			c.errorf(g.Having.Pos, "having needs a condition (bool), but this is %s", lv.Having.Kind)
		}
	}
	if g.OrderBy != nil {
		lv.OrderBy = compileClause(g.OrderBy)
	}
}

// levelScope is the scope of a group level's bands and clauses.
func (c *compiler) levelScope(what string, keys []string, keyKinds map[string]value.Kind) *scope {
	names := make(map[string]value.Kind, len(keys))
	for _, k := range keys {
		names[k] = keyKinds[k]
	}
	return &scope{what: what, names: names, params: c.params, aggs: aggGroup, inner: c.recordScope("aggregate argument")}
}

// IsIdent reports whether s, without surrounding spaces, is a name
// (grammar.IsIdent): an expression that names itself.
func IsIdent(s string) bool {
	return grammar.IsIdent(strings.TrimSpace(s))
}

// lastIdent names a level or a column whose key or expression is a field
// access, customer.name or customer?.name: by its last name.
func lastIdent(s string) string {
	parts := strings.Split(strings.ReplaceAll(s, "?.", "."), ".")
	if len(parts) < 2 {
		return ""
	}
	for _, p := range parts {
		if !IsIdent(p) {
			return ""
		}
	}
	return strings.TrimSpace(parts[len(parts)-1])
}
