package agg

import "fmt"

// Accumulator is the partial state of one aggregate over some input.
//
// Add folds in one value (nil is skipped by every function but COUNT() —
// see the package documentation). Result returns the aggregate of everything
// added so far; it does not change the state, so RUNNING_* functions call it
// after every record. Merge folds in another accumulator of the same
// function, whose input is taken to follow the receiver's (this matters only
// to FIRST and LAST, and not at all when both were fed with
// [Sequenced.AddAt]); the result equals one accumulator fed both inputs,
// exactly. The argument must not be used afterwards. Reset empties the state
// for reuse.
type Accumulator interface {
	Add(v any) error
	Result() any
	Merge(o Accumulator) error
	Reset()
}

// Sequenced is implemented by accumulators whose result depends on input
// order (FIRST, LAST). AddAt adds v as the record with sequence number seq;
// accumulators fed only through AddAt merge by sequence number, so partitions
// of one input merge to the same result in any order.
type Sequenced interface {
	AddAt(v any, seq int64) error
}

// New returns an empty accumulator for f. param is PERCENTILE's p (clamped
// to [0, 1]; validate it with [CheckParam]) and is ignored by the other
// functions. New panics on an invalid Func.
//
// [PercentOfTotal]'s accumulator keeps the share's numerator: its Result is
// SUM(x); [PercentOf] turns that into a percentage of the enclosing total,
// which the [Engine] does.
func New(f Func, param float64) Accumulator {
	if isCell(f) {
		return &cell{f: f}
	}
	switch f {
	case First:
		return &firstLastAcc{}
	case Last:
		return &firstLastAcc{last: true}
	case CountDistinct:
		return &distinctAcc{}
	case StddevSamp, StddevPop, VarSamp, VarPop:
		return &varAcc{f: f}
	case Median:
		return newQuantile(f, 0.5)
	case Percentile:
		return newQuantile(f, min(max(param, 0), 1))
	case Mode:
		return &modeAcc{}
	}
	panic(fmt.Sprintf("agg.New: invalid function %v", f))
}

func mergeMismatch(dst, src Accumulator) error {
	return fmt.Errorf("agg: cannot merge %T into %T", src, dst)
}
