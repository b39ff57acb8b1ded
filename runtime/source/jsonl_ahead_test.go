package source

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// jsonlAheadFile is a JSON lines file of n lines: mostly flat records of
// every kind, with blank lines, CRLF endings, nested values, escapes,
// unknown and repeated keys, bad values and bad JSON among them.
func jsonlAheadFile(n int) []byte {
	rng := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	b.WriteString(`{"id":0,"k":"a","x":1.50,"d":"2024-01-02","ok":true,"late":null}` + "\n")
	odd := []string{
		"", "   ", `{"id":%d,"k":"é\u00e9","x":2.25,"d":"2024-02-29","ok":false}`, `{"id":%d,"k":{"n":1},"x":1}`,
		`{"id":%d,"k":"a\"b","x":1}`, `{"id":%d,"zz":1,"x":1}`, `{"id":%d,"id":2}`, `{"id":%d,"x":"oops"}`,
		`{"id":%d,"d":"2024-02-30"}`, `{"id":%d,`, `[%d]`, `{"id":%d,"late":7}`, `{"id":%d,"x":1e400}`, "{\"id\":%d,\"k\":\"\xff\"}",
	}
	for i := 1; i < n; i++ {
		line := fmt.Sprintf(`{"id":%d,"k":"k%d","x":%d.%02d,"d":"2024-03-%02d","ok":%v}`, i, i%7, i%500, i%100, 1+i%28, i%3 == 0)
		if rng.IntN(20) == 0 {
			line = odd[rng.IntN(len(odd))]
			if strings.Contains(line, "%d") {
				line = fmt.Sprintf(line, i)
			}
		}
		if rng.IntN(50) == 0 {
			line += "\r"
		}
		b.WriteString(line + "\n")
	}
	return []byte(b.String())
}

// readJSONLAhead reads data with procs goroutines decoding ahead, skipping
// bad records, and returns what a consumer sees: the records, the errors
// in order, what was ignored.
func readJSONLAhead(t *testing.T, data []byte, procs int, skip bool) (recs []string, errs []string, ignored string) {
	t.Helper()
	cfg := JSONLConfig{Config: Config{SampleRows: 1, SkipErrors: skip,
		Types:  map[string]value.Kind{"late": value.KindInt},
		OnSkip: func(de *DataError) { errs = append(errs, de.Error()) }}}
	j, err := OpenJSONL(fstest.MapFS{"a.jsonl": {Data: data}}, "a.jsonl", cfg)
	require.NoError(t, err)
	defer j.Close()
	j.jdec.ahead.procs = procs
	var pos stream.Position
	for {
		chunk, err := j.Fetch(context.Background(), pos, 700)
		if err != nil {
			errs = append(errs, "stop: "+err.Error())
			break
		}
		for _, r := range chunk.Records {
			recs = append(recs, canonRecord(r))
		}
		pos = chunk.Next
		if chunk.Done {
			break
		}
	}
	return recs, errs, fmt.Sprintf("%+v", j.Ignored())
}

// Lines decoded ahead on several goroutines give what one goroutine
// reading them one by one gives: the same records, the same errors in the
// same order, skipped or stopping the read, the same keys noted.
func TestJSONLAheadSameRecords(t *testing.T) {
	data := jsonlAheadFile(20000)
	for _, skip := range []bool{true, false} {
		wantRecs, wantErrs, wantIgnored := readJSONLAhead(t, data, 1, skip)
		for _, procs := range []int{2, 4} {
			recs, errs, ignored := readJSONLAhead(t, data, procs, skip)
			assert.Equal(t, wantRecs, recs, "skip %v, procs %d", skip, procs)
			assert.Equal(t, wantErrs, errs, "skip %v, procs %d", skip, procs)
			assert.Equal(t, wantIgnored, ignored, "skip %v, procs %d", skip, procs)
		}
		if skip {
			assert.Greater(t, len(wantRecs), 18000)
			assert.Greater(t, len(wantErrs), 100, "bad records met")
		} else {
			require.NotEmpty(t, wantErrs)
			assert.Contains(t, wantErrs[len(wantErrs)-1], "stop: ")
		}
	}
}

// A panic on a goroutine decoding ahead leaves its lines to the general
// path instead of ending the process.
func TestJSONLAheadPanicLeavesLines(t *testing.T) {
	f := &jsonlFast{cols: []column{{name: "a"}}, index: map[string]int{"a": 5}} // no column 5: scanFlat panics
	items := []aheadItem{{line: []byte(`{"a":1}`), vals: make([]any, 1)}, {line: []byte(`{"a":2}`), vals: make([]any, 1)}}
	assert.NotPanics(t, func() { decodeItems(f, items) })
	for _, it := range items {
		assert.False(t, it.ok)
	}
}
