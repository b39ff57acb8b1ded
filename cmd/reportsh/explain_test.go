package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/interp"
)

func TestExplain(t *testing.T) {
	const script = "../../examples/sales_by_territory.rpt"
	code, out, errs := runCLI(t, "explain", script, "-p", "since=2024-06-01")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"plan for " + script + ` ("Sales by territory")`,
		"params  since: date = 2024-06-01 (set)",
		`        next chunks: SELECT rowid, NULL, +"territory", `,
		"lookup  cust: sqlite data/sales.db table customers on customer_id == id — one query per chunk",
		"stage   where sale_date >= since && amount >= min_amount",
		"group   territory: hash, at most 10000 groups",
		"buffering: none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}

	code, out, errs = runCLI(t, "explain", "--format", "json", script)
	if code != exitOK || errs != "" {
		t.Fatalf("json: exit %d: %s", code, errs)
	}
	var plan interp.Plan
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("json output does not parse: %v\n%s", err, out)
	}
	if plan.Source.Table != "sales" || len(plan.Groupings) != 1 || plan.Groupings[0].Strategy != interp.GroupingHash {
		t.Errorf("json plan: %+v", plan)
	}
	if len(plan.Stages) == 0 || plan.Stages[0].Op != "where" || plan.Stages[0].Expr != "sale_date >= since && amount >= min_amount" {
		t.Errorf("json plan stages: %+v", plan.Stages)
	}
}

func TestExplainErrors(t *testing.T) {
	const script = "../../examples/sales_by_territory.rpt"
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"explain"}, exitUsage, "missing the script"},
		{[]string{"explain", script, "--format", "csv"}, exitUsage, "explain formats are text and json"},
		{[]string{"explain", script, "--verbose", "x"}, exitUsage, "unknown flag --verbose"},
		{[]string{"explain", script, "-p", "nope"}, exitUsage, "-p needs NAME=VALUE"},
		{[]string{"explain", script, "-p", "sinse=2024-01-01"}, exitUsage, `param sinse: unknown parameter`},
		{[]string{"explain", script, "-p", "since=soon"}, exitUsage, "param since:"},
		{[]string{"explain", "missing.rpt"}, exitUsage, "missing.rpt"},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.err) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, errs, tc.code, tc.err)
		}
	}
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1\n")
	bad := writeScript(t, dir, "bad.rpt", "source csv(\"s.csv\")\nwhere amout > 1\n")
	if code, _, errs := runCLI(t, "explain", bad); code != exitScript || !strings.Contains(errs, `unknown field "amout"`) {
		t.Errorf("script error: exit %d, stderr %q", code, errs)
	}
}
