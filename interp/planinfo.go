package interp

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

// strategyInfo is a plan's strategy (PlanStrategy).
type strategyInfo struct {
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
