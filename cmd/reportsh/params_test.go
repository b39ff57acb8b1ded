package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 15 item 1: a string parameter keeps its inner spaces, from -p and
// from the script's default; a timestamp keeps the space between day and
// time; spaces inside a number are an error, not dropped.
func TestParamsKeepSpaces(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nHarbor Analytics LLC,1\nHarborAnalyticsLLC,2\nHarbor Analytics LLC,3\n")
	script := writeScript(t, dir, "r.rpt", `param region: string
param who: string = "x y"
param at: timestamp = "2024-06-01 09:30:00"
param n: int = 1
source csv("s.csv")
where t == region
summary { region, who, at, n, c: COUNT(), s: SUM(amount) }
`)
	code, out, errs := runCLI(t, "run", script, "-f", "csv", "-p", "region=Harbor Analytics LLC")
	require.Equal(t, exitOK, code, errs)
	require.Contains(t, out, "\nsummary,,Harbor Analytics LLC,x y,2024-06-01T09:30:00Z,1,2,4\n")

	code, _, errs = runCLI(t, "run", script, "-p", "region=x", "-p", "n=1 000")
	require.Equal(t, exitUsage, code)
	require.True(t, strings.Contains(errs, `param n: invalid int "1 000"`), errs)
}
