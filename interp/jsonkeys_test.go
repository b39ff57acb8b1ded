package interp

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lateJSONL samples two records (sample: 2); late and later are met after.
var lateJSONL = map[string]string{"e.jsonl": `{"g": "x", "a": 1}
{"g": "y", "a": 2}
{"g": "x", "a": 3, "late": 10}
{"g": "y", "late": 20, "later": "s"}
{"g": "x", "a": 5}
`}

// Issue 15 item 23: the keys of a JSON lines file first met after the
// sample are not lost silently: the result lists them with the records that
// had them, and a warning in the totals says how to read them; the same
// under every strategy that runs the report, worker count and chunk size.
func TestJSONLIgnoredKeysReported(t *testing.T) {
	t.Parallel() // its own data and programs
	script := `source jsonl("e.jsonl", sample: 2)
group g {
  group a { footer { a, n: COUNT() } }
  footer { g, n: COUNT(), s: SUM(a) }
}`
	want := []IgnoredKeys{{File: "e.jsonl", Sampled: 2, Records: 2, Keys: []KeyCount{
		{Key: "late", Records: 2, Kind: value.KindInt}, {Key: "later", Records: 1, Kind: value.KindString}}}}
	warning := `e.jsonl: 2 keys first met after the 2 sampled records were ignored, in 2 records: "late", "later"; ` +
		`to read them, declare them (jsonl("e.jsonl") { late: int, later: string }) or sample more records (sample: N)`
	p, err := compileFS(t, script, lateJSONL)
	require.NoError(t, err)
	ran := map[Strategy]bool{}
	var first string
	for _, s := range Strategies {
		for _, rc := range []RunConfig{{Workers: 1, ChunkSize: 1}, {Workers: 3, ChunkSize: 2}, {Workers: 2, ChunkSize: 1000}} {
			var out bytes.Buffer
			rc.Strategy, rc.Output, rc.Format = s, &out, FormatText
			res, err := p.Run(context.Background(), &rc)
			var se *StrategyError
			if errors.As(err, &se) {
				continue
			}
			require.NoError(t, err, "%s %+v", s, rc)
			ran[res.Strategy] = true
			assert.Equal(t, want, res.IgnoredKeys, "%s", s)
			assert.Equal(t, []string{warning}, res.Totals.Warnings, "%s", s)
			if first == "" {
				first = out.String()
			}
			assert.Equal(t, first, out.String(), "%s %+v", s, rc)
		}
	}
	assert.True(t, ran[StrategyPipeline] && ran[StrategyParallel], "strategies run: %v", ran)
	assert.Contains(t, first, "warning: "+warning+"\n")
}

// Issue 15 item 23: a key declared in the script is read even when the
// sample does not have it; one that no record has is a warning (a typo,
// likely), not an empty column in silence.
func TestJSONLDeclaredKeyAfterSample(t *testing.T) {
	out, res := mustRun(t, `source jsonl("e.jsonl", sample: 2) { late: int, later: string }
summary { n: COUNT(), late: SUM(late), later: MAX(later) }`, lateJSONL, nil)
	assert.Equal(t, "band,level,n,late,later\nsummary,,5,30,s\n", out)
	assert.Empty(t, res.IgnoredKeys)
	assert.Empty(t, res.Totals.Warnings)

	out, res = mustRun(t, `source jsonl("e.jsonl", sample: 2) { lat: int }
summary { n: COUNT(), late: SUM(lat) }`, lateJSONL, nil)
	assert.Equal(t, "band,level,n,late\nsummary,,5,\n", out)
	require.Len(t, res.IgnoredKeys, 1)
	assert.Equal(t, []string{"lat"}, res.IgnoredKeys[0].Unmet)
	assert.Equal(t, []string{
		`e.jsonl: 2 keys first met after the 2 sampled records were ignored, in 2 records: "late", "later"; ` +
			`to read them, declare them (jsonl("e.jsonl") { late: int, later: string }) or sample more records (sample: N)`,
		`e.jsonl: declared key "lat" is in no record (did you mean "late"?)`,
	}, res.Totals.Warnings)

	// Sampled whole, the file has no such key: an error, as before.
	_, err := compileFS(t, `source jsonl("e.jsonl") { lat: int }
summary { n: COUNT() }`, lateJSONL)
	require.ErrorContains(t, err, `e.jsonl: declared column "lat" not found (did you mean "late"?)`)
}

// Issue 15 item 23: a JSON lines lookup's ignored keys are reported too,
// after the main source's.
func TestJSONLLookupIgnoredKeys(t *testing.T) {
	files := map[string]string{
		"m.csv":   "id\n1\n2\n",
		"l.jsonl": `{"id": 1, "name": "a"}` + "\n" + `{"id": 2, "name": "b", "extra": true}` + "\n",
	}
	_, res := mustRun(t, `source csv("m.csv")
lookup l = jsonl("l.jsonl", sample: 1) on id == id
summary { n: COUNT() }`, files, nil)
	require.Len(t, res.IgnoredKeys, 1)
	assert.Equal(t, "l.jsonl", res.IgnoredKeys[0].File)
	assert.Equal(t, []string{`l.jsonl: 1 key first met after the 1 sampled record was ignored, in 1 record: "extra"; ` +
		`to read it, declare it (jsonl("l.jsonl") { extra: bool }) or sample more records (sample: N)`}, res.Totals.Warnings)
}
