package band

import (
	"sync"
	"sync/atomic"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/runtime/value"
)

// parAgg aggregates the records of a report's single hash grouping on
// several goroutines: records are split by their level-0 key
// (agg.Partition), so every group lives in one worker's engine, each record
// carries its input sequence number (so FIRST, LAST and the group limits
// follow input order), and at the end the workers' engines merge into the
// report's engine. The merge is exact unless more than one level reaches
// its group limit; the run then starts over on one worker (see Run). A
// worker that panics fails the run: the others skip what they are handed
// from then on, and add returns the panic, so the pipeline stops.
type parAgg struct {
	guard   program.Guard
	workers []*aggWorker
	seq     int64
	mu      sync.Mutex
	fired   map[int]bool                       // levels whose group limit was reached
	failed  atomic.Pointer[program.PanicError] // the first worker's panic
}

type aggItem struct {
	seq  int64
	keys []any
	args []any
}

type aggWorker struct {
	eng     *agg.Engine
	in      chan []aggItem
	pending []aggItem
	err     error
	errSeq  int64
	done    chan struct{}
	// cost is groupBytes per level; groups and bytes are what the engine
	// holds, recorded after every batch for the memory breaker (held).
	cost          []int64
	groups, bytes atomic.Int64
}

// newParAgg starts n workers whose engines have cfg's shape.
func newParAgg(guard program.Guard, n int, cfg agg.Config) *parAgg {
	pa := &parAgg{guard: guard, fired: map[int]bool{}}
	cfg.OnClose = nil
	cfg.OnEvent = pa.event
	for i := 0; i < n; i++ {
		w := &aggWorker{eng: agg.NewEngine(cfg), in: make(chan []aggItem, 4), done: make(chan struct{}), cost: levelCosts(cfg)}
		pa.workers = append(pa.workers, w)
		go w.run(pa)
	}
	return pa
}

func (pa *parAgg) event(ev agg.Event) {
	if ev.Kind == agg.GroupLimitReached {
		pa.mu.Lock()
		pa.fired[ev.Level] = true
		pa.mu.Unlock()
	}
}

func (w *aggWorker) run(pa *parAgg) {
	defer close(w.done)
	for items := range w.in {
		if w.err != nil || pa.failed.Load() != nil {
			continue // drain: the first error stands
		}
		err := pa.guard.Protect("aggregation worker", func() error {
			w.add(items)
			return nil
		})
		if pe, ok := err.(*program.PanicError); ok {
			w.err, w.errSeq = pe, -1 // before any record's error
			pa.failed.CompareAndSwap(nil, pe)
		}
		w.record()
	}
}

// add aggregates items until one fails.
func (w *aggWorker) add(items []aggItem) {
	for _, it := range items {
		if err := w.eng.AddSeq(it.seq, it.keys, it.args); err != nil {
			w.err, w.errSeq = err, it.seq
			return
		}
	}
}

// add routes one record to the worker owning its level-0 key; it returns
// a worker's panic, which fails the run.
func (pa *parAgg) add(keys, args []any) error {
	if pe := pa.failed.Load(); pe != nil {
		return pe
	}
	w := pa.workers[agg.Partition(keys, len(pa.workers))]
	w.pending = append(w.pending, aggItem{seq: pa.seq, keys: keys, args: args})
	pa.seq++
	return nil
}

// flush hands every worker the records routed to it since the last flush.
func (pa *parAgg) flush() {
	for _, w := range pa.workers {
		if len(w.pending) > 0 {
			w.in <- w.pending
			w.pending = nil
		}
	}
}

// merge stops the workers and merges their engines into into. exact is
// false when more than one level reached its group limit.
func (pa *parAgg) merge(into *agg.Engine) (exact bool, err error) {
	if err := pa.wait(); err != nil {
		return true, err
	}
	for _, w := range pa.workers {
		if err := into.Merge(w.eng); err != nil {
			return true, err
		}
	}
	pa.mu.Lock()
	defer pa.mu.Unlock()
	return len(pa.fired) <= 1, nil
}

// wait hands the workers the records routed to them, ends them, and
// returns the error of the earliest record any of them met, as one worker
// would meet it.
func (pa *parAgg) wait() error {
	pa.flush()
	for _, w := range pa.workers {
		close(w.in)
	}
	var first *aggWorker
	for _, w := range pa.workers {
		<-w.done
		if w.err != nil && (first == nil || w.errSeq < first.errSeq) {
			first = w
		}
	}
	if first != nil {
		return first.err
	}
	return nil
}

// stop ends the workers without merging (the run failed).
func (pa *parAgg) stop() {
	for _, w := range pa.workers {
		close(w.in)
	}
	for _, w := range pa.workers {
		<-w.done
	}
}

// recordKeys returns a record's keys of grouping gr. The key slots of one
// grouping are consecutive, so this is a view of the record (which is never
// reused), not a copy; the copy is a fallback should the layout change.
func recordKeys(rec value.Record, gr *program.Grouping) []any {
	first := gr.Levels[0].KeySlot
	if gr.Levels[len(gr.Levels)-1].KeySlot == first+len(gr.Levels)-1 {
		return rec[first : first+len(gr.Levels) : first+len(gr.Levels)]
	}
	keys := make([]any, len(gr.Levels))
	for i, lv := range gr.Levels {
		keys[i] = rec[lv.KeySlot]
	}
	return keys
}
