package interp

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/reportsh/reportsh/stdlib"
)

// A failing part fails the run, never the host. The executors start
// goroutines of their own (the parallel aggregation's workers, the SQLite
// push-down's statements, the CSV scanner's readers, the progress count);
// each runs its work through Program.protect, which turns a panic into a
// *PanicError that the run returns, and the executor then stops its other
// goroutines. A registered Go function that panics fails its call in the
// same way, and the call's error is positioned like any other
// (*EvalError). (The pipeline's own goroutines are runtime/stream's, which
// supervises them.)

// PanicError reports a panic in a part of a run: what panicked, with what
// value, and where. A run returns it (or, for a Go function's call, an
// *EvalError wrapping it) instead of crashing the host process.
type PanicError struct {
	// Script is the script's name; empty when the error is the cause of
	// an *EvalError, which positions it.
	Script string
	// Part is what panicked: "aggregation worker", "SQLite push-down
	// range", "CSV scan", "CSV scan range", "CSV scan partner", "progress
	// count", "function NAME" for a registered Go function, or "run" for
	// the goroutine that called Run.
	Part string
	// Value is what was passed to panic.
	Value any
	// Stack is the panicking goroutine's stack trace.
	Stack []byte
}

// Error implements the error interface.
func (e *PanicError) Error() string {
	s := fmt.Sprintf("panic in %s: %v", e.Part, e.Value)
	if e.Script != "" {
		s = e.Script + ": " + s
	}
	return s
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// protect runs f, turning a panic in it into a *PanicError of part. (With
// the tests' faultIn set to part, f panics as it starts.)
func (p *Program) protect(part string, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Script: p.m.Name, Part: part, Value: v, Stack: debug.Stack()}
		}
	}()
	if p.faultIn != "" && p.faultIn == part {
		panic("injected fault")
	}
	return f()
}

// panicOf returns the *PanicError of a part that err wraps, without the
// pipeline's wrapping (a fetch's, a sink's), or nil. A Go function's panic
// stays inside the *EvalError that positions it.
func panicOf(err error) error {
	var pe *PanicError
	var ee *EvalError
	if errors.As(err, &pe) && !errors.As(err, &ee) {
		return pe
	}
	return nil
}

// guardCall returns f's Call, a registered function's, with a panic turned
// into an error of the call (the VM positions it).
func guardCall(f *stdlib.Func) func(...any) (any, error) {
	call := f.Call
	return func(args ...any) (res any, err error) {
		defer func() {
			if v := recover(); v != nil {
				res, err = nil, &PanicError{Part: "function " + f.Name, Value: v, Stack: debug.Stack()}
			}
		}()
		return call(args...)
	}
}
