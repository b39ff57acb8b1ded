package agg

import (
	"errors"
	"fmt"

	"github.com/reportsh/reportsh/runtime/value"
)

// present is what a Spec with Arg -1 is fed: any non-nil value.
var present any = true

// plan is a level's (or the global scope's) compiled layout.
type plan struct {
	level  int
	name   string
	max    int
	specs  []Spec
	seqd   []bool   // spec i is FIRST or LAST (fed through AddAt when sequenced)
	hidden []int    // args of hidden SUMs the next level's PERCENT_OF_TOTAL divides by
	pot    []potRef // this level's PERCENT_OF_TOTAL specs
	// ops places the states of the specs, then of the hidden sums, in the
	// columns of a group's block (see block.go and layout.go); feed are
	// those with a state of their own, fed in this order; nwords, nsums,
	// nvals and nother are the sizes of a group's runs of the columns.
	ops                          []op
	feed                         []op
	nwords, nsums, nvals, nother int
	blk                          *block // where the next groups are allocated
}

// potRef ties a PERCENT_OF_TOTAL spec to the parent's hidden total (index
// into the parent plan's hidden list; -1: its own total, for Global).
type potRef struct{ spec, hidden int }

func (p *plan) hiddenIndex(arg int) int {
	for j, a := range p.hidden {
		if a == arg {
			return j
		}
	}
	p.hidden = append(p.hidden, arg)
	return len(p.hidden) - 1
}

// argCheck is a static kind check run on a record before any state changes,
// so a record with a value of the wrong kind leaves the engine untouched.
type argCheck struct {
	arg   int
	mask  uint32
	level int
	spec  int
	name  string
	f     Func
}

// Engine computes the aggregates of one grouping configuration in one pass.
// Feed it with Add (or AddSeq), then call Finish. An Engine is not safe for
// concurrent use; run one per worker and Merge them.
type Engine struct {
	cfg      Config
	err      error // sticky: configuration error, OnClose error, ErrFinished
	levels   []plan
	gplan    plan
	global   *gstate
	checks   []argCheck
	maxArg   int
	hold     int // closed groups of this level and deeper are held back for PERCENT_OF_TOTAL
	pending  []*Group
	ngroups  []int
	keyBytes []int64 // per level: the bytes of the string keys of the groups held (hash strategy)
	rejected []int64
	fired    []bool
	last     []*gstate // the group the last record went to, per level (nil: rejected)

	// Streaming strategy.
	slots   []*gstate // one reusable state per level
	open    []bool    // slots[L] holds an open group
	lastHK  []any     // the key of the last record per level
	lastKey []any
	seen    []bool // lastHK is set
	dead    []bool // the last key was rejected

	seq       int64 // next sequence number (Add) or one past the highest (AddSeq)
	sequenced bool  // fed through AddSeq
	records   int64
	finished  bool
	globalRes []any
}

// NewEngine returns an engine for cfg. An invalid cfg (see
// [Config.Validate]) gives an engine whose Add, AddSeq, Finish and Merge
// return that error.
func NewEngine(cfg Config) *Engine {
	n := len(cfg.Levels)
	e := &Engine{
		cfg:      cfg,
		err:      cfg.Validate(),
		levels:   make([]plan, n),
		ngroups:  make([]int, n),
		keyBytes: make([]int64, n),
		rejected: make([]int64, n),
		fired:    make([]bool, n),
		last:     make([]*gstate, n),
		hold:     n,
		maxArg:   -1,
	}
	if e.err != nil {
		return e
	}
	for i, l := range cfg.Levels {
		e.levels[i] = newPlan(i, l.Name, l.MaxGroups, l.Specs)
		if e.levels[i].max == 0 {
			e.levels[i].max = DefaultMaxGroups
		}
	}
	e.gplan = newPlan(-1, "", 0, cfg.Global)
	for i := range e.levels {
		p := &e.levels[i]
		parent := &e.gplan
		if i > 0 {
			parent = &e.levels[i-1]
		}
		for s, sp := range p.specs {
			if sp.Func == PercentOfTotal {
				p.pot = append(p.pot, potRef{spec: s, hidden: parent.hiddenIndex(sp.Arg)})
				e.hold = min(e.hold, i)
			}
		}
	}
	for s, sp := range e.gplan.specs {
		if sp.Func == PercentOfTotal {
			e.gplan.pot = append(e.gplan.pot, potRef{spec: s, hidden: -1})
		}
	}
	e.gplan.layout()
	e.addChecks(&e.gplan)
	for i := range e.levels {
		e.levels[i].layout()
		e.addChecks(&e.levels[i])
	}
	e.global = e.gplan.newState(nil)
	if cfg.Sorted {
		e.slots = make([]*gstate, n)
		e.open = make([]bool, n)
		e.lastHK = make([]any, n)
		e.lastKey = make([]any, n)
		e.seen = make([]bool, n)
		e.dead = make([]bool, n)
	}
	return e
}

func newPlan(level int, name string, max int, specs []Spec) plan {
	p := plan{level: level, name: name, max: max, specs: specs, seqd: make([]bool, len(specs))}
	for i, s := range specs {
		p.seqd[i] = s.Func == First || s.Func == Last
	}
	return p
}

func (e *Engine) addChecks(p *plan) {
	for s, sp := range p.specs {
		e.maxArg = max(e.maxArg, sp.Arg)
		m := accepts(sp.Func)
		if sp.Arg < 0 || m == maskAll {
			continue
		}
		dup := false
		for _, c := range e.checks {
			if c.arg == sp.Arg && c.mask == m {
				dup = true
				break
			}
		}
		if !dup {
			e.checks = append(e.checks, argCheck{arg: sp.Arg, mask: m, level: p.level, spec: s, name: p.name, f: sp.Func})
		}
	}
	for _, a := range p.hidden {
		e.maxArg = max(e.maxArg, a)
	}
}

// Add feeds one record: keys[i] is its key at level i, args the values of
// the aggregate arguments (indexed by Spec.Arg). Records are numbered in the
// order of the calls. A record whose values a function does not accept is
// refused with a [*SpecError] before any state changes; the engine can go
// on. Errors from OnClose and configuration errors are sticky.
func (e *Engine) Add(keys, args []any) error {
	if e.sequenced && e.records > 0 {
		return errors.New("agg: Add after AddSeq (use one or the other)")
	}
	return e.add(e.seq, keys, args)
}

// AddSeq is Add with the record's sequence number in the whole input,
// which must increase within one engine. Workers that each see part of an
// input and feed their engines with AddSeq merge to exactly the result of
// one engine over the whole input, including FIRST, LAST and which groups
// a group limit keeps, in whatever order the engines are merged.
func (e *Engine) AddSeq(seq int64, keys, args []any) error {
	if !e.sequenced && e.records > 0 {
		return errors.New("agg: AddSeq after Add (use one or the other)")
	}
	e.sequenced = true
	return e.add(seq, keys, args)
}

func (e *Engine) add(seq int64, keys, args []any) error {
	if e.err != nil {
		return e.err
	}
	if len(keys) < len(e.levels) {
		return fmt.Errorf("agg: record has %d keys, want %d", len(keys), len(e.levels))
	}
	if len(args) <= e.maxArg {
		return fmt.Errorf("agg: record has %d argument values, the aggregates use index %d", len(args), e.maxArg)
	}
	for i := range e.checks {
		c := &e.checks[i]
		if v := args[c.arg]; v != nil {
			if k := value.KindOf(v); c.mask&(1<<k) == 0 {
				err := &KindError{Func: c.f, Kind: k, Runtime: true, Value: v}
				return &SpecError{Level: c.level, Name: c.name, Spec: c.spec, Func: c.f, Err: err}
			}
		}
	}
	e.records++
	e.seq = max(e.seq, seq+1)
	if err := e.feed(e.global, &e.gplan, seq, args); err != nil {
		return err
	}
	var err error
	if e.cfg.Sorted {
		err = e.addSorted(seq, keys, args)
	} else {
		err = e.addHash(seq, keys, args)
	}
	if err != nil && e.err == nil && !isSpecError(err) {
		e.err = err
	}
	return err
}

func isSpecError(err error) bool {
	var se *SpecError
	return errors.As(err, &se)
}

// feed adds a record's values to a group's accumulators.
func (e *Engine) feed(g *gstate, p *plan, seq int64, args []any) error {
	if i, err := g.feed(p, e.sequenced, seq, args); err != nil {
		return specError(p, i, err)
	}
	return nil
}

// specError reports the failure of a plan's op i (a spec, or a hidden sum
// after them).
func specError(p *plan, i int, err error) error {
	if i >= len(p.specs) {
		return &SpecError{Level: p.level, Name: p.name, Spec: -1, Func: Sum, Err: err}
	}
	return &SpecError{Level: p.level, Name: p.name, Spec: i, Func: p.specs[i].Func, Err: err}
}

// reject counts a record rejected at level L and below, firing the
// level's event the first time.
func (e *Engine) reject(L int, keys []any) {
	for l := L; l < len(e.levels); l++ {
		e.rejected[l]++
		e.last[l] = nil
	}
	if !e.fired[L] {
		e.fire(L, append([]any(nil), keys[:L+1]...))
	}
}

func (e *Engine) fire(L int, keys []any) {
	e.fired[L] = true
	if e.cfg.OnEvent != nil {
		e.cfg.OnEvent(Event{Kind: GroupLimitReached, Level: L, Name: e.levels[L].name, Limit: e.levels[L].max, Keys: keys})
	}
}

// Finish closes the groups still open (hash strategy: all of them, in key
// order), completes PERCENT_OF_TOTAL shares and makes Global final. It
// returns the first error of OnClose. Calling it again returns ErrFinished.
func (e *Engine) Finish() error {
	if e.err != nil {
		return e.err
	}
	var err error
	if e.cfg.Sorted {
		err = e.closeFrom(0)
	} else {
		err = e.emitChildren(e.global)
	}
	if err == nil {
		e.fillWaiting(e.global)
		err = e.flush()
	}
	e.globalRes = e.results(e.global, &e.gplan)
	e.finished = true
	e.err = ErrFinished
	return err
}

// Global returns the values of Config.Global, in order: final after
// Finish, the current values before it.
func (e *Engine) Global() []any {
	if e.global == nil {
		return nil // invalid configuration, or merged into another engine
	}
	if e.finished {
		return e.globalRes
	}
	return e.results(e.global, &e.gplan)
}

// Rejected returns the number of records rejected at level (because its
// group limit was reached there or at an enclosing level).
func (e *Engine) Rejected(level int) int64 { return e.rejected[level] }

// Groups returns the number of groups created at level.
func (e *Engine) Groups(level int) int { return e.ngroups[level] }

// Held returns the number of groups of level the engine holds in memory
// now, and the bytes of their string keys: with the hash strategy every
// group created, until Finish emits them; streaming, only the open one
// (whose key is not counted).
func (e *Engine) Held(level int) (groups int, keyBytes int64) {
	switch {
	case level < 0 || level >= len(e.ngroups) || e.finished:
		return 0, 0
	case e.cfg.Sorted:
		if level < len(e.open) && e.open[level] {
			return 1, 0
		}
		return 0, 0
	}
	return e.ngroups[level], e.keyBytes[level]
}

// keySize is the bytes a group's key holds beyond the group: a string's.
func keySize(k any) int64 {
	if s, ok := k.(string); ok {
		return int64(len(s))
	}
	return 0
}

// Records returns the number of records added (rejected ones included).
func (e *Engine) Records() int64 { return e.records }

// Current appends to dst the current values of the specs of the group the
// last record went to at level (level -1: the Global specs) and reports
// whether there is one (false when that record was rejected at the level).
// This is how RUNNING_SUM, RUNNING_COUNT and RUNNING_AVG are read after
// every record; a PERCENT_OF_TOTAL reads as the share of the enclosing
// group's total so far.
func (e *Engine) Current(level int, dst []any) ([]any, bool) {
	g, p := e.global, &e.gplan
	if g == nil {
		return dst, false
	}
	if level >= 0 {
		g, p = e.last[level], &e.levels[level]
		if g == nil || e.finished {
			return dst, false
		}
	}
	for i := range p.specs {
		dst = append(dst, g.result(p, i))
	}
	for _, r := range p.pot {
		num := dst[len(dst)-len(p.specs)+r.spec]
		if r.hidden < 0 {
			dst[len(dst)-len(p.specs)+r.spec] = PercentOf(num, num)
			continue
		}
		pp := &e.gplan
		if level > 0 {
			pp = &e.levels[level-1]
		}
		dst[len(dst)-len(p.specs)+r.spec] = PercentOf(num, g.parent.hiddenTotal(pp, r.hidden))
	}
	return dst, true
}

// results computes a state's spec values (PERCENT_OF_TOTAL as numerators,
// except Global's own shares).
func (e *Engine) results(g *gstate, p *plan) []any {
	res := make([]any, len(p.specs))
	for i := range p.specs {
		res[i] = g.result(p, i)
	}
	for _, r := range p.pot {
		if r.hidden < 0 {
			res[r.spec] = PercentOf(res[r.spec], res[r.spec])
		}
	}
	return res
}
