package agg

import (
	"math"
	"math/bits"
)

// DistinctExactCap is the number of distinct values COUNT_DISTINCT keeps
// exactly per group. Past it the group's set is replaced by a HyperLogLog
// sketch of [HLLPrecision] bits (16 KiB), whose estimate has a relative
// standard error of 1.04/√2^14 ≈ 0.81% (within 2.5% in 99.7% of cases).
const DistinctExactCap = 10_000

// HLLPrecision is the number of index bits of the COUNT_DISTINCT sketch:
// 2^14 one-byte registers.
const HLLPrecision = 14

// distinctAcc is COUNT_DISTINCT: an exact set of keys (value.HashKey
// equality) until DistinctExactCap, then HyperLogLog. Both the set and the
// sketch depend only on the set of values added, never on their order or on
// how the input was split, so merges are exact. A set of up to
// distinctSmall keys is a slice searched in order: most groups of a report
// with many groups have a few distinct values each, and a map per group
// costs several times the time and memory.
type distinctAcc struct {
	small []any // the keys while there are at most distinctSmall (set is nil)
	set   map[any]struct{}
	hll   *hll
}

// distinctSmall is the most keys a distinctAcc keeps in its slice.
const distinctSmall = 16

func (a *distinctAcc) Add(v any) error {
	if v == nil {
		return nil
	}
	a.add(groupKey(v))
	return nil
}

// add adds key k.
func (a *distinctAcc) add(k any) {
	switch {
	case a.hll != nil:
		a.hll.add(hashKey(k))
		return
	case a.set == nil:
		for _, s := range a.small {
			if s == k {
				return
			}
		}
		if len(a.small) < distinctSmall {
			if a.small == nil {
				a.small = make([]any, 0, quantFirstCap) // grown from one, it is copied at 1, 2, 4
			}
			a.small = append(a.small, k)
			return
		}
		a.set = make(map[any]struct{}, 2*distinctSmall)
		for _, s := range a.small {
			a.set[s] = struct{}{}
		}
		a.small = nil
	}
	a.set[k] = struct{}{}
	if len(a.set) > DistinctExactCap {
		a.toSketch()
	}
}

// each calls fn for each key of the exact set.
func (a *distinctAcc) each(fn func(k any)) {
	for _, k := range a.small {
		fn(k)
	}
	for k := range a.set {
		fn(k)
	}
}

func (a *distinctAcc) toSketch() {
	h := new(hll)
	a.each(func(k any) { h.add(hashKey(k)) })
	a.hll, a.set, a.small = h, nil, nil
}

func (a *distinctAcc) Result() any {
	if a.hll != nil {
		return int64(math.Round(a.hll.estimate()))
	}
	return int64(len(a.small) + len(a.set))
}

func (a *distinctAcc) Reset() { *a = distinctAcc{} }

func (a *distinctAcc) Merge(o Accumulator) error {
	b, ok := o.(*distinctAcc)
	if !ok {
		return mergeMismatch(a, o)
	}
	if b.hll != nil {
		if a.hll == nil {
			a.toSketch()
		}
		a.hll.merge(b.hll)
		return nil
	}
	b.each(a.add)
	return nil
}

// hll is a HyperLogLog sketch with 2^HLLPrecision registers, estimated with
// Ertl's improved raw estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", 2017), which needs no empirical bias tables and is
// unbiased from small to very large cardinalities.
type hll struct {
	reg [1 << HLLPrecision]uint8
}

const hllQ = 64 - HLLPrecision

func (h *hll) add(x uint64) {
	idx := x >> hllQ
	w := x<<HLLPrecision | 1<<(HLLPrecision-1) // a guard bit bounds the rank at q+1
	r := uint8(bits.LeadingZeros64(w) + 1)
	if r > h.reg[idx] {
		h.reg[idx] = r
	}
}

func (h *hll) merge(o *hll) {
	for i, r := range o.reg {
		if r > h.reg[i] {
			h.reg[i] = r
		}
	}
}

func (h *hll) estimate() float64 {
	const m = float64(len(h.reg))
	var c [hllQ + 2]int
	for _, r := range h.reg {
		c[r]++
	}
	z := m * hllTau(1-float64(c[hllQ+1])/m)
	for k := hllQ; k >= 1; k-- {
		z = 0.5 * (z + float64(c[k]))
	}
	z += m * hllSigma(float64(c[0])/m)
	return m * m / (2 * math.Ln2) / z
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if z == prev {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == prev {
			return z / 3
		}
	}
}
