package interp

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

// EvalError is a run-time error in an expression: which expression (its
// position in the script), where the record came from, and the cause.
type EvalError struct {
	Pos    Position // of the failing part of the expression
	What   string   // "where clause", "let revenue", "footer column revenue", …
	Record int64    // 1-based record number in the source; 0 when not per record
	Err    error
}

func (e *EvalError) Error() string {
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
func (e *EvalError) Unwrap() error { return e.Err }

// evaluator runs compiled expressions with one reused VM and environment.
type evaluator struct {
	vm    vm.VM
	env   map[string]any
	names []string
	load  []int // record slots copied into env before evaluation
}

func newEvaluator(p *Program, params map[string]any, load []int) *evaluator {
	ev := &evaluator{env: make(map[string]any, len(params)+len(load)+8), names: p.m.Names, load: load}
	for k, v := range params {
		ev.env[k] = v
	}
	return ev
}

func (ev *evaluator) loadRecord(rec value.Record) {
	for _, i := range ev.load {
		ev.env[ev.names[i]] = rec[i]
	}
}

// eval runs e; errors become *EvalError naming what was evaluated.
func (ev *evaluator) eval(e *program.Expr, what string) (any, error) {
	out, err := ev.vm.Run(e.Prog, ev.env)
	if err != nil {
		return nil, exprRunError(e, what, err)
	}
	return value.Normalize(out), nil
}

func exprRunError(e *program.Expr, what string, err error) error {
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
	return &EvalError{Pos: grammar.At(pos), What: what, Err: cause}
}
