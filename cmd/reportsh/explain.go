package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/interp"
)

// explainFlags are the flags of `reportsh explain`.
type explainFlags struct {
	file   string
	params map[string]string
	format string // text or json
	// workers and strategy are the run's settings the plan depends on.
	workers  int
	strategy interp.Strategy
}

func parseExplainFlags(args []string) (*explainFlags, error) {
	f := &explainFlags{params: map[string]string{}, format: "text"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			if f.file != "" {
				return nil, fmt.Errorf("unexpected argument %q (one script at a time)", a)
			}
			f.file = a
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		if !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag %s needs a value", name)
			}
			i++
			val = args[i]
		}
		switch strings.TrimLeft(name, "-") {
		case "p", "param":
			k, v, ok := strings.Cut(val, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("-p needs NAME=VALUE, not %q", val)
			}
			f.params[k] = v
		case "f", "format":
			if val != "text" && val != "json" {
				return nil, fmt.Errorf("explain formats are text and json, not %q", val)
			}
			f.format = val
		case "workers":
			n, err := strconv.Atoi(val)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("--workers needs a positive integer, not %q", val)
			}
			f.workers = n
		case "strategy":
			st, err := interp.ParseStrategy(val)
			if err != nil {
				return nil, fmt.Errorf("--strategy: %v", err)
			}
			f.strategy = st
		default:
			return nil, fmt.Errorf("unknown flag %s", name)
		}
	}
	if f.file == "" {
		return nil, errors.New("missing the script to explain (reportsh explain FILE.rpt)")
	}
	return f, nil
}

// cmdExplain prints the plan of a script: reportsh explain FILE.rpt
// [-p name=value]... [--format text|json].
func cmdExplain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseExplainFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "reportsh explain: %v\n", err)
		return exitUsage
	}
	prog, code := compileFile(ctx, f.file, stderr, false)
	if code != exitOK {
		return code
	}
	plan, err := prog.Explain(ctx, &interp.RunConfig{Params: f.params, Workers: f.workers, Strategy: f.strategy})
	if ctx.Err() != nil {
		return interrupted(ctx, stderr)
	}
	if err != nil {
		printError(stderr, err, nil)
		var pe *interp.ParamError
		var se *interp.StrategyError
		if errors.As(err, &pe) || errors.As(err, &se) {
			return exitUsage
		}
		return exitRun
	}
	if f.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(plan)
	} else {
		err = plan.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "reportsh: %v\n", err)
		return exitRun
	}
	return exitOK
}
