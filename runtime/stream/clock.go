package stream

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock is the time source of pipelines, registries, caches and monitors.
// Backoff waits, fetch timeouts, memory re-checks, restart windows, cache TTLs
// and health checks all go through it, so a test can drive them with a
// [ManualClock] instead of sleeping.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that delivers the time on its channel once d
	// has elapsed.
	NewTimer(d time.Duration) Timer
	// AfterFunc calls f in its own goroutine once d has elapsed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending event created by a [Clock].
type Timer interface {
	// C is the channel the time is delivered on; nil for AfterFunc timers.
	C() <-chan time.Time
	// Stop prevents the timer from firing. It reports false if the timer
	// had already fired or been stopped.
	Stop() bool
}

// SystemClock returns the [Clock] backed by package time.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

func (systemClock) AfterFunc(d time.Duration, f func()) Timer {
	return sysTimer{time.AfterFunc(d, f)}
}

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time { return t.t.C }
func (t sysTimer) Stop() bool          { return t.t.Stop() }

// ManualClock is a [Clock] whose time moves only when [ManualClock.Advance]
// is called. It is meant for tests of code built on this package: timers
// fire, in deadline order, inside Advance, and [ManualClock.BlockUntil] lets
// a test wait until the code under test has armed its timers.
type ManualClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*manualTimer
	changed chan struct{} // closed and replaced whenever timers change
}

// NewManualClock returns a ManualClock reading start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start, changed: make(chan struct{})}
}

type manualTimer struct {
	c    *ManualClock
	when time.Time
	ch   chan time.Time
	f    func()
}

func (t *manualTimer) C() <-chan time.Time { return t.ch }

func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	return t.c.removeLocked(t)
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock has been advanced by d.
func (c *ManualClock) NewTimer(d time.Duration) Timer {
	return c.add(d, make(chan time.Time, 1), nil)
}

// AfterFunc arranges for f to be called, from within Advance, once the clock
// has been advanced by d. With d <= 0, f runs at once in its own goroutine.
func (c *ManualClock) AfterFunc(d time.Duration, f func()) Timer {
	return c.add(d, nil, f)
}

func (c *ManualClock) add(d time.Duration, ch chan time.Time, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{c: c, when: c.now.Add(d), ch: ch, f: f}
	if d <= 0 {
		if ch != nil {
			ch <- c.now
		} else {
			go f()
		}
		return t
	}
	c.timers = append(c.timers, t)
	c.notifyLocked()
	return t
}

func (c *ManualClock) removeLocked(t *manualTimer) bool {
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			c.notifyLocked()
			return true
		}
	}
	return false
}

func (c *ManualClock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Advance moves the clock forward by d and fires, in deadline order, every
// timer that falls due.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*manualTimer
	kept := c.timers[:0]
	for _, t := range c.timers {
		if !t.when.After(c.now) {
			due = append(due, t)
		} else {
			kept = append(kept, t)
		}
	}
	for i := len(kept); i < len(c.timers); i++ {
		c.timers[i] = nil
	}
	c.timers = kept
	now := c.now
	if len(due) > 0 {
		c.notifyLocked()
	}
	c.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].when.Before(due[j].when) })
	for _, t := range due {
		if t.ch != nil {
			t.ch <- now
		} else {
			t.f()
		}
	}
}

// Pending returns the number of timers waiting to fire.
func (c *ManualClock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// BlockUntil waits until at least n timers are pending, or ctx is done.
func (c *ManualClock) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		pending, changed := len(c.timers), c.changed
		c.mu.Unlock()
		if pending >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
