package agg

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

// groupKey returns the comparable key that identifies v in a group map or a
// distinct set: value.HashKey (so 1, 1.0 and 1.00 are one key), except that
// timestamps are normalised to UTC without a monotonic reading so equal
// instants are one key. The common kinds return v itself without allocating.
func groupKey(v any) any {
	switch x := v.(type) {
	case nil, int64, string, bool, value.Date:
		return v
	case time.Time:
		return x.Round(0).UTC()
	}
	if value.KindOf(v) == value.KindAny {
		// Not a value of the model (e.g. an unnormalised Go type): key it
		// by its text rather than risk an incomparable map key.
		return fmt.Sprintf("%T:%v", v, v)
	}
	return value.HashKey(v)
}

// GroupKey returns the comparable value that identifies key in the
// engine's groups: two keys are one group exactly when their GroupKeys are
// equal (1, 1.0 and 1.00 are one group; so are equal instants in different
// zones). A caller that keeps something per group, beside an [Engine], keys
// its map with it.
func GroupKey(key any) any { return groupKey(key) }

// internKey returns a copy of a group's key that does not pin the memory of
// the record it came from (strings are cloned).
func internKey(v any) any {
	if s, ok := v.(string); ok {
		return strings.Clone(s)
	}
	return v
}

// Type tags mixed into hashes so that equal bits of different kinds differ.
const (
	tagNil uint64 = 0x9e3779b97f4a7c15 + iota
	tagInt
	tagFloat
	tagString
	tagBool
	tagDate
	tagTime
	tagOther
)

// hashKey returns a 64-bit hash of a key made by groupKey. It is a fixed
// function of the key (FNV-1a and the MurmurHash3 finaliser, no per-process
// seed), so sketches and partitions agree across processes and machines.
func hashKey(k any) uint64 {
	switch x := k.(type) {
	case nil:
		return fmix64(tagNil)
	case int64:
		return fmix64(uint64(x) ^ tagInt)
	case string:
		return fmix64(fnv1a(x) ^ tagString)
	case bool:
		if x {
			return fmix64(tagBool + 1)
		}
		return fmix64(tagBool)
	case value.Date:
		return fmix64(uint64(int64(x)) ^ tagDate)
	case float64:
		return fmix64(math.Float64bits(x) ^ tagFloat)
	case time.Time:
		return fmix64(fmix64(uint64(x.Unix())^tagTime) ^ uint64(x.Nanosecond()))
	}
	// value.HashKey's own key types for decimals and records.
	return fmix64(fnv1a(fmt.Sprintf("%T%#v", k, k)) ^ tagOther)
}

func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// fmix64 is MurmurHash3's 64-bit finaliser: every input bit affects every
// output bit.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// Partition returns which of n workers a record goes to: a hash of its
// level-0 key (keys[0]) modulo n, the same in every process. All records of
// one level-0 group — and so of all its subgroups — go to the same worker,
// so every group's state is built by one worker in input order and merging
// the workers' engines ([Engine.Merge]) gives exactly the result of one
// engine. With no keys (a report without groups) or n ≤ 1 it returns 0.
func Partition(keys []any, n int) int {
	if n <= 1 || len(keys) == 0 {
		return 0
	}
	return int(hashKey(groupKey(keys[0])) % uint64(n))
}
