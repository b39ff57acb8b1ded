package check

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/reportsh/reportsh/internal/names"
)

// suggest returns ` (did you mean "x"?)` for the closest candidate within a
// small edit distance, or "".
func suggest(name string, candidates []string) string {
	best, bestD := "", 3
	if len(name) <= 3 {
		bestD = 2
	}
	for _, c := range candidates {
		if strings.HasPrefix(c, "__") || !nearInLength(name, c, bestD) {
			continue
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

// nearInLength reports whether a and b may be within edit distance d,
// judging by their lengths alone: the distance of two strings is at least
// the difference of their lengths in runes, and a rune is 1 to 4 bytes.
// It spares computing the distance to a name of megabytes.
func nearInLength(a, b string, d int) bool {
	return len(b)/utf8.UTFMax-len(a) < d && len(a)/utf8.UTFMax-len(b) < d
}

// SuggestOrList suggests the closest name or else lists the known ones
// (the first few, each cut: see names.List).
func SuggestOrList(name string, known []string) string {
	if s := suggest(name, known); s != "" {
		return s
	}
	if len(known) == 0 {
		return ""
	}
	return " (known: " + names.List(known) + ")"
}

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
