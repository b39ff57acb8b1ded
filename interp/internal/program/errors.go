package program

import (
	"fmt"
	"runtime/debug"
	"strconv"
)

// LimitError reports that a configured limit was exceeded.
type LimitError struct {
	// Limit names the limit ("memory limit", "max expression size").
	Limit string
	// Value is what was reached, Max the limit.
	Value int64
	Max   int64
	// Where is the script, or the position, that exceeded it.
	Where string
	// Unit is "bytes" when Value and Max are bytes (shown in MiB).
	Unit string
	// Held says what holds the resource, for the memory limit
	// ("aggregation state: 400,123 groups, ~96 MiB").
	Held string
	// Hint says how to stay within the limit.
	Hint string
}

func (e *LimitError) Error() string {
	v, m := strconv.FormatInt(e.Value, 10), strconv.FormatInt(e.Max, 10)
	if e.Unit == "bytes" {
		v, m = MiBText(e.Value), MiBText(e.Max)
	}
	s := fmt.Sprintf("%s: %s exceeded (%s > %s)", e.Where, e.Limit, v, m)
	if e.Held != "" {
		s += ", held by " + e.Held
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// MiBText writes a byte count in MiB, rounded: "96 MiB", "0.4 MiB".
func MiBText(bytes int64) string {
	m := float64(bytes) / (1 << 20)
	if m < 10 {
		return strconv.FormatFloat(m, 'f', 1, 64) + " MiB"
	}
	return strconv.FormatFloat(m, 'f', 0, 64) + " MiB"
}

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

// Guard turns a panic in a part of a run into a *PanicError of the run
// (see Protect).
type Guard struct {
	// Script is the script's name.
	Script string
	// FaultIn, set by tests, names a part that panics as it starts.
	FaultIn string
}

// Protect runs f, turning a panic in it into a *PanicError of part.
func (g Guard) Protect(part string, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Script: g.Script, Part: part, Value: v, Stack: debug.Stack()}
		}
	}()
	if g.FaultIn != "" && g.FaultIn == part {
		panic("injected fault")
	}
	return f()
}
