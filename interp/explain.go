package interp

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// Plan is how a compiled report runs with given parameters, as [Program.Explain]
// describes it: where the records come from (and the SQL sent), the work
// done per record, how each group level is formed and what bounds its
// memory, and everything that makes the run hold output or records in
// memory. It is plain data: [Plan.WriteText] prints it for people and
// encoding/json for tools.
type Plan struct {
	// Script is the program's name (usually its file name).
	Script string `json:"script"`
	// Title is the report's title.
	Title string `json:"title"`
	// Params are the parameters with the values the run would use.
	Params []PlanParam `json:"params,omitempty"`
	// OnError is the script's on_error mode: "fail" or "skip".
	OnError string `json:"on_error"`
	// Source is the main source.
	Source PlanSource `json:"source"`
	// Lookups are the lookups, in script order.
	Lookups []PlanLookup `json:"lookups,omitempty"`
	// Stages are the per-record steps in the order they run: the wheres
	// and lets of the script, then the group keys and aggregate arguments
	// computed for each record that passed.
	Stages []PlanStage `json:"stages,omitempty"`
	// Groupings are the top-level group blocks.
	Groupings []PlanGrouping `json:"groupings,omitempty"`
	// Summary are the report-wide aggregates (of the summary and the
	// report header and footer).
	Summary []PlanAggregate `json:"summary,omitempty"`
	// Bands are the report's bands in output order.
	Bands []PlanBand `json:"bands"`
	// Buffering lists what makes the run hold output, results, values or
	// records in memory, with the cost; empty when nothing does.
	Buffering []PlanBuffer `json:"buffering"`
	// Parallelism says which parts of the run use several goroutines.
	Parallelism PlanParallelism `json:"parallelism"`
	// Strategy is how the run computes the report, why, and why not the
	// strategies considered before it.
	Strategy PlanStrategy `json:"strategy"`
}

// PlanParam is one parameter and the value the run would use.
type PlanParam struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
	// From is "default" (the script's default) or "set" (passed in).
	From string `json:"from"`
}

// PlanSource describes the main source.
type PlanSource struct {
	// Kind is csv, jsonl or sqlite.
	Kind string `json:"kind"`
	// Path is the file as the script names it.
	Path  string `json:"path"`
	Table string `json:"table,omitempty"`
	Query string `json:"query,omitempty"`
	// Read says how the records are read (for SQLite: keyset pagination
	// or one cursor, and why).
	Read string `json:"read"`
	// FirstSQL is the statement sent for the first chunk; NextSQL the one
	// sent for every later chunk (equal to FirstSQL for a cursor, which is
	// opened once). The last ? of a keyset statement is the chunk size.
	FirstSQL string `json:"first_sql,omitempty"`
	NextSQL  string `json:"next_sql,omitempty"`
	// Bound are the query's named parameters and the values bound to them
	// (never written into the SQL).
	Bound []PlanBinding `json:"bound,omitempty"`
	// OrderByPushedDown are the group keys sent to SQLite as ORDER BY (an
	// index serves them, so the report streams).
	OrderByPushedDown []string `json:"order_by_pushed_down,omitempty"`
	// WherePushedDown are the where conditions sent to SQLite; none yet:
	// every where runs in the stage, on each record read.
	WherePushedDown []string `json:"where_pushed_down,omitempty"`
	// DeclaredSorted are the fields of the script's `sorted by`.
	DeclaredSorted []string `json:"declared_sorted,omitempty"`
	// AggregationPushedDown says whether SQLite computes the aggregates,
	// with the statement sent, or why not (SQLite sources only).
	AggregationPushedDown *PlanPushdown `json:"aggregation_pushed_down,omitempty"`
	// AggregationInScanner says whether the CSV scanner computes the
	// aggregates from the cells' bytes, or why not (CSV sources only).
	AggregationInScanner *PlanScan `json:"aggregation_in_scanner,omitempty"`
	// Schema are the fields of the records.
	Schema []PlanField `json:"schema"`
}

// PlanBinding is one bound SQL parameter.
type PlanBinding struct {
	// Name is the parameter as the query writes it (:since).
	Name string `json:"name"`
	// Value is the bound value as a SQL literal ('2024-01-01', 5, 2.5).
	Value string `json:"value"`
}

// PlanField is one field of a source.
type PlanField struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Declared reports that the script's schema block set the kind.
	Declared bool `json:"declared,omitempty"`
}

// PlanLookup describes one lookup.
type PlanLookup struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Path  string `json:"path"`
	Table string `json:"table,omitempty"`
	// Key is the expression over each record; On the lookup's column.
	Key string `json:"key"`
	On  string `json:"on"`
	// Batching says when the lookup reads: one query per chunk (SQLite)
	// or the whole source once, into memory.
	Batching string `json:"batching"`
	// SQL is the statement of a SQLite lookup, with the IN list of one
	// chunk's distinct keys abbreviated as (?, …).
	SQL string `json:"sql,omitempty"`
	// Rows is the number of rows a lookup loaded into memory holds.
	Rows int `json:"rows,omitempty"`
}

// PlanStage is one per-record step.
type PlanStage struct {
	// Op is where, let, key (a group key) or arg (an aggregate argument).
	Op string `json:"op"`
	// Name is the let's or the group level's name.
	Name string `json:"name,omitempty"`
	Expr string `json:"expr"`
}

// The grouping strategies of [PlanGrouping].
const (
	GroupingStreaming = "streaming" // input sorted by the keys: one open group per level
	GroupingHash      = "hash"      // a hash table per level, bounded by max_groups
	GroupingSorted    = "sort"      // records held and sorted in memory, then streamed
)

// PlanGrouping is one top-level group block and the groups nested in it.
type PlanGrouping struct {
	// Strategy is GroupingStreaming, GroupingHash or GroupingSorted.
	Strategy string `json:"strategy"`
	// Reason says why, and for hash grouping what would make it stream.
	Reason string      `json:"reason"`
	Levels []PlanLevel `json:"levels"`
}

// PlanLevel is one group level.
type PlanLevel struct {
	Name  string `json:"name"`
	Key   string `json:"key"`
	Depth int    `json:"depth"`
	// Strategy says how the level's groups are formed and what bounds
	// their memory.
	Strategy  string `json:"strategy"`
	MaxGroups int    `json:"max_groups"`
	// Aggregates are the level's aggregates, by the band (or clause) that
	// reads them.
	Aggregates []PlanAggregate `json:"aggregates,omitempty"`
	Having     string          `json:"having,omitempty"`
	OrderBy    string          `json:"order_by,omitempty"`
	Desc       bool            `json:"desc,omitempty"`
	Limit      int             `json:"limit,omitempty"`
	// Holds says what the level holds back, if anything (see Plan.Buffering).
	Holds []string `json:"holds,omitempty"`
	// Bands are the IDs (indexes in Plan.Bands) of the level's header and
	// footer.
	Bands []int `json:"bands,omitempty"`
}

// PlanAggregate is one aggregate call.
type PlanAggregate struct {
	// Band is where it is read: header, footer, having, order by, detail,
	// summary, report header or report footer.
	Band string `json:"band"`
	// Call is the aggregate with its argument expression: SUM(amount * quantity).
	Call string `json:"call"`
}

// PlanBand is one band.
type PlanBand struct {
	// ID is the band's index in Plan.Bands (render.Band.ID).
	ID int `json:"id"`
	// Kind is report_header, header, detail, footer, summary or report_footer.
	Kind string `json:"kind"`
	// Group is the group level of a header or footer.
	Group string `json:"group,omitempty"`
	// Level is the group level (-1 for report-level bands).
	Level int `json:"level"`
	// Template is a text band's text, as written.
	Template string       `json:"template,omitempty"`
	Columns  []PlanColumn `json:"columns,omitempty"`
	// Aggregates are the aggregate calls the band reads.
	Aggregates []string `json:"aggregates,omitempty"`
	// When says when the band is printed, and whether it streams or waits.
	When string `json:"when"`
}

// PlanColumn is one column of a band.
type PlanColumn struct {
	Name   string `json:"name"`
	Expr   string `json:"expr"`
	Format string `json:"format,omitempty"`
}

// PlanBuffer is one reason the run holds something in memory.
type PlanBuffer struct {
	// What causes it.
	What string `json:"what"`
	// Holds says what is held, and until when.
	Holds string `json:"holds"`
	// Cost bounds the memory.
	Cost string `json:"cost"`
}

// PlanParallelism says how the run uses goroutines.
type PlanParallelism struct {
	// Workers is the number of workers that group, aggregate and render
	// (the sink's goroutine).
	Workers int `json:"workers"`
	// Transform describes the parallel per-record stage.
	Transform string `json:"transform"`
	// Aggregation describes how the groups are aggregated: on the sink's
	// goroutine, or split by level-0 key among the workers and merged.
	Aggregation string `json:"aggregation"`
}

// Explain describes how the program would run with cfg's settings (its
// Params, Values, Workers, SortBuffer, OnError and Strategy; nil: the
// defaults): the strategy the run would use and why, the source and the
// SQL it sends, lookups, stages, grouping and memory bounds, bands and
// buffering. It is the plan Run chooses and executes: both are made by the
// same function. It opens the source (and loads file lookups, to count
// their rows) but reads no record.
func (p *Program) Explain(ctx context.Context, cfg *RunConfig) (*Plan, error) {
	var rc RunConfig
	if cfg != nil {
		rc = *cfg
	}
	run, err := p.planRun(ctx, rc)
	if err != nil {
		return nil, err
	}
	defer run.close()
	bound := run.params
	pl := &Plan{Script: p.m.Name, Title: p.m.Title, OnError: run.onError, Buffering: []PlanBuffer{}, Strategy: run.describe()}
	for _, pd := range p.m.Params {
		from := "default"
		_, text := rc.Params[pd.Name]
		_, typed := rc.Values[pd.Name]
		if text || typed {
			from = "set"
		}
		pl.Params = append(pl.Params, PlanParam{Name: pd.Name, Type: pd.Kind.String(), Value: value.String(bound[pd.Name]), From: from})
	}
	if pl.Source, err = p.explainSource(bound); err != nil {
		return nil, err
	}
	pl.Source.AggregationPushedDown = p.explainPushdown(run)
	pl.Source.AggregationInScanner = p.explainScan(run)
	for _, ld := range p.m.Lookups {
		lk, err := p.explainLookup(ld, bound)
		if err != nil {
			return nil, err
		}
		pl.Lookups = append(pl.Lookups, lk)
	}
	for _, s := range p.m.Steps {
		if s.Where != nil {
			pl.Stages = append(pl.Stages, PlanStage{Op: "where", Expr: oneLine(s.Where.Text)})
		} else {
			pl.Stages = append(pl.Stages, PlanStage{Op: "let", Name: s.Name, Expr: oneLine(s.Let.Text)})
		}
	}
	for _, gr := range p.m.Groupings {
		for _, lv := range gr.Levels {
			if lv.Key != nil {
				pl.Stages = append(pl.Stages, PlanStage{Op: "key", Name: lv.Name, Expr: oneLine(lv.Key.Text)})
			}
		}
	}
	for _, a := range p.m.Args {
		pl.Stages = append(pl.Stages, PlanStage{Op: "arg", Expr: oneLine(a.Text)})
	}
	for gi, gr := range p.m.Groupings {
		pl.Groupings = append(pl.Groupings, p.explainGrouping(gi, gr, run.sortBuffer))
	}
	for _, g := range []struct {
		bd   *program.Band
		name string
	}{{p.m.RepHeader, "report header"}, {p.m.Summary, "summary"}, {p.m.RepFooter, "report footer"}} {
		if g.bd != nil {
			for _, a := range g.bd.Aggs {
				pl.Summary = append(pl.Summary, PlanAggregate{Band: g.name, Call: aggCall(a)})
			}
		}
	}
	pl.Bands = p.explainBands()
	pl.Buffering = append(pl.Buffering, p.explainBuffering(run.sortBuffer)...)
	pl.Parallelism = run.parallelism(p)
	return pl, nil
}

func (p *Program) explainSource(params map[string]any) (PlanSource, error) {
	def := p.m.Source
	ps := PlanSource{Kind: def.Kind, Path: def.Path, Table: def.Table, Query: oneLine(def.Query),
		OrderByPushedDown: def.OrderBy, DeclaredSorted: def.SortedBy}
	for _, f := range def.Schema.Fields {
		_, declared := def.Types[f.Name]
		ps.Schema = append(ps.Schema, PlanField{Name: f.Name, Kind: f.Kind.String(), Declared: declared})
	}
	if def.Kind != "sqlite" {
		ps.Read = "the file front to back, one chunk of records at a time"
		return ps, nil
	}
	ps.Bound = queryBindings(def.Query, params)
	src, cleanup, err := p.in.Open(def, input.Options{Params: params, Unused: p.m.Unused})
	if err != nil {
		return ps, fmt.Errorf("%s: %w", program.PosString(def.Pos), err)
	}
	defer cleanup()
	defer src.Close()
	s, ok := src.(*source.SQLite)
	if !ok {
		return ps, nil
	}
	ps.FirstSQL = s.QuerySQL(stream.Position{})
	key := make([]any, len(def.OrderBy)+1)
	for i := range key {
		key[i] = int64(0)
	}
	ps.NextSQL = s.QuerySQL(stream.Position{Offset: 1, Key: key})
	read := strings.TrimPrefix(s.Plan(), "sqlite ")
	ps.Read = strings.TrimSuffix(strings.TrimSuffix(read, ps.NextSQL), ": ")
	return ps, nil
}

// queryBindings lists the named parameters a SQLite query binds, as the
// source binds them (see Program.open and sqlParam).
func queryBindings(query string, params map[string]any) []PlanBinding {
	if query == "" {
		return nil
	}
	var out []PlanBinding
	for _, k := range sortedNames(params) {
		for _, prefix := range []string{":", "@", "$"} {
			if strings.Contains(query, prefix+k) {
				out = append(out, PlanBinding{Name: prefix + k, Value: sqlLiteral(input.SQLParam(params[k]))})
				break
			}
		}
	}
	return out
}

func sortedNames(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sqlLiteral shows a bound value as SQL would read it.
func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return value.String(v)
}

func (p *Program) explainLookup(ld *program.Lookup, params map[string]any) (PlanLookup, error) {
	def := ld.Source
	pl := PlanLookup{Name: ld.Name, Kind: def.Kind, Path: def.Path, Table: def.Table, Key: oneLine(ld.Left.Text), On: ld.On}
	fail := func(err error) (PlanLookup, error) {
		return pl, fmt.Errorf("%s: lookup %s: %w", program.PosString(ld.Pos), ld.Name, err)
	}
	noKey := func(value.Record) any { return nil }
	if def.Kind == "sqlite" {
		r, err := p.in.Resolve(def)
		if err != nil {
			return fail(err)
		}
		defer r.Cleanup()
		lk, err := source.OpenSQLiteLookup(r.OSPath, source.SQLiteLookupConfig{Name: def.Path, Table: def.Table, On: ld.On, Key: noKey, Slot: ld.Slot})
		if err != nil {
			return fail(err)
		}
		defer lk.Close()
		pl.SQL = strings.Replace(lk.LookupSQL(1), " IN (?)", " IN (?, …)", 1)
		pl.Batching = fmt.Sprintf("one query per chunk with the chunk's distinct keys (at most %d per query), nothing kept between chunks", source.DefaultMaxParams)
		return pl, nil
	}
	src, cleanup, err := p.in.Open(def, input.Options{Params: params})
	if err != nil {
		return fail(err)
	}
	defer cleanup()
	lk, err := source.NewMapLookup(src, source.MapLookupConfig{On: ld.On, Key: noKey})
	if err != nil {
		src.Close()
		return fail(err)
	}
	defer lk.Close()
	if err := lk.Load(context.Background(), nil); err != nil {
		return fail(err)
	}
	pl.Rows = lk.Rows()
	pl.Batching = fmt.Sprintf("loaded once into memory (%d rows)", pl.Rows)
	return pl, nil
}

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
			pv.Key = oneLine(lv.Key.Text)
		}
		switch pg.Strategy {
		case GroupingStreaming:
			pv.Strategy = "streaming (input sorted by keys; memory: one open group per level)"
		case GroupingSorted:
			pv.Strategy = fmt.Sprintf("streaming over the records sorted in memory (memory: up to %d records, RunConfig.SortBuffer)", sortBuffer)
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
			pv.Having = oneLine(lv.Having.Text)
			for _, a := range lv.Having.Aggs {
				pv.Aggregates = append(pv.Aggregates, PlanAggregate{Band: "having", Call: aggCall(a)})
			}
		}
		if lv.OrderBy != nil {
			pv.OrderBy = oneLine(lv.OrderBy.Text)
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
				key = oneLine(lv.Key.Text)
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
				why += "; the detail band needs the records in key order: they are sorted in memory"
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
		why += "; the detail band needs the records in key order: they are sorted in memory"
	}
	return why
}

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
	if p.m.NeedSort {
		out = append(out, PlanBuffer{What: "detail band over input not sorted by the group keys",
			Holds: "every record that passes the wheres, sorted by the group keys at the end of the input",
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
			var t strings.Builder
			for _, part := range bd.Template {
				if part.Expr != nil {
					t.WriteString("{" + part.Expr.Text + "}")
				} else {
					t.WriteString(strings.NewReplacer("{", "{{", "}", "}}").Replace(part.Lit))
				}
			}
			pb.Template = t.String()
		}
		for _, c := range bd.Cols {
			pc := PlanColumn{Name: c.Name, Format: c.Format}
			if c.Expr != nil {
				pc.Expr = oneLine(c.Expr.Text)
			}
			pb.Columns = append(pb.Columns, pc)
		}
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
	// streaming (also over records sorted in memory) as keys change.
	hash := len(p.m.Groupings) > 0 && !p.m.Groupings[0].Streaming && !p.m.NeedSort
	if lv != nil {
		for _, gr := range p.m.Groupings {
			for _, l := range gr.Levels {
				if l == lv {
					hash = !gr.Streaming && !p.m.NeedSort
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
		if p.m.NeedSort {
			return "per record, at the end of the input, in key order once the records are sorted"
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
		args = append(args, oneLine(a.Arg.Text))
	}
	if agg.HasParam(a.Fn) {
		args = append(args, strconv.FormatFloat(a.Param, 'g', -1, 64))
	}
	return a.Fn.String() + "(" + strings.Join(args, ", ") + ")"
}

// oneLine joins an expression written over several lines into one.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, " ")
}
