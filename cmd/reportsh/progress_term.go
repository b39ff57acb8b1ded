package main

import (
	"io"
	"os"
	"time"

	"github.com/chzyer/readline"
)

// newRunProgress returns the progress line of `reportsh run`, already
// ticking, or nil when there is none (see [showProgress]). Every method
// used by cmdRun accepts a nil *progress.
func newRunProgress(stderr io.Writer, quiet bool) *progress {
	if !showProgress(stderr, quiet, os.Getenv("TERM")) {
		return nil
	}
	p := newProgress(stderr, time.Now)
	p.startTicker(progressInterval)
	return p
}

// showProgress reports whether a run draws a progress line on stderr:
// only on a real terminal (not a pipe, a file or /dev/null) that can erase
// a line, and not with -q.
func showProgress(stderr io.Writer, quiet bool, term string) bool {
	return !quiet && term != "dumb" && isTTY(stderr)
}

// isTTY reports whether w is a terminal. Unlike isTerminal it asks the
// terminal driver, so /dev/null (a character device) is not one.
func isTTY(w io.Writer) bool {
	switch o := w.(type) {
	case *outputWriter:
		w = o.w
	case *replacement:
		w = o.File
	}
	f, ok := w.(*os.File)
	return ok && readline.IsTerminal(int(f.Fd()))
}

// startTicker redraws the line every interval from its own goroutine, so
// that the elapsed time moves while no chunk arrives (a SQLite sort before
// the first row, a slow lookup). finish stops it.
func (p *progress) startTicker(every time.Duration) {
	p.stop, p.stopped = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.tick()
			case <-p.stop:
				return
			}
		}
	}()
}

// output returns the writer the report should go to: w itself, unless w is
// a terminal too (stdout and stderr on one screen), in which case the
// report's lines must not land after the progress line. See
// [progress.interleave].
func (p *progress) output(w io.Writer) io.Writer {
	if p == nil || !isTTY(w) {
		return w
	}
	return p.interleave(w)
}

// interleave returns a writer to w that erases the progress line before
// each write; the next tick draws it again below what was written. While
// the output stops mid-line the line is not drawn, as erasing it would
// erase that partial line from the screen.
func (p *progress) interleave(w io.Writer) io.Writer {
	return &progressOutput{p: p, w: w}
}

// progressOutput is the writer [progress.interleave] returns.
type progressOutput struct {
	p *progress
	w io.Writer
}

func (o *progressOutput) Write(b []byte) (int, error) {
	o.p.mu.Lock()
	defer o.p.mu.Unlock()
	o.p.clearLocked()
	n, err := o.w.Write(b)
	if n > 0 {
		o.p.partial = b[n-1] != '\n'
	}
	return n, err
}
