package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 15 item 23: a key of a JSON lines file first met after the 100
// sampled records is not lost silently: run says on stderr (unless -q)
// which keys were ignored, in how many records, and how to read them;
// --stats counts the records; declared, the key is read.
func TestRunJSONLIgnoredKeys(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 120 {
		if i == 109 || i == 115 {
			fmt.Fprintf(&b, `{"id": %d, "note": "n%d"}`+"\n", i, i)
			continue
		}
		fmt.Fprintf(&b, `{"id": %d}`+"\n", i)
	}
	writeScript(t, dir, "data.jsonl", b.String())
	script := writeScript(t, dir, "r.rpt", `source jsonl("data.jsonl")
summary { n: COUNT() }
`)
	warning := `reportsh: data.jsonl: 1 key first met after the 100 sampled records was ignored, in 2 records: "note"; ` +
		`to read it, declare it (jsonl("data.jsonl") { note: string }) or sample more records (sample: N)` + "\n"

	code, out, errs := runCLI(t, "run", script, "-f", "csv")
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, "band,level,n\nsummary,,120\n", out)
	assert.Equal(t, warning, errs)

	code, out, errs = runCLI(t, "run", script) // the report's totals say it too
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, "\nwarning: "+strings.TrimPrefix(warning, "reportsh: "))

	code, _, errs = runCLI(t, "run", script, "-q", "-f", "csv")
	require.Equal(t, exitOK, code, errs)
	assert.Empty(t, errs)

	code, _, errs = runCLI(t, "run", script, "-q", "-f", "csv", "--stats")
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, errs, "0 skipped, 0 rejected, 2 with ignored keys\n")

	declared := writeScript(t, dir, "d.rpt", `source jsonl("data.jsonl") { note: string }
summary { n: COUNT(note), last: MAX(note) }
`)
	code, out, errs = runCLI(t, "run", declared, "-f", "csv")
	require.Equal(t, exitOK, code, errs)
	assert.Equal(t, "band,level,n,last\nsummary,,2,n115\n", out)
	assert.Empty(t, errs)
}

// Issue 15 item 23, in the REPL: a query warns of the keys its JSON lines
// source ignored, and :schema and :head show the columns the run reads,
// inferred from the sample the source statement sets (they used the
// default sample, showing a key the run ignores).
func TestReplJSONLIgnoredKeys(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "e.jsonl", `{"a": 1}`+"\n"+`{"a": 2, "late": 3}`+"\n")
	got := transcript(t, dir, `source jsonl("e.jsonl", sample: 1)`, ":schema", ":head 5", "COUNT()")
	want := `rpt> source jsonl("e.jsonl", sample: 1)
rpt> :schema
field  type  sample
a      int   1
rpt> :head 5
a
1
2
rpt> COUNT()
warning: e.jsonl: 1 key first met after the 1 sampled record was ignored, in 1 record: "late"; to read it, declare it (jsonl("e.jsonl") { late: int }) or sample more records (sample: N)
2 (int)
`
	checkTranscript(t, got, want)
}
