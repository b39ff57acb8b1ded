package source

import (
	"sort"
	"sync"

	"github.com/reportsh/reportsh/runtime/value"
)

// IgnoredKeys is what a JSON lines source did not read of its records'
// keys (see [JSONL.Ignored]): the keys first met after the sample its
// columns come from, and the declared keys outside the sample that no
// record had.
type IgnoredKeys struct {
	// File names the file (JSONLConfig.Name, else the name opened).
	File string
	// Sampled is the number of records the columns were inferred from.
	Sampled int
	// Keys are the keys met after the sample that are not columns, sorted
	// by name: the first 100 met.
	Keys []KeyCount
	// More reports that more keys were ignored than Keys lists.
	More bool
	// Records counts the records that had one or more ignored keys (of
	// Keys or not), each once however often it was read; bad records,
	// reported as such, are not counted.
	Records int64
	// Unmet are the declared keys that no sampled record had and no record
	// read since has had, sorted.
	Unmet []string
}

// Empty reports whether nothing was ignored and every declared key met.
func (ig IgnoredKeys) Empty() bool { return ig.Records == 0 && len(ig.Unmet) == 0 }

// KeyCount is an ignored key and the records that had it.
type KeyCount struct {
	// Key is the key as the records spell it.
	Key string
	// Records counts the records that had the key.
	Records int64
	// Kind is the kind that holds its values (as inference would have
	// made it; nil when they were all null).
	Kind value.Kind
}

// maxIgnoredKeys bounds the ignored key names remembered.
const maxIgnoredKeys = 100

// keyLog notes the keys of the records a JSONL decoder reads that the
// sample did not have.
type keyLog struct {
	mu        sync.Mutex // guards what follows: read concurrently by Ignored
	file      string
	sampled   int
	unsampled []column // the declared columns outside the sample
	met       []bool   // per unsampled column: a record had it
	high      int64    // the last record number counted (not guarded: only the decoder uses it)
	records   int64
	keys      map[string]*KeyCount
	more      bool
}

// note takes record number rec, decoded as m, of which found keys are
// columns (those of index). Only the decoder, holding the source's lock,
// calls it: what only it reads (high, and met outside Ignored) needs no
// more.
func (l *keyLog) note(rec int64, m map[string]any, found int, index map[string]int) {
	for i, c := range l.unsampled {
		if _, ok := m[c.name]; ok {
			l.meet(i)
		}
	}
	if found == len(m) || rec <= l.high {
		return // none ignored, or counted when first read
	}
	l.high = rec
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records++
	for key, v := range m {
		if _, ok := index[key]; !ok {
			l.noteKey(key, v)
		}
	}
}

// meet notes that a record had unsampled column i.
func (l *keyLog) meet(i int) {
	if !l.met[i] {
		l.mu.Lock()
		l.met[i] = true
		l.mu.Unlock()
	}
}

// meetAll notes the unsampled columns of the bits of met.
func (l *keyLog) meetAll(met uint64) {
	for i := 0; met != 0; i++ {
		if met&1 != 0 {
			l.meet(i)
		}
		met >>= 1
	}
}

// noteKey counts an ignored key of a record, and its value's kind.
func (l *keyLog) noteKey(key string, v any) {
	kc, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= maxIgnoredKeys {
			l.more = true
			return
		}
		if l.keys == nil {
			l.keys = make(map[string]*KeyCount)
		}
		kc = &KeyCount{Key: key}
		l.keys[key] = kc
	}
	kc.Records++
	kc.Kind = value.Unify(kc.Kind, jsonKind(v))
}

// Ignored returns what the source did not read of its records' keys so
// far: the keys met after the sample that are not columns, with the
// records that had them, and the declared keys outside the sample that no
// record has had. It is safe to call concurrently with Fetch.
func (j *JSONL) Ignored() IgnoredKeys {
	l := &j.jdec.keys
	l.mu.Lock()
	defer l.mu.Unlock()
	ig := IgnoredKeys{File: l.file, Sampled: l.sampled, More: l.more, Records: l.records}
	for _, kc := range l.keys {
		ig.Keys = append(ig.Keys, *kc)
	}
	sort.Slice(ig.Keys, func(a, b int) bool { return ig.Keys[a].Key < ig.Keys[b].Key })
	for i, c := range l.unsampled {
		if !l.met[i] {
			ig.Unmet = append(ig.Unmet, c.name)
		}
	}
	return ig
}

// IgnoredKeys returns, sorted, the keys met after the sample that are not
// columns (at most 100 names; see Ignored). It is safe to call
// concurrently with Fetch.
func (j *JSONL) IgnoredKeys() []string {
	out := []string{}
	for _, kc := range j.Ignored().Keys {
		out = append(out, kc.Key)
	}
	return out
}
