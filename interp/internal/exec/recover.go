package exec

import (
	"errors"

	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
)

// A failing part fails the run, never the host. The executors start
// goroutines of their own (the parallel aggregation's workers, the SQLite
// push-down's statements, the CSV scanner's readers, the progress count);
// each runs its work through Runner.protect (program.Guard), which turns a panic into a
// *program.PanicError that the run returns, and the executor then stops its other
// goroutines. A registered Go function that panics fails its call in the
// same way, and the call's error is positioned like any other
// (*eval.Error). (The pipeline's own goroutines are runtime/stream's, which
// supervises them.)

// protect runs f, turning a panic in it into a *program.PanicError of part. (With
// the tests' faultIn set to part, f panics as it starts.)
func (p *Runner) protect(part string, f func() error) error {
	return p.guard().Protect(part, f)
}

// guard is the run's program.Guard.
func (p *Runner) guard() program.Guard {
	return program.Guard{Script: p.m.Name, FaultIn: p.faultIn}
}

// panicOf returns the *program.PanicError of a part that err wraps, without the
// pipeline's wrapping (a fetch's, a sink's), or nil. A Go function's panic
// stays inside the *eval.Error that positions it.
func panicOf(err error) error {
	var pe *program.PanicError
	var ee *eval.Error
	if errors.As(err, &pe) && !errors.As(err, &ee) {
		return pe
	}
	return nil
}
