package interp

import (
	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
)

// Position is a place in a script: file name, byte offset, line and column
// (1-based; the column counts characters).
type Position = grammar.Position

// Error is an error at a position in a script: Compile returns them in an
// [ErrorList].
type Error = grammar.Error

// ErrorList is the positioned errors Compile returns, sorted by position;
// errors.As finds it in Compile's error.
type ErrorList = grammar.ErrorList

// EvalError is a run-time error in an expression: which expression (its
// position in the script), which record, and the cause.
type EvalError = eval.Error

// LimitError reports that a configured limit was exceeded: the memory
// limit, the sort buffer, the expression size.
type LimitError = program.LimitError

// PanicError reports a panic in a part of a run: what panicked, with what
// value, and where. A run returns it instead of crashing the host.
type PanicError = program.PanicError
