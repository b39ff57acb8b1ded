package check

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// suggest returns ` (did you mean "x"?)` for the closest candidate within a
// small edit distance, or "".
// Names longer than maxSuggested runes get no suggestion: the distance
// takes time in the product of the lengths.
func suggest(name string, candidates []string) string {
	n := utf8.RuneCountInString(name)
	if n > maxSuggested {
		return ""
	}
	best, bestD := "", 3
	if len(name) <= 3 {
		bestD = 2
	}
	for _, c := range candidates {
		if strings.HasPrefix(c, "__") {
			continue
		}
		if diff := utf8.RuneCountInString(c) - n; diff >= bestD || -diff >= bestD {
			continue // the distance is at least the difference in length
		}
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// SuggestOrList suggests the closest name or else lists the known ones.
func SuggestOrList(name string, known []string) string {
	if s := suggest(name, known); s != "" {
		return s
	}
	if len(known) == 0 {
		return ""
	}
	return fmt.Sprintf(" (known: %s)", readableList(known))
}

// maxListed is how many names a message lists.
const maxListed = 15

// maxSuggested is the longest name suggest looks for a near miss of.
const maxSuggested = 64

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
