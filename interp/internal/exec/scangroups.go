package exec

import (
	"fmt"
	"slices"
	"sync"

	"github.com/reportsh/reportsh/interp/internal/keys"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/value"
)

// scanGroups is the groups of one or more tables (one per range of the
// file) in key order, level after level, as the engine orders the groups
// of a level (agg's canonCmp: nil first, then strings byte by byte, ints by
// value), so that the partial states can be fed to an engine that groups
// sorted input: one that closes each group as the next begins instead of
// holding them all. The tables are sorted each on its own goroutine and
// merged: a key in several tables has its states combined into the first's.
type scanGroups struct {
	sp    *plan.ScanPlan
	parts []*scanTable
	refs  []uint64 // per group in key order: its table << 32 | its group there
}

// sortGroups sorts and merges parts. An overflow while combining stops the
// scan.
func sortGroups(sp *plan.ScanPlan, parts []*scanTable) (*scanGroups, error) {
	var wg sync.WaitGroup
	for _, t := range parts {
		wg.Go(t.sort)
	}
	wg.Wait()
	m := &scanGroups{sp: sp, parts: parts}
	heads := make([]int, len(parts))
	for {
		// The smallest key among the tables' next ones; ties combine.
		best := -1
		var key []byte
		for p, t := range parts {
			if heads[p] < len(t.order) {
				k := t.index.Key(int(t.order[heads[p]]))
				if best < 0 || keys.Compare(k, key) < 0 {
					best, key = p, k
				}
			}
		}
		if best < 0 {
			return m, nil
		}
		g := parts[best].order[heads[best]]
		heads[best]++
		dst := parts[best].stateOf(int(g))
		for p := best + 1; p < len(parts); p++ {
			t := parts[p]
			if heads[p] < len(t.order) && keys.Compare(t.index.Key(int(t.order[heads[p]])), key) == 0 {
				if err := combine(sp, dst, t.stateOf(int(t.order[heads[p]]))); err != nil {
					return nil, err
				}
				heads[p]++
			}
		}
		m.refs = append(m.refs, uint64(best)<<32|uint64(g))
	}
}

// sort orders the table's groups by key.
func (t *scanTable) sort() {
	t.order = make([]int32, t.index.Len())
	for i := range t.order {
		t.order[i] = int32(i)
	}
	slices.SortFunc(t.order, func(a, b int32) int { return keys.Compare(t.index.Key(int(a)), t.index.Key(int(b))) })
}

// combine adds the state src of the same group over other records to dst.
func combine(sp *plan.ScanPlan, dst, src []int64) error {
	for _, off := range sp.CountStar {
		dst[off] += src[off]
	}
	for _, c := range sp.Counts {
		dst[c.Off] += src[c.Off]
	}
	for _, c := range sp.Sums {
		if src[c.Off+1] == 0 {
			continue
		}
		s, ok := value.AddInt64(dst[c.Off], src[c.Off])
		if !ok {
			return plan.ErrOverflow
		}
		dst[c.Off], dst[c.Off+1] = s, max(dst[c.Off+1], src[c.Off+1])
	}
	for _, c := range sp.Mins {
		if meta := src[c.Off+1]; meta != 0 {
			foldExtreme(dst, c.Off, src[c.Off], meta, true)
		}
	}
	for _, c := range sp.Maxs {
		if meta := src[c.Off+1]; meta != 0 {
			foldExtreme(dst, c.Off, src[c.Off], meta, false)
		}
	}
	return nil
}

func (m *scanGroups) len() int { return len(m.refs) }

// at returns the table and the group there of the i-th group.
func (m *scanGroups) at(i int) (*scanTable, int) {
	r := m.refs[i]
	return m.parts[r>>32], int(uint32(r))
}

func (m *scanGroups) key(i int) []byte {
	t, g := m.at(i)
	return t.index.Key(g)
}

// overLimit returns why a level has more groups than its max_groups: the
// engine would reject some, and which ones depends on the order of the
// input, which only reading the records tells. "" when none.
func (m *scanGroups) overLimit() string {
	n := make([]int, len(m.sp.Levels))
	for i := range m.refs {
		from := 0
		if i > 0 {
			_, from = keys.CompareLevels(m.key(i-1), m.key(i))
		}
		for l := from; l < len(n); l++ {
			n[l]++
		}
	}
	for l, lv := range m.sp.Levels {
		if lv.Max > 0 && n[l] > lv.Max {
			return fmt.Sprintf("group %s has more than %d groups (max_groups)", lv.Name, lv.Max)
		}
	}
	return ""
}

// results returns the records of the groups [from, to): each group's keys
// and then its result columns.
func (m *scanGroups) results(from, to int) []value.Record {
	sp := m.sp
	out := make([]value.Record, 0, to-from)
	for i := from; i < to; i++ {
		t, g := m.at(i)
		rec := make(value.Record, 0, len(sp.Keys)+len(sp.Cols))
		rec = keys.Decode(rec, t.index.Key(g))
		st := t.stateOf(g)
		for _, c := range sp.Cols {
			rec = append(rec, c.Result(st))
		}
		out = append(out, rec)
	}
	return out
}
