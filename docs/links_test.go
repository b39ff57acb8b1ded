package docs

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestLinks checks the links between and within the documents: every
// #anchor must name a heading (GitHub's anchors: lower case, punctuation
// removed, spaces as hyphens, -1, -2, ... for repeats) and every relative
// path must exist.
func TestLinks(t *testing.T) {
	anchors := map[string]map[string]bool{}
	texts := map[string]string{}
	for _, doc := range []string{languageDoc, embeddingDoc} {
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		text := string(src)
		blocks, err := parseBlocks(text)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		// Blank out code blocks: their lines are neither headings nor links.
		for _, b := range blocks {
			text = text[:b.start] + strings.Repeat(" ", b.end-b.start) + text[b.end:]
		}
		texts[doc] = text
		anchors[doc] = headingAnchors(text)
	}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for doc, text := range texts {
		for _, m := range link.FindAllStringSubmatch(text, -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			if file == "" {
				file = doc
			}
			if _, err := os.Stat(file); err != nil {
				t.Errorf("%s: link %s: %v", doc, target, err)
				continue
			}
			if anchor == "" {
				continue
			}
			if a, ok := anchors[file]; !ok || !a[anchor] {
				t.Errorf("%s: link %s: no such heading", doc, target)
			}
		}
	}
}

// headingAnchors returns the anchors GitHub gives the headings of text.
func headingAnchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.TrimSpace(strings.TrimLeft(line, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(title) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			seen[a]++
			a = fmt.Sprintf("%s-%d", a, n)
		} else {
			seen[a] = 1
		}
		out[a] = true
	}
	return out
}
