package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// topScan walks s as the script's lexer would and calls fn with the byte
// offset of every rune outside strings and comments, and the bracket depth
// ((, [ and { together) before it. fn returns false to stop. topScan returns
// the depth at the end and whether s ends inside a raw (`...`) string, the
// only kind of string that may span lines.
func topScan(s string, fn func(i int, r rune, depth int) bool) (depth int, inRaw bool) {
	parens := 0 // ( and [ only: inside them '#' is not a comment
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\'':
			i += size
			for i < len(s) && s[i] != byte(r) && s[i] != '\n' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			i++
			continue
		case r == '`':
			end := strings.IndexByte(s[i+1:], '`')
			if end < 0 {
				return depth, true
			}
			i += end + 2
			continue
		case r == '/' && strings.HasPrefix(s[i:], "//"), r == '#' && parens == 0:
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				return depth, false
			}
			i += end
			continue
		}
		if fn != nil && !fn(i, r, depth) {
			return depth, false
		}
		switch r {
		case '(', '[':
			parens++
			depth++
		case '{':
			depth++
		case ')', ']':
			parens = max(parens-1, 0)
			depth--
		case '}':
			depth--
		}
		i += size
	}
	return depth, false
}

// needsMore reports whether input is an unfinished statement: a bracket or a
// raw string is still open.
func needsMore(input string) bool {
	depth, inRaw := topScan(input, nil)
	return depth > 0 || inRaw
}

// isIdentRune reports whether r may be part of a name.
func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// firstWord returns the leading name of s (after spaces), or "".
func firstWord(s string) string {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	end := strings.IndexFunc(s, func(r rune) bool { return !isIdentRune(r) })
	if end < 0 {
		return s
	}
	return s[:end]
}

// wordAt reports whether the name word starts at byte i of s and is not
// part of a longer name.
func wordAt(s string, i int, word string) bool {
	if !strings.HasPrefix(s[i:], word) {
		return false
	}
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); isIdentRune(r) {
			return false
		}
	}
	if j := i + len(word); j < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[j:]); isIdentRune(r) {
			return false
		}
	}
	return true
}

// whereSplit finds the ':' that ends the condition of a quick query's
// `where COND: QUERY` prefix: the first one outside brackets, strings and
// comments that does not belong to a `c ? a : b` conditional. It returns -1
// when there is none.
func whereSplit(s string) int {
	pending, at := 0, -1 // pending: '?' of conditionals still waiting for their ':'
	topScan(s, func(i int, r rune, depth int) bool {
		if depth > 0 {
			return true
		}
		switch r {
		case '?':
			prev := i > 0 && s[i-1] == '?'
			next := i+1 < len(s) && (s[i+1] == '?' || s[i+1] == '.')
			if !prev && !next {
				pending++
			}
		case ':':
			if pending > 0 {
				pending--
				return true
			}
			at = i
			return false
		}
		return true
	})
	return at
}

// lastBy returns the byte offset of the last `by` outside brackets, strings
// and comments, or -1.
func lastBy(s string) int {
	at := -1
	topScan(s, func(i int, r rune, depth int) bool {
		if depth == 0 && r == 'b' && wordAt(s, i, "by") {
			at = i
		}
		return true
	})
	return at
}

// span is a piece of a larger text: its text and its byte offset there.
type span struct {
	text string
	off  int
}

// splitTop splits the part of s that starts at byte off at its commas
// outside brackets, strings and comments, trimming spaces around each part.
func splitTop(s string, off int) []span {
	var parts []span
	start := 0
	topScan(s, func(i int, r rune, depth int) bool {
		if depth == 0 && r == ',' {
			parts = append(parts, trimSpan(s[start:i], off+start))
			start = i + 1
		}
		return true
	})
	return append(parts, trimSpan(s[start:], off+start))
}

// trimSpan trims the spaces around text, which starts at byte off.
func trimSpan(text string, off int) span {
	lead := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	return span{text: strings.TrimRightFunc(text[lead:], unicode.IsSpace), off: off + lead}
}

// callsAggregate reports whether the expression calls one of the named
// aggregates (matched case-insensitively), such as SUM(...).
func callsAggregate(expr string, aggs map[string]bool) bool {
	found := false
	topScan(expr, func(i int, r rune, _ int) bool {
		if !isIdentRune(r) {
			return true
		}
		if prev, _ := utf8.DecodeLastRuneInString(expr[:i]); i > 0 && isIdentRune(prev) {
			return true
		}
		end := i + strings.IndexFunc(expr[i:], func(r rune) bool { return !isIdentRune(r) })
		if end < i {
			return true
		}
		rest := strings.TrimLeftFunc(expr[end:], unicode.IsSpace)
		if strings.HasPrefix(rest, "(") && aggs[strings.ToUpper(expr[i:end])] {
			found = true
			return false
		}
		return true
	})
	return found
}
