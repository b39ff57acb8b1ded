package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/stream"
)

// The progress line's timing.
const (
	// progressDelay is how long a run goes before its progress line first
	// shows: quick reports never flash one.
	progressDelay = time.Second
	// progressInterval is the least time between two redraws.
	progressInterval = 100 * time.Millisecond
)

// clearLine returns the cursor to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// progress draws a run's progress line on a terminal:
//
//	12,000 records  4,000/s  0:03  40%  ETA 0:04
//
// redrawn in place at most once per [progressInterval], and erased by
// finish. It is a [stream.Observer]: Observe is called from the pipeline's
// goroutines, so it keeps the count in an atomic and draws only when the
// throttle allows and nobody else holds the line (it never waits for a
// lock). The clock and the writer are injected so that tests can drive it.
type progress struct {
	w   io.Writer        // the terminal (stderr)
	now func() time.Time // the clock
	// fraction reports how much of the input has been read, in [0, 1];
	// ok is false while that is unknown. Nil: never known, so the line
	// shows no percent and no ETA.
	fraction func() (f float64, ok bool)
	// source is set by setSource while the run starts; it overrides
	// fraction once set.
	source atomic.Pointer[func() (float64, bool)]

	start   time.Time
	records atomic.Int64 // records read: the furthest source offset fetched
	next    atomic.Int64 // UnixNano before which no redraw happens

	mu      sync.Mutex // guards what follows and writes to w
	drawn   bool       // a progress line is on the screen
	last    string     // the line drawn last
	partial bool       // the report's output stopped mid-line: drawing would erase it
	done    bool       // finish was called

	stop    chan struct{} // closed by finish to end the ticker
	stopped chan struct{} // closed when the ticker has ended
}

// newProgress returns a progress line writing to w whose run starts now.
// Nothing is drawn before [progressDelay].
func newProgress(w io.Writer, now func() time.Time) *progress {
	p := &progress{w: w, now: now, start: now()}
	p.next.Store(p.start.Add(progressDelay).UnixNano())
	return p
}

// observer returns p as the run's observer, or nil for a nil p.
func (p *progress) observer() stream.Observer {
	if p == nil {
		return nil
	}
	return p
}

// Observe implements [stream.Observer]. Only [stream.ChunkFetched] counts:
// its Next.Offset is the number of records read so far, which stays right
// when a restarted pipeline fetches a chunk again.
func (p *progress) Observe(e stream.Event) {
	cf, ok := e.(stream.ChunkFetched)
	if !ok {
		return
	}
	for n := cf.Next.Offset; ; {
		cur := p.records.Load()
		if n <= cur || p.records.CompareAndSwap(cur, n) {
			break
		}
	}
	p.tick()
}

// tick redraws the line if the throttle allows and the line is free. It
// is cheap when it does not draw: a clock read and an atomic load.
func (p *progress) tick() {
	now := p.now()
	if now.UnixNano() < p.next.Load() {
		return
	}
	if !p.mu.TryLock() {
		return // someone is drawing or writing the report: next time
	}
	defer p.mu.Unlock()
	if p.done || p.partial || now.UnixNano() < p.next.Load() {
		return
	}
	p.next.Store(now.Add(progressInterval).UnixNano())
	line := p.line(now)
	if p.drawn && line == p.last {
		return
	}
	io.WriteString(p.w, clearLine+line)
	p.drawn, p.last = true, line
}

// line renders the progress line as of now.
func (p *progress) line(now time.Time) string {
	n := p.records.Load()
	elapsed := now.Sub(p.start)
	var b strings.Builder
	b.WriteString(names.Thousands(n))
	if n == 1 {
		b.WriteString(" record")
	} else {
		b.WriteString(" records")
	}
	if s := elapsed.Seconds(); s > 0 {
		fmt.Fprintf(&b, "  %s/s", names.Thousands(int64(math.Round(float64(n)/s))))
	}
	b.WriteString("  " + clockTime(elapsed))
	fraction := p.fraction
	if src := p.source.Load(); src != nil {
		fraction = *src
	}
	if fraction == nil {
		return b.String()
	}
	if f, ok := fraction(); ok && f > 0 {
		f = min(f, 1)
		fmt.Fprintf(&b, "  %d%%", int(f*100))
		if f < 1 {
			b.WriteString("  ETA " + clockTime(time.Duration(float64(elapsed)*(1-f)/f)))
		}
	}
	return b.String()
}

// clearLocked erases the line if one is drawn; p.mu is held.
func (p *progress) clearLocked() {
	if p.drawn {
		io.WriteString(p.w, clearLine)
		p.drawn, p.last = false, ""
	}
}

// finish stops the line for good and erases it, so that what follows
// (warnings, errors, statistics) starts on a clean line. It may be called
// on a nil p.
func (p *progress) finish() {
	if p == nil {
		return
	}
	if p.stop != nil {
		close(p.stop)
		<-p.stopped
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	p.clearLocked()
}

// clockTime writes d, truncated to the second, as m:ss or h:mm:ss.
func clockTime(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// setSource is interp.RunConfig.Progress: it learns how to ask how much of
// the source has been read, which turns on percent and ETA. It is called
// before the first fetch, but the ticker may already be running, so the
// function is published atomically. A nil progress ignores it.
func (p *progress) setSource(read func() (done, total int64, ok bool)) {
	if p == nil {
		return
	}
	f := func() (float64, bool) {
		done, total, ok := read()
		if !ok || total <= 0 {
			return 0, false
		}
		return float64(done) / float64(total), true
	}
	p.source.Store(&f)
}
