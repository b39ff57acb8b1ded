package plan

import (
	"fmt"
	"slices"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// What a JSON lines source did not read of its records' keys, as warnings.

// KeyWarnings are the warnings for what a JSON lines source did not read
// (see source.IgnoredKeys); columns are the source's columns:
//
//	e.jsonl: 2 keys first met after the 100 sampled records were ignored, in 57 records: "late", "later"; to read them, declare them (jsonl("e.jsonl") { late: int, later: string }) or sample more records (sample: N)
//	e.jsonl: declared key "lat" is in no record (did you mean "late"?)
func KeyWarnings(ig source.IgnoredKeys, columns []string) []string {
	var out []string
	keys := make([]string, len(ig.Keys))
	for i, kc := range ig.Keys {
		keys[i] = kc.Key
	}
	if ig.Records > 0 {
		out = append(out, ignoredWarning(ig, keys))
	}
	if len(ig.Unmet) > 0 {
		var known []string // the keys met: the columns but those unmet, and the ignored keys
		for _, c := range columns {
			if !slices.Contains(ig.Unmet, c) {
				known = append(known, c)
			}
		}
		known = append(known, keys...)
		hint := func(k string) string { return names.Quote(k) + check.Suggest(k, known) }
		if k := ig.Unmet[0]; len(ig.Unmet) == 1 {
			out = append(out, fmt.Sprintf("%s: declared key %s is in no record%s", ig.File, names.Quote(k), check.Suggest(k, known)))
		} else {
			out = append(out, fmt.Sprintf("%s: declared keys in no record: %s", ig.File, names.ListFunc(ig.Unmet, hint)))
		}
	}
	return out
}

// ignoredWarning says which keys were ignored, in how many records, and
// how to read them.
func ignoredWarning(ig source.IgnoredKeys, keys []string) string {
	one := len(ig.Keys) == 1 && !ig.More
	count := names.Thousands(int64(len(ig.Keys)))
	if ig.More {
		count = "more than " + count
	}
	them := "them"
	if one {
		them = "it"
	}
	msg := fmt.Sprintf("%s: %s %s first met after the %s sampled %s %s ignored, in %s %s: %s; to read %s, ",
		ig.File, count, plural(!one, "key", "keys"), names.Thousands(int64(ig.Sampled)), plural(ig.Sampled != 1, "record", "records"),
		plural(!one, "was", "were"), names.Thousands(ig.Records), plural(ig.Records != 1, "record", "records"),
		names.ListQuoted(keys), them)
	var decl []source.KeyCount
	for _, kc := range ig.Keys {
		if grammar.IsIdent(kc.Key) {
			decl = append(decl, kc)
		}
	}
	if len(decl) > 0 {
		fields := make([]string, len(decl))
		for i, kc := range decl {
			fields[i] = kc.Key + ": " + declaredType(kc.Kind)
		}
		msg += fmt.Sprintf("declare %s (jsonl(%q) { %s }) or ", them, ig.File, names.ListFunc(fields, names.Cut))
	}
	return msg + "sample more records (sample: N)"
}

// declaredType names the type to declare a key of values of kind k.
func declaredType(k value.Kind) string {
	switch k {
	case value.KindNil:
		return "string"
	case value.KindRecord:
		return "any"
	}
	return k.String()
}

func plural(many bool, one, more string) string {
	if many {
		return more
	}
	return one
}
