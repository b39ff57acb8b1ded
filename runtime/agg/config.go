package agg

import (
	"errors"
	"fmt"
)

// DefaultMaxGroups is the group limit of a level whose MaxGroups is 0.
const DefaultMaxGroups = 10_000

// Spec is one aggregate to compute at a level (or report-wide).
type Spec struct {
	// Func is the aggregate function.
	Func Func
	// Arg indexes the per-record argument slice passed to [Engine.Add];
	// -1 means no argument (COUNT(), RUNNING_COUNT()): the function is fed
	// a non-nil marker per record, so it counts records.
	Arg int
	// Param is PERCENTILE's p; other functions ignore it.
	Param float64
}

// Level is one grouping level.
type Level struct {
	// Name labels the level in errors and events (e.g. "territory").
	Name string
	// MaxGroups bounds the number of groups of this level over the whole
	// input; 0 means DefaultMaxGroups.
	MaxGroups int
	// Specs are the aggregates of each group of this level;
	// [Group].Results holds their values in this order.
	Specs []Spec
}

// Config configures an [Engine]. The zero Config is valid: no levels, no
// aggregates.
type Config struct {
	// Levels are the nested grouping levels, outermost first.
	Levels []Level
	// Global are the report-wide aggregates, over every record.
	Global []Spec
	// Sorted declares the input sorted ascending (in value.Less order) by
	// the level keys, outermost first: the engine then streams, holding one
	// open group per level and emitting each as its key changes. Otherwise
	// it keeps every group in a hash table until Finish.
	Sorted bool
	// OnClose receives each group once it is complete: children before
	// their parent, groups of a parent in ascending key order (the same
	// order with both strategies). The engine does not use the Group after
	// OnClose returns. An error stops the engine and is returned by the Add
	// or Finish that closed the group. Nil discards groups.
	OnClose func(*Group) error
	// OnEvent receives notable events such as [GroupLimitReached]; nil
	// ignores them.
	OnEvent func(Event)
}

// Group is one complete group handed to [Config].OnClose.
type Group struct {
	// Level is the index of the group's level in Config.Levels.
	Level int
	// Keys are the group's keys for levels 0..Level (the first value seen
	// for each; values equal under value.HashKey, like 1 and 1.0, are one
	// group).
	Keys []any
	// Results holds one value per Spec of the level.
	Results []any
	// Count is the number of records the group received.
	Count int64
}

// EventKind classifies events.
type EventKind uint8

// The event kinds.
const (
	// GroupLimitReached fires the first time a record is rejected at a
	// level because the level already has MaxGroups groups.
	GroupLimitReached EventKind = iota + 1
)

// String names the event kind.
func (k EventKind) String() string {
	if k == GroupLimitReached {
		return "group-limit-reached"
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// Event is something the engine reports through Config.OnEvent.
type Event struct {
	Kind EventKind
	// Level and Name identify the level.
	Level int
	Name  string
	// Limit is the level's group limit.
	Limit int
	// Keys are the key path (levels 0..Level) of the first record
	// rejected; nil when the limit was reached while merging.
	Keys []any
}

// ErrUnsorted reports input that is not sorted by the level keys although
// Config.Sorted said it is; the error wrapping it names the level and keys.
var ErrUnsorted = errors.New("input is not sorted by the group keys")

// ErrFinished reports a call on an engine after Finish or after it was
// merged into another.
var ErrFinished = errors.New("agg: engine already finished")

// SpecError reports a failure of one aggregate: the level (-1 for the
// global aggregates), the index of its Spec, and the cause (often a
// [*KindError]).
type SpecError struct {
	Level int
	Name  string
	Spec  int
	Func  Func
	Err   error
}

func (e *SpecError) Error() string {
	if e.Level < 0 {
		return fmt.Sprintf("report aggregate #%d: %v", e.Spec+1, e.Err)
	}
	return fmt.Sprintf("group %q aggregate #%d: %v", e.Name, e.Spec+1, e.Err)
}

// Unwrap returns the cause.
func (e *SpecError) Unwrap() error { return e.Err }

// Validate reports the first problem with c: an unknown function, a
// missing or negative argument index, a percentile outside [0, 1], a
// negative MaxGroups.
func (c Config) Validate() error {
	check := func(where string, specs []Spec) error {
		for i, s := range specs {
			if !s.Func.Valid() {
				return fmt.Errorf("agg: %s spec #%d: unknown function %v", where, i+1, s.Func)
			}
			if lo, _ := Arity(s.Func); s.Arg < -1 || (s.Arg == -1 && lo > 0) {
				return fmt.Errorf("agg: %s spec #%d: %s needs an argument (Arg is %d)", where, i+1, s.Func, s.Arg)
			}
			if err := CheckParam(s.Func, s.Param); err != nil {
				return fmt.Errorf("agg: %s spec #%d: %w", where, i+1, err)
			}
		}
		return nil
	}
	for i, l := range c.Levels {
		where := fmt.Sprintf("level %d (%q)", i, l.Name)
		if l.MaxGroups < 0 {
			return fmt.Errorf("agg: %s: negative MaxGroups %d", where, l.MaxGroups)
		}
		if err := check(where, l.Specs); err != nil {
			return err
		}
	}
	return check("global", c.Global)
}
