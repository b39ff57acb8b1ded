package stream

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// The scenarios of ../shared/SCENARIOS.md covered here are P01–P18,
// S01–S04, S17–S20, B01–B13, E01–E18 and R01–R10, each marked on its test.
// The others live with the code that implements them: S05–S16 and A01–A23
// (aggregates) in runtime/agg, E19 (malformed input) with the sources, and
// I01–I25 end to end with the interpreter. This package's share of them is
// the AggregateStatus hook (rejected counts, group-limit events) and the
// Permanent marker sources use for malformed data.

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// deadline guards every wait in these tests: waits end on events or state,
// never on elapsed time; the deadline only turns a deadlock into a failure.
const deadline = 10 * time.Second

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// rec is the record type of the tests.
type rec struct {
	ID       int64
	Amount   int64
	Customer int64
	CustName string
	Total    int64
}

func makeRec(i int64) rec { return rec{ID: i, Amount: i % 100, Customer: i % 10} }

func makeRecs(n int) []rec {
	out := make([]rec, n)
	for i := range out {
		out[i] = makeRec(int64(i))
	}
	return out
}

var errTransient = errors.New("transient source error")

// faultSource generates records 0..N-1 on the fly and injects faults: the
// first FailFirst calls fail, calls covering PanicAt panic (PanicTimes
// times, 0 = always), calls listed in Hang block until their context ends,
// Malformed returns more records than asked. It records every call.
type faultSource struct {
	N          int64
	Keyset     bool   // positions carry the last ID as key
	ID         string // cache identity
	FailFirst  int
	FailErr    error
	PanicAt    int64 // -1: never
	PanicTimes int
	Hang       map[int]bool
	Malformed  bool
	OnFetch    func(call int) // runs at the start of every call
	NoRecord   bool           // do not record calls (bounded-memory tests)

	mu     sync.Mutex
	calls  []fetchCall
	ncalls int
	panics int
	closed atomic.Int32
}

type fetchCall struct {
	After Position
	Limit int
}

func newFaultSource(n int64) *faultSource { return &faultSource{N: n, PanicAt: -1} }

func (s *faultSource) Fetch(ctx context.Context, after Position, limit int) (Chunk[rec], error) {
	s.mu.Lock()
	s.ncalls++
	call := s.ncalls
	if !s.NoRecord {
		s.calls = append(s.calls, fetchCall{after, limit})
	}
	start := min(after.Offset, s.N)
	end := min(start+int64(limit), s.N)
	doPanic := s.PanicAt >= start && s.PanicAt < end && (s.PanicTimes == 0 || s.panics < s.PanicTimes)
	if doPanic {
		s.panics++
	}
	s.mu.Unlock()
	if s.OnFetch != nil {
		s.OnFetch(call)
	}
	if s.Hang[call] {
		<-ctx.Done()
		return Chunk[rec]{}, ctx.Err()
	}
	if call <= s.FailFirst {
		if s.FailErr != nil {
			return Chunk[rec]{}, s.FailErr
		}
		return Chunk[rec]{}, fmt.Errorf("call %d: %w", call, errTransient)
	}
	if doPanic {
		panic(fmt.Sprintf("source exploded at record %d", s.PanicAt))
	}
	if s.Malformed {
		end = min(start+int64(limit)+1, s.N)
	}
	recs := make([]rec, end-start)
	for i := range recs {
		recs[i] = makeRec(start + int64(i))
	}
	next := Position{Offset: end}
	if s.Keyset && end > 0 {
		next.Key = []any{end - 1}
	}
	return Chunk[rec]{Records: recs, Next: next, Done: end == s.N, Bytes: int64(len(recs)) * 64}, nil
}

func (s *faultSource) Identity() string { return s.ID }

func (s *faultSource) Close() error {
	s.closed.Add(1)
	return nil
}

func (s *faultSource) Calls() []fetchCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *faultSource) NCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ncalls
}

// collector is a sink that keeps what it receives. With gate set, every
// call first waits for a token from it.
type collector struct {
	mu    sync.Mutex
	recs  []rec
	calls int
	gate  chan struct{}
}

func (c *collector) sink(ctx context.Context, b []rec) error {
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, b...)
	c.calls++
	return nil
}

// open lets every further sink call through.
func (c *collector) open() { close(c.gate) }

func (c *collector) got() []rec {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.recs)
}

func (c *collector) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.recs)
}

// checkExactlyOnce fails unless recs are records 0..n-1 in order.
func checkExactlyOnce(t *testing.T, recs []rec, n int) {
	t.Helper()
	if len(recs) != n {
		t.Fatalf("got %d records, want %d", len(recs), n)
	}
	for i, r := range recs {
		if r.ID != int64(i) {
			t.Fatalf("record %d has ID %d: lost, repeated or reordered", i, r.ID)
		}
	}
}

// events is an Observer that keeps every event and lets tests wait for one.
type events struct {
	mu      sync.Mutex
	list    []Event
	changed chan struct{}
	also    func(Event) // runs for every event, outside the lock
}

func newEvents() *events { return &events{changed: make(chan struct{})} }

func (o *events) Observe(e Event) {
	o.mu.Lock()
	o.list = append(o.list, e)
	close(o.changed)
	o.changed = make(chan struct{})
	o.mu.Unlock()
	if o.also != nil {
		o.also(e)
	}
}

func (o *events) all() []Event {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.list)
}

// eventsOf returns the observed events of type E.
func eventsOf[E Event](o *events) []E {
	var out []E
	for _, e := range o.all() {
		if x, ok := e.(E); ok {
			out = append(out, x)
		}
	}
	return out
}

// waitEvent waits for an event of type E matching pred (nil: any).
func waitEvent[E Event](t *testing.T, o *events, pred func(E) bool) E {
	t.Helper()
	timeout := time.After(deadline)
	for {
		o.mu.Lock()
		list, changed := o.list, o.changed
		o.mu.Unlock()
		for _, e := range list {
			if x, ok := e.(E); ok && (pred == nil || pred(x)) {
				return x
			}
		}
		select {
		case <-changed:
		case <-timeout:
			var zero E
			t.Fatalf("no %T event within %v", zero, deadline)
		}
	}
}

// waitUntil polls a state condition; it synchronises on state, and the
// deadline only turns a hang into a failure.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// autoAdvance returns a hook for events.also that moves clk past every
// backoff as soon as the producer has armed its timer.
func autoAdvance(clk *ManualClock) func(Event) {
	return func(e Event) {
		if f, ok := e.(FetchFailed); ok && !f.Final {
			clk.Advance(f.Delay)
		}
	}
}

func blockUntil(t *testing.T, clk *ManualClock, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := clk.BlockUntil(ctx, n); err != nil {
		t.Fatalf("waiting for %d timers: %v", n, err)
	}
}

func wait(t *testing.T, h *Handle) (Snapshot, error) {
	t.Helper()
	select {
	case <-h.Done():
	case <-time.After(deadline):
		t.Fatalf("pipeline %v did not finish: %+v", h.ID(), h.Snapshot())
	}
	return h.Wait()
}

func mustStart(t *testing.T, p Pipeline[rec]) *Handle {
	t.Helper()
	h, err := Start(context.Background(), p)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	return h
}

// meter is a settable MemoryMeter.
type meter struct{ v atomic.Int64 }

func (m *meter) LiveHeap() int64 { return m.v.Load() }
