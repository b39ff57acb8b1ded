// Package names renders the names of columns, fields and other things in
// messages, cut to what a person can read: a data file controls the names
// of its columns, and a header of 50 MB must not make an error of 50 MB.
package names

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// MaxListed is the number of names List shows.
	MaxListed = 10
	// MaxBytes is the number of bytes of a name Cut keeps.
	MaxBytes = 40
)

// Cut returns name cut to MaxBytes bytes (at a rune boundary) with "…"
// appended, or name itself when it is not longer.
func Cut(name string) string {
	if len(name) <= MaxBytes {
		return name
	}
	i := MaxBytes
	for i > 0 && !utf8.RuneStart(name[i]) {
		i--
	}
	return name[:i] + "…"
}

// Quote returns Cut(name) quoted as a Go string; a cut name's "…" is
// outside the quotes: "averyveryverylong…"… reads as a name that goes on.
func Quote(name string) string {
	if len(name) <= MaxBytes {
		return strconv.Quote(name)
	}
	c := Cut(name)
	return strconv.Quote(strings.TrimSuffix(c, "…")) + "…"
}

// List joins the first MaxListed names, each cut, with ", ", and says how
// many more there are: "a, b, c, … and 1,234 more".
func List(list []string) string {
	return ListFunc(list, Cut)
}

// ListQuoted is List with every name quoted (see Quote).
func ListQuoted(list []string) string {
	return ListFunc(list, Quote)
}

// ListFunc is List with each name rendered by render.
func ListFunc(list []string, render func(string) string) string {
	return listOf(list, len(list), render)
}

// ListFirst is List of a list of total names whose first ones are first
// (the caller need not hold them all).
func ListFirst(first []string, total int) string {
	return listOf(first, total, Cut)
}

func listOf(list []string, total int, render func(string) string) string {
	var b strings.Builder
	for i, n := range list[:min(len(list), MaxListed)] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(render(n))
	}
	if more := total - min(len(list), MaxListed); more > 0 {
		b.WriteString(", … and ")
		b.WriteString(Thousands(int64(more)))
		b.WriteString(" more")
	}
	return b.String()
}

// Thousands renders n with commas between groups of three digits.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
