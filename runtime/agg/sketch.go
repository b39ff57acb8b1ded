package agg

import (
	"math"
	"slices"
)

// SketchRelativeAccuracy is α, the relative accuracy of the quantile sketch
// MEDIAN and PERCENTILE switch to past [QuantileExactCap] values: every
// value is counted in a logarithmic bucket (γ^(i-1), γ^i] with
// γ = (1+α)/(1−α), and a bucket stands for 2γ^i/(γ+1), within α of
// every value in it (DDSketch, Masson et al., VLDB 2019).
const SketchRelativeAccuracy = 0.01

// SketchMaxBins bounds the buckets per sign: 2,048 buckets of 1% cover
// magnitudes over a ratio of about 6·10^17 (e.g. 0.01 to 10^15). When the
// data spans more, the buckets nearest zero are folded together and only
// those values lose the bound. A sketch therefore never holds more than
// 2 × 2,048 counters (32 KiB).
const SketchMaxBins = 2048

var (
	sketchGamma    = (1 + SketchRelativeAccuracy) / (1 - SketchRelativeAccuracy)
	sketchLogGamma = math.Log(sketchGamma)
)

// sketch is a DDSketch: bucket counts for positive and negative values, a
// zero count and counts for NaN and the infinities. Its state is a function
// of the multiset of values added — the same in any order, and the merge of
// any split equals one sketch of the whole — which a t-digest (whose
// centroids depend on insertion order) cannot offer.
type sketch struct {
	pos, neg                bins
	zero, nan, negInf, pInf uint64
	n                       uint64
	min, max                float64 // of the non-NaN values, when ranged
	ranged                  bool
}

// bins is a dense window of bucket counts; offset is the index of bins[0].
// The window's top is the highest index seen, its bottom at most
// SketchMaxBins-1 below; counts of lower indices are folded into the bottom.
type bins struct {
	c      []uint64
	offset int
}

func bucketIndex(x float64) int {
	return int(math.Ceil(math.Log(x) / sketchLogGamma))
}

func bucketValue(i int) float64 {
	return 2 * math.Exp(float64(i)*sketchLogGamma) / (sketchGamma + 1)
}

func (b *bins) add(i int, n uint64) {
	if len(b.c) == 0 {
		b.c = append(b.c[:0], n)
		b.offset = i
		return
	}
	top := b.offset + len(b.c) - 1
	switch {
	case i > top:
		newTop := i
		low := max(b.offset, newTop-SketchMaxBins+1)
		b.rewindow(low, newTop)
	case i < b.offset:
		low := max(i, top-SketchMaxBins+1)
		b.rewindow(low, top)
	}
	b.c[max(i, b.offset)-b.offset] += n
}

// rewindow moves the counts to the window [low, top], folding counts below
// low into it. Growing at the top and folding at the bottom work in place
// (amortised appends), so a sketch fed ascending values stays linear.
func (b *bins) rewindow(low, top int) {
	n := top - low + 1
	if low < b.offset {
		c := make([]uint64, n)
		copy(c[b.offset-low:], b.c)
		b.c, b.offset = c, low
		return
	}
	k := min(low-b.offset, len(b.c)) // bins below low
	var fold uint64
	for _, c := range b.c[:k] {
		fold += c
	}
	rest := len(b.c) - k
	copy(b.c, b.c[k:])
	b.c = slices.Grow(b.c[:rest], n-rest)[:n]
	clear(b.c[rest:])
	b.c[0] += fold
	b.offset = low
}

func (b *bins) merge(o *bins) {
	for j, n := range o.c {
		if n != 0 {
			b.add(o.offset+j, n)
		}
	}
}

func (b *bins) total() uint64 {
	var t uint64
	for _, n := range b.c {
		t += n
	}
	return t
}

func (s *sketch) add(x float64) {
	if !math.IsNaN(x) {
		s.extend(x, x)
	}
	s.n++
	switch {
	case math.IsNaN(x):
		s.nan++
	case math.IsInf(x, 1):
		s.pInf++
	case math.IsInf(x, -1):
		s.negInf++
	case x > 0:
		s.pos.add(bucketIndex(x), 1)
	case x < 0:
		s.neg.add(bucketIndex(-x), 1)
	default:
		s.zero++
	}
}

func (s *sketch) merge(o *sketch) {
	if o.ranged {
		s.extend(o.min, o.max)
	}
	s.n += o.n
	s.zero += o.zero
	s.nan += o.nan
	s.negInf += o.negInf
	s.pInf += o.pInf
	s.pos.merge(&o.pos)
	s.neg.merge(&o.neg)
}

func (s *sketch) extend(lo, hi float64) {
	if !s.ranged || lo < s.min {
		s.min = lo
	}
	if !s.ranged || hi > s.max {
		s.max = hi
	}
	s.ranged = true
}

// at returns the estimate of the value of rank k (0-based, ascending, NaN
// first as in a sort).
func (s *sketch) at(k uint64) float64 {
	if k < s.nan {
		return math.NaN()
	}
	k -= s.nan
	if k < s.negInf {
		return math.Inf(-1)
	}
	k -= s.negInf
	for j := len(s.neg.c) - 1; j >= 0; j-- {
		if n := s.neg.c[j]; k < n {
			return -bucketValue(s.neg.offset + j)
		} else {
			k -= n
		}
	}
	if k < s.zero {
		return 0
	}
	k -= s.zero
	for j, n := range s.pos.c {
		if k < n {
			return bucketValue(s.pos.offset + j)
		}
		k -= n
	}
	return math.Inf(1)
}

// quantile returns the estimate of the p-quantile, interpolated between the
// ranks ⌊p(n−1)⌋ and ⌈p(n−1)⌉ like the exact computation and clamped to the
// exact minimum and maximum.
func (s *sketch) quantile(p float64) float64 {
	switch {
	case !s.ranged || (p <= 0 && s.nan > 0):
		return math.NaN()
	case p <= 0:
		return s.min
	case p >= 1:
		return s.max
	}
	r := p * float64(s.n-1)
	lo := math.Floor(r)
	v := s.at(uint64(lo))
	if frac := r - lo; frac > 0 {
		v += frac * (s.at(uint64(lo)+1) - v)
	}
	if !math.IsNaN(v) {
		v = min(max(v, s.min), s.max)
	}
	return v
}
