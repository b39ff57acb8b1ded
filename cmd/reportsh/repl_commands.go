package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

// replCommand is one REPL command.
type replCommand struct {
	name, args, help string
}

// replCommands are the commands, in the order :help lists them.
var replCommands = []replCommand{
	{":open", "FILE [TABLE] [{ NAME: TYPE, … }]", "read a CSV, JSON lines or SQLite file (a database without TABLE: list its tables)"},
	{":schema", "", "the fields of the data, with their types and a sample value"},
	{":head", "[N]", "the first N records (default 10)"},
	{":load", "FILE.rpt", "load a script (it replaces the current one)"},
	{":run", "", "run the script (loaded or typed), with the parameters set"},
	{":explain", "", "how the script would run: source, SQL, grouping, buffering"},
	{":script", "", "print the current script"},
	{":undo", "", "remove the script's last statement"},
	{":reset", "", "forget the script's statements but the source"},
	{":format", "[text|csv|json|jsonl|markdown|html]", "the output format (without argument: the current one)"},
	{":params", "", "the script's parameters and their values"},
	{":set", "NAME=VALUE", "set a parameter (:set NAME= sets it empty, :set NAME unsets it)"},
	{":help", "", "this help"},
	{":quit", "", "leave (Ctrl-D too)"},
}

// command runs a :command line.
func (s *Session) command(ctx context.Context, line string) error {
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch name {
	case ":open", ":o":
		return s.cmdOpen(ctx, arg)
	case ":schema":
		return s.cmdSchema(ctx)
	case ":head":
		return s.cmdHead(ctx, arg)
	case ":load", ":l":
		return s.cmdLoad(arg)
	case ":run", ":r":
		return s.cmdRun(ctx)
	case ":explain":
		return s.cmdExplain()
	case ":script":
		return s.cmdScript()
	case ":undo":
		if len(s.sc.stmts) == 0 {
			return s.fail("the script is empty")
		}
		last := s.sc.stmts[len(s.sc.stmts)-1]
		s.sc.stmts = s.sc.stmts[:len(s.sc.stmts)-1]
		if last.kind == "source" {
			s.data = nil
		}
		fmt.Fprintf(s.out, "removed: %s\n", strings.SplitN(last.frag.text, "\n", 2)[0])
		return nil
	case ":reset":
		var keep []*stmt
		if src := s.sc.source(); src != nil {
			keep = append(keep, src)
		}
		s.sc.stmts = keep
		return nil
	case ":format", ":f":
		return s.cmdFormat(arg)
	case ":params":
		return s.cmdParams()
	case ":set":
		return s.cmdSet(arg)
	case ":help", ":h", ":?":
		s.help()
		return nil
	case ":quit", ":q", ":exit":
		return errQuit
	}
	var names []string
	for _, c := range replCommands {
		names = append(names, c.name)
	}
	return s.fail("unknown command %s (commands: %s)", name, strings.Join(names, " "))
}

// fail prints a message as an error and returns errShown.
func (s *Session) fail(format string, args ...any) error {
	s.errorAt(nil, 0, 0, fmt.Sprintf(format, args...))
	return errShown
}

// splitArgs splits the arguments of a command at spaces; "..." quotes an
// argument (with Go escapes). rest is the text from the first "{" on.
func splitArgs(arg string) (args []string, rest string, err error) {
	if i := strings.IndexByte(arg, '{'); i >= 0 {
		arg, rest = arg[:i], strings.TrimSpace(arg[i:])
	}
	for arg = strings.TrimSpace(arg); arg != ""; arg = strings.TrimSpace(arg) {
		if arg[0] == '"' {
			end := 1
			for end < len(arg) && arg[end] != '"' {
				if arg[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(arg) {
				return nil, "", errors.New("unterminated quoted argument")
			}
			a, err := strconv.Unquote(arg[:end+1])
			if err != nil {
				return nil, "", fmt.Errorf("bad quoted argument %s", arg[:end+1])
			}
			args, arg = append(args, a), arg[end+1:]
			continue
		}
		end := strings.IndexAny(arg, " \t")
		if end < 0 {
			end = len(arg)
		}
		args, arg = append(args, arg[:end]), arg[end:]
	}
	return args, rest, nil
}

// cmdOpen: :open FILE [TABLE] [{ NAME: TYPE, … }].
func (s *Session) cmdOpen(ctx context.Context, arg string) error {
	args, schema, err := splitArgs(arg)
	if err != nil {
		return s.fail(":open: %v", err)
	}
	if len(args) == 0 || len(args) > 2 {
		return s.fail("usage: :open FILE [TABLE] [{ NAME: TYPE, … }]")
	}
	table := ""
	if len(args) == 2 {
		table = args[1]
	}
	return s.open(ctx, args[0], table, schema)
}

// open makes path (relative to the session's directory) the script's
// source.
func (s *Session) open(ctx context.Context, path, table, schema string) error {
	abs := s.resolve(path)
	kind, delim, err := sniffKind(abs)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return s.fail("cannot open %s: %v", path, pe.Err)
		}
		return s.fail("%v", err)
	}
	if kind == "sqlite" && table == "" {
		tables, err := sqliteTables(ctx, abs)
		if err != nil {
			return s.fail("%v", err)
		}
		if len(tables) != 1 {
			if len(tables) == 0 {
				return s.fail("%s has no tables", path)
			}
			fmt.Fprintf(s.out, "%s has %d tables; pick one with :open %s TABLE\n", path, len(tables), path)
			return s.showTable([]render.Column{{Name: "table", Kind: value.KindString}, {Name: "type", Kind: value.KindString}}, tables)
		}
		table = tables[0][0].(string)
	} else if kind != "sqlite" && table != "" {
		return s.fail("%s is not a SQLite database: it has no tables", path)
	}
	rel := filepath.Clean(filepath.FromSlash(path))
	if s.sc.dir != s.dir || strings.HasPrefix(path, "~") {
		rel = abs
		if r, err := filepath.Rel(s.sc.dir, abs); err == nil && !filepath.IsAbs(path) {
			rel = r
		}
	}
	text := sourceStmt(kind, rel, delim, table, schema)
	stmts, err := parseStmts(genName, text, nil)
	if err != nil {
		return s.showError(err, nil, false)
	}
	if err := s.accept(stmts); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "opened %s\n", s.data.describe())
	return nil
}

// needData returns the open data, or prints why there is none.
func (s *Session) needData() (*dataset, error) {
	if s.data == nil {
		return nil, s.fail("no data: :open FILE first (or type a source statement)")
	}
	return s.data, nil
}

// cmdSchema prints the fields with their types and a sample value: the
// first that is not nil among the first records.
func (s *Session) cmdSchema(ctx context.Context) error {
	d, err := s.needData()
	if err != nil {
		return err
	}
	recs, err := d.head(ctx, 100)
	if err != nil && len(recs) == 0 {
		return s.showError(err, nil, false)
	}
	var rows [][]any
	for i, f := range d.schema.Fields {
		var sample any
		for _, r := range recs {
			if i < len(r) && r[i] != nil {
				sample = value.String(r[i])
				break
			}
		}
		rows = append(rows, []any{f.Name, f.Kind.String(), sample})
	}
	return s.showTable([]render.Column{{Name: "field", Kind: value.KindString}, {Name: "type", Kind: value.KindString},
		{Name: "sample", Kind: value.KindString}}, rows)
}

// cmdHead: :head [N].
func (s *Session) cmdHead(ctx context.Context, arg string) error {
	n := 10
	if arg != "" {
		v, err := strconv.Atoi(arg)
		if err != nil || v <= 0 {
			return s.fail("usage: :head [N], N a positive number")
		}
		n = v
	}
	d, err := s.needData()
	if err != nil {
		return err
	}
	recs, err := d.head(ctx, n)
	if err != nil {
		if ctx.Err() != nil {
			return s.interrupted()
		}
		return s.showError(err, nil, false)
	}
	cols := make([]render.Column, len(d.schema.Fields))
	for i, f := range d.schema.Fields {
		cols[i] = render.Column{Name: f.Name, Kind: f.Kind}
	}
	rows := make([][]any, len(recs))
	for i, r := range recs {
		rows[i] = r[:min(len(r), len(cols))]
	}
	return s.showTable(cols, rows)
}

// cmdLoad: :load FILE.rpt replaces the script.
func (s *Session) cmdLoad(path string) error {
	if path == "" {
		return s.fail("usage: :load FILE.rpt")
	}
	if args, _, err := splitArgs(path); err == nil && len(args) == 1 {
		path = args[0]
	}
	abs := s.resolve(path)
	text, err := os.ReadFile(abs)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return s.fail("cannot open %s: %v", path, pe.Err)
		}
		return s.fail("%v", err)
	}
	src := newSrcText(path, string(text))
	whole := &genScript{name: path}
	whole.addFrag("", frag{text: string(text), src: src, line: 1, col: 1}, "")
	stmts, err := parseStmts(path, string(text), src)
	if err != nil {
		return s.showError(err, whole, false)
	}
	s.sc = script{stmts: stmts, file: path, dir: filepath.Dir(abs)}
	s.data = nil
	fmt.Fprintf(s.out, "loaded %s (%d statements)\n", path, len(stmts))
	if src := s.sc.source(); src != nil {
		d, err := openDataset(src.ast.Source, s.sc.dir)
		if err != nil {
			return s.showError(err, nil, false)
		}
		s.data = d
	}
	return nil
}

// compileScript compiles the whole script as :run runs it.
func (s *Session) compileScript() (*interp.Program, *genScript, error) {
	if len(s.sc.stmts) == 0 {
		return nil, nil, s.fail("no script: type statements, or :load FILE.rpt")
	}
	name := s.sc.file
	if name == "" {
		name = genName
	}
	g := s.runScript(s.sc.stmts, name)
	prog, err := interp.Compile(context.Background(), g.name, g.bytes(), &interp.Options{Dir: s.sc.dir})
	if err != nil {
		return nil, g, s.showError(err, g, false)
	}
	return prog, g, nil
}

// cmdRun runs the script and prints the report.
func (s *Session) cmdRun(ctx context.Context) error {
	prog, g, err := s.compileScript()
	if err != nil {
		return err
	}
	res, err := prog.Run(ctx, &interp.RunConfig{Params: s.runParams(), Output: s.out, Format: interp.Format(s.format),
		Color: s.color && s.format == "text"})
	if err != nil {
		if ctx.Err() != nil {
			return s.interrupted()
		}
		return s.showError(err, g, false)
	}
	if s.format != "text" {
		s.warnings(res)
	}
	return nil
}

// cmdExplain prints the script's plan.
func (s *Session) cmdExplain() error {
	prog, g, err := s.compileScript()
	if err != nil {
		return err
	}
	plan, err := prog.Explain(context.Background(), &interp.RunConfig{Params: s.runParams()})
	if err != nil {
		return s.showError(err, g, false)
	}
	if s.format == "json" {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(plan)
	} else {
		err = plan.WriteText(s.out)
	}
	if err != nil {
		return s.showError(err, nil, false)
	}
	return nil
}

// cmdScript prints the script.
func (s *Session) cmdScript() error {
	if len(s.sc.stmts) == 0 {
		fmt.Fprintln(s.out, "(no script yet: type statements, or :load FILE.rpt)")
		return nil
	}
	for _, st := range s.sc.stmts {
		fmt.Fprintln(s.out, st.frag.text)
	}
	return nil
}

// cmdFormat: :format [NAME].
func (s *Session) cmdFormat(arg string) error {
	if arg == "" {
		fmt.Fprintf(s.out, "format: %s (formats: %s)\n", s.format, strings.Join(textFormats(), ", "))
		return nil
	}
	f := strings.ToLower(arg)
	if f == "md" {
		f = "markdown"
	}
	if slices.Contains(binaryFormats, f) {
		return s.fail("format %s writes a binary file, not for a terminal: use reportsh run SCRIPT -o FILE.%s", f, f)
	}
	if !slices.Contains(textFormats(), f) {
		return s.fail("unknown format %q (formats: %s)", arg, strings.Join(textFormats(), ", "))
	}
	s.format = f
	return nil
}

// cmdParams lists the script's parameters with the values a run would use.
func (s *Session) cmdParams() error {
	ps := s.sc.params()
	declared := map[string]bool{}
	for _, p := range ps {
		name := p.Name.Name
		declared[name] = true
		v, set := s.params[name]
		switch {
		case set:
			fmt.Fprintf(s.out, "%s: %s = %s (set)\n", name, p.Type.Name, v)
		case p.Default != nil:
			fmt.Fprintf(s.out, "%s: %s = %s (default)\n", name, p.Type.Name, p.Default.Text)
		default:
			fmt.Fprintf(s.out, "%s: %s (required, not set)\n", name, p.Type.Name)
		}
	}
	var extra []string
	for name := range s.params {
		if !declared[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		fmt.Fprintf(s.out, "%s = %s (set, but the script declares no param %s)\n", name, s.params[name], name)
	}
	if len(ps) == 0 && len(extra) == 0 {
		fmt.Fprintln(s.out, "no parameters (declare one with param NAME: TYPE [= DEFAULT])")
	}
	return nil
}

// cmdSet: :set NAME=VALUE, or :set NAME to unset.
func (s *Session) cmdSet(arg string) error {
	if arg == "" {
		return s.cmdParams()
	}
	name, v, ok := strings.Cut(arg, "=")
	name = strings.TrimSpace(name)
	if name == "" || firstWord(name) != name {
		return s.fail("usage: :set NAME=VALUE")
	}
	if !ok {
		delete(s.params, name)
		return nil
	}
	s.params[name] = strings.TrimSpace(v)
	return nil
}

// help prints the commands and the quick query syntax.
func (s *Session) help() {
	fmt.Fprint(s.out, `Type statements (source, param, let, where, group, summary, …) to build a script,
and run it with :run. Input continues on the next line while a bracket is open.

Quick queries, over the data and the script's params, lets and wheres:
  EXPR, …                       the expressions on the first record
  AGG(EXPR), …                  aggregates over every record: COUNT(), SUM(amount * quantity)
  AGG(EXPR), … by KEY, …        one row per group
  where COND: QUERY             any of these over the records where COND holds

Commands:
`)
	for _, c := range replCommands {
		fmt.Fprintf(s.out, "  %-44s %s\n", strings.TrimSpace(c.name+" "+c.args), c.help)
	}
	fmt.Fprintln(s.out, "\nTab completes fields, functions, aggregates, keywords and commands. Ctrl-C cancels a\nrunning query; Ctrl-D leaves. More in docs/repl.md.")
}
