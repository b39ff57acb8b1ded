package check

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Issue 15 item 19: the names of an unknown field's scope are listed and
// suggested from without sorting them all, as if they were sorted; a
// megabyte name costs no edit distance.
func TestSuggestOrListUnordered(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"amount", "amout", "Amount", "mount", "count", "id", "ids", "i", "größe", "grösse", "a", "b", "ab", "ba"}
	for range 200 {
		var known []string
		for range 1 + rng.IntN(20) {
			known = append(known, words[rng.IntN(len(words))]+strings.Repeat("x", rng.IntN(2)))
		}
		sorted := slices.Sorted(slices.Values(known))
		for _, name := range []string{"amont", "ix", "grosse", "zzz", "c", "abx"} {
			assert.Equal(t, SuggestOrList(name, sorted), suggestOrListUnordered(name, known), "%s in %v", name, known)
		}
	}
	var many []string
	for i := range 20000 {
		many = append(many, fmt.Sprintf("c%d", i))
	}
	many = append(many, strings.Repeat("x", 1<<20))
	rng.Shuffle(len(many), func(i, j int) { many[i], many[j] = many[j], many[i] })
	assert.Equal(t, " (known: c0, c1, c10, c100, c1000, c10000, c10001, c10002, c10003, c10004, … and 19,991 more)",
		suggestOrListUnordered("nosuch", many))
	assert.Equal(t, ` (did you mean "c12345"?)`, suggestOrListUnordered("c12345x", many))
}
