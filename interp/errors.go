package interp

import "github.com/reportsh/reportsh/grammar"

// Position is a place in a script: file name, byte offset, line and column
// (1-based; the column counts characters).
type Position = grammar.Position

// Error is an error at a position in a script: Compile returns them in an
// [ErrorList].
type Error = grammar.Error

// ErrorList is the positioned errors Compile returns, sorted by position;
// errors.As finds it in Compile's error.
type ErrorList = grammar.ErrorList
