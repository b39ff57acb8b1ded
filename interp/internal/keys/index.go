// Package keys encodes group keys as bytes that sort as the keys do, and
// indexes them: group numbers by encoded key, in the order first met. The
// CSV scanner and the SQLite push-down's Go aggregation group by it.
package keys

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"hash/maphash"

	"github.com/reportsh/reportsh/runtime/value"
)

// Index maps encoded group keys to group numbers (0, 1, … in the
// order first met). It holds no pointer but its slices, so the collector
// never scans its entries, and each key's bytes lie in one arena: a
// hundred thousand groups cost a few megabytes and no per-key allocation.
type Index struct {
	seed  maphash.Seed
	slots []uint64 // 0: empty; else hash's high 32 bits << 32 | group+1
	arena []byte   // the keys, one after the other
	ends  []uint32 // group g's key is arena[ends[g-1]:ends[g]]
	pre   []uint64 // the first 8 bytes of the first smallGroups keys, zero-padded
}

func NewIndex() *Index {
	return &Index{seed: maphash.MakeSeed(), slots: make([]uint64, 16)}
}

// Bytes returns what the index's slices take.
func (x *Index) Bytes() int64 {
	return int64(cap(x.slots))*8 + int64(cap(x.arena)) + int64(cap(x.ends))*4 + int64(cap(x.pre))*8
}

// SetSeed makes x (empty) hash keys with seed, so that indexes of one
// hash partition each take the same keys.
func (x *Index) SetSeed(seed maphash.Seed) { x.seed = seed }

// ShareSeed makes x hash keys as y does (x is empty), so that keys of one
// hash partition go to the same reader.
func (x *Index) ShareSeed(y *Index) { x.seed = y.seed }

// Len returns the number of groups.
func (x *Index) Len() int { return len(x.ends) }

// Key returns group g's encoded key.
func (x *Index) Key(g int) []byte {
	start := uint32(0)
	if g > 0 {
		start = x.ends[g-1]
	}
	return x.arena[start:x.ends[g]]
}

// smallGroups is the number of groups up to which find compares the key
// with each group's instead of hashing it: cheaper for a handful.
const smallGroups = 8

// Find returns the group of key k, or -1 and the hash to add it with.
func (x *Index) Find(k []byte) (int, uint64) {
	if len(x.ends) <= smallGroups {
		if g := x.findSmall(k); g >= 0 {
			return g, 0
		}
		return -1, x.Hash(k)
	}
	return x.probe(k, x.Hash(k))
}

// Hash returns key k's hash, which FindHash and Add take.
func (x *Index) Hash(k []byte) uint64 { return maphash.Bytes(x.seed, k) }

// findSmall compares key k with each group's: cheaper than hashing while
// there are at most smallGroups. It compares the keys' first eight bytes
// as one word, and the rest (rarely) only when they and the lengths match.
func (x *Index) findSmall(k []byte) int {
	kp, start := prefix8(k), uint32(0)
	for g, end := range x.ends {
		if x.pre[g] == kp && int(end-start) == len(k) && (len(k) <= 8 || string(x.arena[start+8:end]) == string(k[8:])) {
			return g
		}
		start = end
	}
	return -1
}

// FindHash is Find for a key whose hash h is known.
func (x *Index) FindHash(k []byte, h uint64) (int, uint64) {
	if len(x.ends) <= smallGroups {
		return x.findSmall(k), h
	}
	return x.probe(k, h)
}

// probe looks key k, of hash h, up in the slots.
func (x *Index) probe(k []byte, h uint64) (int, uint64) {
	tag := h >> 32
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := x.slots[i]
		if e == 0 {
			return -1, h
		}
		if e>>32 == tag {
			if g := int(uint32(e)) - 1; bytes.Equal(x.Key(g), k) {
				return g, h
			}
		}
	}
}

// prefix8 returns k's first eight bytes as a word, zero-padded.
func prefix8(k []byte) uint64 {
	if len(k) >= 8 {
		return binary.LittleEndian.Uint64(k)
	}
	var b [8]byte
	copy(b[:], k)
	return binary.LittleEndian.Uint64(b[:])
}

// Add adds key k, whose hash Find returned, as a new group and returns
// its number.
func (x *Index) Add(k []byte, h uint64) int {
	g := len(x.ends)
	x.arena = append(x.arena, k...)
	x.ends = append(x.ends, uint32(len(x.arena)))
	if g < smallGroups {
		x.pre = append(x.pre, prefix8(k))
	}
	if 2*(g+1) > len(x.slots) { // at most half full
		x.grow()
	}
	x.insert(h, g)
	return g
}

func (x *Index) insert(h uint64, g int) {
	mask := uint64(len(x.slots) - 1)
	i := h & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = h>>32<<32 | uint64(g+1)
}

func (x *Index) grow() {
	x.slots = make([]uint64, 2*len(x.slots))
	for g := range x.ends {
		x.insert(maphash.Bytes(x.seed, x.Key(g)), g)
	}
}

// Group keys are encoded one level after the other: 0 for nil; 1, the
// length as a uvarint and the bytes for a string; 2 and 8 bytes for an int;
// 3 and 8 bytes for a date (its day number).

// AppendNil appends a nil key level to b.
func AppendNil(b []byte) []byte { return append(b, 0) }

// AppendString appends a string key level to b.
func AppendString(b, s []byte) []byte {
	return append(binary.AppendUvarint(append(b, 1), uint64(len(s))), s...)
}

// AppendInt appends an int key level to b.
func AppendInt(b []byte, c int64) []byte {
	return binary.LittleEndian.AppendUint64(append(b, 2), uint64(c))
}

// AppendDate appends a date key level to b.
func AppendDate(b []byte, d value.Date) []byte {
	return binary.LittleEndian.AppendUint64(append(b, 3), uint64(d))
}

// Decode appends the values of an encoded key to dst.
func Decode(dst []any, k []byte) []any {
	for len(k) > 0 {
		switch k[0] {
		case 0:
			dst = append(dst, nil)
			k = k[1:]
		case 1:
			n, w := binary.Uvarint(k[1:])
			start := 1 + w
			dst = append(dst, string(k[start:start+int(n)]))
			k = k[start+int(n):]
		case 2:
			dst = append(dst, int64(binary.LittleEndian.Uint64(k[1:9])))
			k = k[9:]
		default:
			dst = append(dst, value.Date(binary.LittleEndian.Uint64(k[1:9])))
			k = k[9:]
		}
	}
	return dst
}

// Compare orders two encoded keys of the same levels: level by level,
// nil first, strings byte by byte, ints by value.
func Compare(a, b []byte) int {
	c, _ := CompareLevels(a, b)
	return c
}

// CompareLevels is Compare, and the first level where a and b differ
// (their number of levels when they are equal).
func CompareLevels(a, b []byte) (c, level int) {
	for ; len(a) > 0 && len(b) > 0; level++ {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c, level // nil (0) first; a level's values are all strings, ints or dates
		}
		switch a[0] {
		case 0:
			a, b = a[1:], b[1:]
		case 1:
			na, wa := binary.Uvarint(a[1:])
			nb, wb := binary.Uvarint(b[1:])
			sa, sb := a[1+wa:1+wa+int(na)], b[1+wb:1+wb+int(nb)]
			if c := bytes.Compare(sa, sb); c != 0 {
				return c, level
			}
			a, b = a[1+wa+int(na):], b[1+wb+int(nb):]
		default:
			x, y := int64(binary.LittleEndian.Uint64(a[1:9])), int64(binary.LittleEndian.Uint64(b[1:9]))
			if c := cmp.Compare(x, y); c != 0 {
				return c, level
			}
			a, b = a[9:], b[9:]
		}
	}
	return 0, level
}
