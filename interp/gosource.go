package interp

import (
	"context"
	"iter"

	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/runtime/value"
)

// Source is a source of records implemented in Go. Register it in
// Options.Sources under a name; scripts read it with source go("name") or
// join it with lookup x = go("name") on key == field.
type Source interface {
	// Schema describes the records. Compile reads it to check the script.
	Schema() *value.Schema
	// Records yields the records of one run, in order, each positioned by
	// Schema (values as in package value; Go ints and float32s are
	// normalised). A non-nil error stops the run with that error. The
	// sequence must stop when ctx is done. It may be called more than
	// once per run (a restart after a failure reads it again from the
	// start and skips what was delivered).
	Records(ctx context.Context, params map[string]any) iter.Seq2[value.Record, error]
}

// SourceFunc makes a Source from a schema and a function yielding records.
func SourceFunc(schema *value.Schema, records func(ctx context.Context, params map[string]any) iter.Seq2[value.Record, error]) Source {
	return funcSource{schema, records}
}

type funcSource struct {
	schema  *value.Schema
	records func(context.Context, map[string]any) iter.Seq2[value.Record, error]
}

func (f funcSource) Schema() *value.Schema { return f.schema }

func (f funcSource) Records(ctx context.Context, params map[string]any) iter.Seq2[value.Record, error] {
	return f.records(ctx, params)
}

// goSources hands Options.Sources to the opener.
func goSources(m map[string]Source) map[string]input.GoSource {
	out := make(map[string]input.GoSource, len(m))
	for name, src := range m {
		out[name] = src
	}
	return out
}

// sourceNames are the names of Options.Sources.
func sourceNames(m map[string]Source) map[string]bool {
	out := make(map[string]bool, len(m))
	for name := range m {
		out[name] = true
	}
	return out
}
