package interp

import (
	"fmt"
	"strings"
)

// PlanStrategy is the strategy a run uses (see [Strategy]), why, and what
// it turns into if it gives way.
type PlanStrategy struct {
	// Name is the strategy the run starts with.
	Name Strategy `json:"name"`
	// Why says what in the report and its source allows it.
	Why string `json:"why"`
	// Declined are the strategies considered before it, and why not.
	Declined []PlanDeclined `json:"declined,omitempty"`
	// FallBack is the strategy the run turns into, having written
	// nothing, when Name gives way mid-run; When says on what. Both are
	// empty when Name cannot give way.
	FallBack Strategy `json:"fall_back,omitempty"`
	When     string   `json:"when,omitempty"`
}

// PlanDeclined is a strategy the planner did not choose.
type PlanDeclined struct {
	Strategy Strategy `json:"strategy"`
	Why      string   `json:"why"`
}

// planStrategy is Explain's copy of a plan's strategy.
func planStrategy(i strategyInfo) PlanStrategy {
	ps := PlanStrategy{Name: i.Name, Why: i.Why, FallBack: i.FallBack, When: i.When}
	for _, d := range i.Declined {
		ps.Declined = append(ps.Declined, PlanDeclined(d))
	}
	return ps
}

// describe is the plan's strategy for Explain.
func (pl *runPlan) describe() strategyInfo {
	ps := strategyInfo{Name: pl.strategy, Why: pl.why, FallBack: pl.fallback}
	for _, d := range pl.declined {
		ps.Declined = append(ps.Declined, declinedInfo{Strategy: d.strategy, Why: d.why})
	}
	switch pl.strategy {
	case StrategyScan:
		ps.When = "a value with more fraction digits than the scanner keeps, an overflow, or a group level reaching its max_groups"
	case StrategyPushdown, StrategyPushdownRaw:
		ps.When = "a value that is not as checked, an overflow, SQLite failing a statement, too many groups in the first range, or a group level reaching its max_groups"
	case StrategyParallel:
		ps.When = "more than one group level reaching its max_groups (the groups kept could differ from one worker's)"
	}
	return ps
}

// parallelism says how the plan uses goroutines.
func (pl *runPlan) parallelism(p *runner) parallelismInfo {
	out := parallelismInfo{Workers: pl.workers,
		Transform:   fmt.Sprintf("where, let, group keys and aggregate arguments on %d goroutines per batch (RunConfig.Workers, --workers; default: one per CPU)", pl.workers),
		Aggregation: "on the sink's goroutine"}
	if pl.strategy == StrategyParallel || pl.fallback == StrategyParallel {
		out.Aggregation = fmt.Sprintf("split by the level-0 key among %d goroutines, merged when the input ends (output rendered after the merge)", pl.workers)
		if pl.strategy != StrategyParallel {
			out.Aggregation = "if the run falls back: " + out.Aggregation
		}
	}
	t := pl.tune
	switch pl.strategy {
	case StrategyScan:
		out.Transform = "none: the scanner parses and aggregates the cells"
		if pl.workers > 1 {
			out.Transform += fmt.Sprintf("; a file of at least %s per reader is read in up to %d ranges, each by a reader and into a table of its own, merged at the end; with more than a group per %d records after the first %d, the ranges are dropped and two readers read the rest of the file, each aggregating the keys of one hash partition",
				byteSize(t.minRange), pl.workers, t.groupsPer, t.rangeJudge)
		}
	case StrategyPushdown, StrategyPushdownRaw:
		out.Transform = fmt.Sprintf("none: the statements of the ranges run on up to %d connections at once", max(pl.workers, 1))
	}
	return out
}

// byteSize prints a size in whole MiB or KiB where it is one.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// whyNot says why the plan does not use s: the reason it was declined, or
// that another was chosen first.
func (pl *runPlan) whyNot(s Strategy) string {
	for _, d := range pl.declined {
		if d.strategy == s {
			return d.why
		}
	}
	if pl.cfg.Strategy != StrategyAuto {
		return "RunConfig.Strategy asks for " + pl.cfg.Strategy.String()
	}
	return strings.TrimSpace("the run uses " + pl.strategy.String())
}
