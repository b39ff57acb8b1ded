package interp

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// recordSource is what every source constructor returns.
type recordSource interface {
	stream.Source[value.Record]
	Schema() *value.Schema
	Close() error
}

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
		if _, ok := c.prog.opts.Sources[def.Path]; !ok {
			names := make([]string, 0, len(c.prog.opts.Sources))
			for n := range c.prog.opts.Sources {
				names = append(names, n)
			}
			sort.Strings(names)
			c.errorf(call.Pos, "no Go source named %q is registered%s", def.Path, suggestOrList(def.Path, names))
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
	schema, err := c.prog.describe(def, c.defaultParams(), true)
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
			c.errorf(id.Pos, "sorted by %s: the source has no such field%s", id.Name, suggestOrList(id.Name, schema.Names()))
			continue
		}
		def.SortedBy = append(def.SortedBy, id.Name)
	}
	c.prog.m.Source = def
	c.prog.m.NSource = len(schema.Fields)
	for _, f := range schema.Fields {
		if _, dup := c.names[f.Name]; dup {
			c.errorf(def.Pos, "source field %q has the name of a param", f.Name)
			continue
		}
		c.names[f.Name] = f.Kind
		c.addSlot(f.Name, f.Kind)
	}
}

func (c *compiler) defaultParams() map[string]any {
	m := map[string]any{}
	for _, p := range c.prog.m.Params {
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
	schema, err := c.prog.describe(def, c.defaultParams(), false)
	if err != nil {
		c.errorf(def.Pos, "%v", err)
		c.recs[name] = nil
		return
	}
	def.Schema = schema
	if schema.Index(l.Right.Name) < 0 {
		c.errorf(l.Right.Pos, "lookup %s: its source has no field %q%s", name, l.Right.Name, suggestOrList(l.Right.Name, schema.Names()))
		return
	}
	left := c.ec.compile(l.Left.Text, l.Left.Pos, c.recordScope("lookup key"))
	if left == nil {
		return
	}
	ld := &program.Lookup{Name: name, Source: def, On: l.Right.Name, Left: left, Pos: l.Pos}
	ld.Slot = c.addSlot(name, value.KindRecord)
	c.recs[name] = schema
	c.prog.m.Lookups = append(c.prog.m.Lookups, ld)
}

// resolved is a source's location after path resolution.
type resolved struct {
	fsys    fs.FS
	name    string
	osPath  string
	cleanup func()
}

// resolve finds the file a source names, confined to Options.FS when set.
func (p *Program) resolve(def *program.Source) (*resolved, error) {
	if p.opts.FS != nil {
		name, ok := cleanPath(def.Path)
		if !ok || !fs.ValidPath(name) {
			return nil, fmt.Errorf("%s: path %q is outside the report's file system", def.Kind, def.Path)
		}
		if _, err := fs.Stat(p.opts.FS, name); err != nil {
			return nil, fmt.Errorf("%s: cannot open %q: %v", def.Kind, def.Path, unwrapPathError(err))
		}
		r := &resolved{fsys: p.opts.FS, name: name, cleanup: func() {}}
		if def.Kind == "sqlite" {
			if p.opts.Dir != "" {
				r.osPath = filepath.Join(p.opts.Dir, filepath.FromSlash(name))
			} else {
				tmp, err := copyToTemp(p.opts.FS, name)
				if err != nil {
					return nil, err
				}
				r.osPath = tmp
				r.cleanup = func() { os.Remove(tmp) }
			}
		}
		return r, nil
	}
	abs := filepath.FromSlash(def.Path)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(p.opts.Dir, abs)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("%s: cannot open %q: %v", def.Kind, def.Path, unwrapPathError(err))
	}
	return &resolved{fsys: os.DirFS(filepath.Dir(abs)), name: filepath.Base(abs), osPath: abs, cleanup: func() {}}, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func copyToTemp(fsys fs.FS, name string) (string, error) {
	in, err := fsys.Open(name)
	if err != nil {
		return "", fmt.Errorf("sqlite: cannot open %q: %v", name, unwrapPathError(err))
	}
	defer in.Close()
	out, err := os.CreateTemp("", "reportsh-*.db")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), out.Close()
}

// sourceOptions are the run-time settings of an opened source.
type sourceOptions struct {
	unused map[string]bool
	params map[string]any
	extra  int
	skip   bool
	onSkip func(*source.DataError)
	// recycle, if not nil, lets the source reuse the slots of records the
	// sink has finished with.
	recycle *source.Recycler
}

// spareSource is the main source as Compile opened it to describe it, kept
// for the first run (Options.ReuseSource).
type spareSource struct {
	src     *source.CSV
	cleanup func()
	taken   atomic.Bool // by a run, or closed
}

// take hands the source over to its caller; false when it was taken.
func (s *spareSource) take() bool { return s.taken.CompareAndSwap(false, true) }

// close closes the source if it was not taken.
func (s *spareSource) close() {
	if s.take() {
		s.release()
	}
}

// release closes the source, taken by its caller.
func (s *spareSource) release() {
	s.src.Close()
	s.cleanup()
}

// dropSpare closes the spare source, if any.
func (p *Program) dropSpare() {
	if sp := p.spare.Swap(nil); sp != nil {
		sp.close()
	}
}

// config returns the source configuration of def under o.
func (o sourceOptions) config(def *program.Source) source.Config {
	return source.Config{Types: def.Types, SampleRows: def.Sample, Extra: o.extra, SkipErrors: o.skip, OnSkip: o.onSkip,
		Unused: o.unused, Recycle: o.recycle}
}

// open opens a source for reading: the main source's spare, configured
// for o, if there is one.
func (p *Program) open(def *program.Source, o sourceOptions) (recordSource, func(), error) {
	if def == p.m.Source {
		if sp := p.spare.Swap(nil); sp != nil && sp.take() {
			if sp.src.Configure(o.config(def)) {
				return sp.src, sp.cleanup, nil
			}
			sp.release()
		}
	}
	if def.Kind == "go" {
		return newGoSource(def.Path, p.opts.Sources[def.Path], o.params, o.extra), func() {}, nil
	}
	r, err := p.resolve(def)
	if err != nil {
		return nil, nil, err
	}
	var src recordSource
	base := o.config(def)
	switch def.Kind {
	case "csv":
		src, err = source.OpenCSV(r.fsys, r.name, source.CSVConfig{Config: base, Delimiter: def.Delimiter})
	case "jsonl":
		src, err = source.OpenJSONL(r.fsys, r.name, source.JSONLConfig{Config: base})
	case "sqlite":
		params := map[string]any{}
		if def.Query != "" {
			for k, v := range o.params {
				if strings.Contains(def.Query, ":"+k) || strings.Contains(def.Query, "@"+k) || strings.Contains(def.Query, "$"+k) {
					params[k] = sqlParam(v)
				}
			}
		}
		src, err = source.OpenSQLite(r.osPath, source.SQLiteConfig{Config: base, Name: def.Path, Table: def.Table, Query: def.Query,
			Params: params, OrderBy: def.OrderBy})
	}
	if err != nil {
		r.cleanup()
		return nil, nil, err
	}
	return src, r.cleanup, nil
}

// sqlParam converts a parameter value to what database/sql binds.
func sqlParam(v any) any {
	switch x := v.(type) {
	case value.Decimal:
		// SQLite has no decimal type: bind an integral value as an integer
		// and any other as the nearest REAL, which compares numerically
		// with REAL and INTEGER columns.
		if i, ok := x.Int64(); ok {
			return i
		}
		return x.Float64()
	case value.Date:
		return x.String()
	}
	return v
}

// describe opens a source just long enough to read its schema.
// With main, the source is the report's and Options.ReuseSource keeps a
// CSV file open for the first run.
func (p *Program) describe(def *program.Source, params map[string]any, main bool) (*value.Schema, error) {
	src, cleanup, err := p.open(def, sourceOptions{params: params})
	if err != nil {
		return nil, err
	}
	if csv, ok := src.(*source.CSV); ok && main && p.opts.ReuseSource {
		sp := &spareSource{src: csv, cleanup: cleanup}
		p.dropSpare()
		p.spare.Store(sp)
		// Closed by a Program that is never run when it is collected.
		runtime.AddCleanup(p, (*spareSource).close, sp)
		return src.Schema(), nil
	}
	defer cleanup()
	defer src.Close()
	return src.Schema(), nil
}

// openLookups opens every lookup's source and returns the pipeline lookups.
func (p *Program) openLookups(params map[string]any, closers *[]func()) ([]stream.Lookup[value.Record], error) {
	var out []stream.Lookup[value.Record]
	for _, ld := range p.m.Lookups {
		ld := ld
		ev := eval.NewEvaluator(p.m, params, eval.LoadSlotsFor(p.m, ld.Left))
		key := func(rec value.Record) any {
			ev.LoadRecord(rec)
			v, err := ev.Eval(ld.Left, "lookup "+ld.Name)
			if err != nil {
				return nil
			}
			return v
		}
		switch ld.Source.Kind {
		case "sqlite":
			r, err := p.resolve(ld.Source)
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", program.PosString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, r.cleanup)
			lk, err := source.OpenSQLiteLookup(r.osPath, source.SQLiteLookupConfig{Name: ld.Source.Path, Table: ld.Source.Table, On: ld.On, Key: key, Slot: ld.Slot})
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", program.PosString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, func() { lk.Close() })
			out = append(out, lk)
		default:
			src, cleanup, err := p.open(ld.Source, sourceOptions{params: params})
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", program.PosString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, cleanup)
			lk, err := source.NewMapLookup(src, source.MapLookupConfig{On: ld.On, Key: key, Slot: ld.Slot})
			if err != nil {
				src.Close()
				return nil, fmt.Errorf("%s: lookup %s: %w", program.PosString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, func() { lk.Close() })
			out = append(out, lk)
		}
	}
	return out, nil
}
