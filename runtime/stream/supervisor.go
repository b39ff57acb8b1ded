package stream

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// supervisor keeps the restart budget of one pipeline: at most max
// restarts within a sliding window.
type supervisor struct {
	max    int
	window time.Duration
	clock  Clock

	mu    sync.Mutex
	times []time.Time
}

// allow records a restart and reports whether the budget permits it.
func (s *supervisor) allow() bool {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.times[:0]
	for _, t := range s.times {
		if now.Sub(t) < s.window {
			kept = append(kept, t)
		}
	}
	s.times = kept
	if len(s.times) >= s.max {
		return false
	}
	s.times = append(s.times, now)
	return true
}

// protect runs f, turning a panic into a *PanicError.
func protect(component string, fatal bool, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Component: component, Value: v, Stack: debug.Stack(), fatal: fatal}
		}
	}()
	return f()
}

// supervise runs a component until it returns. A panic is reported and,
// unless it is fatal or the restart budget is spent, the component is run
// again: components keep their committed position in their own state, so
// the restart resumes exactly where the last completed step left off.
func (r *run[T]) supervise(ctx context.Context, component string, f func(context.Context) error) error {
	for {
		err := protect(component, false, func() error { return f(ctx) })
		var pe *PanicError
		if !errors.As(err, &pe) || ctx.Err() != nil {
			return err
		}
		restart := !pe.fatal && r.cfg.MaxRestarts > 0 && r.sup.allow()
		r.e.emit(PipelineException{EventInfo: r.e.info(), Component: component, Err: pe, Reason: "panic", Restarting: restart})
		if !restart {
			if pe.fatal || r.cfg.MaxRestarts < 0 {
				return pe
			}
			return fmt.Errorf("stream: %s: %w (%d within %v): %w", component, ErrTooManyRestarts, r.cfg.MaxRestarts, r.cfg.RestartWindow, pe)
		}
		r.e.restarts.Add(1)
		r.e.emit(Intervention{EventInfo: r.e.info(), Action: ActionRestart, By: "supervisor", Reason: pe.Error()})
	}
}
