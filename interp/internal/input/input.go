// Package input opens a program's sources and lookups: it resolves their
// paths against a file system (confined to it) or a directory, opens CSV,
// JSON lines, SQLite and Go sources with a run's settings, and keeps the
// main source that Compile described open for the first run.
package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// RecordSource is what every source constructor returns.
type RecordSource interface {
	stream.Source[value.Record]
	Schema() *value.Schema
	Close() error
}

// Resolved is a source's location after path resolution.
type Resolved struct {
	FS      fs.FS
	Name    string
	OSPath  string
	Cleanup func()
}

// Opener opens a program's sources: it resolves their paths against FS
// (confined to it) or Dir, and keeps the main source Compile described
// open for the first run when reuse is set.
type Opener struct {
	FS      fs.FS
	Dir     string
	Sources map[string]GoSource // Options.Sources
	Reuse   bool                // Options.ReuseSource
	// MaxRecordBytes bounds a record of a CSV or JSON lines file
	// (Options.MaxRecordBytes).
	MaxRecordBytes int
	main           *program.Source
	spare          atomic.Pointer[spareSource] // the main source Compile opened
}

// Resolve finds the file a source names, confined to Options.FS when set.
func (p *Opener) Resolve(def *program.Source) (*Resolved, error) {
	if p.FS != nil {
		name, ok := cleanPath(def.Path)
		if !ok || !fs.ValidPath(name) {
			return nil, fmt.Errorf("%s: path %q is outside the report's file system", def.Kind, def.Path)
		}
		info, err := fs.Stat(p.FS, name)
		host := ""
		if p.Dir != "" {
			// FS shows Dir: no link may lead out of it, whether or not FS
			// follows links (os.DirFS does; an os.Root's refuses them with
			// a less telling error).
			confined := confinedPath
			if def.Kind == "sqlite" {
				confined = confinedSQLite
			}
			var herr error
			host, herr = confined(p.Dir, name)
			if err == nil || errors.Is(herr, errLeaves) {
				err = herr
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: cannot open %q: %v", def.Kind, def.Path, unwrapPathError(err))
		}
		r := &Resolved{FS: p.FS, Name: name, Cleanup: func() {}}
		if def.Kind == "sqlite" {
			if !info.Mode().IsRegular() {
				// A database is a file: copying a device or a pipe need not end.
				return nil, fmt.Errorf("sqlite: %q is not a regular file", def.Path)
			}
			if host != "" {
				r.OSPath = host
			} else {
				tmp, err := copyToTemp(p.FS, name, info.Size())
				if err != nil {
					return nil, err
				}
				r.OSPath = tmp
				r.Cleanup = func() { os.Remove(tmp) }
			}
		}
		return r, nil
	}
	abs, _ := p.HostPath(def)
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("%s: cannot open %q: %v", def.Kind, def.Path, unwrapPathError(err))
	}
	return &Resolved{FS: os.DirFS(filepath.Dir(abs)), Name: filepath.Base(abs), OSPath: abs, Cleanup: func() {}}, nil
}

// HostPath returns the path on the host of the file def reads, resolved
// against Dir; false when the file is not the host's (FS is set, or def is
// a Go source).
func (p *Opener) HostPath(def *program.Source) (string, bool) {
	if p.FS != nil || def.Kind == "go" {
		return "", false
	}
	abs := filepath.FromSlash(def.Path)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(p.Dir, abs)
	}
	return abs, true
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// copyToTemp copies the size bytes of name (its size when it was looked
// at: no more, should it grow) to a temporary file and returns its path.
func copyToTemp(fsys fs.FS, name string, size int64) (string, error) {
	in, err := fsys.Open(name)
	if err != nil {
		return "", fmt.Errorf("sqlite: cannot open %q: %v", name, unwrapPathError(err))
	}
	defer in.Close()
	out, err := os.CreateTemp("", "reportsh-*.db")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, io.LimitReader(in, size)); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), out.Close()
}

// Options are the run-time settings of an opened source.
type Options struct {
	Unused map[string]bool
	Params map[string]any
	Extra  int
	Skip   bool
	OnSkip func(*source.DataError)
	// Recycle, if not nil, lets the source reuse the slots of records the
	// sink has finished with.
	Recycle *source.Recycler
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

// DropSpare closes the spare source, if any.
func (p *Opener) DropSpare() {
	if sp := p.spare.Swap(nil); sp != nil {
		sp.close()
	}
}

// config returns the source configuration of def under o.
func (p *Opener) config(def *program.Source, o Options) source.Config {
	return source.Config{Types: def.Types, SampleRows: def.Sample, Extra: o.Extra, SkipErrors: o.Skip, OnSkip: o.OnSkip,
		Unused: o.Unused, Recycle: o.Recycle, MaxRecordBytes: p.MaxRecordBytes}
}

// Open opens a source for reading: the main source's spare, configured
// for o, if there is one. ctx bounds the opening (a SQLite query is
// prepared then), not the reading.
func (p *Opener) Open(ctx context.Context, def *program.Source, o Options) (RecordSource, func(), error) {
	if def == p.main {
		if sp := p.spare.Swap(nil); sp != nil && sp.take() {
			if sp.src.Configure(p.config(def, o)) {
				return sp.src, sp.cleanup, nil
			}
			sp.release()
		}
	}
	if def.Kind == "go" {
		return newGoSource(def.Path, p.Sources[def.Path], o.Params, o.Extra), func() {}, nil
	}
	r, err := p.Resolve(def)
	if err != nil {
		return nil, nil, err
	}
	var src RecordSource
	base := p.config(def, o)
	switch def.Kind {
	case "csv":
		src, err = source.OpenCSV(r.FS, r.Name, source.CSVConfig{Config: base, Name: def.Path, Delimiter: def.Delimiter})
	case "jsonl":
		src, err = source.OpenJSONL(r.FS, r.Name, source.JSONLConfig{Config: base, Name: def.Path})
	case "sqlite":
		params := map[string]any{}
		if def.Query != "" {
			for k, v := range o.Params {
				if strings.Contains(def.Query, ":"+k) || strings.Contains(def.Query, "@"+k) || strings.Contains(def.Query, "$"+k) {
					params[k] = v // the source converts it (source.SQLValue)
				}
			}
		}
		src, err = source.OpenSQLiteContext(ctx, r.OSPath, source.SQLiteConfig{Config: base, Name: def.Path, Table: def.Table, Query: def.Query,
			Params: params, OrderBy: def.OrderBy})
	}
	if err != nil {
		r.Cleanup()
		return nil, nil, err
	}
	return src, r.Cleanup, nil
}

// Describe opens a source just long enough to read its schema.
// With main, the source is the report's and Options.ReuseSource keeps a
// CSV file open for the first run.
func (p *Opener) Describe(ctx context.Context, def *program.Source, params map[string]any, main bool) (*value.Schema, error) {
	if main {
		p.main = def
	}
	src, cleanup, err := p.Open(ctx, def, Options{Params: params})
	if err != nil {
		return nil, err
	}
	if csv, ok := src.(*source.CSV); ok && main && p.Reuse {
		sp := &spareSource{src: csv, cleanup: cleanup}
		p.DropSpare()
		p.spare.Store(sp)
		// Closed by a Program that is never run when it is collected.
		runtime.AddCleanup(p, (*spareSource).close, sp)
		return src.Schema(), nil
	}
	defer cleanup()
	defer src.Close()
	return src.Schema(), nil
}

// OpenLookups opens every lookup's source and returns the pipeline lookups;
// the sources read through a map (every kind but SQLite) are appended to
// opened, when it is not nil, in the lookups' order.
func (p *Opener) OpenLookups(ctx context.Context, m *program.Program, params map[string]any, closers *[]func(), opened *[]RecordSource) ([]stream.Lookup[value.Record], error) {
	var out []stream.Lookup[value.Record]
	for _, ld := range m.Lookups {
		ld := ld
		ev := eval.NewEvaluator(m, params, eval.LoadSlotsFor(m, ld.Left))
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
			r, err := p.Resolve(ld.Source)
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", program.PosString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, r.Cleanup)
			lk, err := source.OpenSQLiteLookupContext(ctx, r.OSPath, source.SQLiteLookupConfig{Name: ld.Source.Path, Table: ld.Source.Table, On: ld.On, Key: key, Slot: ld.Slot})
			if err != nil {
				return nil, fmt.Errorf("%s: lookup %s: %w", program.PosString(ld.Pos), ld.Name, err)
			}
			*closers = append(*closers, func() { lk.Close() })
			out = append(out, lk)
		default:
			src, cleanup, err := p.Open(ctx, ld.Source, Options{Params: params})
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
			if opened != nil {
				*opened = append(*opened, src)
			}
		}
	}
	return out, nil
}

// cleanPath checks a script path for a confined file system.
func cleanPath(p string) (string, bool) {
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	return p, !path.IsAbs(p) && !strings.HasPrefix(p, "../") && p != ".."
}
