package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/stream"
)

// runFlags are the flags of `reportsh run`.
type runFlags struct {
	file         string
	params       map[string]string
	format       string
	output       string
	onError      string
	chunkSize    int
	memoryLimit  int64
	stats        bool
	quiet        bool
	workers      int
	strategy     interp.Strategy
	stallTimeout time.Duration
	cpuProfile   string
	memProfile   string
	page         render.PageOptions // --page-size, --landscape, --pdf-font (pdf)
}

func parseRunFlags(args []string) (*runFlags, error) {
	f := &runFlags{params: map[string]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") || a == "-" {
			if f.file != "" {
				return nil, fmt.Errorf("unexpected argument %q (one script at a time)", a)
			}
			f.file = a
			continue
		}
		needVal := func() (string, error) {
			if hasVal {
				return val, nil
			}
			if i+1 >= len(args) {
				return "", fmt.Errorf("flag %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		switch strings.TrimLeft(name, "-") {
		case "p", "param":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			k, pv, ok := strings.Cut(v, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("-p needs NAME=VALUE, not %q", v)
			}
			f.params[k] = pv
		case "f", "format":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			f.format = v
		case "o", "output":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			f.output = v
		case "on-error":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			if v != "skip" && v != "fail" {
				return nil, fmt.Errorf("--on-error must be skip or fail, not %q", v)
			}
			f.onError = v
		case "chunk-size":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("--chunk-size needs a positive integer, not %q", v)
			}
			f.chunkSize = n
		case "memory-limit":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			n, err := parseBytes(v)
			if err != nil {
				return nil, err
			}
			f.memoryLimit = n
		case "workers":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("--workers needs a positive integer, not %q", v)
			}
			f.workers = n
		case "strategy":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			if f.strategy, err = interp.ParseStrategy(v); err != nil {
				return nil, fmt.Errorf("--strategy: %v", err)
			}
		case "stall-timeout":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("--stall-timeout needs a duration such as 30s, not %q", v)
			}
			f.stallTimeout = d
		case "cpuprofile", "memprofile":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			if strings.TrimLeft(name, "-") == "cpuprofile" {
				f.cpuProfile = v
			} else {
				f.memProfile = v
			}
		case "page-size":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			if v = strings.ToLower(v); v != "a4" && v != "letter" {
				return nil, fmt.Errorf("--page-size must be a4 or letter, not %q", v)
			}
			f.page.Size = v
		case "landscape":
			f.page.Landscape = true
		case "pdf-font":
			v, err := needVal()
			if err != nil {
				return nil, err
			}
			if f.page.Font, err = os.ReadFile(v); err != nil {
				return nil, fmt.Errorf("--pdf-font: %w", err)
			}
		case "stats":
			f.stats = true
		case "q", "quiet":
			f.quiet = true
		default:
			return nil, fmt.Errorf("unknown flag %s", name)
		}
	}
	if f.file == "" {
		return nil, errors.New("missing the script to run (reportsh run FILE.rpt)")
	}
	if f.format != "" && !slices.Contains(render.Formats(), f.format) && f.format != "md" {
		return nil, fmt.Errorf("unknown format %q (formats: %s)", f.format, strings.Join(render.Formats(), ", "))
	}
	if f.format == "" && f.output != "" {
		format, err := formatFromExt(f.output)
		if err != nil {
			return nil, err
		}
		f.format = format
	}
	return f, nil
}

// parseBytes parses 1048576, 512KiB, 64MiB, 2GiB, 100MB.
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000_000}, {"GB", 1000_000_000}, {"B", 1}}
	mult, num := int64(1), s
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			num, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q (e.g. 512MiB)", s)
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * mult, nil
}

// compileFile reads and compiles a script with paths relative to its
// directory. With reuse, the CSV file the compiler opens to describe the
// source is kept for the run that follows. A signal (ctx) during the
// compilation stops the command.
func compileFile(ctx context.Context, path string, stderr io.Writer, reuse bool) (*interp.Program, int) {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "reportsh: %v\n", err)
		return nil, exitUsage
	}
	prog, err := interp.Compile(ctx, path, src, &interp.Options{Dir: filepath.Dir(path), ReuseSource: reuse})
	if ctx.Err() != nil {
		return nil, interrupted(ctx, stderr)
	}
	if err != nil {
		printError(stderr, err, src)
		return nil, exitScript
	}
	return prog, exitOK
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: reportsh check FILE.rpt")
		return exitUsage
	}
	if _, code := compileFile(ctx, args[0], stderr, false); code != exitOK {
		return code
	}
	fmt.Fprintf(stdout, "%s: ok\n", args[0])
	return exitOK
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseRunFlags(args)
	if err == nil && f.output == "" {
		err = checkBinaryToTerminal(f.format, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "reportsh run: %v\n", err)
		return exitUsage
	}
	prog, code := compileFile(ctx, f.file, stderr, true)
	if code != exitOK {
		return code
	}
	if err := checkOutputs(f, prog); err != nil {
		fmt.Fprintf(stderr, "reportsh run: %v\n", err)
		return exitUsage
	}
	out := stdout
	var file *replacement
	if f.output != "" {
		file, err = createReplacement(f.output)
		if err != nil {
			fmt.Fprintf(stderr, "reportsh: %v\n", err)
			return exitRun
		}
		defer file.discard() // unless committed
		out = file
	}
	format := f.format
	prof, err := startProfiles(f.cpuProfile, f.memProfile)
	if err != nil {
		fmt.Fprintf(stderr, "reportsh: %v\n", err)
		return exitUsage
	}
	defer func() {
		if err := prof.stop(); err != nil {
			fmt.Fprintf(stderr, "reportsh: %v\n", err)
		}
	}()
	start := time.Now()
	// Every run is watched by a health monitor: a run that moves no record
	// for --stall-timeout fails as stalled, and one over its memory limit
	// is paused, then stopped at the critical level.
	registry := stream.NewRegistry(stream.RegistryOptions{})
	monitor := stream.NewMonitor(registry, stream.MonitorOptions{StallTimeout: f.stallTimeout, Interval: monitorInterval(f.stallTimeout)})
	monitor.Start()
	defer monitor.Stop()
	pr := newRunProgress(stderr, f.quiet) // nil unless stderr is a terminal
	res, err := prog.Run(ctx, &interp.RunConfig{
		Params: f.params, Output: pr.output(out), Format: interp.Format(format), OnError: interp.OnError(f.onError), Page: f.page,
		ChunkSize: f.chunkSize, MemoryLimit: f.memoryLimit, Workers: f.workers, Strategy: f.strategy,
		Color:    format == "" && isTerminal(out) && os.Getenv("NO_COLOR") == "",
		Observer: pr.observer(), Progress: pr.setSource, Registry: registry, RunDate: runDate(start),
	})
	pr.finish() // erase the progress line before any message
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx, stderr)
		}
		var pe *interp.ParamError
		if errors.As(err, &pe) {
			if pe.Required {
				err = fmt.Errorf("param %s: required parameter not set (declared at %s; pass -p %s=VALUE)", pe.Name, pe.Declared, pe.Name)
			}
			printError(stderr, err, nil)
			return exitUsage
		}
		printError(stderr, err, nil)
		var se *interp.StrategyError
		if errors.As(err, &se) {
			return exitUsage // --strategy asked for one that cannot run the report
		}
		return exitRun
	}
	if file != nil {
		if err := file.commit(); err != nil {
			fmt.Fprintf(stderr, "reportsh: %v\n", err)
			return exitRun
		}
	}
	printTotals(stderr, f, res, time.Since(start))
	return exitOK
}

// printTotals prints on stderr the skipped and rejected records of a run
// and its warnings (keys of JSON lines files ignored too), unless -q, and,
// with --stats, what the pipeline did in elapsed.
func printTotals(stderr io.Writer, f *runFlags, res *interp.Result, elapsed time.Duration) {
	t := res.Totals
	if !f.quiet {
		if t.Skipped > 0 || t.Rejected > 0 {
			fmt.Fprintf(stderr, "reportsh: %d records read, %d skipped, %d rejected\n", t.RecordsRead, t.Skipped, t.Rejected)
		}
		for _, w := range t.Warnings {
			fmt.Fprintf(stderr, "reportsh: %s\n", w)
		}
	}
	if f.stats {
		el := elapsed
		c := res.Snapshot.Counters
		rate := float64(t.RecordsRead) / el.Seconds()
		snap := res.Snapshot
		fmt.Fprintf(stderr, "stats: %d records read in %v (%.0f records/s); %d out, %d skipped, %d rejected%s\n",
			t.RecordsRead, el.Round(time.Millisecond), rate, c.RecordsOut, t.Skipped, t.Rejected, ignoredRecords(res))
		fmt.Fprintf(stderr, "stats: %d chunks (size %d), %d retries, %d cache hits, %d restarts\n",
			c.Chunks, snap.ChunkSize, c.Retries, c.CacheHits, c.Restarts)
		if res.FellBack != "" {
			fmt.Fprintf(stderr, "stats: strategy %s (fell back from %s)\n", res.Strategy, res.FellBack)
		} else {
			fmt.Fprintf(stderr, "stats: strategy %s\n", res.Strategy)
		}
		fmt.Fprintf(stderr, "stats: peak RSS %.1f MiB", float64(peakRSS())/(1<<20))
		if snap.MemoryLimit > 0 {
			fmt.Fprintf(stderr, " of %.1f MiB limit", float64(snap.MemoryLimit)/(1<<20))
		}
		fmt.Fprintln(stderr)
	}
}

// ignoredRecords counts, for --stats, the records of JSON lines files that
// had keys the files did not read: ", N with ignored keys", or "".
func ignoredRecords(res *interp.Result) string {
	var n int64
	for _, ig := range res.IgnoredKeys {
		n += ig.Records
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d with ignored keys", n)
}

// outputExts maps the extension of -o's file to the format it writes
// (when --format does not say), one line a format.
var outputExts = []struct{ ext, format string }{
	{".txt", "text"},
	{".csv", "csv"},
	{".json", "json"},
	{".jsonl", "jsonl"},
	{".ndjson", "jsonl"},
	{".md", "markdown"},
	{".markdown", "markdown"},
	{".html", "html"},
	{".htm", "html"},
	{".pdf", "pdf"},
	{".xlsx", "xlsx"},
}

// binaryFormats are the formats that are no text: run refuses to write
// them to a terminal.
var binaryFormats = []string{"pdf", "xlsx"}

// textFormats are the formats the REPL prints: all but the binary ones.
func textFormats() []string {
	var out []string
	for _, f := range render.Formats() {
		if !slices.Contains(binaryFormats, f) {
			out = append(out, f)
		}
	}
	return out
}

// formatFromExt returns the format of -o FILE: its extension's, text for a
// file without one (such as /dev/stdout), and an error for an extension
// of no format.
func formatFromExt(path string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == "" {
		return "", nil
	}
	known := make([]string, len(outputExts))
	for i, e := range outputExts {
		if e.ext == ext {
			return e.format, nil
		}
		known[i] = e.ext
	}
	return "", fmt.Errorf("-o %s: no format writes %q files (known: %s); pass --format to choose one", path, ext, strings.Join(known, ", "))
}

// checkBinaryToTerminal refuses a binary format (XLSX) on a terminal.
func checkBinaryToTerminal(format string, out io.Writer) error {
	if slices.Contains(binaryFormats, strings.ToLower(format)) && isTerminal(out) {
		return fmt.Errorf("--format %s writes a binary file, not for a terminal: pass -o FILE.%s or redirect the output", format, strings.ToLower(format))
	}
	return nil
}

// isTerminal reports whether w is a terminal (not a pipe, a file or
// /dev/null), for colour.
func isTerminal(w io.Writer) bool { return isTTY(w) }

// monitorInterval checks often enough to notice a stall soon after the
// timeout (a tenth of it), within the monitor's default of 5 s.
func monitorInterval(stall time.Duration) time.Duration {
	if stall <= 0 {
		return 0 // the monitor's default
	}
	return min(max(stall/10, 10*time.Millisecond), 5*time.Second)
}

// runDate is the run date a report shows: the run's start, or, when the
// environment sets SOURCE_DATE_EPOCH (seconds since 1970, the convention of
// reproducible builds), that time, so that a document can be made again
// byte for byte.
func runDate(start time.Time) time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return start
}
