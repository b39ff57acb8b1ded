package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/runtime/agg"
)

// genName is the name generated scripts are compiled under.
const genName = "repl"

// errQuit is returned by Session.Line for :quit.
var errQuit = errors.New("quit")

// SessionOptions configure a Session. The zero value is valid.
type SessionOptions struct {
	// Dir is the directory the paths of :open and :load start from; empty
	// means the working directory.
	Dir string
	// Color enables ANSI emphasis in errors and text output.
	Color bool
	// Format is the output format (text, csv, json, jsonl, markdown, html);
	// empty means text.
	Format string
	// Params are the initial parameter values, as by :set.
	Params map[string]string
}

// Session is a REPL session independent of the terminal: it takes input a
// line at a time and writes results to out and errors to errOut. It is not
// safe for concurrent use.
type Session struct {
	out, errOut io.Writer
	color       bool
	dir         string            // absolute
	format      string            // the output format
	params      map[string]string // set by :set
	sc          script
	data        *dataset // what the script's source reads; nil without one
	pending     []string // lines of an unfinished input
	aggs        map[string]bool
}

// NewSession returns a session that writes results to out and errors to
// errOut. A nil opts is valid.
func NewSession(out, errOut io.Writer, opts *SessionOptions) *Session {
	var o SessionOptions
	if opts != nil {
		o = *opts
	}
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if o.Format == "" {
		o.Format = "text"
	}
	s := &Session{out: out, errOut: errOut, color: o.Color, dir: dir, format: o.Format,
		params: map[string]string{}, sc: script{dir: dir}, aggs: map[string]bool{}}
	for k, v := range o.Params {
		s.params[k] = v
	}
	for _, n := range agg.Names() {
		s.aggs[strings.ToUpper(n)] = true
	}
	return s
}

// Line takes one line of input. more reports that the input continues on
// the next line (a bracket is still open); the line is kept until then. err
// is non-nil when the input failed (the error has been printed on errOut)
// and is errQuit after :quit. No error ends the session but errQuit.
func (s *Session) Line(ctx context.Context, line string) (more bool, err error) {
	if len(s.pending) == 0 && strings.HasPrefix(strings.TrimSpace(line), ":") {
		return false, s.command(ctx, strings.TrimSpace(line))
	}
	s.pending = append(s.pending, line)
	input := strings.Join(s.pending, "\n")
	if needsMore(input) {
		return true, nil
	}
	s.pending = nil
	if blank(input) {
		return false, nil
	}
	return false, s.eval(ctx, input)
}

// Discard drops an unfinished input, as Ctrl-C at the prompt does.
func (s *Session) Discard() { s.pending = nil }

// Pending reports whether an unfinished input waits for more lines.
func (s *Session) Pending() bool { return len(s.pending) > 0 }

// blank reports whether input holds nothing but spaces and comments.
func blank(input string) bool {
	empty := true
	topScan(input, func(_ int, r rune, _ int) bool {
		empty = unicode.IsSpace(r)
		return empty
	})
	return empty
}

// eval runs one complete input: a statement for the script, or a quick
// query.
func (s *Session) eval(ctx context.Context, input string) error {
	src := newSrcText("", input)
	switch w := firstWord(input); {
	case w == "where":
		if at := whereSplit(input); at >= 0 {
			return s.quick(ctx, input, src, at)
		}
	case !statementKeywords[w]:
		return s.quick(ctx, input, src, -1)
	}
	whole := &genScript{name: genName}
	whole.addFrag("", frag{text: input, src: src, line: 1, col: 1}, "")
	stmts, err := parseStmts(genName, input, src)
	if err != nil {
		return s.showError(err, whole, false)
	}
	return s.accept(stmts)
}

// accept adds statements to the script after checking them: the script
// with them is compiled (when it has a source), and errors in the new
// statements reject them all; errors elsewhere are left for :run. A new
// source statement must open.
func (s *Session) accept(news []*stmt) error {
	stmts := s.sc.with(news)
	src := (&script{stmts: stmts}).source()
	if src != nil {
		g := s.runScript(stmts, genName)
		if _, err := interp.Compile(context.Background(), g.name, g.bytes(), &interp.Options{Dir: s.sc.dir}); err != nil {
			if own := g.errorsIn(err, news); own != nil {
				return s.showError(own, g, false)
			}
		}
	}
	var data *dataset
	if slicesContains(news, src) {
		d, err := openDataset(src.ast.Source, s.sc.dir)
		if err != nil {
			return s.showError(err, nil, false)
		}
		data = d
	}
	s.sc.stmts = stmts
	if data != nil {
		s.data = data
	}
	return nil
}

func slicesContains(list []*stmt, st *stmt) bool {
	if st == nil {
		return false
	}
	for _, x := range list {
		if x == st {
			return true
		}
	}
	return false
}

// runScript generates the script of stmts, as :run compiles it.
func (s *Session) runScript(stmts []*stmt, name string) *genScript {
	g := &genScript{name: name}
	for _, st := range stmts {
		g.addStmt(st)
	}
	return g
}

// errorsIn returns the compile errors of err that lie in the statements
// news, or nil.
func (g *genScript) errorsIn(err error, news []*stmt) error {
	var list grammar.ErrorList
	if !errors.As(err, &list) {
		return err
	}
	var own grammar.ErrorList
	for _, e := range list {
		if l := e.Pos.Line; l >= 1 && l <= len(g.lines) && slicesContains(news, g.lines[l-1].owner) {
			own = append(own, e)
		}
	}
	if len(own) == 0 {
		return nil
	}
	return own
}

// resolve returns path relative to the session's directory as an absolute
// path.
func (s *Session) resolve(path string) string {
	path = filepath.FromSlash(path)
	if strings.HasPrefix(path, "~"+string(filepath.Separator)) {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(s.dir, path)
}
