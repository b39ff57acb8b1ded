package input

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// GoSource is a source of records implemented in Go (interp.Source).
type GoSource interface {
	// Schema describes the records.
	Schema() *value.Schema
	// Records yields the records of one run, in order.
	Records(ctx context.Context, params map[string]any) iter.Seq2[value.Record, error]
}

// goSource adapts a Source to the pipeline: it pulls records in chunks,
// copies each into a record with spare capacity, and restarts by reading
// again and skipping.
type goSource struct {
	name   string
	src    GoSource
	params map[string]any
	extra  int
	ctx    context.Context
	cancel context.CancelFunc
	next   func() (value.Record, error, bool)
	stop   func()
	at     int64 // records delivered by the current iteration
	// pending is the error of the record at at, met by a fetch that
	// returned the good records before it: the fetch from at returns it.
	pending error
}

func newGoSource(name string, src GoSource, params map[string]any, extra int) *goSource {
	return &goSource{name: name, src: src, params: params, extra: extra}
}

func (g *goSource) Schema() *value.Schema { return g.src.Schema() }

func (g *goSource) restart() {
	g.Close()
	g.ctx, g.cancel = context.WithCancel(context.Background())
	g.next, g.stop = iter.Pull2(g.src.Records(g.ctx, g.params))
	g.at, g.pending = 0, nil
}

// Fetch implements stream.Source.
func (g *goSource) Fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	if g.next == nil || after.Offset != g.at {
		g.restart()
	} else if g.pending != nil {
		return stream.Chunk[value.Record]{}, g.pending
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
			return g.fail(out, fmt.Errorf("go source %s: record %d: %w", g.name, g.at+1, err))
		}
		if len(rec) != width {
			return g.fail(out, fmt.Errorf("go source %s: record %d has %d fields, the schema %d", g.name, g.at+1, len(rec), width))
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

// fail returns the error of the record at g.at, a permanent one; after
// good records, it returns them instead and keeps the error for the fetch
// from there, so that the run meets errors in input order whatever the
// chunk size.
func (g *goSource) fail(out []value.Record, err error) (stream.Chunk[value.Record], error) {
	err = stream.Permanent(err)
	if len(out) == 0 {
		return stream.Chunk[value.Record]{}, err
	}
	g.pending = err
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
