package interp

import "github.com/reportsh/reportsh/interp/internal/plan"

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
func planStrategy(i plan.StrategyInfo) PlanStrategy {
	ps := PlanStrategy{Name: i.Name, Why: i.Why, FallBack: i.FallBack, When: i.When}
	for _, d := range i.Declined {
		ps.Declined = append(ps.Declined, PlanDeclined(d))
	}
	return ps
}
