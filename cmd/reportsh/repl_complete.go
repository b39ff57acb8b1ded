package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/reportsh/reportsh/runtime/agg"
	"github.com/reportsh/reportsh/stdlib"
)

// completionKeywords are the words completed besides names: statement and
// clause keywords, and the words of expressions.
var completionKeywords = []string{
	"report", "param", "source", "lookup", "on_error", "max_groups", "where", "let", "group",
	"header", "footer", "detail", "summary", "page_header", "page_footer", "as", "having", "order", "by", "asc", "desc",
	"limit", "sorted", "format", "label", "style", "when", "csv(", "jsonl(", "sqlite(", "and", "or", "not", "in",
	"contains", "matches", "startsWith", "endsWith", "nil", "true", "false", "skip", "fail",
}

// Complete returns the completions of the word that ends before, the text
// of the line up to the cursor: each completion is what follows the word,
// and n is the word's length in runes.
func (s *Session) Complete(before string) (completions []string, n int) {
	var word string
	var cands []string
	cmd, arg, hasArg := strings.Cut(before, " ")
	switch {
	case strings.HasPrefix(before, ":") && !hasArg:
		word = before
		for _, c := range replCommands {
			cands = append(cands, c.name+" ")
		}
	case strings.HasPrefix(before, ":") && (cmd == ":open" || cmd == ":load") && !strings.Contains(strings.TrimLeft(arg, " "), " "):
		word = strings.TrimLeft(arg, " ")
		cands = s.files(word, cmd == ":load")
	case cmd == ":format":
		word = strings.TrimLeft(arg, " ")
		cands = textFormats()
	case cmd == ":set":
		word = strings.TrimLeft(arg, " ")
		for _, p := range s.sc.params() {
			cands = append(cands, p.Name.Name+"=")
		}
	case strings.HasPrefix(before, ":"):
		return nil, 0
	default:
		i := len(before)
		for i > 0 {
			r, size := utf8.DecodeLastRuneInString(before[:i])
			if !isIdentRune(r) {
				break
			}
			i -= size
		}
		word = before[i:]
		if word == "" {
			return nil, 0
		}
		cands = s.names()
	}
	seen := map[string]bool{}
	for _, c := range cands {
		if strings.HasPrefix(c, word) && c != word && !seen[c] {
			seen[c] = true
			completions = append(completions, c[len(word):])
		}
	}
	sort.Strings(completions)
	return completions, utf8.RuneCountInString(word)
}

// names are the words completed in statements and queries: the data's
// fields, the script's lets, lookups and params, functions, aggregates (in
// upper and lower case) and keywords.
func (s *Session) names() []string {
	var ns []string
	if s.data != nil {
		ns = append(ns, s.data.schema.Names()...)
	}
	ns = append(ns, s.sc.names()...)
	for _, f := range stdlib.All() {
		ns = append(ns, f.Name+"(")
	}
	for _, a := range agg.Names() {
		ns = append(ns, strings.ToUpper(a)+"(", strings.ToLower(a)+"(")
	}
	return append(ns, completionKeywords...)
}

// files lists the paths that complete prefix, relative to the session's
// directory: directories (with a trailing slash) and data files, or scripts.
func (s *Session) files(prefix string, scripts bool) []string {
	dir, base := filepath.Split(prefix)
	entries, err := os.ReadDir(s.resolve(dir + "."))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
			continue
		}
		switch ext := strings.ToLower(filepath.Ext(name)); {
		case e.IsDir():
			out = append(out, dir+name+"/")
		case scripts && ext == ".rpt", !scripts && ext != ".rpt":
			out = append(out, dir+name+" ")
		}
	}
	return out
}
