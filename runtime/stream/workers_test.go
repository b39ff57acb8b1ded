package stream

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// Workers > 1 transforms batches in parallel with independent transforms
// and keeps the record order, failures and skips exactly as one worker.
func TestStageWorkers(t *testing.T) {
	recs := make([]int, 10_000)
	for i := range recs {
		recs[i] = i
	}
	var made atomic.Int32
	newTr := func() func(int) (int, bool, error) {
		made.Add(1)
		return func(v int) (int, bool, error) {
			switch {
			case v%7 == 0:
				return 0, false, nil // filtered
			case v%1000 == 999:
				return 0, false, errors.New("bad")
			}
			return v * 2, true, nil
		}
	}
	run := func(workers int) ([]int, Snapshot) {
		var got []int
		snap, err := Run(context.Background(), Pipeline[int]{
			Source: NewSliceSource(recs),
			Stages: []Stage[int]{{Transform: newTr(), NewTransform: newTr, Workers: workers, SkipErrors: true}},
			Sink: func(_ context.Context, b []int) error {
				got = append(got, b...)
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return got, snap
	}
	one, snap1 := run(1)
	four, snap4 := run(4)
	if len(one) != len(four) || len(one) == 0 {
		t.Fatalf("lengths %d vs %d", len(one), len(four))
	}
	for i := range one {
		if one[i] != four[i] {
			t.Fatalf("record %d: %d vs %d", i, one[i], four[i])
		}
	}
	if snap1.Counters.Failed != 9 || snap4.Counters.Failed != 9 {
		t.Errorf("failed = %d, %d; want 9 (5999 is filtered first)", snap1.Counters.Failed, snap4.Counters.Failed)
	}
	if made.Load() < 5 {
		t.Errorf("NewTransform called %d times; want one per worker", made.Load())
	}
}

// A worker that panics leaves its record to the stage goroutine, where the
// supervisor restarts the stage at that record: nothing lost or repeated.
func TestStageWorkerPanic(t *testing.T) {
	recs := make([]int, 2000)
	for i := range recs {
		recs[i] = i
	}
	var panicked atomic.Bool
	newTr := func() func(int) (int, bool, error) {
		return func(v int) (int, bool, error) {
			if v == 1500 && panicked.CompareAndSwap(false, true) {
				panic("boom")
			}
			return v, true, nil
		}
	}
	var got []int
	_, err := Run(context.Background(), Pipeline[int]{
		Source: NewSliceSource(recs),
		Stages: []Stage[int]{{Transform: newTr(), NewTransform: newTr, Workers: 3}},
		Sink: func(_ context.Context, b []int) error {
			got = append(got, b...)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("%d records, want %d", len(got), len(recs))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("record %d is %d", i, v)
		}
	}
}

// A sink that aggregates reports its rejections and group-limit hits.
func TestSinkStatus(t *testing.T) {
	var rejected int64
	var events []GroupLimitReached
	snap, err := Run(context.Background(), Pipeline[int]{
		Source: NewSliceSource(make([]int, 300)),
		Sink: func(_ context.Context, b []int) error {
			rejected += int64(len(b)) / 2
			return nil
		},
		SinkStatus: func() AggregateStatus {
			hits := 0
			if rejected > 0 {
				hits = 1
			}
			return AggregateStatus{Rejected: rejected, GroupLimitHits: hits, GroupLimit: 7}
		},
		Options: Options{ChunkSize: 100, Observer: ObserverFunc(func(ev Event) {
			if g, ok := ev.(GroupLimitReached); ok {
				events = append(events, g)
			}
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	if snap.Counters.Rejected != 150 {
		t.Errorf("rejected = %d, want 150", snap.Counters.Rejected)
	}
	if len(events) != 1 || events[0].Limit != 7 {
		t.Errorf("group limit events = %+v, want one", events)
	}
}

// SinkEnd runs after the last batch, before completion; its error fails the
// pipeline and the status read afterwards reaches the counters.
func TestSinkEnd(t *testing.T) {
	var ended bool
	var rejected int64
	snap, err := Run(context.Background(), Pipeline[int]{
		Source:     NewSliceSource(make([]int, 10)),
		Sink:       func(context.Context, []int) error { return nil },
		SinkEnd:    func(context.Context) error { ended, rejected = true, 4; return nil },
		SinkStatus: func() AggregateStatus { return AggregateStatus{Rejected: rejected} },
	})
	if err != nil || !ended || snap.Counters.Rejected != 4 || snap.Status != StatusCompleted {
		t.Errorf("err %v, ended %v, snapshot %+v", err, ended, snap)
	}
	_, err = Run(context.Background(), Pipeline[int]{
		Source:  NewSliceSource(make([]int, 10)),
		Sink:    func(context.Context, []int) error { return nil },
		SinkEnd: func(context.Context) error { return errors.New("late failure") },
	})
	var se *SinkError
	if !errors.As(err, &se) || se.Err.Error() != "late failure" {
		t.Errorf("SinkEnd error: %v", err)
	}
}
