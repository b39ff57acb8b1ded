package check

import (
	"strconv"
	"testing"
)

// Issue 15 item 16 (sibling): patterns that change per record must not
// grow the process's regexp cache without bound.
func TestRegexCacheBounded(t *testing.T) {
	matches := operatorFuncs["__matches"]
	for i := range maxRegexCache + 100 {
		p := "^x" + strconv.Itoa(i) + "$"
		got, err := matches("x"+strconv.Itoa(i), p)
		if err != nil || got != true {
			t.Fatalf("%q matches %q = %v, %v", "x"+strconv.Itoa(i), p, got, err)
		}
	}
	if n := regexCached.Load(); n > maxRegexCache {
		t.Errorf("regexp cache holds %d patterns, want at most %d", n, maxRegexCache)
	}
	n := 0
	regexCache.Range(func(any, any) bool { n++; return true })
	if n > maxRegexCache {
		t.Errorf("regexp cache holds %d patterns, want at most %d", n, maxRegexCache)
	}
}
