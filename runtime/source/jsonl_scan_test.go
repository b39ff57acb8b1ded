package source

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newScanTestDecoder is newFastTestDecoder reading only the columns a
// scanner reads (int, decimal, string, date): the others are unused.
func newScanTestDecoder() *jsonlDecoder {
	d := newFastTestDecoder()
	d.unused = []bool{false, false, false, false, true, true, true, true}
	d.fast.unused = d.unused
	return d
}

// cellValue converts a raw cell as a CSV scanner does from its bytes.
func cellValue(b []byte, kind value.Kind) (any, bool) {
	if b == nil {
		return nil, true
	}
	switch kind {
	case value.KindInt:
		i, ok := ParseInt(b)
		return i, ok
	case value.KindDecimal:
		c, s, ok := ParseDecimal(b)
		return value.NewDecimal(c, s), ok
	case value.KindDate:
		d, ok := ParseDate(b)
		return d, ok
	}
	return string(b), len(b) > 0
}

// A line whose cells the scan hands out as valid decodes, by the general
// path, to exactly the values a CSV scanner makes of those cells, with no
// error, and meets the same declared keys; the fast path takes a good
// share of the random lines.
func TestJSONLCellsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lines := 20000
	if raceEnabled {
		lines = 4000
	}
	valid := 0
	scan, general := newScanTestDecoder(), newScanTestDecoder()
	cells := make([][]byte, 8)
	for n := 0; n < lines; n++ {
		line := jsonFastLine(rng)
		ok, met := scan.fast.cells([]byte(line), cells)
		want := make([]any, 8)
		_, werr := general.general([]byte(line), want, int64(n+1))
		if !ok {
			continue
		}
		valid++
		scan.keys.meetAll(met)
		require.NoError(t, werr, "a valid line the general path refuses: %s", line)
		got := make([]any, 8)
		for i, c := range scan.cols {
			if scan.unused[i] {
				continue
			}
			v, ok := cellValue(cells[i], c.kind)
			require.True(t, ok, "cell %s of %s", c.name, line)
			got[i] = v
		}
		require.Equal(t, canonRecord(want), canonRecord(got), "record of %s", line)
		require.Equal(t, general.keys.met, scan.keys.met, "declared keys met after %s", line)
	}
	assert.Greater(t, valid, lines/10, "lines the scan takes from the bytes")
}

// Scan hands out every record Fetch reads, in order: valid ones as cells,
// the others (an escape, "" in a string column, a number in a string
// column, a bad line) to Convert, which gives Fetch's record or error.
func TestJSONLScanAsFetch(t *testing.T) {
	lines := []string{
		`{"id": 1, "name": "a", "amount": 1.50, "day": "2024-01-02"}`,
		`{"id": 2, "name": "", "amount": 2, "day": "2024-01-03"}`,
		`{"id": 3, "name": "b\"c", "amount": -0.25, "day": null}`,
		``,
		`{"id": 4, "name": 12, "amount": 1e2}`,
		`{"id": 5, "name": "d", "amount": "7.5", "day": "2024-02-30"}`,
		`{"id": 6, "name": "e", "amount": 3, "extra": true}`,
		`{"id": x}`,
		`{"id": 8, "name": "f", "amount": 9.99, "day": "2024-03-01"}`,
	}
	data := strings.Join(lines, "\n") + "\n"
	open := func(skip bool) *JSONL {
		j, err := OpenJSONL(fstest.MapFS{"t.jsonl": {Data: []byte(data)}}, "t.jsonl", JSONLConfig{Config: Config{SampleRows: 1,
			SkipErrors: skip, Types: map[string]value.Kind{"amount": value.KindDecimal, "day": value.KindDate}}})
		require.NoError(t, err)
		t.Cleanup(func() { j.Close() })
		return j
	}
	fetched := []string{}
	j := open(true)
	for after := (stream.Position{}); ; {
		ch, err := j.Fetch(context.Background(), after, 3)
		require.NoError(t, err)
		for _, r := range ch.Records {
			fetched = append(fetched, canonRecord(r))
		}
		after = ch.Next
		if ch.Done {
			break
		}
	}
	scanned, valid := []string{}, 0
	s := open(true)
	rec := make([]any, len(s.Schema().Fields))
	_, n, done, _, err := s.Scan(context.Background(), stream.Position{}, 100, func(r *RawRecord) error {
		if r.Valid {
			valid++
			for i, f := range s.Schema().Fields {
				v, ok := cellValue(r.Fields[i], f.Kind)
				require.True(t, ok, "%s of record %d", f.Name, r.Record)
				rec[i] = v
			}
		} else if err := r.Convert(rec); err != nil {
			return err
		}
		scanned = append(scanned, canonRecord(rec))
		return nil
	})
	require.NoError(t, err)
	assert.True(t, done)
	assert.Equal(t, len(fetched), n)
	assert.Equal(t, fetched, scanned)
	assert.Equal(t, 2, valid, "records 1 and 8")
	assert.Equal(t, j.Skipped(), s.Skipped(), "bad records skipped")
	assert.Equal(t, fmt.Sprint(j.Ignored()), fmt.Sprint(s.Ignored()), "keys the sample did not have")

	// Without skipping, the bad line stops the scan with Fetch's error,
	// once the records before it are handed out.
	bad := open(false)
	var after stream.Position
	for {
		var next stream.Position
		var done bool
		next, _, done, _, err = bad.Scan(context.Background(), after, 100, func(r *RawRecord) error {
			if !r.Valid {
				return r.Convert(rec)
			}
			return nil
		})
		if err != nil || done {
			break
		}
		after = next
	}
	var de *DataError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(6), de.Line, "2024-02-30 is no date")
}
