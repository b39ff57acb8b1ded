package check

import (
	"sort"
	"strings"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/value"
)

var sourceArgs = map[string][]string{
	"csv":    {"delimiter", "sample"},
	"jsonl":  {"sample"},
	"sqlite": {"table", "query"},
	"go":     {},
}

// sourceCall checks a source(...) call and returns its definition.
func (c *compiler) sourceCall(call *grammar.Call) *program.Source {
	def := &program.Source{Kind: call.Name.Name, Pos: call.Pos}
	kind := call.Name.Name
	allowed, ok := sourceArgs[kind]
	if !ok {
		c.errorf(call.Name.Pos, "unknown source kind %q (kinds: csv, jsonl, sqlite, go)%s", kind, suggest(kind, []string{"csv", "jsonl", "sqlite"}))
		return nil
	}
	for i, a := range call.Args {
		if a.Name == nil {
			if i != 0 || a.Value.Str == nil {
				c.errorf(a.Pos, "%s takes a file path as its one positional argument", kind)
				return nil
			}
			def.Path = *a.Value.Str
			continue
		}
		name := a.Name.Name
		if !contains(allowed, name) {
			c.errorf(a.Name.Pos, "%s has no argument %q (arguments: %s)%s", kind, name, strings.Join(allowed, ", "), suggest(name, allowed))
			return nil
		}
		switch name {
		case "table", "query", "delimiter":
			if a.Value.Str == nil {
				c.errorf(a.Value.Pos, "%s: argument %s must be a string", kind, name)
				return nil
			}
			s := *a.Value.Str
			switch name {
			case "table":
				def.Table = s
			case "query":
				def.Query = s
			case "delimiter":
				r := []rune(s)
				if len(r) != 1 {
					c.errorf(a.Pos, "csv: delimiter must be one character")
					return nil
				}
				def.Delimiter = r[0]
			}
		case "sample":
			if a.Value.Int == nil || *a.Value.Int <= 0 {
				c.errorf(a.Value.Pos, "%s: sample must be a positive integer", kind)
				return nil
			}
			def.Sample = int(*a.Value.Int)
		}
	}
	if kind == "go" {
		if def.Path == "" {
			c.errorf(call.Pos, "go needs the name of a source registered in Options.Sources, e.g. go(\"orders\")")
			return nil
		}
		if _, ok := c.cfg.Sources[def.Path]; !ok {
			names := make([]string, 0, len(c.cfg.Sources))
			for n := range c.cfg.Sources {
				names = append(names, n)
			}
			sort.Strings(names)
			c.errorf(call.Pos, "no Go source named %q is registered%s", def.Path, SuggestOrList(def.Path, names))
			return nil
		}
		return def
	}
	if def.Path == "" {
		c.errorf(call.Pos, "%s needs a file path, e.g. %s(\"data/sales.%s\")", kind, kind, map[string]string{"csv": "csv", "jsonl": "jsonl", "sqlite": "db"}[kind])
		return nil
	}
	if def.Kind == "sqlite" && (def.Table == "") == (def.Query == "") {
		c.errorf(call.Pos, "sqlite needs exactly one of table: or query:")
		return nil
	}
	return def
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *compiler) source(s *grammar.Source) {
	def := c.sourceCall(s.Call)
	if def == nil {
		return
	}
	if len(s.Schema) > 0 {
		def.Types = map[string]value.Kind{}
		for _, ft := range s.Schema {
			k, ok := value.ParseKind(ft.Type.Name)
			if !ok {
				c.errorf(ft.Type.Pos, "unknown type %q for field %s", ft.Type.Name, ft.Name.Name)
				continue
			}
			def.Types[ft.Name.Name] = k
		}
	}
	schema, err := c.in.Describe(c.ctx, def, c.defaultParams(), true)
	if err != nil {
		c.errorf(def.Pos, "%v", err)
		return
	}
	def.Schema = schema
	if len(s.SortedBy) > 0 {
		def.SortedPos = s.SortedBy[0].Pos
	}
	for _, id := range s.SortedBy {
		if schema.Index(id.Name) < 0 {
			c.errorf(id.Pos, "sorted by %s: the source has no such field%s", id.Name, SuggestOrList(id.Name, schema.Names()))
			continue
		}
		def.SortedBy = append(def.SortedBy, id.Name)
	}
	c.m.Source = def
	c.m.NSource = len(schema.Fields)
	for _, f := range schema.Fields {
		if _, dup := c.names[f.Name]; dup {
			c.errorf(def.Pos, "source field %s has the name of a param", names.Quote(f.Name))
			continue
		}
		c.names[f.Name] = f.Kind
		c.addSlot(f.Name, f.Kind)
	}
}

func (c *compiler) defaultParams() map[string]any {
	m := map[string]any{}
	for _, p := range c.m.Params {
		m[p.Name] = p.Default
	}
	return m
}

func (c *compiler) lookup(l *grammar.Lookup) {
	name := l.Name.Name
	if _, dup := c.names[name]; dup {
		c.errorf(l.Name.Pos, "lookup %s: the name is already a field or param", name)
		return
	}
	if _, dup := c.recs[name]; dup {
		c.errorf(l.Name.Pos, "duplicate lookup %s", name)
		return
	}
	def := c.sourceCall(l.Call)
	if def == nil {
		return
	}
	if def.Kind == "sqlite" && def.Table == "" {
		c.errorf(l.Call.Pos, "lookup %s: a SQLite lookup reads a table (table: \"...\"), not a query", name)
		c.recs[name] = nil // known, untyped: no cascade of "unknown field"
		return
	}
	schema, err := c.in.Describe(c.ctx, def, c.defaultParams(), false)
	if err != nil {
		c.errorf(def.Pos, "%v", err)
		c.recs[name] = nil
		return
	}
	def.Schema = schema
	if schema.Index(l.Right.Name) < 0 {
		c.errorf(l.Right.Pos, "lookup %s: its source has no field %q%s", name, l.Right.Name, SuggestOrList(l.Right.Name, schema.Names()))
		return
	}
	left := c.ec.compile(l.Left.Text, l.Left.Pos, c.recordScope("lookup key"))
	if left == nil {
		return
	}
	ld := &program.Lookup{Name: name, Source: def, On: l.Right.Name, Left: left, Pos: l.Pos}
	ld.Slot = c.addSlot(name, value.KindRecord)
	c.recs[name] = schema
	c.m.Lookups = append(c.m.Lookups, ld)
}
