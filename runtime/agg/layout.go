package agg

// opKind is how a spec's state is stored, fed and read.
type opKind uint8

const (
	opCount    opKind = iota // COUNT(x), RUNNING_COUNT(x): a counter of non-nil values
	opCountAll               // COUNT(), and COUNT(x) fed the record marker: a counter of values
	opSum                    // SUM, RUNNING_SUM, PERCENT_OF_TOTAL (its numerator), the hidden sums
	opAvg                    // AVG, RUNNING_AVG: a sum read as a mean
	opMin                    // MIN: the least value so far
	opMax                    // MAX: the greatest value so far
	opOther                  // any other function: an Accumulator

	// Kinds read from another state, with none of their own.
	opRecords  // a record count fed with every record: the group's count
	opSumCount // COUNT(x) where a sum of x is fed the same records: its count
)

// op places the state of one spec (or hidden sum) of a plan: its kind,
// the index of its state in the group's run of the kind's column, and the
// argument it is fed.
type op struct {
	kind opKind
	seqd bool // FIRST or LAST: fed through AddAt when the engine is sequenced
	f    Func
	arg  int32 // index into the record's arguments; -1: the record marker
	idx  int32
	pos  int32 // index of the op in plan.ops (a spec, or a hidden sum after them)
}

// fallible reports whether feeding o can fail once the engine's kind
// checks have passed: MIN and MAX on values that cannot be compared, and,
// to be safe, everything but counts and sums of a checked argument.
func (o *op) fallible() bool {
	switch o.kind {
	case opCount, opCountAll, opRecords, opSumCount:
		return false
	case opSum, opAvg:
		return o.arg < 0 // a sum of the record marker: a KindError
	}
	return true
}

// layout places the states of the specs and hidden sums in the columns.
//
// States are shared where that cannot change a result: a record count
// (COUNT(), RUNNING_COUNT()) is the group's own count, and SUM, AVG,
// RUNNING_*, PERCENT_OF_TOTAL, the hidden sums and COUNT of one argument
// read a single sum state. Both hold only when no op that can fail (see
// fallible) is fed between them, for a record is fed to the specs in order
// and stops at the first failure: the states fed before it keep the record
// and the others do not, as with one state per spec.
func (p *plan) layout() {
	type owner struct{ idx, epoch int32 }
	var (
		sums  = map[int32]owner{} // the sum state of each argument
		epoch int32               // fallible ops placed so far
	)
	p.ops = make([]op, 0, len(p.specs)+len(p.hidden))
	place := func(o op) {
		o.pos = int32(len(p.ops))
		switch o.kind {
		case opSum, opAvg:
			if w, ok := sums[o.arg]; ok && w.epoch == epoch {
				o.idx = w.idx
				break
			}
			o.idx = p.column(o.kind)
			sums[o.arg] = owner{o.idx, epoch}
			p.feed = append(p.feed, o)
		case opCount:
			if w, ok := sums[o.arg]; ok && w.epoch == epoch {
				o.kind, o.idx = opSumCount, w.idx
				break
			}
			fallthrough
		default:
			if o.kind == opCountAll && epoch == 0 {
				o.kind = opRecords
				break
			}
			o.idx = p.column(o.kind)
			p.feed = append(p.feed, o)
		}
		if o.fallible() {
			epoch++
		}
		p.ops = append(p.ops, o)
	}
	for i, s := range p.specs {
		o := op{f: s.Func, arg: int32(s.Arg), seqd: p.seqd[i]}
		switch s.Func {
		case Count, RunningCount:
			o.kind = opCount
			if s.Arg < 0 {
				o.kind = opCountAll // fed the record marker, never nil
			}
		case CountStar:
			o.kind = opCountAll
		case Sum, RunningSum, PercentOfTotal:
			o.kind = opSum
		case Avg, RunningAvg:
			o.kind = opAvg
		case Min:
			o.kind = opMin
		case Max:
			o.kind = opMax
		default:
			o.kind = opOther
		}
		place(o)
	}
	for _, a := range p.hidden {
		place(op{kind: opSum, f: Sum, arg: int32(a)})
	}
}

// column returns the index of a new state of kind k in a group's run of
// its column.
func (p *plan) column(k opKind) int32 {
	n := &p.nother
	switch k {
	case opCount, opCountAll:
		n = &p.nwords
	case opSum, opAvg:
		n = &p.nsums
	case opMin, opMax:
		n = &p.nvals
	}
	*n++
	return int32(*n - 1)
}
