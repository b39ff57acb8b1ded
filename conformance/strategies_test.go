package conformance

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp"
)

// formats are the output formats every strategy is compared in.
var formats = []interp.Format{interp.FormatText, interp.FormatCSV, interp.FormatJSON, interp.FormatJSONL, interp.FormatMarkdown, interp.FormatHTML}

// Scenario A23: every case gives byte-identical output under every strategy
// the planner could pick for it, with 1 to 3 workers and chunks of 1, 7 and
// 1000 records, in every format; and the strategy a run uses is the one
// Explain names (or the fall back it names).
func TestStrategiesAgree(t *testing.T) {
	workers, chunks, all := []int{1, 2, 3}, []int{1, 7, 1000}, formats
	if raceEnabled {
		// The race detector makes every run ten times slower: the full
		// matrix runs without it (make test runs both).
		workers, chunks, all = []int{2}, []int{7}, nil
	}
	ran := map[interp.Strategy]int{}
	for _, path := range cases(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".rpt")
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		prog, err := interp.Compile(context.Background(), name+".rpt", src, &interp.Options{Dir: filepath.Dir(path)})
		if err != nil {
			continue // a compile error: no strategy runs
		}
		base, err := caseArgs(src)
		require.NoError(t, err, name)
		t.Run(name, func(t *testing.T) {
			checkPlanned(t, prog, *base)
			inFormats := all
			if inFormats == nil { // the case's own format only
				inFormats = []interp.Format{cmp.Or(base.Format, interp.FormatText)}
			}
			for _, format := range inFormats {
				rc := *base
				rc.Format, rc.Strategy, rc.ChunkSize = format, interp.StrategyPipeline, 1000
				want, werr := runWith(prog, rc)
				for _, s := range interp.Strategies {
					for _, w := range workers {
						for _, c := range chunks {
							if format != base.Format && format != "text" && (w != 2 || c != 7) {
								continue // other formats: one setting per strategy
							}
							rc.Strategy, rc.Workers, rc.ChunkSize = s, w, c
							got, gerr := runWith(prog, rc)
							var se *interp.StrategyError
							if errors.As(gerr, &se) {
								continue // the strategy cannot run this report
							}
							ran[s]++
							if errorText(gerr) != errorText(werr) {
								t.Fatalf("%s, %d workers, chunks of %d, %s: error %v, want %v", s, w, c, format, gerr, werr)
							}
							if !bytes.Equal(got, want) {
								t.Fatalf("%s, %d workers, chunks of %d, %s: output\n%s\nwant (pipeline):\n%s", s, w, c, format, got, want)
							}
						}
					}
				}
			}
		})
	}
	t.Logf("runs per strategy: %v", ran)
	for _, s := range interp.Strategies {
		if ran[s] == 0 {
			t.Errorf("no case ran under strategy %s", s)
		}
	}
}

// checkPlanned runs the case with the planner's choice and wants the
// strategy the run used to be the one Explain named, or its fall back.
func checkPlanned(t *testing.T, prog *interp.Program, rc interp.RunConfig) {
	t.Helper()
	plan, perr := prog.Explain(context.Background(), &rc)
	res, err := prog.Run(context.Background(), &rc)
	if perr != nil {
		require.Error(t, err, "Explain failed (%v) but Run did not", perr)
		return
	}
	if res == nil {
		return
	}
	ps := plan.Strategy
	switch {
	case res.FellBack == "" && res.Strategy != ps.Name:
		t.Errorf("ran as %s, explain says %s", res.Strategy, ps.Name)
	case res.FellBack != "" && (ps.FallBack == interp.StrategyAuto || !strings.HasPrefix(res.FellBack, ps.Name.String()+": ")):
		t.Errorf("fell back (%s) to %s, explain says %s falling back to %s", res.FellBack, res.Strategy, ps.Name, ps.FallBack)
	}
}

// runWith runs prog with rc into a buffer.
func runWith(prog *interp.Program, rc interp.RunConfig) ([]byte, error) {
	var out bytes.Buffer
	rc.Output = &out
	_, err := prog.Run(context.Background(), &rc)
	return out.Bytes(), err
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
