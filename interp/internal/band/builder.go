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
	sev     *eval.Evaluator // style conditions: params, keys, a row's columns
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
	// current parent group, by slot.
	cum [][]map[string]agg.Accumulator
	// details holds the records of the detail band until their group
	// closes, when groups close after their records are read (see
	// detailhold.go); nil when detail rows are printed as records arrive.
	details   *detailStore
	SortLimit int
	keys      []any
	Rejected  int64 // records rejected at any level of any grouping
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
	b.sev = eval.NewEvaluator(p, params, nil)
	b.Global = agg.NewEngine(agg.Config{Global: p.Global})
	for gi, gr := range p.Groupings {
		gi := gi
		cfg := agg.Config{Sorted: gr.Streaming}
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
	b.details = newDetailStore(p)
	b.opens = make([][]openGroup, len(p.Groupings))
	for _, gr := range p.Groupings {
		b.pending = append(b.pending, make([][]pendingGroup, len(gr.Levels)))
		cum := make([]map[string]agg.Accumulator, len(gr.Levels))
		for l := range cum {
			cum[l] = map[string]agg.Accumulator{}
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

// ended returns the cause of the run's context once it has ended.
func (b *Builder) ended() error {
	if b.Ctx == nil || b.Ctx.Err() == nil {
		return nil
	}
	return context.Cause(b.Ctx)
}

// Add consumes one transformed record. Every engine sees the records in
// input order, so FIRST, LAST and which groups a max_groups keeps do not
// depend on the detail band; a detail row is printed now, or, when its
// group closes later than its records arrive, held until then
// (detailhold.go).
func (b *Builder) Add(rec value.Record) error {
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
	accepted, err := b.aggregate(rec, args)
	if err != nil || p.Detail == nil {
		return err
	}
	if len(p.Groupings) == 0 {
		return b.detailRow(rec)
	}
	if !accepted {
		return nil // the record's group was rejected: no detail row
	}
	keys := recordKeys(rec, p.Groupings[0])
	if b.details != nil {
		return b.holdDetail(keys, rec)
	}
	if err := b.openPath(0, keys); err != nil {
		return err
	}
	return b.detailRow(rec)
}

// aggregate feeds a record to every grouping's engine. A record rejected
// at any level of any grouping counts once in Rejected; accepted says
// whether the first grouping (the detail band's) took it at every level.
func (b *Builder) aggregate(rec value.Record, args []any) (accepted bool, err error) {
	accepted = true
	rejected := false
	for gi, gr := range b.m.Groupings {
		e := b.Engines[gi]
		last := len(gr.Levels) - 1
		before := e.Rejected(last) // a record rejected at a level counts at every deeper one
		keys := b.keys[:0]
		for _, lv := range gr.Levels {
			keys = append(keys, rec[lv.KeySlot])
		}
		b.keys = keys
		if err := e.Add(keys, args); err != nil {
			return false, b.specError(gi, err)
		}
		if e.Rejected(last) != before {
			rejected = true
			accepted = accepted && gi != 0
		}
	}
	if rejected {
		b.Rejected++
	}
	return accepted, nil
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
	if gi == 0 && b.details != nil {
		if err := b.releaseDetail(g); err != nil {
			return err
		}
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
	cum := b.cum[gi][len(pg.keys)-1]
	for _, a := range lv.Running {
		// The SUM of the groups' values so far: nil until one is not,
		// exact, an int total past int64 going on as a decimal.
		acc := cum[a.Slot]
		if acc == nil {
			acc = agg.New(agg.Sum, 0)
			cum[a.Slot] = acc
		}
		if err := acc.Add(b.bev.Env[a.Slot]); err != nil {
			return &eval.Error{Pos: grammar.At(a.Pos), What: "footer " + a.Name, Err: err}
		}
		b.bev.Env[a.Slot] = acc.Result()
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

// FirstError returns the error a failed run reports: err, unless
// aggregation workers met an error on a record before err's. An error of
// the input (a record's, a fetch's, met in input order after every record
// the builder was given) or of the builder on a record is err's place;
// the workers aggregate the records before it after the builder handed
// them on, so their errors come later in time but first in the input.
func (b *Builder) FirstError(err error) error {
	if b.par == nil || !inInputOrder(err) {
		return err
	}
	par := b.par
	b.par = nil
	if werr := par.wait(); werr != nil {
		return b.specError(0, werr)
	}
	return err
}

// inInputOrder reports whether err is met at a place in the input: a
// record's or a fetch's error, or one the builder returned (a sink's),
// and not a limit of the run, a panic or the run's end.
func inInputOrder(err error) bool {
	var (
		re *stream.RecordError
		fe *stream.FetchError
		se *stream.SinkError
		le *program.LimitError
		pe *program.PanicError
		sp *stream.PanicError
	)
	switch {
	case errors.As(err, &le), errors.As(err, &pe), errors.As(err, &sp),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	}
	return errors.As(err, &re) || errors.As(err, &fe) || errors.As(err, &se)
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
