package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp"
)

// errShown marks an error that has already been printed.
var errShown = errors.New("error shown")

// showError prints err on the session's error output and returns errShown.
// Positions in the generated script g (nil when there is none) are mapped
// back to what the user typed or loaded: the message names a loaded file's
// line and column, and the user's line is printed with a caret under the
// column. quick leaves out what the generated script was computing (a
// column the user never named).
func (s *Session) showError(err error, g *genScript, quick bool) error {
	if err == nil || errors.Is(err, errShown) {
		return err
	}
	var list grammar.ErrorList
	var single *grammar.Error
	var ee *interp.EvalError
	var pe *interp.ParamError
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			s.errorAt(g, e.Pos.Line, e.Pos.Column, e.Msg)
		}
	case errors.As(err, &single):
		s.errorAt(g, single.Pos.Line, single.Pos.Column, single.Msg)
	case errors.As(err, &ee):
		msg := ee.Err.Error()
		if !quick && ee.What != "" {
			msg = ee.What + ": " + msg
		}
		if ee.Record > 0 {
			msg = fmt.Sprintf("record %d: %s", ee.Record, msg)
		}
		s.errorAt(g, ee.Pos.Line, ee.Pos.Column, msg)
	case errors.As(err, &pe):
		msg := pe.Error()
		if pe.Required {
			msg = fmt.Sprintf("param %s: required parameter not set (declared at %s; use :set %s=VALUE)", pe.Name, pe.Declared, pe.Name)
		}
		if g != nil {
			msg = mapInnerPositions(msg, g)
		}
		s.errorAt(nil, 0, 0, msg)
	default:
		s.errorAt(nil, 0, 0, stripGenPos(err.Error(), g))
	}
	return errShown
}

// innerPosRx matches a position inside a message: "the first is at 3:5",
// "declared at repl:2:1", "the first is at line 9".
var innerPosRx = regexp.MustCompile(`\bat (?:([^\s:()]+):)?(\d+):(\d+)\b|\bat line (\d+)\b`)

// mapInnerPositions rewrites the positions in the generated script g that
// msg mentions as positions in what the user wrote: FILE:LINE:COL in a
// loaded file, LINE:COL in typed input, or the typed line itself when the
// message names only a line.
func mapInnerPositions(msg string, g *genScript) string {
	return innerPosRx.ReplaceAllStringFunc(msg, func(m string) string {
		sub := innerPosRx.FindStringSubmatch(m)
		if sub[1] != "" && sub[1] != g.name {
			return m
		}
		if sub[4] != "" {
			l, _ := strconv.Atoi(sub[4])
			src, sl, _, ok := g.locate(l, 1)
			switch {
			case !ok:
				return m
			case src.name != "":
				return fmt.Sprintf("at %s:%d", src.name, sl)
			}
			return "`" + strings.TrimSpace(src.lines[sl-1]) + "`"
		}
		l, _ := strconv.Atoi(sub[2])
		c, _ := strconv.Atoi(sub[3])
		src, sl, sc, ok := g.locate(l, c)
		switch {
		case !ok:
			return m
		case src.name != "":
			return fmt.Sprintf("at %s:%d:%d", src.name, sl, sc)
		}
		return fmt.Sprintf("at %d:%d", sl, sc)
	})
}

// stripGenPos removes a leading position in the generated script g
// ("repl:3:5: ") from msg.
func stripGenPos(msg string, g *genScript) string {
	if g == nil {
		return msg
	}
	rest, ok := strings.CutPrefix(msg, g.name+":")
	if !ok {
		return msg
	}
	i := strings.Index(rest, ": ")
	if i < 0 || strings.Trim(rest[:i], "0123456789:") != "" {
		return msg
	}
	return rest[i+2:]
}

// errorAt prints msg for the position line:col of g, with the user's line
// and a caret when the position maps to what the user wrote.
func (s *Session) errorAt(g *genScript, line, col int, msg string) {
	red, bold, reset := "", "", ""
	if s.color {
		red, bold, reset = "\x1b[31m", "\x1b[1m", "\x1b[0m"
	}
	var src *srcText
	var sline, scol int
	if g != nil {
		var ok bool
		if src, sline, scol, ok = g.locate(line, col); !ok {
			src = nil
		}
		msg = mapInnerPositions(msg, g)
	}
	prefix := ""
	if src != nil && src.name != "" {
		prefix = posPrefix(src.name, sline, scol)
	}
	fmt.Fprintf(s.errOut, "%s%s%serror:%s %s\n", bold, prefix, red, reset, msg)
	if src != nil {
		caret(s.errOut, []byte(strings.Join(src.lines, "\n")), sline, scol)
	}
}
