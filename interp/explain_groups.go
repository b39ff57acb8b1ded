package interp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
)

func (p *Program) explainGrouping(gi int, gr *program.Grouping, sortBuffer int) PlanGrouping {
	pg := PlanGrouping{Strategy: GroupingHash, Reason: p.groupingReason(gr)}
	switch {
	case gr.Streaming:
		pg.Strategy = GroupingStreaming
	case gi == 0 && p.m.NeedSort:
		pg.Strategy = GroupingSorted
	}
	for depth, lv := range gr.Levels {
		pv := PlanLevel{Name: lv.Name, Depth: depth, MaxGroups: lv.MaxGroups, Limit: lv.Limit, Desc: lv.Desc}
		if lv.Key != nil {
			pv.Key = program.OneLine(lv.Key.Text)
		}
		switch pg.Strategy {
		case GroupingStreaming:
			pv.Strategy = "streaming (input sorted by keys; memory: one open group per level)"
		case GroupingSorted:
			pv.Strategy = fmt.Sprintf("hash, the detail band's records held in memory by group (memory bounded by max_groups %d, and up to %d records, RunConfig.SortBuffer)", lv.MaxGroups, sortBuffer)
		default:
			pv.Strategy = fmt.Sprintf("hash (memory bounded by max_groups %d)", lv.MaxGroups)
		}
		for _, b := range []struct {
			bd   *program.Band
			name string
		}{{lv.Header, "header"}, {lv.Footer, "footer"}} {
			if b.bd != nil {
				pv.Bands = append(pv.Bands, b.bd.Band.ID)
				for _, a := range b.bd.Aggs {
					pv.Aggregates = append(pv.Aggregates, PlanAggregate{Band: b.name, Call: aggCall(a)})
				}
			}
		}
		if lv.Having != nil {
			pv.Having = program.OneLine(lv.Having.Text)
			for _, a := range lv.Having.Aggs {
				pv.Aggregates = append(pv.Aggregates, PlanAggregate{Band: "having", Call: aggCall(a)})
			}
		}
		if lv.OrderBy != nil {
			pv.OrderBy = program.OneLine(lv.OrderBy.Text)
			for _, a := range lv.OrderBy.Aggs {
				pv.Aggregates = append(pv.Aggregates, PlanAggregate{Band: "order by", Call: aggCall(a)})
			}
		}
		for _, b := range p.levelBuffers(gr, depth) {
			pv.Holds = append(pv.Holds, b.What+": "+b.Holds)
		}
		pg.Levels = append(pg.Levels, pv)
	}
	return pg
}

// groupingReason explains the strategy plan chose, repeating its tests.
func (p *Program) groupingReason(gr *program.Grouping) string {
	src := p.m.Source
	if len(p.m.Groupings) > 1 {
		return fmt.Sprintf("the report has %d top-level groupings; each is grouped in its own hash table", len(p.m.Groupings))
	}
	var keys []string
	for _, lv := range gr.Levels {
		if lv.Key == nil || !check.IsIdent(lv.Key.Text) || src.Schema.Index(lv.Key.Text) < 0 {
			key, kind := "", ""
			if lv.Key != nil {
				key = program.OneLine(lv.Key.Text)
			}
			for _, s := range p.m.Steps {
				if s.Let != nil && s.Name == key {
					kind = " (it is a let)"
				}
			}
			if key != lv.Name {
				key = " (" + key + ")"
			} else {
				key = ""
			}
			why := fmt.Sprintf("the key of level %s%s is not a field of the source%s, so the input cannot be in key order", lv.Name, key, kind)
			if p.m.NeedSort {
				why += "; " + detailHeld
			}
			return why
		}
		keys = append(keys, src.Schema.Fields[src.Schema.Index(lv.Key.Text)].Name)
	}
	list := strings.Join(keys, ", ")
	switch {
	case gr.Streaming && len(src.OrderBy) > 0:
		return fmt.Sprintf("an index on %s(%s) serves ORDER BY %s, pushed down to SQLite", src.Table, list, list)
	case gr.Streaming:
		return fmt.Sprintf("the source is declared sorted by %s", strings.Join(src.SortedBy, ", "))
	}
	var why string
	switch {
	case src.Kind == "sqlite" && src.Table != "":
		why = fmt.Sprintf("no index on %s(%s) (CREATE INDEX … ON %s(%s) makes the report stream)", src.Table, list, src.Table, list)
	case src.Kind == "sqlite":
		why = "a SQLite query is read in its own order (read a table with an index on the keys to stream)"
	default:
		why = fmt.Sprintf("the source is not declared sorted by %s (add `sorted by %s` if the file is)", list, list)
	}
	if p.m.NeedSort {
		why += "; " + detailHeld
	}
	return why
}

// detailHeld says how a detail band over input not sorted by the group keys
// is printed.
const detailHeld = "the detail band's records are held in memory and printed by group at the end of the input"

// levelBuffers lists what level depth of gr holds back.
func (p *Program) levelBuffers(gr *program.Grouping, depth int) []PlanBuffer {
	lv := gr.Levels[depth]
	parent := "the end of the input"
	parentGroup := "the report"
	if depth > 0 {
		parent = "its " + gr.Levels[depth-1].Name + " group closes"
		parentGroup = "each " + gr.Levels[depth-1].Name + " group"
	}
	var out []PlanBuffer
	if lv.Header != nil && len(lv.Header.Aggs) > 0 {
		out = append(out, PlanBuffer{What: "header of group " + lv.Name + " shows totals",
			Holds: "each " + lv.Name + " group's output (header, nested groups, detail lines) until the group closes",
			Cost:  "the output of one open " + lv.Name + " group"})
	}
	if lv.Having != nil {
		out = append(out, PlanBuffer{What: "having of group " + lv.Name,
			Holds: "each " + lv.Name + " group's output until the group closes, to keep or drop it",
			Cost:  "the output of one open " + lv.Name + " group"})
	}
	if lv.Sorts() {
		var what []string
		if lv.OrderBy != nil {
			what = append(what, "order by")
		}
		if lv.Limit > 0 {
			what = append(what, "limit")
		}
		out = append(out, PlanBuffer{What: strings.Join(what, " and ") + " of group " + lv.Name,
			Holds: "the closed " + lv.Name + " groups (results and output) of " + parentGroup + " until " + parent,
			Cost:  fmt.Sprintf("up to max_groups %d groups with their output", lv.MaxGroups)})
	}
	for _, a := range lv.SpecRefs {
		if a.Fn == agg.PercentOfTotal {
			cost := fmt.Sprintf("the results of up to max_groups %d groups", lv.MaxGroups)
			if !gr.Streaming {
				cost = "nothing more: hash grouping keeps every group until the end anyway"
			}
			out = append(out, PlanBuffer{What: aggCall(a) + " in group " + lv.Name,
				Holds: "the results of closed " + lv.Name + " groups until " + parent + " (its total is known then)",
				Cost:  cost})
			break
		}
	}
	return out
}

func (p *Program) explainBuffering(sortBuffer int) []PlanBuffer {
	var out []PlanBuffer
	if p.m.RepHeader != nil && len(p.m.RepHeader.Aggs) > 0 {
		out = append(out, PlanBuffer{What: "report header shows totals", Holds: "the whole output until the end of the input",
			Cost: "the report's output (not its input)"})
	}
	switch {
	case p.m.NeedSort:
		out = append(out, PlanBuffer{What: "detail band over input not sorted by the group keys",
			Holds: "every record that passes the wheres and the group limits, by group, until its group closes at the end of the input",
			Cost:  fmt.Sprintf("up to %d records (RunConfig.SortBuffer), past which the run fails", sortBuffer)})
	case p.m.DetailWaits() != "":
		out = append(out, PlanBuffer{What: "detail band with PERCENT_OF_TOTAL",
			Holds: "the records of each group until the group closes, once the enclosing total is known",
			Cost:  fmt.Sprintf("up to %d records (RunConfig.SortBuffer), past which the run fails", sortBuffer)})
	}
	for _, gr := range p.m.Groupings {
		for depth := range gr.Levels {
			out = append(out, p.levelBuffers(gr, depth)...)
		}
	}
	seen := map[string]bool{}
	note := func(a *program.AggRef, where string) {
		var holds, cost string
		of, per := "of each group", " per group"
		if where == "the report" {
			of, per = "of the whole input", ""
		}
		switch a.Fn {
		case agg.CountDistinct:
			holds, cost = "the distinct values "+of, fmt.Sprintf("exact up to %d values%s, then a HyperLogLog sketch (%d registers)", agg.DistinctExactCap, per, 1<<agg.HLLPrecision)
		case agg.Median, agg.Percentile:
			holds, cost = "the values "+of, fmt.Sprintf("exact up to %d values%s, then a sketch of at most %d counters", agg.QuantileExactCap, per, 2*agg.SketchMaxBins)
		case agg.Mode:
			holds, cost = "a count per distinct value "+of, "unbounded: the number of distinct values"
		default:
			return
		}
		what := aggCall(a) + " in " + where
		if !seen[what] {
			seen[what] = true
			out = append(out, PlanBuffer{What: what, Holds: holds, Cost: cost})
		}
	}
	for _, gr := range p.m.Groupings {
		for _, lv := range gr.Levels {
			for _, a := range lv.SpecRefs {
				note(a, "group "+lv.Name)
			}
		}
	}
	for _, a := range p.m.GlobalRefs {
		note(a, "the report")
	}
	return out
}

func (p *Program) explainBands() []PlanBand {
	defs := map[*render.Band]*program.Band{}
	for _, bd := range []*program.Band{p.m.RepHeader, p.m.Detail, p.m.Summary, p.m.RepFooter} {
		if bd != nil {
			defs[bd.Band] = bd
		}
	}
	levels := map[*render.Band]*program.Level{}
	for _, gr := range p.m.Groupings {
		for _, lv := range gr.Levels {
			for _, bd := range []*program.Band{lv.Header, lv.Footer} {
				if bd != nil {
					defs[bd.Band] = bd
					levels[bd.Band] = lv
				}
			}
		}
	}
	out := []PlanBand{}
	for _, b := range p.m.Bands {
		bd := defs[b]
		if bd == nil {
			continue
		}
		pb := PlanBand{ID: b.ID, Kind: b.Kind.String(), Group: b.Group, Level: b.Level}
		if b.Template {
			pb.Template = templateText(bd.Template)
		}
		for i, c := range bd.Cols {
			pc := PlanColumn{Name: c.Name, Format: c.Format, Styles: styleTexts(c.Styles)}
			if i < len(b.Columns) {
				pc.Label = b.Columns[i].Label
			}
			if c.Expr != nil {
				pc.Expr = program.OneLine(c.Expr.Text)
			}
			pb.Columns = append(pb.Columns, pc)
		}
		pb.Styles = styleTexts(bd.Styles)
		seen := map[string]bool{}
		for _, a := range bd.Aggs {
			if call := aggCall(a); !seen[call] {
				seen[call] = true
				pb.Aggregates = append(pb.Aggregates, call)
			}
		}
		pb.When = p.bandWhen(bd, levels[b])
		out = append(out, pb)
	}
	return out
}

// bandWhen says when a band is printed.
func (p *Program) bandWhen(bd *program.Band, lv *program.Level) string {
	totals := len(bd.Aggs) > 0
	// Hash grouping emits its groups at the end of the input, in key order;
	// streaming as keys change.
	hash := len(p.m.Groupings) > 0 && !p.m.Groupings[0].Streaming
	if lv != nil {
		for _, gr := range p.m.Groupings {
			for _, l := range gr.Levels {
				if l == lv {
					hash = !gr.Streaming
				}
			}
		}
	}
	closes := "when its group closes"
	if hash {
		closes = "at the end of the input (hash grouping)"
	}
	switch bd.Band.Kind {
	case render.ReportHeader:
		if totals {
			return "first, once the whole input is read (it shows totals: the report's output waits for it)"
		}
		return "first, before any record"
	case render.GroupHeader:
		switch {
		case totals:
			return closes + ", before the group's held output (it shows totals)"
		case lv != nil && lv.Holds():
			return closes + " and is kept (the level holds its groups)"
		case hash:
			return closes + ", before its nested output"
		}
		return "when a group starts"
	case render.Detail:
		switch {
		case p.m.NeedSort:
			return "per record, when its group closes at the end of the input (groups in key order, records in input order)"
		case p.m.DetailWaits() != "":
			return "per record, when its group closes (PERCENT_OF_TOTAL waits for the enclosing total)"
		}
		return "per record, as it is read"
	case render.GroupFooter:
		if lv != nil && lv.Sorts() {
			return closes + ", once the groups of its parent are sorted or limited"
		}
		return closes
	}
	return "at the end of the input"
}

// aggCall writes an aggregate call with its argument: SUM(amount * quantity).
func aggCall(a *program.AggRef) string {
	var args []string
	if a.Arg != nil {
		args = append(args, program.OneLine(a.Arg.Text))
	}
	if agg.HasParam(a.Fn) {
		args = append(args, strconv.FormatFloat(a.Param, 'g', -1, 64))
	}
	return a.Fn.String() + "(" + strings.Join(args, ", ") + ")"
}

// templateText is a text band's template as written: literal text with its
// braces doubled, expressions in braces, and a page band's {page} and
// {pages}.
func templateText(parts []program.TemplatePart) string {
	var t strings.Builder
	for _, part := range parts {
		switch {
		case part.Expr != nil:
			t.WriteString("{" + part.Expr.Text + "}")
		case part.Page == render.PageNumber:
			t.WriteString("{page}")
		case part.Page == render.PageCount:
			t.WriteString("{pages}")
		default:
			t.WriteString(strings.NewReplacer("{", "{{", "}", "}}").Replace(part.Lit))
		}
	}
	return t.String()
}

// pageBandText is a page band's template as written, "" for none.
func pageBandText(pb *program.PageBand) string {
	if pb == nil {
		return ""
	}
	return templateText(pb.Parts)
}

// styleTexts are style rules as written after "style": "red when x < 0".
func styleTexts(rules []program.StyleRule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.Style.String()+" when "+program.OneLine(r.When.Text))
	}
	return out
}
