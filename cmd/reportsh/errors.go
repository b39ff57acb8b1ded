package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp"
)

// printError prints err; positioned script errors get the source line and
// a caret under the column (in colour on a terminal unless NO_COLOR is set).
func printError(w io.Writer, err error, src []byte) {
	color := isTerminal(w) && os.Getenv("NO_COLOR") == ""
	red, bold, reset := "", "", ""
	if color {
		red, bold, reset = "\x1b[31m", "\x1b[1m", "\x1b[0m"
	}
	var list grammar.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintf(w, "%s%s%serror:%s %s\n", bold, posPrefix(e.Pos.Filename, e.Pos.Line, e.Pos.Column), red, reset, e.Msg)
			caret(w, src, e.Pos.Line, e.Pos.Column)
		}
		if len(list) > 1 {
			fmt.Fprintf(w, "%d errors\n", len(list))
		}
		return
	}
	var ee *interp.EvalError
	if errors.As(err, &ee) {
		fmt.Fprintf(w, "%s%serror:%s %s\n", bold, red, reset, ee.Error())
		if src == nil && ee.Pos.Filename != "" {
			src, _ = os.ReadFile(ee.Pos.Filename)
		}
		caret(w, src, ee.Pos.Line, ee.Pos.Column)
		return
	}
	fmt.Fprintf(w, "%s%serror:%s %v\n", bold, red, reset, err)
}

func posPrefix(file string, line, col int) string {
	if file == "" {
		return fmt.Sprintf("%d:%d: ", line, col)
	}
	return fmt.Sprintf("%s:%d:%d: ", file, line, col)
}

func caret(w io.Writer, src []byte, line, col int) {
	if src == nil || line <= 0 {
		return
	}
	lines := strings.Split(string(src), "\n")
	if line > len(lines) {
		return
	}
	text := strings.TrimRight(lines[line-1], "\r")
	fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(text, "\t", " "))
	if col < 1 {
		col = 1
	}
	fmt.Fprintf(w, "    %s^\n", strings.Repeat(" ", min(col-1, len([]rune(text)))))
}
