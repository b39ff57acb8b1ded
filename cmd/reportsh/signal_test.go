//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gateWriter holds the first write until it is released: the command is
// then known to have begun its output, and cannot go further.
type gateWriter struct {
	buf      bytes.Buffer
	first    sync.Once
	started  chan struct{} // closed at the first write
	released chan struct{} // closed by the test
}

func newGateWriter() *gateWriter {
	return &gateWriter{started: make(chan struct{}), released: make(chan struct{})}
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.first.Do(func() {
		close(g.started)
		<-g.released
	})
	return g.buf.Write(p)
}

// signalled runs the command args with main's signal handling, and once
// it has written its first output sends sig to the process and waits for
// the command's context to be cancelled before letting it write more. It
// returns the exit status, stdout and stderr.
func signalled(t *testing.T, sig syscall.Signal, args ...string) (int, string, string) {
	t.Helper()
	return signalledIn(t, sig, "", args...)
}

// signalledIn is signalled with stdin.
func signalledIn(t *testing.T, sig syscall.Signal, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, stop := signalContext(context.Background())
	defer stop()
	out := newGateWriter()
	var errb bytes.Buffer
	code := make(chan int, 1)
	go func() { code <- run(ctx, args, strings.NewReader(stdin), out, &errb) }()
	select {
	case <-out.started:
	case c := <-code:
		t.Fatalf("%v ended (%d) before writing anything: %s", args, c, errb.String())
	}
	require.NoError(t, syscall.Kill(os.Getpid(), sig))
	<-ctx.Done()
	close(out.released)
	return <-code, out.buf.String(), errb.String()
}

// bigReport writes a report of a detail row per record over n records.
func bigReport(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	var data strings.Builder
	data.WriteString("k,v\n")
	for i := range n {
		fmt.Fprintf(&data, "k%d,%d\n", i%7, i)
	}
	writeScript(t, dir, "d.csv", data.String())
	return writeScript(t, dir, "r.rpt", "report \"Big\"\nsource csv(\"d.csv\") { v: int }\ndetail { k, v }\nsummary { n: COUNT() }\n")
}

// Issue 15 item 20: SIGTERM and SIGHUP stop a run as SIGINT does: a
// message on stderr, the exit status 128 + the signal's number (as a shell
// reports a process the signal killed), and the output so far marked as
// incomplete in its format's own way.
func TestSignalsStopRun(t *testing.T) {
	script := bigReport(t, 2000)
	for _, tt := range []struct {
		sig    syscall.Signal
		name   string
		format string
		tail   string
	}{
		{syscall.SIGTERM, "SIGTERM", "csv", "\nincomplete,,,,\n"},
		{syscall.SIGHUP, "SIGHUP", "jsonl", "\n{\"band\":\"incomplete\",\"reason\":\"interrupted\"}\n"},
		{syscall.SIGINT, "SIGINT", "text", "\n\nreport incomplete: interrupted\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := signalled(t, tt.sig, "run", script, "-f", tt.format, "--chunk-size", "10", "--strategy", "pipeline")
			assert.Equal(t, 128+int(tt.sig), code, errs)
			assert.Equal(t, "reportsh: interrupted ("+tt.name+")\n", errs)
			assert.True(t, strings.HasSuffix(out, tt.tail), "%s output ends with %q:\n…%s", tt.format, tt.tail, out[max(0, len(out)-200):])
			assert.NotContains(t, out, "summary")
		})
	}
}

// Issue 15 item 20: a run with -o that a signal stops leaves the file as
// it was, and no temporary file.
func TestSignalLeavesOutputFile(t *testing.T) {
	script := bigReport(t, 2000)
	dir := t.TempDir()
	outFile := dir + "/out.csv"
	require.NoError(t, os.WriteFile(outFile, []byte("old\n"), 0o644))
	ctx, stop := signalContext(context.Background())
	defer stop()
	// The signal arrives before the run starts (a run writing to a file
	// shows nothing to synchronise on before its end).
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	<-ctx.Done()
	var errb bytes.Buffer
	code := run(ctx, []string{"run", script, "-o", outFile}, strings.NewReader(""), io.Discard, &errb)
	assert.Equal(t, 128+int(syscall.SIGTERM), code, errb.String())
	assert.Equal(t, "reportsh: interrupted (SIGTERM)\n", errb.String())
	b, err := os.ReadFile(outFile)
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left")
}

// Issue 15 item 20: check, explain and the REPL reading lines stop at the
// signals too, with the same message and exit status.
func TestSignalsStopOtherCommands(t *testing.T) {
	script := bigReport(t, 10)
	ctx, stop := signalContext(context.Background())
	defer stop()
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	<-ctx.Done()
	for _, cmd := range []string{"check", "explain", "run"} {
		var out, errb bytes.Buffer
		code := run(ctx, []string{cmd, script}, strings.NewReader(""), &out, &errb)
		assert.Equal(t, 128+int(syscall.SIGHUP), code, cmd)
		assert.Equal(t, "reportsh: interrupted (SIGHUP)\n", errb.String(), cmd)
		assert.Empty(t, out.String(), cmd)
	}
	data := strings.TrimSuffix(script, "r.rpt") + "d.csv"
	code, out, errs := signalledIn(t, syscall.SIGTERM, "COUNT()\nCOUNT()\n", "repl", data)
	assert.Equal(t, 128+int(syscall.SIGTERM), code, errs)
	assert.Equal(t, "reportsh: interrupted (SIGTERM)\n", errs)
	assert.True(t, strings.HasPrefix(out, "opened "), out)
	assert.NotContains(t, out, "(int)", "no query ran after the signal")
}

// Issue 15 item 20: in an interactive REPL, Ctrl-C cancels the running
// query and the session goes on; SIGTERM and SIGHUP cancel it and end the
// session (what makes Readline return is called, once).
func TestQueryCancellerSignals(t *testing.T) {
	q := newQueryCanceller()
	defer q.stop()
	ended := make(chan struct{})
	q.setOnEnd(func() { close(ended) })
	cancelled := func(sig syscall.Signal) {
		t.Helper()
		require.NoError(t, q.run(context.Background(), func(ctx context.Context) error {
			require.NoError(t, syscall.Kill(os.Getpid(), sig))
			<-ctx.Done() // the query is cancelled
			return nil
		}))
	}
	cancelled(syscall.SIGINT)
	assert.NoError(t, q.ended.Err(), "Ctrl-C does not end the session")
	cancelled(syscall.SIGTERM)
	<-ended
	var se *signalError
	require.ErrorAs(t, context.Cause(q.ended), &se)
	assert.Equal(t, syscall.SIGTERM, se.sig)
	cancelled(syscall.SIGHUP) // still caught: the session is ending
}
