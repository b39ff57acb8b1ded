package stream

import (
	"context"
	"testing"
)

// summarySource reads "records" without returning them, three fetches of
// 100 of which 90 are kept, then returns two partial aggregates.
type summarySource struct{ fetches int }

func (s *summarySource) Fetch(ctx context.Context, after Position, limit int) (Chunk[rec], error) {
	s.fetches++
	if after.Offset < 300 {
		return Chunk[rec]{Next: Position{Offset: after.Offset + 100}, Read: 100, Kept: 90, Bytes: 1000}, nil
	}
	return Chunk[rec]{Records: []rec{{ID: 1}, {ID: 2}}, Next: Position{Offset: after.Offset}, Done: true}, nil
}

// A summarizing pipeline counts what its source read, not its records.
func TestSummarizingCounters(t *testing.T) {
	var got int
	snap, err := Run(context.Background(), Pipeline[rec]{
		Source:  &summarySource{},
		Sink:    func(_ context.Context, b []rec) error { got += len(b); return nil },
		Options: Options{Summarizing: true, ChunkSize: 10},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := snap.Counters
	if got != 2 || c.RecordsIn != 300 || c.RecordsOut != 270 || c.Chunks != 4 || c.Bytes != 3000 {
		t.Errorf("sink got %d records; counters %+v: want 300 in, 270 out, 4 chunks", got, c)
	}
	// Without the option the records are counted.
	snap, err = Run(context.Background(), Pipeline[rec]{Source: &summarySource{}, Sink: func(context.Context, []rec) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if c := snap.Counters; c.RecordsIn != 2 || c.RecordsOut != 2 {
		t.Errorf("counters %+v: want the 2 records in and out", c)
	}
}

func TestSamePosition(t *testing.T) {
	type odd struct{ n int }
	for _, tc := range []struct {
		a, b Position
		same bool
	}{
		{Position{Offset: 1}, Position{Offset: 1}, true},
		{Position{Offset: 1}, Position{Offset: 2}, false},
		{Position{Key: []any{int64(3), "x"}}, Position{Key: []any{int64(3), "x"}}, true},
		{Position{Key: []any{int64(3)}}, Position{Key: []any{3}}, false},
		{Position{Key: []any{int64(3)}}, Position{Key: []any{int64(3), int64(4)}}, false},
		{Position{Key: []any{odd{1}}}, Position{Key: []any{odd{1}}}, true},
		{Position{Key: []any{[]byte("a")}}, Position{Key: []any{[]byte("b")}}, false},
	} {
		if got := samePosition(tc.a, tc.b); got != tc.same || got != (tc.a.String() == tc.b.String()) {
			t.Errorf("samePosition(%v, %v) = %v", tc.a, tc.b, got)
		}
	}
}
