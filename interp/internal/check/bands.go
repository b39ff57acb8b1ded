package check

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// Checking bands: group headers and footers, the detail band, report
// bands, their columns and templates, in the scope each may read.

func (c *compiler) groupBand(b *grammar.Band, kind render.BandKind, depth int, lv *program.Level, keys []string, keyKinds map[string]value.Kind) *program.Band {
	what := "group header"
	if kind == render.GroupFooter {
		what = "group footer"
	}
	sc := c.levelScope(what, keys, keyKinds)
	bd := c.band(b, kind, depth, lv.Name, keys, sc)
	for _, a := range bd.Aggs {
		if isRunning(a.Fn) {
			if kind == render.GroupHeader || a.Fn == agg.RunningAvg {
				c.errorf(a.Pos, "%s accumulates across groups only in a group footer, and only as RUNNING_SUM or RUNNING_COUNT", a.Name)
				continue
			}
			lv.Running = append(lv.Running, a)
		}
		lv.SlotSpec[a.Slot] = len(lv.Specs)
		lv.Specs = append(lv.Specs, specOf(c, a))
		lv.SpecRefs = append(lv.SpecRefs, a)
	}
	return bd
}

func (c *compiler) globalBand(b *grammar.Band, kind render.BandKind, what string) *program.Band {
	sc := &scope{what: what, params: c.params, aggs: aggGlobal, inner: c.recordScope("aggregate argument")}
	bd := c.band(b, kind, -1, "", nil, sc)
	for _, a := range bd.Aggs {
		c.m.GSlot[a.Slot] = len(c.m.Global)
		c.m.Global = append(c.m.Global, specOf(c, a))
		c.m.GlobalRefs = append(c.m.GlobalRefs, a)
	}
	return bd
}

func (c *compiler) detailBand(b *grammar.Band) *program.Band {
	sc := &scope{what: "detail band", names: c.names, records: c.recs, aggs: aggRunning}
	depth := -1
	var keys []string
	if len(c.m.Groupings) > 0 {
		gr := c.m.Groupings[0]
		depth = len(gr.Levels) - 1
		for _, lv := range gr.Levels {
			keys = append(keys, lv.Name)
		}
		if len(c.m.Groupings) > 1 {
			c.errorf(b.Pos, "a detail band needs a single grouping (this report has %d top-level groups)", len(c.m.Groupings))
		}
	}
	bd := c.band(b, render.Detail, depth, "", keys, sc)
	for _, a := range bd.Aggs {
		if a.Arg != nil {
			c.argSlot(a.Arg)
		}
	}
	return bd
}

// band compiles a band's columns or template in sc.
func (c *compiler) band(b *grammar.Band, kind render.BandKind, depth int, group string, keys []string, sc *scope) *program.Band {
	bd := &program.Band{Pos: b.Pos}
	rb := &render.Band{Kind: kind, Level: depth, Group: group, KeyNames: append([]string(nil), keys...)}
	bd.Band = rb
	if b.Template != nil {
		rb.Template = true
		bd.Template = c.template(b.Template, sc)
		for _, p := range bd.Template {
			if p.Expr != nil {
				bd.Aggs = append(bd.Aggs, p.Expr.Aggs...)
			}
		}
		return bd
	}
	seen := map[string]lexer.Position{}
	var srcs []*grammar.Column // the source of each of bd.Cols
	for _, col := range b.Columns {
		name := ""
		switch {
		case col.Name != nil:
			name = col.Name.Name
		case IsIdent(col.Expr.Text):
			name = strings.TrimSpace(col.Expr.Text)
		default:
			name = lastIdent(col.Expr.Text)
			if name == "" {
				c.errorf(col.Expr.Pos, "column %q needs a name (write name: %s)", col.Expr.Text, col.Expr.Text)
				continue
			}
		}
		if prev, dup := seen[name]; dup {
			c.errorf(col.Pos, "duplicate column name %q (the first is at %d:%d)", name, prev.Line, prev.Column)
			continue
		}
		seen[name] = col.Pos
		e := c.ec.compile(col.Expr.Text, col.Expr.Pos, sc)
		cd := &program.Column{Name: name, Expr: e}
		rc := render.Column{Name: name, Kind: value.KindAny}
		if e != nil {
			rc.Kind = e.Kind
			bd.Aggs = append(bd.Aggs, e.Aggs...)
		}
		if col.Format != nil {
			if _, err := render.ParseFormat(col.Format.Value); err != nil {
				c.errorf(col.Format.Pos, "column %s: %v", name, err)
			}
			cd.Format = col.Format.Value
			rc.Format = col.Format.Value
		}
		if col.Label != nil {
			if strings.TrimSpace(col.Label.Value) == "" {
				c.errorf(col.Label.Pos, "column %s: a label is a heading and cannot be empty (leave it out to show the name)", name)
			}
			rc.Label = col.Label.Value
		}
		bd.Cols = append(bd.Cols, cd)
		srcs = append(srcs, col)
		rb.Columns = append(rb.Columns, rc)
	}
	c.bandStyles(b, bd, srcs, sc)
	return bd
}

// template splits "Territory {territory}" into literal and expression parts.
func (c *compiler) template(t *grammar.Template, sc *scope) []program.TemplatePart {
	return c.templateParts(t, sc, false)
}

// templateParts splits a template; in a page band (page), {page} and
// {pages} are left for the renderer to fill in.
func (c *compiler) templateParts(t *grammar.Template, sc *scope, page bool) []program.TemplatePart {
	var parts []program.TemplatePart
	s := t.Text
	lit := strings.Builder{}
	base := t.Pos
	base.Column++ // the opening quote
	base.Offset++
	at := newTextPos(base, s)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == '{' && i+1 < len(s) && s[i+1] == '{':
			lit.WriteByte('{')
			i++
		case ch == '}' && i+1 < len(s) && s[i+1] == '}':
			lit.WriteByte('}')
			i++
		case ch == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				c.errorf(at.atByte(i), "unclosed { in text band (write {{ for a literal brace)")
				return parts
			}
			if lit.Len() > 0 {
				parts = append(parts, program.TemplatePart{Lit: lit.String()})
				lit.Reset()
			}
			text := s[i+1 : i+end]
			if v := pageVar(text); page && v != render.PageText {
				parts = append(parts, program.TemplatePart{Page: v})
				i += end
				continue
			}
			e := c.ec.compile(text, at.atByte(i+1), sc)
			if e != nil {
				parts = append(parts, program.TemplatePart{Expr: e})
			}
			i += end
		default:
			lit.WriteByte(ch)
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, program.TemplatePart{Lit: lit.String()})
	}
	return parts
}

func isRunning(f agg.Func) bool {
	return f == agg.RunningSum || f == agg.RunningCount || f == agg.RunningAvg
}
