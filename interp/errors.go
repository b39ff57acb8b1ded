package interp

import (
	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
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
