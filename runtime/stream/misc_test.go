package stream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestManualClock(t *testing.T) {
	clk := NewManualClock(t0)
	var fired atomic.Int32
	late := clk.NewTimer(2 * time.Second)
	early := clk.NewTimer(time.Second)
	fn := clk.AfterFunc(time.Second, func() { fired.Add(1) })
	stopped := clk.NewTimer(time.Second)
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop should report true once")
	}
	if clk.Pending() != 3 {
		t.Fatalf("%d pending", clk.Pending())
	}
	clk.Advance(time.Second)
	if got := <-early.C(); !got.Equal(t0.Add(time.Second)) || fired.Load() != 1 || fn.C() != nil {
		t.Fatal("timers due at 1s did not fire")
	}
	select {
	case <-late.C():
		t.Fatal("fired early")
	default:
	}
	if fn.Stop() {
		t.Fatal("stopping a fired timer")
	}
	clk.Advance(time.Second)
	<-late.C()
	now := clk.NewTimer(0)
	<-now.C()
	done := make(chan struct{})
	clk.AfterFunc(-1, func() { close(done) })
	<-done
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := clk.BlockUntil(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("BlockUntil with no timers: %v", err)
	}

	sys := SystemClock()
	st := sys.NewTimer(time.Hour)
	if !st.Stop() || st.C() == nil || sys.Now().IsZero() {
		t.Fatal("system timer")
	}
	ran := make(chan struct{})
	sys.AfterFunc(0, func() { close(ran) })
	<-ran
	if sys.AfterFunc(time.Hour, func() {}).Stop() != true {
		t.Fatal("system AfterFunc stop")
	}
}

func TestSliceSource(t *testing.T) {
	src := NewSliceSource([]string{"a", "b", "c"})
	src.ID = "letters"
	ch, err := src.Fetch(context.Background(), Position{Offset: 1}, 5)
	if err != nil || strings.Join(ch.Records, "") != "bc" || !ch.Done || ch.Next.Offset != 3 || src.Identity() != "letters" {
		t.Fatalf("fetch = %+v, %v", ch, err)
	}
	ch.Records[0] = "z"
	if src.Records[1] != "b" {
		t.Fatal("fetch shares the source's slice")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := src.Fetch(ctx, Position{}, 1); !errors.Is(err, context.Canceled) {
		t.Fatal("ignores its context")
	}
	var out []string
	_, err = Run(context.Background(), Pipeline[string]{
		Source:  src,
		Stages:  []Stage[string]{{Transform: func(s string) (string, bool, error) { return strings.ToUpper(s), true, nil }}},
		Sink:    func(_ context.Context, b []string) error { out = append(out, b...); return nil },
		Options: Options{ChunkSize: 2},
	})
	if err != nil || strings.Join(out, "") != "ABC" {
		t.Fatalf("%v %v", out, err)
	}
}

// Every event type logs through the slog adapter with its pipeline.
func TestSlogObserver(t *testing.T) {
	var buf bytes.Buffer
	obs := SlogObserver(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	info := EventInfo{Pipeline: 7, Name: "sales", Time: t0}
	evs := []Event{
		PipelineStarted{EventInfo: info}, PipelineStopped{EventInfo: info, Status: StatusFailed, Err: errors.New("x")},
		PipelineStopped{EventInfo: info, Status: StatusCompleted}, PipelineException{EventInfo: info},
		ChunkFetched{EventInfo: info}, FetchFailed{EventInfo: info}, RecordFailed{EventInfo: info, Offset: 13, Err: errBadRecord},
		BatchTransformed{EventInfo: info}, AggregationComputed{EventInfo: info}, GroupLimitReached{EventInfo: info},
		BufferFull{EventInfo: info}, MemoryWarning{EventInfo: info}, HealthCheck{EventInfo: info},
		HealthCheck{EventInfo: info, Healthy: true}, Throughput{EventInfo: info}, Intervention{EventInfo: info},
		Paused{EventInfo: info}, Resumed{EventInfo: info},
	}
	for _, e := range evs {
		obs.Observe(e)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != len(evs) {
		t.Fatalf("%d lines for %d events", len(lines), len(evs))
	}
	for i, l := range lines {
		if !strings.Contains(l, "msg="+evs[i].Kind()) || !strings.Contains(l, "pipeline=7") || !strings.Contains(l, "name=sales") {
			t.Fatalf("line %q for %s", l, evs[i].Kind())
		}
	}
	// E06: a skipped record is logged with its position and cause.
	if !strings.Contains(lines[6], "level=WARN") || !strings.Contains(lines[6], "offset=13") || !strings.Contains(lines[6], `err="bad amount"`) {
		t.Fatalf("record-failed line %q", lines[6])
	}
	buf.Reset()
	quiet := SlogObserver(slog.New(slog.NewTextHandler(&buf, nil)))
	quiet.Observe(ChunkFetched{EventInfo: info})
	if buf.Len() != 0 {
		t.Fatal("debug event logged at info level")
	}
}

func TestObservers(t *testing.T) {
	if Observers() != nil || Observers(nil, nil) != nil {
		t.Fatal("no observers should give nil")
	}
	var a, b int
	oa := ObserverFunc(func(Event) { a++ })
	if Observers(nil, oa) == nil {
		t.Fatal("one observer")
	}
	both := Observers(oa, ObserverFunc(func(Event) { b++ }))
	both.Observe(Resumed{})
	if a != 1 || b != 1 {
		t.Fatalf("fan-out: %d %d", a, b)
	}
}

func TestErrorsAndReasons(t *testing.T) {
	cause := errors.New("cause")
	for _, tt := range []struct {
		err    error
		text   string
		reason string
	}{
		{&RecordError{Stage: "s", Offset: 4, Err: cause}, `stage "s": record 4: cause`, "record error"},
		{&FetchError{After: Position{Offset: 10}, Attempts: 4, Err: cause}, "fetch after offset 10 failed after 4 attempt(s): cause", "fetch failed"},
		{&PanicError{Component: "producer", Value: cause}, "panic in producer: cause", "panic"},
		{&SinkError{Err: cause}, "sink: cause", "sink failed"},
		{&TransitionError{ID: 3, From: StatusCompleted, To: StatusPaused}, "pipeline 3: cannot go from completed to paused", "error"},
		{Permanent(cause), "cause", "error"},
		{stalledError(time.Minute), "stalled: no progress for 1m0s", "stalled"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "x: context deadline exceeded", "cancelled"},
	} {
		if tt.err.Error() != tt.text || reasonOf(tt.err) != tt.reason {
			t.Errorf("%T: %q (%q), want %q (%q)", tt.err, tt.err.Error(), reasonOf(tt.err), tt.text, tt.reason)
		}
	}
	if !errors.Is(&PanicError{Value: cause}, cause) || (&PanicError{Value: 1}).Unwrap() != nil {
		t.Error("PanicError unwrap")
	}
	if Permanent(nil) != nil || IsPermanent(cause) || !IsPermanent(fmt.Errorf("w: %w", Permanent(cause))) {
		t.Error("Permanent")
	}
	if reasonOf(nil) != "" {
		t.Error("reason of nil")
	}
	if Position(Position{Offset: 5, Key: []any{"x", 2}}).String() != "@5|string:x|int:2" {
		t.Error("position string")
	}
}

// The live heap is attributed in proportion to the records each pipeline
// holds in flight.
func TestMemoryAttribution(t *testing.T) {
	m := &meter{}
	m.v.Store(1000)
	reg := NewRegistry(RegistryOptions{Meter: m})
	mk := func() *entry {
		e, err := reg.register("p", reg.clock, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		e.recBytes.Store(10)
		return e
	}
	a := mk()
	if u := reg.usage(a); u != 1000 {
		t.Fatalf("a single pipeline is charged %d, want the whole heap", u)
	}
	b, c := mk(), mk()
	if u := reg.usage(b); u != 333 {
		t.Fatalf("nothing in flight: %d, want an even third", u)
	}
	a.inflight.Store(300)
	b.inflight.Store(100)
	if ua, ub, uc := reg.usage(a), reg.usage(b), reg.usage(c); ua != 750 || ub != 250 || uc != 0 {
		t.Fatalf("shares %d %d %d, want 750 250 0", ua, ub, uc)
	}
	if v := RuntimeMemory().LiveHeap(); v <= 0 {
		t.Fatalf("runtime live heap %d", v)
	}
	if MemoryMeterFunc(func() int64 { return 5 }).LiveHeap() != 5 {
		t.Fatal("MemoryMeterFunc")
	}
}
