package check

import (
	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

// Checking conditional style rules: `style NAME when EXPR` after a column
// or after a column band. A condition reads the band's own columns by
// name, its group keys and the parameters; it cannot aggregate (name an
// aggregate column instead).

// bandStyles compiles the style rules of a column band's columns (srcs,
// one per bd.Cols) and of the band itself. sc is the band's scope.
func (c *compiler) bandStyles(b *grammar.Band, bd *program.Band, srcs []*grammar.Column, sc *scope) {
	has := len(b.Styles) > 0
	for _, col := range srcs {
		has = has || len(col.Styles) > 0
	}
	if !has {
		return
	}
	names := make(map[string]value.Kind, len(bd.Band.KeyNames)+len(bd.Cols))
	for _, k := range bd.Band.KeyNames {
		kind, ok := sc.names[k]
		if !ok {
			kind = value.KindAny
		}
		names[k] = kind
	}
	for i, cd := range bd.Cols {
		names[cd.Name] = bd.Band.Columns[i].Kind
	}
	ssc := &scope{what: "style condition", names: names, params: c.params, aggs: aggForbidden}
	for i, col := range srcs {
		bd.Cols[i].Styles = c.styleRules(col.Styles, ssc)
	}
	bd.Styles = c.styleRules(b.Styles, ssc)
	bd.HasStyle = true
}

// styleRules compiles rules in sc; a rule with an error is left out.
func (c *compiler) styleRules(rules []*grammar.StyleRule, sc *scope) []program.StyleRule {
	var out []program.StyleRule
	for _, r := range rules {
		st, ok := render.StyleNamed(r.Style.Name)
		if !ok {
			c.errorf(r.Style.Pos, "unknown style %q (the styles are %s)", r.Style.Name, grammar.StyleNames)
		}
		e := c.ec.compile(r.When.Text, r.When.Pos, sc)
		if e == nil || !ok {
			continue
		}
		if e.Kind != value.KindBool && e.Kind != value.KindAny {
			c.errorf(r.When.Pos, "the condition of style %s is %s, not a bool", r.Style.Name, e.Kind)
			continue
		}
		out = append(out, program.StyleRule{Style: st, When: e, What: "style " + r.Style.Name})
	}
	return out
}
