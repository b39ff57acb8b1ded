package keys

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/value"
)

// randomKey returns the values of a two-level key (a string or nil, then
// an int or a date) and its encoding.
func randomKey(r *rand.Rand) ([]any, []byte) {
	var vals []any
	var b []byte
	if r.IntN(8) == 0 {
		vals, b = append(vals, nil), AppendNil(b)
	} else {
		s := fmt.Sprintf("k%d", r.IntN(300))
		vals, b = append(vals, s), AppendString(b, []byte(s))
	}
	if r.IntN(2) == 0 {
		n := r.Int64N(2000) - 1000
		vals, b = append(vals, n), AppendInt(b, n)
	} else {
		d := value.Date(r.IntN(40))
		vals, b = append(vals, d), AppendDate(b, d)
	}
	return vals, b
}

// The index numbers keys in the order first met, finds them again with or
// without a known hash (past the few keys compared directly), and decodes
// every key to its values.
func TestIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := NewIndex()
	seen := map[string]int{}
	var values [][]any
	for range 5000 {
		vals, k := randomKey(r)
		g, h := x.Find(k)
		if want, ok := seen[string(k)]; ok {
			require.Equal(t, want, g)
			g2, _ := x.FindHash(k, x.Hash(k))
			require.Equal(t, want, g2)
			continue
		}
		require.Equal(t, -1, g)
		if len(seen) >= smallGroups {
			require.Equal(t, x.Hash(k), h, "find returns the hash to add with")
		}
		h = x.Hash(k)
		g = x.Add(k, h)
		require.Equal(t, len(seen), g)
		seen[string(k)] = g
		values = append(values, vals)
	}
	require.Equal(t, len(seen), x.Len())
	for k, g := range seen {
		assert.Equal(t, k, string(x.Key(g)))
		assert.Equal(t, values[g], Decode(nil, x.Key(g)))
	}
	assert.Positive(t, x.Bytes())

	y := NewIndex()
	y.ShareSeed(x)
	assert.Equal(t, x.Hash([]byte("abc")), y.Hash([]byte("abc")))
}

// Encoded keys sort as their values do: level by level, nil first,
// strings byte by byte, ints and dates by value; CompareLevels names the
// first level that differs.
func TestCompare(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type key struct {
		vals []any
		enc  []byte
	}
	var ks []key
	for range 400 {
		vals, enc := randomKey(r)
		if _, ok := vals[1].(value.Date); ok {
			continue // a level holds one kind: ints here
		}
		ks = append(ks, key{vals, enc})
	}
	level0 := func(v any) string {
		if v == nil {
			return ""
		}
		return "\x01" + v.(string)
	}
	byValue := func(a, b key) int {
		if c := cmp.Compare(level0(a.vals[0]), level0(b.vals[0])); c != 0 {
			return c
		}
		return cmp.Compare(a.vals[1].(int64), b.vals[1].(int64))
	}
	for i := range ks {
		for j := range ks {
			a, b := ks[i], ks[j]
			c, level := CompareLevels(a.enc, b.enc)
			require.Equal(t, byValue(a, b), c, "%v against %v", a.vals, b.vals)
			require.Equal(t, c, Compare(a.enc, b.enc))
			switch {
			case c == 0:
				assert.Equal(t, 2, level)
			case level0(a.vals[0]) != level0(b.vals[0]):
				assert.Equal(t, 0, level)
			default:
				assert.Equal(t, 1, level)
			}
		}
	}
	slices.SortFunc(ks, func(a, b key) int { return Compare(a.enc, b.enc) })
	assert.True(t, slices.IsSortedFunc(ks, byValue))
}
