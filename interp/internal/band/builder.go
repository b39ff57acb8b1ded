// Package band builds a report's band events from aggregated groups: it
// feeds the grouping engines (one worker's, or several by level-0 key,
// merged at the end), opens and closes groups, applies having, order by
// and limit, evaluates header, detail, footer and report bands, and holds
// what must wait (a header that shows totals, a detail band over unsorted
// input). Every strategy hands its records or partial states to a Builder.
package band

import (
	"context"
	"errors"
	"sort"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// Builder turns the stream of transformed records into band events: it
// feeds the aggregation engines, opens and closes groups, evaluates bands
// and hands events to the renderer. It runs on the sink's goroutine only.
type Builder struct {
	m       *program.Program
	guard   program.Guard
	out     Emitter
	ev      *eval.Evaluator // record scope: detail columns
	bev     *eval.Evaluator // band scope: keys, params, aggregates
	params  map[string]any
	Global  *agg.Engine
	Engines []*agg.Engine
	running []agg.Accumulator // detail aggregates, per innermost group
	// opens[gi] is the open group path of grouping gi, outermost first.
	opens [][]openGroup
	// pending[gi][l] are closed groups of level l waiting to be sorted or
	// limited when their parent closes.
	pending [][][]pendingGroup
	// cum[gi][l] holds the footer running totals of level l within the
	// current parent group.
	cum       [][]map[string]any
	buffered  []value.Record // needSort: records held until the end
	SortLimit int
	keys      []any
	Rejected  int64
	lastRej   []int64
	events    int
	par       *parAgg // parallel aggregation of the single hash grouping, or nil

	// Ctx, when set, is the run's context: the builder looks at it before
	// every record and every closed group and returns its cause once it
	// has ended, so that slow band expressions do not keep a cancelled
	// run going until the end of a batch or of the groups.
	Ctx context.Context
}

// openGroup is one open group on the path from the outermost level.
type openGroup struct {
	key  any
	buf  []*render.Event // events held back until the group's header can be evaluated
	hold bool
}

// pendingGroup is a closed group waiting to be emitted: its keys and
// results, its header (when held) and the events held inside it.
type pendingGroup struct {
	level   *program.Level
	keys    []any
	results []any
	order   any
	header  *render.Event
	held    []*render.Event
}

// Emitter receives finished events.
type Emitter interface {
	Emit(e *render.Event) error
}

// New returns a builder of p's bands that hands events to out; with
// aggWorkers above 1 the first grouping is aggregated on that many workers.
func New(p *program.Program, guard program.Guard, out Emitter, params map[string]any, aggWorkers int) *Builder {
	b := &Builder{m: p, guard: guard, out: out, params: params}
	b.ev = eval.NewEvaluator(p, params, allSlots(p))
	b.bev = eval.NewEvaluator(p, params, nil)
	b.Global = agg.NewEngine(agg.Config{Global: p.Global})
	for gi, gr := range p.Groupings {
		gi := gi
		cfg := agg.Config{Sorted: gr.Streaming || p.NeedSort}
		for _, lv := range gr.Levels {
			cfg.Levels = append(cfg.Levels, agg.Level{Name: lv.Name, MaxGroups: lv.MaxGroups, Specs: lv.Specs})
		}
		cfg.OnClose = func(g *agg.Group) error { return b.CloseGroup(gi, g) }
		if gi == 0 && aggWorkers > 1 {
			b.par = newParAgg(guard, aggWorkers, cfg)
			cfg.OnEvent = b.par.event // limits re-applied by the merge fire here
		}
		b.Engines = append(b.Engines, agg.NewEngine(cfg))
	}
	if p.Detail != nil {
		for _, a := range p.Detail.Aggs {
			b.running = append(b.running, agg.New(a.Fn, a.Param))
		}
	}
	if len(p.Groupings) > 0 {
		b.lastRej = make([]int64, len(p.Groupings[0].Levels))
	}
	b.opens = make([][]openGroup, len(p.Groupings))
	for _, gr := range p.Groupings {
		b.pending = append(b.pending, make([][]pendingGroup, len(gr.Levels)))
		cum := make([]map[string]any, len(gr.Levels))
		for l := range cum {
			cum[l] = map[string]any{}
		}
		b.cum = append(b.cum, cum)
	}
	return b
}

func allSlots(p *program.Program) []int {
	out := make([]int, p.ArgBase)
	for i := range out {
		out[i] = i
	}
	return out
}

// AddBatch consumes a sink batch of transformed records and hands them to
// the aggregation workers.
func (b *Builder) AddBatch(batch []value.Record) error {
	for _, rec := range batch {
		if err := b.Add(rec); err != nil {
			return err
		}
	}
	b.EndBatch()
	return nil
}

// Add consumes one transformed record.
func (b *Builder) Add(rec value.Record) error {
	if b.m.NeedSort {
		if len(b.buffered) >= b.SortLimit {
			return &program.LimitError{Limit: "sort buffer (a detail band over input not sorted by its group keys holds records in memory; declare the source `sorted by` its keys, or index the SQLite table on them)",
				Value: int64(len(b.buffered) + 1), Max: int64(b.SortLimit), Where: b.m.Name}
		}
		b.buffered = append(b.buffered, rec)
		return nil
	}
	return b.process(rec)
}

// ended returns the cause of the run's context once it has ended.
func (b *Builder) ended() error {
	if b.Ctx == nil || b.Ctx.Err() == nil {
		return nil
	}
	return context.Cause(b.Ctx)
}

func (b *Builder) process(rec value.Record) error {
	if err := b.ended(); err != nil {
		return err
	}
	p := b.m
	args := rec[p.ArgBase:p.Width]
	if len(p.Global) > 0 { // the report-wide aggregates, when a band shows any
		if err := b.Global.Add(nil, args); err != nil {
			return b.specError(-1, err)
		}
	}
	if b.par != nil {
		return b.par.add(recordKeys(rec, p.Groupings[0]), args)
	}
	depth := -1 // levels 0..depth are accepted for this record
	for gi, gr := range p.Groupings {
		keys := b.keys[:0]
		for _, lv := range gr.Levels {
			keys = append(keys, rec[lv.KeySlot])
		}
		b.keys = keys
		if err := b.Engines[gi].Add(keys, args); err != nil {
			return b.specError(gi, err)
		}
		rej := false
		if gi == 0 {
			depth = len(gr.Levels) - 1
			for l := range gr.Levels {
				n := b.Engines[0].Rejected(l)
				if n != b.lastRej[l] {
					b.lastRej[l] = n
					if depth == len(gr.Levels)-1 {
						depth = l - 1
					}
				}
			}
			rej = depth < len(gr.Levels)-1
		}
		if rej {
			b.Rejected++
		}
	}
	if p.Detail == nil {
		return nil
	}
	if len(p.Groupings) > 0 {
		gr := p.Groupings[0]
		if depth < len(gr.Levels)-1 {
			return nil // the record's group was rejected: no detail row
		}
		keys := make([]any, len(gr.Levels))
		for i, lv := range gr.Levels {
			keys[i] = rec[lv.KeySlot]
		}
		if err := b.openPath(0, keys); err != nil {
			return err
		}
	}
	return b.detailRow(rec)
}

// openPath makes grouping gi's open path equal keys, emitting headers for
// the groups it opens. Closing is the engine's business (closeGroup).
func (b *Builder) openPath(gi int, keys []any) error {
	gr := b.m.Groupings[gi]
	open := b.opens[gi]
	common := 0
	for common < len(open) && common < len(keys) && sameKey(open[common].key, keys[common]) {
		common++
	}
	open = open[:common]
	b.opens[gi] = open
	for l := common; l < len(keys); l++ {
		lv := gr.Levels[l]
		og := openGroup{key: keys[l]}
		if lv.Holds() {
			og.hold = true // the header shows totals, or the level filters or sorts: hold the group's events
		}
		b.resetRunning(gi, l+1)
		if lv.Header != nil && !og.hold {
			e, err := b.headerEvent(lv.Header, keys[:l+1])
			if err != nil {
				return err
			}
			if err := b.emitAt(gi, l-1, e); err != nil {
				return err
			}
		}
		b.opens[gi] = append(b.opens[gi], og)
		if gi == 0 && l == len(keys)-1 {
			for _, acc := range b.running {
				acc.Reset()
			}
		}
	}
	return nil
}

func sameKey(a, b any) bool { return (a == nil) == (b == nil) && value.Equal(a, b) }

// emitAt emits an event inside grouping gi's open group at level l (-1: top
// level): into the innermost holding group at or above l, else to the output.
func (b *Builder) emitAt(gi, l int, e *render.Event) error {
	open := b.opens[gi]
	for i := min(l, len(open)-1); i >= 0; i-- {
		if open[i].hold {
			open[i].buf = append(open[i].buf, e)
			return nil
		}
	}
	b.events++
	return b.out.Emit(e)
}

// resetRunning restarts the footer running totals of levels l and deeper.
func (b *Builder) resetRunning(gi, l int) {
	for ; l < len(b.cum[gi]); l++ {
		clear(b.cum[gi][l])
	}
}

// CloseGroup is called by grouping gi's engine when a group is complete.
// Having, order by and limit see the group's own values; running totals in
// the footer accumulate over the groups in the order they are emitted,
// after having and limit, so they are computed when the group is emitted.
func (b *Builder) CloseGroup(gi int, g *agg.Group) error {
	if err := b.ended(); err != nil {
		return err
	}
	lv := b.m.Groupings[gi].Levels[g.Level]
	if err := b.openPath(gi, g.Keys[:g.Level+1]); err != nil {
		return err
	}
	if err := b.flushPending(gi, g.Level+1, g.Level); err != nil {
		return err
	}
	og := b.opens[gi][g.Level]
	b.opens[gi] = b.opens[gi][:g.Level]
	pg := pendingGroup{level: lv, keys: append([]any(nil), g.Keys...), results: append([]any(nil), g.Results...), held: og.buf}
	if lv.Having != nil || lv.OrderBy != nil || (og.hold && lv.Header != nil) {
		env := b.groupEnv(pg)
		if lv.Footer != nil && (lv.Having != nil || lv.OrderBy != nil) {
			footer, err := b.evalBand(lv.Footer, pg.keys, b.bev)
			if err != nil {
				return err
			}
			for i, col := range lv.Footer.Cols {
				if _, clash := env[col.Name]; !clash {
					env[col.Name] = footer.Values[i]
				}
			}
		}
		if lv.Having != nil {
			v, err := b.bev.Eval(lv.Having, "having of group "+lv.Name)
			if err != nil {
				return err
			}
			if ok, err := eval.Truthy(v); err != nil {
				return eval.RunError(lv.Having, "having of group "+lv.Name, err)
			} else if !ok {
				return nil // the group and everything in it are left out
			}
		}
		if lv.OrderBy != nil {
			v, err := b.bev.Eval(lv.OrderBy, "order by of group "+lv.Name)
			if err != nil {
				return err
			}
			pg.order = v
		}
		if og.hold && lv.Header != nil {
			e, err := b.evalBand(lv.Header, pg.keys, b.bev)
			if err != nil {
				return err
			}
			pg.header = e
		}
	}
	if lv.Sorts() {
		b.pending[gi][g.Level] = append(b.pending[gi][g.Level], pg)
		return nil
	}
	return b.emitGroup(gi, g.Level-1, pg)
}

// emitGroup emits a closed group's header, held events and footer into the
// open group at level parent.
func (b *Builder) emitGroup(gi, parent int, pg pendingGroup) error {
	if err := b.ended(); err != nil {
		return err
	}
	lv := pg.level
	if pg.header != nil {
		if err := b.emitAt(gi, parent, pg.header); err != nil {
			return err
		}
	}
	for _, e := range pg.held {
		if err := b.emitAt(gi, parent, e); err != nil {
			return err
		}
	}
	if lv.Footer == nil {
		return nil
	}
	b.groupEnv(pg)
	for _, a := range lv.Running {
		cum := b.cum[gi][len(pg.keys)-1]
		v, err := value.Arith(value.OpAdd, cumZero(cum[a.Slot]), cumZero(b.bev.Env[a.Slot]))
		if err != nil {
			return &eval.Error{Pos: grammar.At(a.Pos), What: "footer " + a.Name, Err: err}
		}
		cum[a.Slot] = v
		b.bev.Env[a.Slot] = v
	}
	footer, err := b.evalBand(lv.Footer, pg.keys, b.bev)
	if err != nil {
		return err
	}
	return b.emitAt(gi, parent, footer)
}

// flushPending emits the sorted and limited groups of level l into the
// open group at level parent.
func (b *Builder) flushPending(gi, l, parent int) error {
	levels := b.m.Groupings[gi].Levels
	if l >= len(levels) || len(b.pending[gi][l]) == 0 {
		return nil
	}
	lv := levels[l]
	groups := b.pending[gi][l]
	b.pending[gi][l] = nil
	if lv.OrderBy != nil {
		sort.SliceStable(groups, func(i, j int) bool {
			x, y := groups[i].order, groups[j].order
			if lv.Desc {
				x, y = y, x
			}
			return value.Less(x, y)
		})
	}
	if lv.Limit > 0 && len(groups) > lv.Limit {
		groups = groups[:lv.Limit]
	}
	for _, pg := range groups {
		if err := b.emitGroup(gi, parent, pg); err != nil {
			return err
		}
	}
	return nil
}

// Finish closes every group and emits the summary.
func (b *Builder) Finish() error {
	if b.m.NeedSort {
		gr := b.m.Groupings[0]
		slots := make([]int, len(gr.Levels))
		for i, lv := range gr.Levels {
			slots[i] = lv.KeySlot
		}
		sort.SliceStable(b.buffered, func(i, j int) bool {
			x, y := b.buffered[i], b.buffered[j]
			for _, s := range slots {
				if value.Less(x[s], y[s]) {
					return true
				}
				if value.Less(y[s], x[s]) {
					return false
				}
			}
			return false
		})
		recs := b.buffered
		b.buffered = nil
		for _, r := range recs {
			if err := b.process(r); err != nil {
				return err
			}
		}
	}
	if b.par != nil {
		par := b.par
		b.par = nil
		exact, err := par.merge(b.Engines[0])
		if err != nil {
			return b.specError(0, err)
		}
		if !exact {
			return ErrInexact
		}
		levels := b.m.Groupings[0].Levels
		b.Rejected = b.Engines[0].Rejected(len(levels) - 1) // a record rejected at any level counts at the last
	}
	if err := b.Global.Finish(); err != nil {
		return err
	}
	for gi, e := range b.Engines {
		if err := e.Finish(); err != nil {
			return err
		}
		if err := b.flushPending(gi, 0, -1); err != nil {
			return err
		}
	}
	return nil
}

// Status reports the records rejected by group limits so far, how many
// levels have reached their limit, and the memory held (memlimit.go), for
// the pipeline's counters, events and memory breaker.
func (b *Builder) Status() stream.AggregateStatus {
	st := stream.AggregateStatus{Rejected: b.Rejected, Held: b.held()}
	for gi, gr := range b.m.Groupings {
		for l, lv := range gr.Levels {
			if b.Engines[gi].Rejected(l) > 0 {
				if st.GroupLimitHits == 0 {
					st.GroupLimit = lv.MaxGroups
				}
				st.GroupLimitHits++
			}
		}
	}
	return st
}

// EndBatch hands the records of a sink batch to the aggregation workers.
func (b *Builder) EndBatch() {
	if b.par != nil {
		b.par.flush()
	}
}

// Close stops aggregation workers a failed run left running.
func (b *Builder) Close() {
	if b.par != nil {
		b.par.stop()
		b.par = nil
	}
}

// ErrInexact reports that a parallel aggregation cannot reproduce one
// worker's result (more than one level reached its group limit); Run then
// starts over on one worker.
var ErrInexact = errors.New("parallel aggregation would not be exact")
