package interp

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/reportsh/reportsh/runtime/stream"
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

// goSource adapts a Source to the pipeline: it pulls records in chunks,
// copies each into a record with spare capacity, and restarts by reading
// again and skipping.
type goSource struct {
	name   string
	src    Source
	params map[string]any
	extra  int
	ctx    context.Context
	cancel context.CancelFunc
	next   func() (value.Record, error, bool)
	stop   func()
	at     int64 // records delivered by the current iteration
}

func newGoSource(name string, src Source, params map[string]any, extra int) *goSource {
	return &goSource{name: name, src: src, params: params, extra: extra}
}

func (g *goSource) Schema() *value.Schema { return g.src.Schema() }

func (g *goSource) restart() {
	g.Close()
	g.ctx, g.cancel = context.WithCancel(context.Background())
	g.next, g.stop = iter.Pull2(g.src.Records(g.ctx, g.params))
	g.at = 0
}

// Fetch implements stream.Source.
func (g *goSource) Fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	if g.next == nil || after.Offset != g.at {
		g.restart()
	}
	for g.at < after.Offset { // skip what an earlier iteration delivered
		if _, err, ok := g.next(); !ok || err != nil {
			return stream.Chunk[value.Record]{}, fmt.Errorf("go source %s: restart: %v", g.name, errOrEnd(err))
		}
		g.at++
	}
	// The iteration outlives one fetch, but a fetch that is cancelled (the
	// run stopped, a fetch timeout) must interrupt a sequence blocked inside.
	stop := context.AfterFunc(ctx, g.cancel)
	defer stop()
	width := len(g.src.Schema().Fields)
	out := make([]value.Record, 0, min(limit, 1024))
	for len(out) < limit {
		if err := ctx.Err(); err != nil {
			g.Close()
			return stream.Chunk[value.Record]{}, err
		}
		rec, err, ok := g.next()
		if !ok {
			if err := ctx.Err(); err != nil {
				g.Close() // interrupted, not finished: the next fetch starts over
				return stream.Chunk[value.Record]{}, err
			}
			return stream.Chunk[value.Record]{Records: out, Next: stream.Position{Offset: g.at}, Done: true}, nil
		}
		if err != nil {
			return stream.Chunk[value.Record]{}, stream.Permanent(fmt.Errorf("go source %s: record %d: %w", g.name, g.at+1, err))
		}
		if len(rec) != width {
			return stream.Chunk[value.Record]{}, stream.Permanent(fmt.Errorf("go source %s: record %d has %d fields, the schema %d", g.name, g.at+1, len(rec), width))
		}
		r := make(value.Record, width, width+g.extra)
		for i, v := range rec {
			r[i] = value.Normalize(v)
		}
		out = append(out, r)
		g.at++
	}
	return stream.Chunk[value.Record]{Records: out, Next: stream.Position{Offset: g.at}}, nil
}

func errOrEnd(err error) error {
	if err == nil {
		return errors.New("fewer records than before")
	}
	return err
}

// Close implements stream.Closer.
func (g *goSource) Close() error {
	if g.stop != nil {
		g.stop()
		g.cancel()
		g.next, g.stop = nil, nil
	}
	return nil
}
