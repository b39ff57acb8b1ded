package grammar

import (
	"fmt"
	"sort"

	"github.com/alecthomas/participle/v2/lexer"
)

// Position is a place in a script: its file name, the byte offset, and
// the line and column (1-based; the column counts characters). A zero
// Line means the position is unknown.
type Position struct {
	Filename string
	Offset   int
	Line     int
	Column   int
}

// At converts a position of the parser's into a Position.
func At(pos lexer.Position) Position {
	return Position{Filename: pos.Filename, Offset: pos.Offset, Line: pos.Line, Column: pos.Column}
}

// lex converts p back into a position of the parser's.
func (p Position) lex() lexer.Position {
	return lexer.Position{Filename: p.Filename, Offset: p.Offset, Line: p.Line, Column: p.Column}
}

// String returns "file:line:col", leaving out the parts that are unknown.
func (p Position) String() string {
	s := p.Filename
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += fmt.Sprintf("%d:%d", p.Line, p.Column)
	}
	return s
}

// Error is an error at a position in a script: a syntax error, or one the
// checker finds. It prints as "file:line:col: message", like go/scanner
// errors.
type Error struct {
	Pos Position
	Msg string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return formatPos(e.Pos) + e.Msg
}

// formatPos renders pos as "file:line:col: ", leaving out the parts that are
// unknown.
func formatPos(pos Position) string {
	s := ""
	if pos.Filename != "" {
		s = pos.Filename + ":"
	}
	if pos.Line > 0 {
		s += fmt.Sprintf("%d:%d:", pos.Line, pos.Column)
	}
	if s != "" {
		s += " "
	}
	return s
}

// ErrorList is a list of [*Error]s. [Parse] returns one, sorted by position,
// when a script has errors. Its zero value is an empty list ready to use.
type ErrorList []*Error

// Add appends an error at pos with a message formatted as by [fmt.Sprintf].
func (l *ErrorList) Add(pos lexer.Position, format string, args ...any) {
	*l = append(*l, &Error{Pos: At(pos), Msg: fmt.Sprintf(format, args...)})
}

// Len implements [sort.Interface].
func (l ErrorList) Len() int { return len(l) }

// Swap implements [sort.Interface].
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }

// Less implements [sort.Interface], ordering errors by file, then offset,
// then message.
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i], l[j]
	if a.Pos.Filename != b.Pos.Filename {
		return a.Pos.Filename < b.Pos.Filename
	}
	if a.Pos.Offset != b.Pos.Offset {
		return a.Pos.Offset < b.Pos.Offset
	}
	return a.Msg < b.Msg
}

// Sort sorts the list by position.
func (l ErrorList) Sort() { sort.Stable(l) }

// Error implements the error interface: the first error, followed by
// "(and N more errors)" when there are several.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	case 2:
		return l[0].Error() + " (and 1 more error)"
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns nil when the list is empty and the list itself otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap returns the errors in the list, so that [errors.As] finds an
// [*Error].
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
