package interp

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/interp/internal/program"
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
	// PageHeader and PageFooter are the page bands as written ("" for
	// none), printed on every page by the paged formats.
	PageHeader string `json:"page_header,omitempty"`
	PageFooter string `json:"page_footer,omitempty"`
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
	GroupingSorted    = "sort"      // hash, the detail band's records held in memory by group (named for the sort it once was)
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
	// Styles are the band's row style rules, e.g. "highlight when n > 100".
	Styles []string `json:"styles,omitempty"`
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
	// Label is the column's heading for readers, when it has one.
	Label string `json:"label,omitempty"`
	// Styles are the column's style rules, e.g. "red when revenue < 0".
	Styles []string `json:"styles,omitempty"`
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
	run, err := p.planner().PlanRun(ctx, plan.Settings(rc))
	if err != nil {
		return nil, err
	}
	defer run.Close()
	bound := run.Params
	pl := &Plan{Script: p.m.Name, Title: p.m.Title, OnError: run.OnError, Buffering: []PlanBuffer{}, Strategy: planStrategy(run.Describe())}
	for _, pd := range p.m.Params {
		from := "default"
		_, text := rc.Params[pd.Name]
		_, typed := rc.Values[pd.Name]
		if text || typed {
			from = "set"
		}
		pl.Params = append(pl.Params, PlanParam{Name: pd.Name, Type: pd.Kind.String(), Value: value.String(bound[pd.Name]), From: from})
	}
	if pl.Source, err = p.explainSource(ctx, bound); err != nil {
		return nil, err
	}
	if i := p.planner().ExplainPushdown(run); i != nil {
		pd := PlanPushdown(*i)
		pl.Source.AggregationPushedDown = &pd
	}
	if i := p.planner().ExplainScan(run); i != nil {
		ps := PlanScan(*i)
		pl.Source.AggregationInScanner = &ps
	}
	for _, ld := range p.m.Lookups {
		lk, err := p.explainLookup(ctx, ld, bound)
		if err != nil {
			return nil, err
		}
		pl.Lookups = append(pl.Lookups, lk)
	}
	for _, s := range p.m.Steps {
		if s.Where != nil {
			pl.Stages = append(pl.Stages, PlanStage{Op: "where", Expr: program.OneLine(s.Where.Text)})
		} else {
			pl.Stages = append(pl.Stages, PlanStage{Op: "let", Name: s.Name, Expr: program.OneLine(s.Let.Text)})
		}
	}
	for _, gr := range p.m.Groupings {
		for _, lv := range gr.Levels {
			if lv.Key != nil {
				pl.Stages = append(pl.Stages, PlanStage{Op: "key", Name: lv.Name, Expr: program.OneLine(lv.Key.Text)})
			}
		}
	}
	for _, a := range p.m.Args {
		pl.Stages = append(pl.Stages, PlanStage{Op: "arg", Expr: program.OneLine(a.Text)})
	}
	for gi, gr := range p.m.Groupings {
		pl.Groupings = append(pl.Groupings, p.explainGrouping(gi, gr, run.SortBuffer))
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
	pl.PageHeader, pl.PageFooter = pageBandText(p.m.PageHeader), pageBandText(p.m.PageFooter)
	pl.Buffering = append(pl.Buffering, p.explainBuffering(run.SortBuffer)...)
	pl.Parallelism = PlanParallelism(run.Parallelism(p.planner()))
	return pl, nil
}

func (p *Program) explainSource(ctx context.Context, params map[string]any) (PlanSource, error) {
	def := p.m.Source
	ps := PlanSource{Kind: def.Kind, Path: def.Path, Table: def.Table, Query: program.OneLine(def.Query),
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
	src, cleanup, err := p.in.Open(ctx, def, input.Options{Params: params, Unused: p.m.Unused})
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
				out = append(out, PlanBinding{Name: prefix + k, Value: sqlLiteral(source.SQLValue(params[k]))})
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

func (p *Program) explainLookup(ctx context.Context, ld *program.Lookup, params map[string]any) (PlanLookup, error) {
	def := ld.Source
	pl := PlanLookup{Name: ld.Name, Kind: def.Kind, Path: def.Path, Table: def.Table, Key: program.OneLine(ld.Left.Text), On: ld.On}
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
		lk, err := source.OpenSQLiteLookupContext(ctx, r.OSPath, source.SQLiteLookupConfig{Name: def.Path, Table: def.Table, On: ld.On, Key: noKey, Slot: ld.Slot})
		if err != nil {
			return fail(err)
		}
		defer lk.Close()
		pl.SQL = strings.Replace(lk.LookupSQL(1), " IN (?)", " IN (?, …)", 1)
		pl.Batching = fmt.Sprintf("one query per chunk with the chunk's distinct keys (at most %d per query), nothing kept between chunks", source.DefaultMaxParams)
		return pl, nil
	}
	src, cleanup, err := p.in.Open(ctx, def, input.Options{Params: params})
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
