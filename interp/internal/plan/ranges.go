package plan

import (
	"fmt"
	"io/fs"

	"github.com/reportsh/reportsh/runtime/value"
)

// The ranges strategy: a CSV or JSON lines file read in byte ranges, one
// per worker, each on a goroutine of its own that reads its records,
// transforms them (where, let, keys, aggregate arguments) and aggregates
// them into engines of its own; the engines merge in input order when
// every range is read (exec/ranges.go). Nothing is handed between
// goroutines per record, so the work grows with the cores.
//
// It is exact, or it gives way having written nothing: a bad record or a
// failing expression (which the pipeline reports, or skips, in input
// order), a group level reaching its max_groups (which groups are kept
// depends on every range's records), keys of JSON lines the sample did not
// have, or a record running across a range's end (a CSV quoted field
// holding a newline where the file was cut) make the run read the records
// again with the strategy it falls back to.

// whyNotRanges says why the report cannot run in byte ranges; "" when it
// can. A report whose output follows the records (a detail band), whose
// groups close as the sorted input goes, or that joins lookups, runs
// record by record.
func (p *Planner) whyNotRanges(cfg Settings, workers int) string {
	m := p.m
	switch {
	case m.Source.Kind != "csv" && m.Source.Kind != "jsonl":
		return "the source is not a CSV or JSON lines file"
	case workers < 2 && cfg.Strategy != StrategyRanges:
		return "one worker"
	case m.Detail != nil:
		return "the report has a detail band, which prints the records in order"
	case len(m.Lookups) > 0:
		return "the report joins lookups"
	case cfg.MemoryLimit > 0:
		return "a memory limit is set, which the pipeline's breaker enforces"
	}
	for _, gr := range m.Groupings {
		if gr.Streaming {
			return "the input is sorted by the group keys: each group closes as the next begins"
		}
	}
	return ""
}

// considerRanges plans the ranges: a file of at least two ranges' worth
// (Tuning.MinRange each) when the planner chooses, any file when
// RunConfig.Strategy asks for it.
func (p *Planner) considerRanges(pl *Plan) (why, whyNot string, err error) {
	if whyNot := p.whyNotRanges(pl.Cfg, pl.Workers); whyNot != "" {
		return "", whyNot, nil
	}
	r, err := p.in.Resolve(p.m.Source)
	if err != nil {
		return "", "the file cannot be opened: the pipeline reports why", nil
	}
	defer r.Cleanup()
	info, err := fs.Stat(r.FS, r.Name)
	switch {
	case err != nil:
		return "", "the file cannot be opened: the pipeline reports why", nil
	case !info.Mode().IsRegular():
		return "", "the source is not a regular file, which could be read in ranges", nil
	}
	n := RangeCount(info.Size(), pl.Workers, pl.Tune.MinRange)
	if n < 2 && pl.Cfg.Strategy != StrategyRanges {
		return "", fmt.Sprintf("the file (%s) is smaller than two ranges of %s", value.SizeText(info.Size()), value.SizeText(pl.Tune.MinRange)), nil
	}
	return fmt.Sprintf("a %s %s file and %d workers: %d byte ranges, each read, transformed and aggregated on a goroutine of its own, merged at the end",
		value.SizeText(info.Size()), p.m.Source.Kind, pl.Workers, n), "", nil
}

// RangeCount is the number of ranges a file of size bytes is read in: one
// per worker, each at least minRange bytes.
func RangeCount(size int64, workers int, minRange int64) int {
	return int(max(1, min(int64(workers), size/max(minRange, 1))))
}
