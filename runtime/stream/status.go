package stream

import "strconv"

// ID identifies a pipeline; IDs are unique within the process.
type ID uint64

// String renders the ID in decimal.
func (id ID) String() string { return strconv.FormatUint(uint64(id), 10) }

// Status is a pipeline's lifecycle state.
//
//	starting → running ⇄ paused
//	starting, running, paused → failed, cancelled
//	running, paused → completed
//
// Every other change is refused with a [*TransitionError]. A pipeline paused
// after its producer finished completes once its in-flight records drain.
type Status int32

// The statuses.
const (
	StatusStarting Status = iota
	StatusRunning
	StatusPaused
	StatusCompleted
	StatusFailed
	StatusCancelled
)

var statusNames = [...]string{"starting", "running", "paused", "completed", "failed", "cancelled"}

// String returns the status's lower-case name.
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status(" + strconv.Itoa(int(s)) + ")"
}

// Terminal reports whether s is completed, failed or cancelled.
func (s Status) Terminal() bool { return s >= StatusCompleted }

// Active reports whether s is starting, running or paused.
func (s Status) Active() bool { return !s.Terminal() }

func canTransition(from, to Status) bool {
	switch from {
	case StatusStarting:
		return to == StatusRunning || to == StatusFailed || to == StatusCancelled
	case StatusRunning:
		return to == StatusPaused || to.Terminal()
	case StatusPaused:
		return to == StatusRunning || to.Terminal()
	}
	return false
}

// PauseReason says who paused a pipeline.
type PauseReason string

// The pause reasons.
const (
	// PauseRequested: an embedder called Pause on the registry or handle.
	PauseRequested PauseReason = "requested"
	// PauseMemory: the producer's memory breaker hit MemoryLimit; it
	// resumes by itself once usage drops.
	PauseMemory PauseReason = "memory limit"
	// PauseHealth: the health monitor saw memory pass its pause threshold;
	// it resumes the pipeline once usage drops below its resume threshold.
	PauseHealth PauseReason = "health monitor"
)
