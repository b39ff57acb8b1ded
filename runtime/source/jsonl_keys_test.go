package source

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lateKeys has a key in its sample (a) and keys first met after a sample
// of one record: late (in two records), later (in one).
const lateKeys = `{"a": 1}` + "\n" + `{"a": 2, "late": 3, "later": "x"}` + "\n" + `{"late": 5.5}` + "\n" + `{"a": 4}` + "\n"

// Issue 15 item 23: the keys a JSON lines source ignores (first met after
// the sample) are counted with the records that have them, each record
// once however often a restart reads it again, whatever the fetch size.
func TestJSONLIgnoredKeysCounted(t *testing.T) {
	for _, n := range []int{1, 2, 10} {
		j := openJSONL(t, lateKeys, JSONLConfig{Config: Config{SampleRows: 1}, Name: "k.jsonl"})
		equalRecords(t, fetchAll(t, j, n), []value.Record{{int64(1)}, {int64(2)}, {nil}, {int64(4)}})
		fetchAll(t, j, n)                                                      // read again from the start
		_, err := j.Fetch(context.Background(), stream.Position{Offset: 2}, 1) // a seek by counting
		require.NoError(t, err)
		assert.Equal(t, IgnoredKeys{File: "k.jsonl", Sampled: 1, Records: 2, Keys: []KeyCount{
			{Key: "late", Records: 2, Kind: value.KindDecimal},
			{Key: "later", Records: 1, Kind: value.KindString},
		}}, j.Ignored(), "fetches of %d", n)
		assert.Equal(t, []string{"late", "later"}, j.IgnoredKeys())
	}
	// Sampled whole, nothing is ignored.
	j := openJSONL(t, lateKeys, JSONLConfig{})
	fetchAll(t, j, 10)
	assert.Equal(t, IgnoredKeys{File: "sales.jsonl", Sampled: 4}, j.Ignored())
	assert.Equal(t, []string{"a", "late", "later"}, fieldNames(j.Schema()))
}

// Issue 15 item 23: the names kept are bounded; the records are all counted.
func TestJSONLIgnoredKeysBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"a": 1}` + "\n")
	for i := range maxIgnoredKeys + 50 {
		fmt.Fprintf(&b, `{"a": 1, "k%03d": %d}`+"\n", i, i)
	}
	j := openJSONL(t, b.String(), JSONLConfig{Config: Config{SampleRows: 1}})
	fetchAll(t, j, 7)
	ig := j.Ignored()
	assert.Len(t, ig.Keys, maxIgnoredKeys)
	assert.True(t, ig.More)
	assert.Equal(t, int64(maxIgnoredKeys+50), ig.Records)
	assert.Equal(t, "k000", ig.Keys[0].Key)
}

// Issue 15 item 23: a declared key that is not in the sample is a column
// all the same, read from the records that have it; a declared key no
// record had is listed as unmet. A file the sample read whole has no such
// key: declaring one is an error (a typo, most likely).
func TestJSONLDeclaredAfterSample(t *testing.T) {
	types := map[string]value.Kind{"late": value.KindDecimal, "never": value.KindInt}
	j := openJSONL(t, lateKeys, JSONLConfig{Config: Config{SampleRows: 1, Types: types}})
	assert.Equal(t, "a:int late:decimal never:int", kinds(j.Schema()))
	three, five := value.MustDecimal("3"), value.MustDecimal("5.5")
	equalRecords(t, fetchAll(t, j, 3), []value.Record{{int64(1), nil, nil}, {int64(2), three, nil}, {nil, five, nil}, {int64(4), nil, nil}})
	assert.Equal(t, IgnoredKeys{File: "sales.jsonl", Sampled: 1, Records: 1, Keys: []KeyCount{{Key: "later", Records: 1, Kind: value.KindString}},
		Unmet: []string{"never"}}, j.Ignored())

	// A sample that is the whole file: an error, as before.
	_, err := OpenJSONL(fstest.MapFS{"s.jsonl": {Data: []byte(lateKeys)}}, "s.jsonl", JSONLConfig{Config: Config{Types: map[string]value.Kind{"lat": value.KindInt}}})
	require.EqualError(t, err, `s.jsonl: declared column "lat" not found (did you mean "late"?); columns: a, late, later`)
	// So is one of exactly the sample's size (what follows is blank).
	_, err = OpenJSONL(fstest.MapFS{"s.jsonl": {Data: []byte(lateKeys + "\n \n")}}, "s.jsonl", JSONLConfig{Config: Config{SampleRows: 4, Types: map[string]value.Kind{"lat": value.KindInt}}})
	require.Error(t, err)
}

func fieldNames(s *value.Schema) []string {
	var out []string
	for _, f := range s.Fields {
		out = append(out, f.Name)
	}
	return out
}
