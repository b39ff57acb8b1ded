package interp

import (
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

// PlanScan says whether a report's aggregation runs in the CSV scanner.
type PlanScan struct {
	// InScanner is set when the scanner computes the aggregates.
	InScanner bool `json:"in_scanner"`
	// Read lists the fields the scanner parses from their bytes, and how.
	Read []string `json:"read,omitempty"`
	// Reason says why the aggregation runs on records instead.
	Reason string `json:"reason,omitempty"`
}

// writeText prints the scan aggregation in the source section of a plan.
func (ps *PlanScan) writeText(tw *textWriter) {
	switch {
	case ps == nil:
	case !ps.InScanner:
		tw.section(false, "", "aggregation in the scanner: no, %s", ps.Reason)
	default:
		tw.section(false, "", "aggregation in the scanner: yes, from the bytes of %s", strings.Join(ps.Read, ", "))
		tw.section(false, "", "  a value with more fraction digits, an overflow, or too many groups makes the run read the records instead")
	}
}
