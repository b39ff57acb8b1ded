package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals stop a command as Ctrl-C does: SIGINT, SIGTERM (kill, a
// service manager, a container stopping) and SIGHUP (the terminal closed).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// watchesSignals reports whether the command name stops cleanly on
// stopSignals. The others (fmt, version, help) keep the signals' default
// action, which ends them at once: none has a run to stop or an output to
// mark, and fmt reading a terminal must still end at Ctrl-C.
func watchesSignals(name string) bool {
	switch name {
	case "run", "check", "explain", "repl":
		return true
	}
	return false
}

// signalError is the cause of a context that a signal cancelled.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "interrupted (" + signalName(e.sig) + ")" }

// Is makes a signal's cancellation a context.Canceled, as the library
// checks it.
func (e *signalError) Is(target error) bool { return target == context.Canceled }

// signalName names the stop signals as people know them.
func signalName(sig os.Signal) string {
	switch sig {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}

// signalContext returns a context that the first of stopSignals cancels,
// with a *signalError cause. From then on the signals are no longer caught
// (unless someone else catches them, as the REPL does), so a second one
// ends the process at once should the command not stop. stop releases the
// signals.
func signalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			signal.Stop(ch)
			cancel(&signalError{sig: sig})
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(nil)
		})
	}
}

// interrupted reports on stderr that ctx was cancelled and returns the
// exit status: 128 + the signal's number, as a shell reports a process the
// signal killed (130 for Ctrl-C), or 130 without a signal.
func interrupted(ctx context.Context, stderr io.Writer) int {
	var se *signalError
	if errors.As(context.Cause(ctx), &se) {
		fmt.Fprintf(stderr, "reportsh: %v\n", se)
		if n, ok := se.sig.(syscall.Signal); ok {
			return 128 + int(n)
		}
	} else {
		fmt.Fprintln(stderr, "reportsh: interrupted")
	}
	return exitInterrupt
}
