// Package eval runs a compiled script's expressions: the expr VM with a
// reused environment, the fast closures that evaluate small expressions of
// fields and constants without it, and the per-record stage (where, let,
// group keys, aggregate arguments) that the pipeline runs on its workers.
// Its errors are positioned in the script (Error).
package eval

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// Error is a run-time error in an expression: which expression (its
// position in the script), where the record came from, and the cause.
type Error struct {
	Pos    grammar.Position // of the failing part of the expression
	What   string           // "where clause", "let revenue", "footer column revenue", …
	Record int64            // 1-based record number in the source; 0 when not per record
	Err    error
}

func (e *Error) Error() string {
	s := ""
	if e.Pos.Filename != "" {
		s = fmt.Sprintf("%s:%d:%d: ", e.Pos.Filename, e.Pos.Line, e.Pos.Column)
	}
	if e.Record > 0 {
		s += fmt.Sprintf("record %d: ", e.Record)
	}
	return s + e.What + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Evaluator runs compiled expressions with one reused VM and environment.
type Evaluator struct {
	vm    vm.VM
	Env   map[string]any
	Names []string
	Load  []int // record slots copied into env before evaluation
}

func NewEvaluator(p *program.Program, params map[string]any, load []int) *Evaluator {
	ev := &Evaluator{Env: make(map[string]any, len(params)+len(load)+8), Names: p.Names, Load: load}
	for k, v := range params {
		ev.Env[k] = v
	}
	return ev
}

func (ev *Evaluator) LoadRecord(rec value.Record) {
	for _, i := range ev.Load {
		ev.Env[ev.Names[i]] = rec[i]
	}
}

// Eval runs e; errors become *Error naming what was evaluated.
func (ev *Evaluator) Eval(e *program.Expr, what string) (any, error) {
	out, err := ev.vm.Run(e.Prog, ev.Env)
	if err != nil {
		return nil, RunError(e, what, err)
	}
	return value.Normalize(out), nil
}

func RunError(e *program.Expr, what string, err error) error {
	pos := e.Pos
	cause := err
	var fe *file.Error
	if errors.As(err, &fe) {
		pos = e.At(fe.From)
		if u := fe.Unwrap(); u != nil {
			cause = u
		} else {
			cause = errors.New(fe.Message)
		}
	}
	return &Error{Pos: grammar.At(pos), What: what, Err: cause}
}

// Truthy is the language's notion of a true condition: true is true; false
// and nil (unknown) are false; anything else is an error.
func Truthy(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case nil:
		return false, nil
	}
	if s, ok := v.(string); ok {
		return false, fmt.Errorf("condition is the string %q, not a bool", s)
	}
	return false, fmt.Errorf("condition is %s %s, not a bool", value.KindOf(v), value.String(v))
}
