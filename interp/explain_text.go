package interp

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

// WriteText prints the plan for people: one section per part, indented.
func (pl *Plan) WriteText(w io.Writer) error {
	tw := &textWriter{w: w}
	tw.printf("plan for %s (%q)\n", pl.Script, pl.Title)
	for i, pp := range pl.Params {
		v := pp.Value
		if pp.Type == value.KindString.String() {
			v = strconv.Quote(v)
		}
		tw.section(i == 0, "params", "%s: %s = %s (%s)", pp.Name, pp.Type, v, pp.From)
	}
	pl.Strategy.writeText(tw)
	pl.writeSource(tw)
	pl.writeLookups(tw)
	for i, st := range pl.Stages {
		switch st.Op {
		case "where":
			tw.section(i == 0, "stage", "where %s", st.Expr)
		case "arg":
			tw.section(i == 0, "stage", "aggregate argument %s", st.Expr)
		default:
			tw.section(i == 0, "stage", "%s %s = %s", st.Op, st.Name, st.Expr)
		}
	}
	for _, g := range pl.Groupings {
		pl.writeGrouping(tw, g)
	}
	if len(pl.Summary) > 0 {
		var calls []string
		seen := map[string]bool{}
		for _, a := range pl.Summary {
			if !seen[a.Call] {
				seen[a.Call] = true
				calls = append(calls, a.Call)
			}
		}
		tw.section(true, "summary", "%s", strings.Join(calls, ", "))
	}
	pl.writeBands(tw)
	if len(pl.Buffering) == 0 {
		tw.printf("buffering: none\n")
	} else {
		tw.printf("buffering:\n")
		for _, b := range pl.Buffering {
			tw.printf("  %s: holds %s\n    cost: %s\n", b.What, b.Holds, b.Cost)
		}
	}
	tw.printf("parallelism: %s; aggregation %s\n", pl.Parallelism.Transform, pl.Parallelism.Aggregation)
	return tw.err
}

// writeSource prints the source section: what is read and how, the SQL
// sent, what is pushed down or scanned, and the fields.
func (pl *Plan) writeSource(tw *textWriter) {
	s := pl.Source
	hasWhere := false
	for _, st := range pl.Stages {
		hasWhere = hasWhere || st.Op == "where"
	}
	what := s.Kind + " " + s.Path
	switch {
	case s.Table != "":
		what += " table " + s.Table
	case s.Query != "":
		what += " query"
	}
	tw.section(true, "source", "%s", what)
	if s.Query != "" {
		tw.section(false, "", "query: %s", s.Query)
	}
	for _, b := range s.Bound {
		tw.section(false, "", "bound: %s = %s", b.Name, b.Value)
	}
	tw.section(false, "", "read: %s", s.Read)
	switch {
	case s.FirstSQL == "":
	case s.FirstSQL == s.NextSQL:
		tw.section(false, "", "every chunk: %s", s.FirstSQL)
	default:
		tw.section(false, "", "first chunk: %s", s.FirstSQL)
		tw.section(false, "", "next chunks: %s", s.NextSQL)
	}
	if len(s.OrderByPushedDown) > 0 {
		tw.section(false, "", "order by pushed down: %s", strings.Join(s.OrderByPushedDown, ", "))
	}
	s.AggregationPushedDown.writeText(tw)
	s.AggregationInScanner.writeText(tw)
	if len(s.WherePushedDown) > 0 {
		tw.section(false, "", "where pushed down: %s", strings.Join(s.WherePushedDown, " AND "))
	} else if s.Kind == "sqlite" && hasWhere {
		tw.section(false, "", "where pushed down: none (every where runs on each record read)")
	}
	if len(s.DeclaredSorted) > 0 {
		tw.section(false, "", "declared sorted by: %s", strings.Join(s.DeclaredSorted, ", "))
	}
	var fields []string
	for _, f := range s.Schema {
		d := f.Name + " " + f.Kind
		if f.Declared {
			d += " (declared)"
		}
		fields = append(fields, d)
	}
	tw.section(false, "", "fields: %s", strings.Join(fields, ", "))
}

// writeLookups prints the lookups section.
func (pl *Plan) writeLookups(tw *textWriter) {
	for i, l := range pl.Lookups {
		what := l.Kind + " " + l.Path
		if l.Table != "" {
			what += " table " + l.Table
		}
		short := "one query per chunk"
		if l.SQL == "" {
			short = l.Batching
		}
		tw.section(i == 0, "lookup", "%s: %s on %s == %s — %s", l.Name, what, l.Key, l.On, short)
		if l.SQL != "" {
			tw.section(false, "", "  %s", l.SQL)
		}
	}
}

// writeBands prints the bands section.
func (pl *Plan) writeBands(tw *textWriter) {
	for i, b := range pl.Bands {
		name := strings.ReplaceAll(b.Kind, "_", " ")
		if b.Group != "" {
			name += " of group " + b.Group
		}
		if b.Template != "" {
			tw.section(i == 0, "bands", "%s: %q — %s", name, b.Template, b.When)
		} else {
			var cols []string
			for _, c := range b.Columns {
				col := c.Name
				if c.Label != "" {
					col += fmt.Sprintf(" %q", c.Label)
				}
				for _, st := range c.Styles {
					col += " (style " + st + ")"
				}
				cols = append(cols, col)
			}
			for _, st := range b.Styles {
				name += " (style " + st + ")"
			}
			tw.section(i == 0, "bands", "%s: %s — %s", name, strings.Join(cols, ", "), b.When)
		}
	}
	if pl.PageHeader != "" {
		tw.section(false, "bands", "page header: %q — at the top of every page (pdf, html printed)", pl.PageHeader)
	}
	if pl.PageFooter != "" {
		tw.section(false, "bands", "page footer: %q — at the foot of every page (pdf, html printed)", pl.PageFooter)
	}
}

func (pl *Plan) writeGrouping(tw *textWriter, g PlanGrouping) {
	for i, lv := range g.Levels {
		head := "group"
		if i > 0 {
			head = strings.Repeat("  ", i) + "group "
		}
		name := lv.Name
		if lv.Key != lv.Name {
			name += " (" + lv.Key + ")"
		}
		strategy := "hash"
		switch g.Strategy {
		case GroupingStreaming:
			strategy = "streaming, one open group"
		case GroupingSorted:
			strategy = "hash, detail records held by group"
		}
		if i == 0 {
			tw.section(true, head, "%s: %s, at most %d groups", name, strategy, lv.MaxGroups)
		} else {
			tw.printf("%s%s: %s, at most %d groups\n", head, name, strategy, lv.MaxGroups)
		}
		ind := strings.Repeat("  ", i+1)
		if lv.Having != "" {
			tw.section(false, "", "%shaving %s", ind, lv.Having)
		}
		if lv.OrderBy != "" {
			desc := ""
			if lv.Desc {
				desc = " desc"
			}
			tw.section(false, "", "%sorder by %s%s", ind, lv.OrderBy, desc)
		}
		if lv.Limit > 0 {
			tw.section(false, "", "%slimit %d", ind, lv.Limit)
		}
		for _, id := range lv.Bands {
			if id < 0 || id >= len(pl.Bands) {
				continue
			}
			b := pl.Bands[id]
			line := b.Kind
			if b.Template != "" {
				line += fmt.Sprintf(" %q", b.Template)
			}
			if len(b.Aggregates) > 0 {
				line += ": " + strings.Join(b.Aggregates, ", ")
			}
			if b.Kind == render.GroupHeader.String() {
				if len(b.Aggregates) == 0 {
					line += "  (keys only)"
				} else {
					line += "  (shows totals: holds the group's output)"
				}
			}
			tw.section(false, "", "%s%s", ind, line)
		}
		for _, a := range lv.Aggregates {
			if a.Band == "having" || a.Band == "order by" {
				tw.section(false, "", "%s%s: %s", ind, a.Band, a.Call)
			}
		}
	}
	tw.section(false, "", "%s: %s", g.Strategy, g.Reason)
}

// textWriter prints aligned sections and keeps the first error.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// section prints one line of a section: the section's name in an 8-wide
// column on its first line, blanks on the others.
func (t *textWriter) section(first bool, name, format string, args ...any) {
	if !first {
		name = ""
	}
	t.printf("%-8s%s\n", name, fmt.Sprintf(format, args...))
}

// writeText prints the strategy section: the strategy and why, what it
// falls back to and when, and the strategies declined before it.
func (ps PlanStrategy) writeText(tw *textWriter) {
	tw.section(true, "runs as", "%s: %s", ps.Name, ps.Why)
	if ps.FallBack != StrategyAuto {
		tw.section(false, "", "falls back to %s on %s, having written nothing", ps.FallBack, ps.When)
	}
	for i := 0; i < len(ps.Declined); i++ {
		d, names := ps.Declined[i], ps.Declined[i].Strategy.String()
		for i+1 < len(ps.Declined) && ps.Declined[i+1].Why == d.Why {
			i++
			names += " or " + ps.Declined[i].Strategy.String()
		}
		tw.section(false, "", "not %s: %s", names, d.Why)
	}
}
