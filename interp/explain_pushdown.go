package interp

import (
	"fmt"
	"strings"
)

// PlanPushdown says whether a report's aggregation runs in SQLite.
type PlanPushdown struct {
	// Pushed is set when SQLite computes the aggregates.
	Pushed bool `json:"pushed"`
	// SQL is the statement sent for each range of rowids (?1 and ?2 are
	// the range's bounds), or for the whole table when it has no rowid.
	SQL string `json:"sql,omitempty"`
	// InGo says that SQL reads the rows, through SQLite's C API, and Go
	// aggregates them as they are read; else SQL aggregates them.
	InGo bool `json:"in_go,omitempty"`
	// Ranges says how the table is split into statements.
	Ranges string `json:"ranges,omitempty"`
	// Checked lists the fields whose values every statement checks, and
	// how they must be; a value that is not, or an overflow, makes the run
	// fall back to reading the rows.
	Checked []string `json:"checked,omitempty"`
	// Reason says why the aggregation is not pushed down.
	Reason string `json:"reason,omitempty"`
}

// explainPushdown plans the push-down for explain: nil for a source that is
// not SQLite.
func (p *runner) explainPushdown(run *runPlan) *pushdownInfo {
	if p.m.Source == nil || p.m.Source.Kind != "sqlite" {
		return nil
	}
	pd := run.push
	if pd == nil || (run.strategy != StrategyPushdown && run.strategy != StrategyPushdownRaw) {
		return &pushdownInfo{Reason: run.whyNot(StrategyPushdown)}
	}
	pp := pd.pp
	out := &pushdownInfo{Pushed: true, SQL: pp.sql, InGo: pp.raw != nil, Checked: pp.checked,
		Ranges: fmt.Sprintf("one statement per range of rowids holding about %d rows (more when groups are many), run on up to %d connections at once", run.tune.rangeRows, max(run.workers, 1))}
	if pp.table.RowID == "" {
		out.Ranges = "one statement over the whole table (it has no rowid)"
	}
	if out.InGo {
		out.SQL = pp.raw.sql
	}
	return out
}

// writeText prints the push-down in the source section of a plan.
func (pd *PlanPushdown) writeText(tw *textWriter) {
	switch {
	case pd == nil:
	case !pd.Pushed:
		tw.section(false, "", "aggregation pushed down: no, %s", pd.Reason)
	default:
		tw.section(false, "", "aggregation pushed down: %s", pd.SQL)
		if pd.InGo {
			tw.section(false, "", "  the rows read through SQLite's C API and aggregated in Go as they are read (SQLite only walks the table)")
		}
		tw.section(false, "", "  %s", pd.Ranges)
		if len(pd.Checked) > 0 {
			tw.section(false, "", "  checked: %s; a value that is not, or an overflow, makes the run read the rows instead", strings.Join(pd.Checked, ", "))
		} else {
			tw.section(false, "", "  an overflow makes the run read the rows instead")
		}
	}
}
