// Command reportsh runs report scripts (.rpt files).
//
//	reportsh run FILE.rpt [-p name=value]... [--format F] [-o FILE] [--on-error skip|fail]
//	reportsh check FILE.rpt
//	reportsh version
//	reportsh help
//
// Exit codes: 0 success; 1 the script has errors (syntax or checking);
// 2 bad usage; 3 the run failed (data, evaluation or output errors);
// 128 + the signal's number when SIGINT (130), SIGTERM (143) or SIGHUP
// (129) stopped it.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// Exit codes.
const (
	exitOK        = 0
	exitScript    = 1
	exitUsage     = 2
	exitRun       = 3
	exitInterrupt = 130
)

func main() {
	ctx, stop := context.Background(), func() {}
	if len(os.Args) > 1 && watchesSignals(os.Args[1]) {
		ctx, stop = signalContext(ctx)
	}
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: testable. A command whose output could
// not be written fails, whatever it did with the error: fmt with 1 (as for
// its other failures), the others with 3.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	out := &outputWriter{w: stdout}
	code := command(ctx, args, stdin, out, stderr)
	if out.err != nil && code == exitOK {
		fmt.Fprintf(stderr, "reportsh: writing the output: %v\n", out.err)
		if args[0] == "fmt" {
			return exitScript
		}
		return exitRun
	}
	return code
}

// outputWriter is a command's standard output: it remembers the first
// write error and returns it from then on.
type outputWriter struct {
	w   io.Writer
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	o.err = err
	return n, err
}

// outputError returns the write error of w if it is an outputWriter.
func outputError(w io.Writer) error {
	if o, ok := w.(*outputWriter); ok {
		return o.err
	}
	return nil
}

// command runs the command args name.
func command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "check":
		return cmdCheck(ctx, args[1:], stdout, stderr)
	case "fmt":
		return cmdFmt(args[1:], stdin, stdout, stderr)
	case "repl":
		return cmdRepl(ctx, args[1:], stdin, stdout, stderr)
	case "explain":
		return cmdExplain(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "reportsh", version)
		return exitOK
	case "help", "-h", "--help", "-help":
		usage(stdout)
		return exitOK
	}
	fmt.Fprintf(stderr, "reportsh: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `reportsh runs report scripts.

Usage:
  reportsh run FILE.rpt [flags]   run a report
  reportsh check FILE.rpt         check a script without running it
  reportsh fmt [-w|-d|-l] FILE... format scripts (-w rewrite, -d diff, -l list; stdin if no FILE)
  reportsh explain FILE.rpt       print the plan: SQL sent, grouping strategy, buffering (-p, --format text|json)
  reportsh repl [DATA [TABLE]]    explore data and build a script interactively (docs/repl.md)
  reportsh version                print the version
  reportsh help                   print this help

Flags of run:
  -p, --param NAME=VALUE   set a parameter (repeatable)
  -f, --format FORMAT      text (default), csv, json, jsonl, markdown, html, pdf, xlsx
  -o, --output FILE        write the report to FILE instead of stdout (the format follows its extension)
  --page-size a4|letter    pdf page size (default a4)
  --landscape              pdf pages in landscape
  --pdf-font FILE.ttf      pdf text in this TrueType font (e.g. one with CJK glyphs) instead of the Go fonts
  --on-error skip|fail     skip and count bad records, or stop at the first (default: the script's on_error, else fail)
  --chunk-size N           records per source fetch (default 1000)
  --memory-limit BYTES     pipeline memory limit (e.g. 512MiB)
  --workers N              goroutines evaluating expressions (default: the number of CPUs)
  --stall-timeout D        fail a run that moves no record for D (default 30s)
  --stats                  print run statistics on stderr
  --cpuprofile FILE        write a CPU profile (go tool pprof) of the run
  --memprofile FILE        write a heap profile at the end of the run
  -q, --quiet              no warnings and no progress line on stderr

On a terminal, a run that takes more than a second shows a progress line on
stderr (records read, records/s, elapsed time), redrawn in place and erased when
the run ends; never when stderr is not a terminal, nor with -q.

Exit codes: 0 ok, 1 script errors, 2 usage, 3 run failed (or the output
cannot be written), 128 + the signal's number when interrupted (130 Ctrl-C,
143 SIGTERM, 129 SIGHUP).
Documentation: docs/language.md
`)
}
