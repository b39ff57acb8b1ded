package plan

import (
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// What Explain shows of a run's plan, as the planner describes it; the
// public Plan types have the same fields.

// pushdownInfo is a plan's push-down (PlanPushdown).
type pushdownInfo struct {
	Pushed  bool
	SQL     string
	InGo    bool
	Ranges  string
	Checked []string
	Reason  string
}

// scanInfo is a plan's aggregation in the scanner (PlanScan).
type scanInfo struct {
	InScanner bool
	Read      []string
	Reason    string
}

// parallelismInfo is how a plan uses goroutines (PlanParallelism).
type parallelismInfo struct {
	Workers     int
	Transform   string
	Aggregation string
}

// StrategyInfo is a plan's strategy (PlanStrategy).
type StrategyInfo struct {
	Name     Strategy
	Why      string
	Declined []declinedInfo
	FallBack Strategy
	When     string
}

// declinedInfo is a strategy the planner did not choose (PlanDeclined).
type declinedInfo struct {
	Strategy Strategy
	Why      string
}

// ExplainPushdown plans the push-down for explain: nil for a source that is
// not SQLite.
func (p *Planner) ExplainPushdown(run *Plan) *pushdownInfo {
	if p.m.Source == nil || p.m.Source.Kind != "sqlite" {
		return nil
	}
	pd := run.Push
	if pd == nil || (run.Strategy != StrategyPushdown && run.Strategy != StrategyPushdownRaw) {
		return &pushdownInfo{Reason: run.whyNot(StrategyPushdown)}
	}
	pp := pd.Pp
	out := &pushdownInfo{Pushed: true, SQL: pp.Sql, InGo: pp.Raw != nil, Checked: pp.checked,
		Ranges: fmt.Sprintf("one statement per range of rowids holding about %d rows (more when groups are many), run on up to %d connections at once", run.Tune.RangeRows, max(run.Workers, 1))}
	if pp.table.RowID == "" {
		out.Ranges = "one statement over the whole table (it has no rowid)"
	}
	if out.InGo {
		out.SQL = pp.Raw.Sql
	}
	return out
}

// ExplainScan plans the scan aggregation for explain: nil for a source that
// is not a CSV or JSON lines file.
func (p *Planner) ExplainScan(run *Plan) *scanInfo {
	if p.m.Source == nil || p.m.Source.Kind != "csv" && p.m.Source.Kind != "jsonl" {
		return nil
	}
	if run.Scan == nil || run.Strategy != StrategyScan {
		return &scanInfo{Reason: run.whyNot(StrategyScan)}
	}
	schema, sp := run.Scan.Csv.Schema(), run.Scan.Sp
	out := &scanInfo{InScanner: true}
	for _, k := range sp.Keys {
		out.Read = append(out.Read, fmt.Sprintf("%s (key, %s)", schema.Fields[k.Field].Name, schema.Fields[k.Field].Kind))
	}
	for _, f := range sp.Fields {
		name := schema.Fields[f.Field].Name
		if f.Check {
			out.Read = append(out.Read, fmt.Sprintf("%s (%s, checked only)", name, schema.Fields[f.Field].Kind))
			continue
		}
		switch {
		case f.Dec:
			out.Read = append(out.Read, fmt.Sprintf("%s (decimal, up to %s)", name, fractionDigits(f.Scale)))
		case f.Date:
			out.Read = append(out.Read, name+" (date)")
		default:
			out.Read = append(out.Read, name+" (int)")
		}
	}
	return out
}

// Describe is the plan's strategy for Explain.
func (pl *Plan) Describe() StrategyInfo {
	ps := StrategyInfo{Name: pl.Strategy, Why: pl.why, FallBack: pl.Fallback}
	for _, d := range pl.declined {
		ps.Declined = append(ps.Declined, declinedInfo{Strategy: d.strategy, Why: d.why})
	}
	switch pl.Strategy {
	case StrategyScan:
		ps.When = "a value with more fraction digits than the scanner keeps, an overflow, a group level reaching its max_groups, or JSON lines keys the sample did not have met by more than one reader"
	case StrategyPushdown, StrategyPushdownRaw:
		ps.When = "a value that is not as checked, an overflow, SQLite failing a statement, too many groups in the first range, or a group level reaching its max_groups"
	case StrategyRanges:
		if pl.Fallback == StrategyParallel && !pl.ParallelPays {
			ps.FallBack = StrategyPipeline // parallel only for many groups: see When
			ps.When = fmt.Sprintf("a bad record or a failing expression (reported or skipped in input order), a group level reaching its max_groups, JSON lines keys the sample did not have, or a record running across a range's end; to parallel on more than a group per %d records after the first %d", pl.Tune.GroupsPer, pl.Tune.RangeJudge)
			break
		}
		ps.When = fmt.Sprintf("a bad record or a failing expression (reported or skipped in input order), a group level reaching its max_groups, more than a group per %d records after the first %d, JSON lines keys the sample did not have, or a record running across a range's end", pl.Tune.GroupsPer, pl.Tune.RangeJudge)
	case StrategyParallel:
		ps.When = "more than one group level reaching its max_groups (the groups kept could differ from one worker's)"
	}
	return ps
}

// Parallelism says how the plan uses goroutines.
func (pl *Plan) Parallelism(p *Planner) parallelismInfo {
	out := parallelismInfo{Workers: pl.Workers,
		Transform:   fmt.Sprintf("where, let, group keys and aggregate arguments on %d goroutines per batch (RunConfig.Workers, --workers; default: one per CPU)", pl.Workers),
		Aggregation: "on the sink's goroutine"}
	if pl.Strategy == StrategyParallel || pl.Fallback == StrategyParallel {
		out.Aggregation = fmt.Sprintf("split by the level-0 key among %d goroutines, merged when the input ends (output rendered after the merge)", pl.Workers)
		if pl.Strategy != StrategyParallel {
			out.Aggregation = "if the run falls back: " + out.Aggregation
		}
	}
	t := pl.Tune
	switch pl.Strategy {
	case StrategyScan:
		out.Transform = "none: the scanner parses and aggregates the cells"
		if pl.Workers > 1 {
			out.Transform += fmt.Sprintf("; a file of at least %s per reader is read in up to %d ranges, each by a reader and into a table of its own, merged at the end; with more than a group per %d records after the first %d, the ranges are dropped and two readers read the rest of the file, each aggregating the keys of one hash partition",
				value.SizeText(t.MinRange), pl.Workers, t.GroupsPer, t.RangeJudge)
		}
	case StrategyRanges:
		out.Transform = fmt.Sprintf("in each of up to %d byte ranges of the file (at least %s each), on the goroutine that reads it", pl.Workers, value.SizeText(t.MinRange))
		out.Aggregation = "in each range's own engines, merged in input order when every range is read (output rendered after the merge)"
	case StrategyPushdown, StrategyPushdownRaw:
		out.Transform = fmt.Sprintf("none: the statements of the ranges run on up to %d connections at once", max(pl.Workers, 1))
	}
	return out
}

// whyNot says why the plan does not use s: the reason it was declined, or
// that another was chosen first.
func (pl *Plan) whyNot(s Strategy) string {
	for _, d := range pl.declined {
		if d.strategy == s {
			return d.why
		}
	}
	if pl.Cfg.Strategy != StrategyAuto {
		return "RunConfig.Strategy asks for " + pl.Cfg.Strategy.String()
	}
	return strings.TrimSpace("the run uses " + pl.Strategy.String())
}
