package agg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/value"
)

// COUNT_DISTINCT counts the same whether its keys sit in the small slice,
// have moved to a map, or come from merges across the change, and
// equal values of different kinds count once (1, 1.0 and 1.00).
func TestDistinctSmallAndMap(t *testing.T) {
	for _, n := range []int{0, 1, distinctSmall - 1, distinctSmall, distinctSmall + 1, 3 * distinctSmall} {
		a, b, whole := &distinctAcc{}, &distinctAcc{}, &distinctAcc{}
		for i := range n {
			for _, acc := range []*distinctAcc{whole, a, b} {
				if acc == b && i%3 == 0 {
					continue
				}
				require.NoError(t, acc.Add(int64(i)))
				require.NoError(t, acc.Add(value.MustDecimal(itoa(i)+".0"))) // the same number again
			}
		}
		require.NoError(t, whole.Add(nil))
		assert.Equal(t, int64(n), whole.Result(), "n = %d", n)
		require.NoError(t, a.Merge(b))
		assert.Equal(t, int64(n), a.Result(), "merged, n = %d", n)
		assert.Equal(t, n > distinctSmall, a.set != nil, "a map past %d keys, n = %d", distinctSmall, n)
	}
}

func itoa(i int) string { return value.String(int64(i)) }
