package plan

import (
	"context"
	"database/sql"
	"sync"

	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/runtime/source"
)

// PdRun is one run of a pushed-down aggregation.
type PdRun struct {
	Pp   *PushPlan
	Src  *source.SQLite
	Done func() // closes src and removes a temporary copy
}

// OpenPushdown opens the source and plans the push-down over its table;
// whyNot says why the aggregation cannot run in SQLite.
func (p *Planner) OpenPushdown(ctx context.Context, params map[string]any) (pd *PdRun, whyNot string, err error) {
	unused := map[string]bool{}
	for _, f := range p.m.Source.Schema.Fields {
		unused[f.Name] = true // nothing is fetched: nothing to convert
	}
	rs, cleanup, err := p.in.Open(ctx, p.m.Source, input.Options{Params: params, Unused: unused})
	if err != nil {
		return nil, "", err
	}
	done := sync.OnceFunc(func() { rs.Close(); cleanup() })
	s, ok := rs.(*source.SQLite)
	if !ok {
		done()
		return nil, "the source is not SQLite", nil
	}
	tbl, isTable := s.Table()
	pp := p.planPushdown(tbl, isTable, s.Schema())
	if pp.reason != "" {
		done()
		return nil, pp.reason, nil
	}
	return &PdRun{Pp: pp, Src: s, Done: done}, "", nil
}

// Bounds returns the table's lowest and highest rowids; split is false
// when the table is read in one statement: it has no rowid, is empty
// (then lo > hi), or its rowids are too far apart to split safely.
func (pd *PdRun) Bounds(ctx context.Context) (lo, hi int64, split bool, err error) {
	rowid := pd.Pp.table.RowID
	if rowid == "" {
		return 0, 0, false, nil
	}
	// Two subqueries: each is one step down the b-tree, where MIN and MAX
	// together would scan the table.
	from := " FROM " + quoteSQL(pd.Pp.table.Name) + ")"
	rows, err := pd.Src.QueryContext(ctx, "SELECT (SELECT MIN("+rowid+")"+from+", (SELECT MAX("+rowid+")"+from)
	if err != nil {
		return 0, 0, false, err
	}
	defer rows.Close()
	var l, h sql.NullInt64
	if rows.Next() {
		if err := rows.Scan(&l, &h); err != nil {
			return 0, 0, false, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, false, err
	}
	const far = 1 << 61
	switch {
	case !l.Valid:
		return 1, 0, false, nil
	case l.Int64 < -far || h.Int64 > far:
		return 0, 0, false, nil
	}
	return l.Int64, h.Int64, true, nil
}
