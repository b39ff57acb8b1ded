package stream

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

var errBadRecord = errors.New("bad amount")

// failEvery10th fails records whose ID ends in 3.
func failEvery10th(r rec) (rec, bool, error) {
	if r.ID%10 == 3 {
		return rec{}, false, fmt.Errorf("amount %d: %w", r.Amount, errBadRecord)
	}
	return r, true, nil
}

func TestStageTransform(t *testing.T) {
	// Scenario S01
	t.Run("output row shape with computed fields", func(t *testing.T) {
		var sink collector
		_, err := Run(context.Background(), Pipeline[rec]{
			Source: newFaultSource(1000),
			Stages: []Stage[rec]{{Name: "shape", Transform: func(r rec) (rec, bool, error) {
				return rec{ID: r.ID, Total: r.Amount * 3, CustName: fmt.Sprintf("C%02d", r.Customer)}, true, nil
			}}},
			Sink: sink.sink,
		})
		if err != nil {
			t.Fatal(err)
		}
		got := sink.got()
		checkExactlyOnce(t, got, 1000)
		for _, r := range got {
			if r.Total != (r.ID%100)*3 || r.CustName != fmt.Sprintf("C%02d", r.ID%10) || r.Amount != 0 {
				t.Fatalf("record %+v not in the output shape", r)
			}
		}
	})
	// Scenario S02
	t.Run("custom transformer applied to every record", func(t *testing.T) {
		var calls atomic.Int64
		var sink collector
		_, err := Run(context.Background(), Pipeline[rec]{
			Source: newFaultSource(2500),
			Stages: []Stage[rec]{{Transform: func(r rec) (rec, bool, error) {
				calls.Add(1)
				r.Total = r.ID * 2
				return r, true, nil
			}}},
			Sink:    sink.sink,
			Options: Options{ChunkSize: 300},
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 2500 {
			t.Fatalf("transformer called %d times, want 2500", calls.Load())
		}
		for _, r := range sink.got() {
			if r.Total != r.ID*2 {
				t.Fatalf("record %d not transformed", r.ID)
			}
		}
	})
}

// Scenarios S03, S04, E05, E06, E07, E08
func TestStageSkipsFailedRecords(t *testing.T) {
	obs := newEvents()
	var sink collector
	s, err := Run(context.Background(), Pipeline[rec]{
		Source:  newFaultSource(1000),
		Stages:  []Stage[rec]{{Name: "parse", Transform: failEvery10th, SkipErrors: true}},
		Sink:    sink.sink,
		Options: Options{ChunkSize: 100, Observer: obs},
	})
	if err != nil {
		t.Fatalf("run failed: %v", err)
	}
	// S03, E05, E07: the failing records are skipped, everything else flows on.
	got := sink.got()
	if len(got) != 900 {
		t.Fatalf("%d records reached the sink, want 900", len(got))
	}
	for i, r := range got {
		if want := int64(i + i/9 + btoi(i%9 >= 3)); r.ID != want {
			t.Fatalf("record %d has ID %d, want %d", i, r.ID, want)
		}
	}
	if got[len(got)-1].ID != 999 {
		t.Fatal("processing stopped after the first errors")
	}
	// S04, E08: the batch events count them.
	var failed int
	for _, b := range eventsOf[BatchTransformed](obs) {
		if b.In != b.Out+b.Failed || b.Stage != "parse" {
			t.Errorf("batch event %+v: in != out + failed", b)
		}
		failed += b.Failed
	}
	if failed != 100 || s.Counters.Failed != 100 || s.Stages[0].Failed != 100 {
		t.Fatalf("failed: events %d, counters %d, stage %d; want 100", failed, s.Counters.Failed, s.Stages[0].Failed)
	}
	// E06: each is logged with its position and cause.
	rf := eventsOf[RecordFailed](obs)
	if len(rf) != 100 {
		t.Fatalf("%d record-failed events, want 100", len(rf))
	}
	for i, e := range rf {
		if e.Offset != int64(10*i+3) || !errors.Is(e.Err, errBadRecord) || e.Stage != "parse" {
			t.Fatalf("record-failed event %+v, want offset %d and the cause", e, 10*i+3)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A stage without SkipErrors fails the run with the record's source
// offset, even behind a filtering stage.
func TestStageRecordErrorOffset(t *testing.T) {
	evens := func(r rec) (rec, bool, error) { return r, r.ID%2 == 0, nil }
	failAt := func(r rec) (rec, bool, error) {
		if r.ID == 74 {
			return r, false, errBadRecord
		}
		return r, true, nil
	}
	s, err := Run(context.Background(), Pipeline[rec]{
		Source:  newFaultSource(1000),
		Stages:  []Stage[rec]{{Name: "evens", Transform: evens}, {Name: "check", Transform: failAt}, {Name: "tail"}},
		Sink:    (&collector{}).sink,
		Options: Options{ChunkSize: 50},
	})
	var re *RecordError
	if !errors.As(err, &re) || re.Stage != "check" || re.Offset != 74 || !errors.Is(err, errBadRecord) {
		t.Fatalf("err = %v, want a RecordError in stage check at offset 74", err)
	}
	if s.Status != StatusFailed || s.Reason != "record error" || s.Counters.Failed != 1 {
		t.Fatalf("snapshot %v %q failed=%d", s.Status, s.Reason, s.Counters.Failed)
	}
}

// Scenarios S17, B02
func TestStageMaxDemand(t *testing.T) {
	for _, n := range []int64{200, 500} {
		var sink collector
		s, err := Run(context.Background(), Pipeline[rec]{
			Source:  newFaultSource(n),
			Stages:  []Stage[rec]{{Name: "bounded", MaxDemand: 50}},
			Sink:    sink.sink,
			Options: Options{ChunkSize: 1000},
		})
		if err != nil {
			t.Fatal(err)
		}
		checkExactlyOnce(t, sink.got(), int(n))
		if st := s.Stages[0]; st.PeakOutstanding > 50 || s.Producer.PeakDemand > 50 || st.PeakOutstanding == 0 {
			t.Fatalf("%d records: stage asked for up to %d, producer saw demand up to %d; max 50", n, st.PeakOutstanding, s.Producer.PeakDemand)
		}
	}
}

// Scenarios S18, S19, B05, B06, B07
func TestStageBufferBound(t *testing.T) {
	obs := newEvents()
	sink := collector{gate: make(chan struct{})}
	h := mustStart(t, Pipeline[rec]{
		Source:  newFaultSource(5000),
		Stages:  []Stage[rec]{{Name: "buf", MaxDemand: 50, BufferSize: 100}},
		Sink:    sink.sink,
		Options: Options{ChunkSize: 30, MaxDemand: 10, Observer: obs},
	})
	// The sink holds its first batch: the stage fills its buffer and stops.
	waitUntil(t, "the stage buffer is full", func() bool { return h.Snapshot().Stages[0].Buffered == 100 })
	// B07, S19: a buffer-full warning at 85%, measured on the buffer.
	bf := waitEvent[BufferFull](t, obs, nil)
	if bf.Buffered < 85 || bf.Buffered > 100 || bf.Capacity != 100 || bf.Stage != "buf" {
		t.Fatalf("buffer-full event %+v, want 85..100 of 100", bf)
	}
	waitUntil(t, "the producer has no demand left", func() bool { return h.Snapshot().Producer.Demand == 0 })
	s := h.Snapshot()
	// B05, B06, S18: bounded, and nothing more is asked for.
	if st := s.Stages[0]; st.PeakBuffered != 100 || st.Outstanding > 0 {
		t.Fatalf("stage %+v: want a peak of exactly 100 buffered and nothing outstanding", st)
	}
	// in flight: ≤ 10 at the sink, 100 buffered, < one chunk of surplus.
	if in := s.Counters.RecordsIn; in > 10+100+30 {
		t.Fatalf("%d records fetched with the sink stalled, want at most 140", in)
	}
	if n := len(eventsOf[BufferFull](obs)); n != 1 {
		t.Fatalf("%d buffer-full events while full, want 1", n)
	}
	sink.open()
	s, err := wait(t, h)
	if err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, sink.got(), 5000)
	if s.Stages[0].PeakBuffered > 100 {
		t.Fatalf("buffer peaked at %d", s.Stages[0].PeakBuffered)
	}
}

// aggState is a tiny aggregate: a running sum with a group limit over
// customers.
type aggState struct {
	sum      int64
	groups   map[int64]bool
	limit    int
	rejected int64
	hit      bool
}

func (a *aggState) add(batch []rec) error {
	for _, r := range batch {
		if !a.groups[r.Customer] && len(a.groups) >= a.limit {
			a.rejected++
			a.hit = true
			continue
		}
		a.groups[r.Customer] = true
		a.sum += r.Amount
	}
	return nil
}

func (a *aggState) status() AggregateStatus {
	return AggregateStatus{State: a.sum, Rejected: a.rejected, GroupLimitHits: btoi(a.hit), GroupLimit: a.limit}
}

// Scenario S20
func TestStageTelemetry(t *testing.T) {
	clk := NewManualClock(t0)
	obs := newEvents()
	agg := &aggState{groups: map[int64]bool{}, limit: 8}
	sink := collector{gate: make(chan struct{})}
	reg := NewRegistry(RegistryOptions{Clock: clk})
	h := mustStart(t, Pipeline[rec]{
		Source:  newFaultSource(1000),
		Stages:  []Stage[rec]{{Name: "sum", Aggregate: agg.add, AggregateStatus: agg.status}},
		Sink:    sink.sink,
		Options: Options{ChunkSize: 100, Observer: obs, Clock: clk, Registry: reg},
	})
	sink.gate <- struct{}{} // let one batch through
	waitUntil(t, "the sink accepted a batch", func() bool { return h.Snapshot().Counters.RecordsOut > 0 })
	clk.Advance(2 * time.Second)
	mon := NewMonitor(reg, MonitorOptions{})
	mon.Check()
	tp := waitEvent[Throughput](t, obs, nil)
	if tp.Pipeline != h.ID() || tp.Records == 0 || tp.Interval != 2*time.Second || tp.PerSecond != float64(tp.Records)/2 {
		t.Fatalf("throughput event %+v, want the records delivered over 2s", tp)
	}
	sink.open()
	s, err := wait(t, h)
	if err != nil {
		t.Fatal(err)
	}
	bt := eventsOf[BatchTransformed](obs)
	var in, out, rejected int
	for _, b := range bt {
		in += b.In
		out += b.Out
		rejected += b.Rejected
	}
	if in != 1000 || out != 1000 || rejected != 200 || s.Counters.Rejected != 200 {
		t.Fatalf("batch events: in %d out %d rejected %d (counter %d), want 1000, 1000, 200", in, out, rejected, s.Counters.Rejected)
	}
	ag := eventsOf[AggregationComputed](obs)
	seen := 0
	for _, a := range ag {
		seen += a.Records
	}
	if seen != 1000 || ag[len(ag)-1].State != agg.sum || agg.sum == 0 {
		t.Fatalf("aggregation events cover %d records, last state %v; want 1000, state %d", seen, ag[len(ag)-1].State, agg.sum)
	}
	if gl := eventsOf[GroupLimitReached](obs); len(gl) != 1 || gl[0].Limit != 8 {
		t.Fatalf("group-limit events %+v, want exactly one with limit 8", gl)
	}
}

// Issue 15 item 15: a stage looks at its context before every record, not
// between batches: once the context ends, no further record of the batch
// is transformed (by one worker, or by each of several). The transform
// cancels the context on its first call and counts the calls after.
func TestStageSeesCancelPerRecord(t *testing.T) {
	for _, workers := range []int{1, 3} {
		ctx, cancel := context.WithCancel(context.Background())
		var calls, after atomic.Int64
		tr := func(r rec) (rec, bool, error) {
			if calls.Add(1) == 1 {
				cancel()
			} else if ctx.Err() != nil {
				after.Add(1)
			}
			return r, true, nil
		}
		var sink collector
		_, err := Run(ctx, Pipeline[rec]{
			Source: newFaultSource(5000),
			Stages: []Stage[rec]{{Transform: tr, Workers: workers,
				NewTransform: func() func(rec) (rec, bool, error) { return tr }}},
			Sink:    sink.sink,
			Options: Options{ChunkSize: 1000},
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%d workers: %v", workers, err)
		}
		if n := after.Load(); n > int64(workers) {
			t.Errorf("%d workers: %d records transformed after the context ended", workers, n)
		}
	}
}
