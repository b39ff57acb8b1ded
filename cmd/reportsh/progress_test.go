package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/stream"
)

// fakeClock is a clock that moves only when told; safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// take returns what was written since the last take.
func (s *syncBuffer) take() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

// chunk is the event the pipeline emits after fetching records up to offset next.
func chunk(next int64) stream.Event {
	return stream.ChunkFetched{Next: stream.Position{Offset: next}}
}

func TestProgressDrawsThrottledAndClears(t *testing.T) {
	clock := newFakeClock()
	var buf syncBuffer
	p := newProgress(&buf, clock.now)
	frac, known := 0.0, false
	p.fraction = func() (float64, bool) { return frac, known }

	steps := []struct {
		advance time.Duration
		event   stream.Event // nil: a tick of the ticker
		frac    float64
		known   bool
		want    string
	}{
		{advance: 500 * time.Millisecond, event: chunk(1000), want: ""}, // before progressDelay
		{advance: 500 * time.Millisecond, event: chunk(3000), want: "\r\x1b[K3,000 records  3,000/s  0:01"},
		{advance: 50 * time.Millisecond, event: chunk(4000), want: ""}, // throttled
		{event: stream.BatchTransformed{In: 1000}, want: ""},           // not a chunk: ignored
		{advance: 1950 * time.Millisecond, event: chunk(12000), frac: 0.4, known: true,
			want: "\r\x1b[K12,000 records  4,000/s  0:03  40%  ETA 0:04"},
		{advance: 100 * time.Millisecond, event: chunk(2000), frac: 0.4, known: true, // a restart fetches again: the count stays
			want: "\r\x1b[K12,000 records  3,871/s  0:03  40%  ETA 0:04"},
		{advance: 100 * time.Millisecond, frac: 0.4, known: true, // the ticker redraws without events
			want: "\r\x1b[K12,000 records  3,750/s  0:03  40%  ETA 0:04"},
		{advance: 4*time.Second + 800*time.Millisecond, event: chunk(30_000), frac: 1, known: true,
			want: "\r\x1b[K30,000 records  3,750/s  0:08  100%"},
	}
	for i, s := range steps {
		clock.advance(s.advance)
		frac, known = s.frac, s.known
		if s.event != nil {
			p.Observe(s.event)
		} else {
			p.tick()
		}
		if got := buf.take(); got != s.want {
			t.Errorf("step %d: wrote %q, want %q", i, got, s.want)
		}
	}
	p.finish()
	if got := buf.take(); got != clearLine {
		t.Errorf("finish wrote %q, want %q", got, clearLine)
	}
	clock.advance(time.Second)
	p.Observe(chunk(40_000))
	p.tick()
	if got := buf.take(); got != "" {
		t.Errorf("after finish: wrote %q", got)
	}
}

func TestProgressSkipsUnchangedLine(t *testing.T) {
	clock := newFakeClock()
	var buf syncBuffer
	p := newProgress(&buf, clock.now)
	clock.advance(progressDelay)
	p.tick()
	clock.advance(progressInterval)
	p.tick() // a stall: still 0 records at 0:01
	if got, want := buf.take(), "\r\x1b[K0 records  0/s  0:01"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}

func TestProgressFinishWithoutLine(t *testing.T) {
	clock := newFakeClock()
	var buf syncBuffer
	p := newProgress(&buf, clock.now)
	p.Observe(chunk(10))
	p.finish()
	if got := buf.take(); got != "" {
		t.Errorf("a run shorter than progressDelay wrote %q", got)
	}
	var none *progress
	none.finish()
	if none.observer() != nil {
		t.Error("nil progress: observer is not nil")
	}
	if w := none.output(&buf); w != &buf {
		t.Error("nil progress: output is wrapped")
	}
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		records int64
		elapsed time.Duration
		frac    float64
		known   bool
		noFrac  bool
		want    string
	}{
		{records: 0, elapsed: 0, noFrac: true, want: "0 records  0:00"},
		{records: 1, elapsed: 3 * time.Second, noFrac: true, want: "1 record  0/s  0:03"},
		{records: 999, elapsed: time.Second, want: "999 records  999/s  0:01"},
		{records: 1_234_567, elapsed: 61 * time.Second, frac: 0.5, known: true, want: "1,234,567 records  20,239/s  1:01  50%  ETA 1:01"},
		{records: 10, elapsed: time.Second, frac: 0.5, known: false, want: "10 records  10/s  0:01"},
		{records: 10, elapsed: time.Second, frac: 0, known: true, want: "10 records  10/s  0:01"},
		{records: 10, elapsed: time.Second, frac: 1.02, known: true, want: "10 records  10/s  0:01  100%"},
		{records: 5_000_000, elapsed: 3723 * time.Second, frac: 0.999, known: true, want: "5,000,000 records  1,343/s  1:02:03  99%  ETA 0:03"},
	} {
		clock := newFakeClock()
		p := newProgress(nil, clock.now)
		if !tc.noFrac {
			p.fraction = func() (float64, bool) { return tc.frac, tc.known }
		}
		p.records.Store(tc.records)
		clock.advance(tc.elapsed)
		if got := p.line(clock.now()); got != tc.want {
			t.Errorf("%d records, %v, %v %v: %q, want %q", tc.records, tc.elapsed, tc.frac, tc.known, got, tc.want)
		}
	}
}

func TestGroupDigitsAndClockTime(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 123456: "123,456",
		1234567: "1,234,567", -1234: "-1,234"} {
		if got := names.Thousands(n); got != want {
			t.Errorf("names.Thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{0: "0:00", -time.Second: "0:00", 999 * time.Millisecond: "0:00",
		59 * time.Second: "0:59", 60 * time.Second: "1:00", 3599 * time.Second: "59:59", 3600 * time.Second: "1:00:00",
		100*time.Hour + 61*time.Second: "100:01:01"} {
		if got := clockTime(d); got != want {
			t.Errorf("clockTime(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestProgressInterleave: stdout and stderr on one terminal (one buffer
// here). The report's lines must never land after the progress line.
func TestProgressInterleave(t *testing.T) {
	clock := newFakeClock()
	var screen syncBuffer
	p := newProgress(&screen, clock.now)
	out := p.interleave(&screen)
	step := func(what, want string) {
		t.Helper()
		if got := screen.take(); got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}
	clock.advance(progressDelay)
	p.Observe(chunk(100))
	step("first line", "\r\x1b[K100 records  100/s  0:01")
	fmt.Fprint(out, "A  1\n")
	step("report line", "\r\x1b[KA  1\n")
	clock.advance(progressInterval)
	p.tick()
	step("redraw", "\r\x1b[K100 records  91/s  0:01")
	fmt.Fprint(out, "B  ")
	step("partial line", "\r\x1b[KB  ")
	clock.advance(progressInterval)
	p.tick()
	step("no draw over a partial line", "")
	fmt.Fprint(out, "2\n")
	step("rest of the line", "2\n")
	clock.advance(progressInterval)
	p.tick()
	step("redraw", "\r\x1b[K100 records  77/s  0:01")
	p.finish()
	step("finish", clearLine)
}

// TestProgressConcurrent feeds events from many goroutines while the
// clock moves (run it with -race).
func TestProgressConcurrent(t *testing.T) {
	clock := newFakeClock()
	var buf syncBuffer
	p := newProgress(&buf, clock.now)
	clock.advance(progressDelay)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				p.Observe(chunk(int64(i*8 + g + 1)))
				if i%50 == 0 {
					clock.advance(progressInterval)
				}
			}
		}()
	}
	wg.Wait()
	p.finish()
	if n := p.records.Load(); n != 4000 {
		t.Errorf("records = %d, want 4000", n)
	}
	out := buf.take()
	if !strings.HasPrefix(out, clearLine) || !strings.HasSuffix(out, clearLine) {
		t.Errorf("output %q", out)
	}
}

// TestProgressTicker runs the real ticker goroutine against the fake clock.
func TestProgressTicker(t *testing.T) {
	clock := newFakeClock()
	var buf syncBuffer
	p := newProgress(&buf, clock.now)
	p.startTicker(time.Millisecond)
	clock.advance(2 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	got := ""
	for got == "" && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
		got = buf.take()
	}
	p.finish()
	if want := "\r\x1b[K0 records  0/s  0:02"; got != want {
		t.Errorf("ticker drew %q, want %q", got, want)
	}
	if got := buf.take(); got != clearLine {
		t.Errorf("finish wrote %q", got)
	}
}

func TestShowProgress(t *testing.T) {
	if showProgress(&bytes.Buffer{}, false, "xterm") {
		t.Error("progress on a bytes.Buffer")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if showProgress(f, false, "xterm") {
		t.Error("progress on a regular file")
	}
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		defer null.Close()
		if showProgress(null, false, "xterm") {
			t.Error("progress on /dev/null")
		}
	}
	if newRunProgress(&bytes.Buffer{}, false) != nil {
		t.Error("newRunProgress on a bytes.Buffer")
	}
	// With -q or TERM=dumb not even a terminal gets one; stdin stands in
	// for a terminal when the tests run on one.
	for _, tc := range []struct {
		quiet bool
		term  string
	}{{true, "xterm"}, {false, "dumb"}} {
		if showProgress(os.Stdin, tc.quiet, tc.term) {
			t.Errorf("progress with quiet=%v TERM=%q", tc.quiet, tc.term)
		}
	}
}

// TestRunNoProgressWhenNotTerminal: a run of many chunks prints nothing
// on a stderr that is not a terminal, and the report is untouched.
func TestRunNoProgressWhenNotTerminal(t *testing.T) {
	dir := t.TempDir()
	var data strings.Builder
	data.WriteString("t,amount\n")
	for i := range 5000 {
		fmt.Fprintf(&data, "%c,%d\n", 'A'+i%3, i)
	}
	writeScript(t, dir, "s.csv", data.String())
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\")\ngroup t {\n  footer { t, n: COUNT() }\n}\n")
	code, out, errs := runCLI(t, "run", script, "--chunk-size", "10", "-f", "csv")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if want := "band,level,t,n\nfooter,0,A,1667\nfooter,0,B,1667\nfooter,0,C,1666\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestProgressSetSource(t *testing.T) {
	var nilProgress *progress
	nilProgress.setSource(func() (int64, int64, bool) { return 0, 0, false }) // no panic
	p := newProgress(io.Discard, time.Now)
	p.setSource(func() (int64, int64, bool) { return 25, 100, true })
	f := *p.source.Load()
	if v, ok := f(); !ok || v != 0.25 {
		t.Errorf("fraction = %v, %v", v, ok)
	}
	p.setSource(func() (int64, int64, bool) { return 5, 0, false })
	if _, ok := (*p.source.Load())(); ok {
		t.Error("unknown total reported as known")
	}
}
