package check

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/reportsh/reportsh/internal/names"
)

// suggest returns ` (did you mean "x"?)` for the closest candidate within a
// small edit distance (the first of the closest), or "".
func suggest(name string, candidates []string) string {
	if best := closest(name, candidates, false); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// closest returns the candidate closest to name within a small edit
// distance (case-insensitive), or "". Names longer than maxSuggested runes
// get none: the distance takes time in the product of the lengths. Of candidates equally close it
// returns the first, or with byName the least.
func closest(name string, candidates []string, byName bool) string {
	if utf8.RuneCountInString(name) > maxSuggested {
		return ""
	}
	best, bestD := "", 3
	if len(name) <= 3 {
		bestD = 2
	}
	lower := strings.ToLower(name)
	var dist distance
	for _, c := range candidates {
		limit := bestD // a candidate must be closer than the best so far
		if byName && best != "" && c < best {
			limit++ // or as close, and less
		}
		if !nearInLength(name, c, limit) || strings.HasPrefix(c, "__") {
			continue
		}
		if d, ok := dist.below(lower, strings.ToLower(c), limit); ok {
			best, bestD = c, d
		}
	}
	return best
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

// suggestOrListUnordered is SuggestOrList for known names in no order: the
// same as SuggestOrList of them sorted, without sorting them all (a source
// may have a million columns, and a script many unknown names).
func suggestOrListUnordered(name string, known []string) string {
	if best := closest(name, known, true); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	if len(known) == 0 {
		return ""
	}
	return " (known: " + names.ListFirst(leastNames(known, names.MaxListed), len(known)) + ")"
}

// leastNames returns the n least of list, sorted.
func leastNames(list []string, n int) []string {
	least := make([]string, 0, n+1)
	for _, s := range list {
		if len(least) == n && s >= least[n-1] {
			continue
		}
		i, _ := slices.BinarySearch(least, s)
		least = slices.Insert(least, i, s)
		if len(least) > n {
			least = least[:n]
		}
	}
	return least
}

// distance computes edit distances with rows it reuses.
type distance struct {
	prev, cur []int
	a, b      []byte
}

// below returns the Levenshtein distance between a and b, by runes, when
// it is below limit; it stops as soon as it cannot be.
func (d *distance) below(a, b string, limit int) (int, bool) {
	if isASCII(a) && isASCII(b) {
		d.a, d.b = append(d.a[:0], a...), append(d.b[:0], b...)
		return levenshtein(d, d.a, d.b, limit)
	}
	return levenshtein(d, []rune(a), []rune(b), limit)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func levenshtein[E byte | rune](d *distance, a, b []E, limit int) (int, bool) {
	n := len(b)
	if cap(d.prev) < n+1 {
		d.prev, d.cur = make([]int, n+1), make([]int, n+1)
	}
	prev, cur := d.prev[:n+1], d.cur[:n+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= n; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return 0, false // the distance is at least a row's least
		}
		prev, cur = cur, prev
	}
	return prev[n], prev[n] < limit
}

// maxSuggested is the longest name closest looks for a near miss of.
const maxSuggested = 64

// Suggest returns ` (did you mean "x"?)` for the candidate closest to name
// within a small edit distance, or "".
func Suggest(name string, candidates []string) string { return suggest(name, candidates) }
