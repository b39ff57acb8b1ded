package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/chzyer/readline"
)

// replFlags are the arguments of `reportsh repl`.
type replFlags struct {
	data, table string
	params      map[string]string
	format      string
}

func parseReplFlags(args []string) (*replFlags, error) {
	f := &replFlags{params: map[string]string{}}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
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
			if !slices.Contains(textFormats(), val) && val != "md" {
				return nil, fmt.Errorf("unknown format %q (formats: %s)", val, strings.Join(textFormats(), ", "))
			}
			f.format = val
		default:
			return nil, fmt.Errorf("unknown flag %s", name)
		}
	}
	if len(pos) > 2 {
		return nil, fmt.Errorf("unexpected argument %q (reportsh repl [DATA [TABLE]])", pos[2])
	}
	if len(pos) > 0 {
		f.data = pos[0]
	}
	if len(pos) > 1 {
		f.table = pos[1]
	}
	return f, nil
}

// cmdRepl runs `reportsh repl [DATA [TABLE]] [-p NAME=VALUE]... [-f FORMAT]`:
// an interactive session on a terminal, or the lines of stdin otherwise.
func cmdRepl(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, err := parseReplFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "reportsh repl: %v\n", err)
		return exitUsage
	}
	in, _ := stdin.(*os.File)
	interactive := in != nil && isTerminal(in) && isTerminal(stdout)
	sess := NewSession(stdout, stderr, &SessionOptions{
		Color:  isTerminal(stdout) && isTerminal(stderr) && os.Getenv("NO_COLOR") == "",
		Format: f.format,
		Params: f.params,
	})
	if !interactive {
		return replLines(ctx, sess, f, stdin)
	}
	return replTerminal(ctx, sess, f, in, stdout, stderr)
}

// replLines runs the lines of a file or pipe: no prompts, and the first
// interrupt stops everything. The exit status is 1 when an input failed,
// 3 when the output cannot be written (which stops the session).
func replLines(ctx context.Context, sess *Session, f *replFlags, stdin io.Reader) int {
	failed := false
	if f.data != "" && sess.open(ctx, f.data, f.table, "") != nil {
		failed = true
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if ctx.Err() != nil {
			return interrupted(ctx, sess.errOut)
		}
		if sess.outputFailed() {
			return exitRun // nothing more can be written
		}
		_, err := sess.Line(ctx, sc.Text())
		if errors.Is(err, errQuit) {
			break
		}
		failed = failed || err != nil
	}
	if sess.Pending() {
		sess.fail("the input ends inside an open bracket or raw string")
		failed = true
	}
	if ctx.Err() != nil {
		return interrupted(ctx, sess.errOut)
	}
	if sess.outputFailed() {
		return exitRun
	}
	if failed {
		return exitScript
	}
	return exitOK
}

// outputFailed reports on the session's error output whether its output
// could not be written.
func (s *Session) outputFailed() bool {
	err := outputError(s.out)
	if err != nil {
		fmt.Fprintf(s.errOut, "reportsh: writing the output: %v\n", err)
	}
	return err != nil
}

// replTerminal runs an interactive session with line editing, history and
// completion. Ctrl-C cancels a running query (or the input being typed);
// Ctrl-D leaves; SIGTERM and SIGHUP cancel the query and end the session,
// leaving the terminal as it was.
func replTerminal(ctx context.Context, sess *Session, f *replFlags, in *os.File, stdout, stderr io.Writer) int {
	// The process's interrupt context (main's) would end the session at the
	// first Ctrl-C: interrupts cancel one query at a time instead.
	base := context.WithoutCancel(ctx)
	q := newQueryCanceller()
	defer q.stop()
	ended := func() (int, bool) {
		if q.ended.Err() == nil {
			return 0, false
		}
		fmt.Fprintln(stdout) // after the prompt, or a query's output
		return interrupted(q.ended, stderr), true
	}

	prompt, cont := "rpt> ", " ..> "
	if os.Getenv("NO_COLOR") == "" {
		prompt, cont = "\x1b[1;36mrpt>\x1b[0m ", "\x1b[36m ..>\x1b[0m "
	}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:            prompt,
		HistoryFile:       historyFile(),
		HistorySearchFold: true,
		AutoComplete:      completer{sess},
		InterruptPrompt:   "^C",
		Stdin:             io.NopCloser(in),
		Stdout:            stdout,
		Stderr:            stderr,
	})
	if err != nil {
		fmt.Fprintf(stderr, "reportsh repl: %v\n", err)
		return exitUsage
	}
	defer func() {
		// After a signal Readline has returned and restored the terminal;
		// Close would wait for a key press.
		if q.ended.Err() == nil {
			rl.Close()
		}
	}()
	q.setOnEnd(rl.Operation.Close) // makes Readline return io.EOF

	fmt.Fprintf(stdout, "reportsh %s: type :help for help, Ctrl-D to leave\n", version)
	if f.data != "" {
		q.run(base, func(ctx context.Context) error { return sess.open(ctx, f.data, f.table, "") })
	}
	for {
		line, err := rl.Readline()
		if code, ok := ended(); ok {
			return code
		}
		if errors.Is(err, readline.ErrInterrupt) {
			sess.Discard()
			rl.SetPrompt(prompt)
			continue
		}
		if err != nil { // io.EOF: Ctrl-D
			return exitOK
		}
		var more bool
		err = q.run(base, func(ctx context.Context) error {
			var err error
			more, err = sess.Line(ctx, line)
			return err
		})
		if code, ok := ended(); ok {
			return code
		}
		if errors.Is(err, errQuit) {
			return exitOK
		}
		if more {
			rl.SetPrompt(cont)
		} else {
			rl.SetPrompt(prompt)
		}
	}
}

// queryCanceller cancels the running query when the user presses Ctrl-C,
// and ends the session at SIGTERM or SIGHUP.
type queryCanceller struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	onEnd  func() // called once the session ends by a signal
	sigs   chan os.Signal
	done   chan struct{}
	// ended is cancelled, with a *signalError cause, by SIGTERM or SIGHUP.
	ended context.Context
	end   context.CancelCauseFunc
}

func newQueryCanceller() *queryCanceller {
	q := &queryCanceller{sigs: make(chan os.Signal, 1), done: make(chan struct{})}
	q.ended, q.end = context.WithCancelCause(context.Background())
	signal.Notify(q.sigs, stopSignals...)
	go func() {
		for {
			select {
			case sig := <-q.sigs:
				q.mu.Lock()
				if q.cancel != nil {
					q.cancel()
				}
				var onEnd func()
				if sig != os.Interrupt && q.ended.Err() == nil {
					q.end(&signalError{sig: sig})
					onEnd = q.onEnd
				}
				q.mu.Unlock()
				if onEnd != nil {
					onEnd()
				}
			case <-q.done:
				return
			}
		}
	}()
	return q
}

// setOnEnd sets what ends the session's wait for input when a signal ends
// it; at once if one already has.
func (q *queryCanceller) setOnEnd(f func()) {
	q.mu.Lock()
	q.onEnd = f
	ended := q.ended.Err() != nil
	q.mu.Unlock()
	if ended {
		f()
	}
}

// run calls fn with a context that an interrupt cancels.
func (q *queryCanceller) run(base context.Context, fn func(context.Context) error) error {
	ctx, cancel := context.WithCancel(base)
	q.mu.Lock()
	q.cancel = cancel
	q.mu.Unlock()
	defer func() {
		q.mu.Lock()
		q.cancel = nil
		q.mu.Unlock()
		cancel()
	}()
	return fn(ctx)
}

func (q *queryCanceller) stop() {
	signal.Stop(q.sigs)
	close(q.done)
	q.end(nil)
}

// historyFile returns the history's path in the user's cache directory
// (created if needed), or "" for no history.
func historyFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	dir = filepath.Join(dir, "reportsh")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	return filepath.Join(dir, "history")
}

// completer adapts Session.Complete to readline.
type completer struct{ s *Session }

func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	cands, n := c.s.Complete(string(line[:pos]))
	out := make([][]rune, len(cands))
	for i, cand := range cands {
		out[i] = []rune(cand)
	}
	return out, n
}
