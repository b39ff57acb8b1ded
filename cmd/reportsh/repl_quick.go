package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
)

// A quick query is exploration without a whole script:
//
//	amount * quantity                            evaluated on the first record
//	SUM(amount), COUNT()                         aggregated over all records
//	SUM(amount * quantity), COUNT() by territory one row per group
//	where amount > 100: COUNT() by territory     any of these, filtered
//
// It runs as a generated script: the script's source, params, lookups, lets
// and wheres, then the query's where and one band.

// quickMode is what a quick query computes.
type quickMode int

const (
	rowMode     quickMode = iota // expressions of the first record: a detail band
	summaryMode                  // aggregates over every record: a summary band
	groupMode                    // aggregates per group: the innermost footer
)

// quickQuery is a parsed quick query.
type quickQuery struct {
	cond  *frag
	items []frag
	keys  []frag
	mode  quickMode
}

// parseQuick parses input; whereAt is the offset of the ':' after a where
// prefix, or -1.
func (s *Session) parseQuick(input string, src *srcText, whereAt int) (*quickQuery, error) {
	q := &quickQuery{}
	body, off := input, 0
	if whereAt >= 0 {
		w := strings.Index(input, "where") + len("where")
		c := trimSpan(input[w:whereAt], w)
		if c.text == "" {
			return nil, errors.New("where needs a condition: where COND: QUERY")
		}
		f := fragAt(src, input, c)
		q.cond = &f
		body, off = input[whereAt+1:], whereAt+1
	}
	itemsText := body
	if by := lastBy(body); by >= 0 {
		itemsText = body[:by]
		for _, k := range splitTop(body[by+2:], off+by+2) {
			if k.text == "" {
				return nil, errors.New("by needs group keys, as in SUM(amount) by territory, product")
			}
			q.keys = append(q.keys, fragAt(src, input, k))
		}
		q.mode = groupMode
	}
	for _, it := range splitTop(itemsText, off) {
		if it.text == "" {
			if whereAt >= 0 && strings.TrimSpace(body) == "" {
				return nil, errors.New("nothing to compute after where COND: write a query, e.g. where amount > 100: COUNT() by territory")
			}
			return nil, errors.New("an empty expression (between commas, or before by)")
		}
		q.items = append(q.items, fragAt(src, input, it))
		if q.mode == rowMode && callsAggregate(it.text, s.aggs) {
			q.mode = summaryMode
		}
	}
	return q, nil
}

// generate writes the quick query's script after the prelude of stmts.
func (q *quickQuery) generate(stmts []*stmt) *genScript {
	g := &genScript{name: genName}
	for _, st := range stmts {
		if preludeKinds[st.kind] {
			g.addStmt(st)
		}
	}
	if q.cond != nil {
		g.addFrag("where ", *q.cond, "")
	}
	for i, k := range q.keys {
		g.addFrag("group ", k, fmt.Sprintf(" as _k%d {", i+1))
	}
	switch q.mode {
	case rowMode:
		g.add("detail {")
	case summaryMode:
		g.add("summary {")
	case groupMode:
		g.add("footer {")
		for i := range q.keys {
			g.add(fmt.Sprintf("_k%d,", i+1))
		}
	}
	for i, it := range q.items {
		sep := ","
		if i == len(q.items)-1 {
			sep = ""
		}
		g.addFrag(fmt.Sprintf("_%d: ", i+1), it, sep)
	}
	g.addTail(strings.Repeat("}\n", len(q.keys)+1))
	return g
}

// errEnough stops a run once it has produced the records wanted.
var errEnough = errors.New("enough records")

// stopWriter takes JSON lines output (a report line, then one line per
// event) and fails once it has seen max events, which ends the run.
type stopWriter struct{ lines, max int }

func (w *stopWriter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte("\n"))
	if w.lines > w.max {
		return 0, errEnough
	}
	return len(p), nil
}

// quick runs a quick query and prints its result.
func (s *Session) quick(ctx context.Context, input string, src *srcText, whereAt int) error {
	q, err := s.parseQuick(input, src, whereAt)
	if err != nil {
		return s.showError(err, nil, true)
	}
	if s.sc.source() == nil {
		return s.showError(errors.New("no data: :open FILE first (or type a source statement)"), nil, true)
	}
	g := q.generate(s.sc.stmts)
	prog, err := interp.Compile(context.Background(), g.name, g.bytes(), &interp.Options{Dir: s.sc.dir})
	if err != nil {
		return s.showError(err, g, true)
	}
	cfg := &interp.RunConfig{Params: s.runParams(), Collect: true}
	if q.mode == rowMode {
		cfg.Output, cfg.Format = &stopWriter{max: 1}, "jsonl"
	}
	res, err := prog.Run(ctx, cfg)
	if err != nil && !errors.Is(err, errEnough) {
		if ctx.Err() != nil {
			return s.interrupted()
		}
		return s.showError(err, g, true)
	}
	s.warnings(res)
	var rows [][]any
	var band *render.Band
	for _, e := range res.Events {
		switch k := e.Band.Kind; {
		case q.mode == rowMode && k == render.Detail,
			q.mode == summaryMode && k == render.Summary,
			q.mode == groupMode && k == render.GroupFooter && e.Band.Level == len(q.keys)-1:
			rows = append(rows, e.Values)
			band = e.Band
		}
	}
	if q.mode == rowMode && len(rows) > 1 {
		rows = rows[:1] // the run stops at its first batch of records, not its first row
	}
	if band == nil {
		if q.mode == groupMode {
			fmt.Fprintln(s.out, "no groups")
		} else {
			fmt.Fprintln(s.out, "no records")
		}
		return nil
	}
	var names []string
	for _, k := range q.keys {
		names = append(names, k.text)
	}
	for _, it := range q.items {
		names = append(names, it.text)
	}
	cols := make([]render.Column, len(band.Columns))
	for i, c := range band.Columns {
		cols[i] = render.Column{Name: columnTitle(names[i]), Kind: c.Kind}
	}
	if q.mode != groupMode && len(cols) == 1 && s.format == "text" {
		return s.showValue(rows[0][0], cols[0].Kind)
	}
	return s.showTable(uniqueNames(cols), rows)
}

// interrupted reports a cancelled query.
func (s *Session) interrupted() error {
	s.errorAt(nil, 0, 0, "interrupted")
	return errShown
}

// warnings prints the skipped and rejected records of a run, and its
// warnings (keys of JSON lines files ignored too), on errOut.
func (s *Session) warnings(res *interp.Result) {
	if res == nil {
		return
	}
	t := res.Totals
	if t.Skipped > 0 || t.Rejected > 0 {
		fmt.Fprintf(s.errOut, "warning: %d records read, %d skipped, %d rejected\n", t.RecordsRead, t.Skipped, t.Rejected)
	}
	for _, w := range t.Warnings {
		fmt.Fprintf(s.errOut, "warning: %s\n", w)
	}
}

// columnTitle is an expression as a column heading: on one line.
func columnTitle(expr string) string {
	return strings.Join(strings.Fields(expr), " ")
}

// uniqueNames makes the column names unique, as renderers need.
func uniqueNames(cols []render.Column) []render.Column {
	seen := map[string]int{}
	for i := range cols {
		n := cols[i].Name
		seen[n]++
		if seen[n] > 1 {
			cols[i].Name = fmt.Sprintf("%s (%d)", n, seen[n])
		}
	}
	return cols
}

// runParams returns the parameter values set by :set that the script
// declares (a run refuses others).
func (s *Session) runParams() map[string]string {
	out := map[string]string{}
	for _, p := range s.sc.params() {
		if v, ok := s.params[p.Name.Name]; ok {
			out[p.Name.Name] = v
		}
	}
	return out
}
