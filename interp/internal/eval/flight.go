package eval

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// Flight counts the bytes of the values the stage builds (strings and long
// decimals of let steps, computed group keys and aggregate arguments) for
// the records that have not yet gone through the sink, against the run's
// memory limit. The memory breaker measures the live heap between fetches:
// a batch of records that each build values of megabytes could outgrow the
// limit many times over before the next fetch. With Flight the stage
// stops at the limit instead, failing the run with a *program.LimitError.
type Flight struct {
	limit   int64
	name    string
	slots   []int // the record slots the stage computes
	bytes   atomic.Int64
	records atomic.Int64
}

// NewFlight returns the Flight of a run of p with memory limit limit; nil
// when there is no limit.
func NewFlight(p *program.Program, limit int64) *Flight {
	if limit <= 0 {
		return nil
	}
	f := &Flight{limit: limit, name: p.Name}
	for _, s := range p.Steps {
		if s.Let != nil {
			f.slots = append(f.slots, s.Slot)
		}
	}
	for _, gr := range p.Groupings {
		for _, lv := range gr.Levels {
			if lv.Key.Slot < 0 { // a copy of a field or let shares its value
				f.slots = append(f.slots, lv.KeySlot)
			}
		}
	}
	for i, a := range p.Args {
		if a.Slot < 0 {
			f.slots = append(f.slots, p.ArgBase+i)
		}
	}
	return f
}

// built returns the bytes of the values the stage computed for rec.
func (f *Flight) built(rec value.Record) int64 {
	var n int64
	for _, i := range f.slots {
		if i < len(rec) {
			n += value.Size(rec[i])
		}
	}
	return n
}

// check fails a record about to be transformed once the records in flight
// are at the limit, so that workers stop building.
func (f *Flight) check() error {
	if f == nil || f.bytes.Load() < f.limit {
		return nil
	}
	return stream.Fatal(f.error(f.bytes.Load()))
}

// add counts the values of a transformed record, kept for the sink; at the
// limit it is the run's error.
func (f *Flight) add(rec value.Record) error {
	if f == nil {
		return nil
	}
	n := f.built(rec)
	if n == 0 {
		return nil
	}
	f.records.Add(1)
	if total := f.bytes.Add(n); total >= f.limit {
		return stream.Fatal(f.error(total))
	}
	return nil
}

// Done uncounts the records of a batch that went through the sink. Records
// the sink still holds (a sort buffer) are the sink's to report.
func (f *Flight) Done(batch []value.Record) {
	if f == nil {
		return
	}
	var n, recs int64
	for _, rec := range batch {
		if b := f.built(rec); b > 0 {
			n += b
			recs++
		}
	}
	f.bytes.Add(-n)
	f.records.Add(-recs)
}

// FlightError returns the *program.LimitError of a Flight in err, if any.
func FlightError(err error) *program.LimitError {
	var le *program.LimitError
	if errors.As(err, &le) && le.Limit == "memory limit" {
		return le
	}
	return nil
}

func (f *Flight) error(total int64) *program.LimitError {
	recs := max(f.records.Load(), 1)
	return &program.LimitError{
		Limit: "memory limit", Value: total, Max: f.limit, Where: f.name, Unit: "bytes",
		Held: fmt.Sprintf("the values (let, group keys, aggregate arguments) that the %d records in flight built, ~%s each",
			recs, program.MiBText(total/recs)),
		Hint: "fewer records at a time (a smaller chunk size), smaller values, or a larger memory limit",
	}
}
