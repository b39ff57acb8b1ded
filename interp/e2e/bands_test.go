package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/render"
)

// Issue 15's report semantics: group limits, input order, detail bands
// with held groups, footer running totals and skipped-record warnings,
// each checked under every strategy, worker count and chunk size.

// everyWay compiles script over files and runs it in format under every
// strategy that can run it, with 1 and 3 workers and chunks of 1, 7 and
// 1000 records; every run must give the pipeline's output, which it
// returns with the pipeline's result (its events collected).
func everyWay(t *testing.T, files fstest.MapFS, script string, format interp.Format) (string, *interp.Result) {
	t.Helper()
	p, err := interp.Compile(context.Background(), "t.rpt", []byte(script), &interp.Options{FS: files})
	require.NoError(t, err)
	run := func(s interp.Strategy, workers, chunk int) (string, *interp.Result, error) {
		var out bytes.Buffer
		rc := interp.RunConfig{Output: &out, Format: format, Strategy: s, Workers: workers, ChunkSize: chunk, Collect: true}
		res, err := p.Run(context.Background(), &rc)
		return out.String(), res, err
	}
	want, res, err := run(interp.StrategyPipeline, 1, 1000)
	require.NoError(t, err)
	for _, s := range interp.Strategies {
		for _, w := range []int{1, 3} {
			for _, c := range []int{1, 7, 1000} {
				got, _, err := run(s, w, c)
				var se *interp.StrategyError
				if errors.As(err, &se) {
					continue // the strategy cannot run this report
				}
				require.NoError(t, err, "%s, %d workers, chunks of %d", s, w, c)
				require.Equal(t, want, got, "%s, %d workers, chunks of %d", s, w, c)
			}
		}
	}
	return want, res
}

// bandTrace lists a run's events as "kind keys: values" lines.
func bandTrace(res *interp.Result) []string {
	var out []string
	for _, e := range res.Events {
		line := fmt.Sprintf("%s %v:", e.Band.Kind, e.Keys)
		for _, v := range e.Values {
			line += " " + fmt.Sprint(v)
		}
		if e.Band.Template {
			line += " " + e.Text
		}
		out = append(out, line)
	}
	return out
}

// Issue 15 item 2: records rejected by the max_groups of a second
// top-level grouping count in the totals, per level, with a warning; a
// record rejected by both groupings counts once.
func TestSecondGroupingRejections(t *testing.T) {
	files := fstest.MapFS{"kj.csv": {Data: []byte("k,j,v\nz,p,1\ny,q,2\na,r,3\nz,p,4\n")}}
	_, res := everyWay(t, files, `source csv("kj.csv")
group k { footer { k, c: COUNT() } }
group j max_groups 2 { footer { j, c: COUNT() } }
`, interp.FormatJSON)
	tot := res.Totals
	assert.Equal(t, int64(1), tot.Rejected)
	assert.Equal(t, []render.LevelCount{{Level: 0, Group: "j", Count: 1}}, tot.RejectedByLevel)
	assert.Equal(t, []string{"group j reached max_groups 2: 1 records rejected"}, tot.Warnings)

	out, res := everyWay(t, files, `source csv("kj.csv")
group k max_groups 1 { footer { k, c: COUNT() } }
group j max_groups 2 { footer { j, c: COUNT() } }
`, interp.FormatText)
	tot = res.Totals
	assert.Equal(t, int64(2), tot.Rejected, "records 2 and 3; record 3 is rejected by both groupings")
	assert.Equal(t, []render.LevelCount{{Level: 0, Group: "k", Count: 2}, {Level: 0, Group: "j", Count: 1}}, tot.RejectedByLevel)
	assert.Contains(t, out, "records read: 4, skipped: 0, rejected: 2 (k: 2, j: 1)\n")
}

// Issue 15 item 3: a detail band over unsorted input leaves FIRST and LAST
// in input order, in the summary and in the levels enclosing others.
func TestDetailUnsortedFirstLast(t *testing.T) {
	files := fstest.MapFS{"kwv.csv": {Data: []byte("k,w,v\nx,b,1\ny,a,2\nx,a,3\ny,b,4\nx,b,5\n")}}
	const bands = `
group k {
  group w { footer { w, f: FIRST(v), l: LAST(v) } }
  footer { k, f: FIRST(v), l: LAST(v) }
}
summary { f: FIRST(v), l: LAST(v) }
`
	_, without := everyWay(t, files, `source csv("kwv.csv")`+bands, interp.FormatText)
	_, with := everyWay(t, files, `source csv("kwv.csv")`+bands+"detail { v }\n", interp.FormatText)
	want := []string{
		"footer [x a]: a 3 3", "footer [x b]: b 1 5", "footer [x]: x 1 5",
		"footer [y a]: a 2 2", "footer [y b]: b 4 4", "footer [y]: y 2 4",
		"summary []: 1 5",
	}
	assert.Equal(t, want, bandTrace(without))
	var got []string
	for _, line := range bandTrace(with) {
		if !strings.HasPrefix(line, "detail") {
			got = append(got, line)
		}
	}
	assert.Equal(t, want, got, "the detail band changes no aggregate")
}

// Issue 15 item 4: with a detail band over unsorted input, a level's
// max_groups keeps the first groups met in the input, as without one.
func TestDetailUnsortedMaxGroups(t *testing.T) {
	files := fstest.MapFS{"kv.csv": {Data: []byte("k,v\nz,1\ny,2\na,3\nz,4\n")}}
	out, res := everyWay(t, files, `source csv("kv.csv")
group k max_groups 2 { footer { k, c: COUNT() } }
detail { v }
summary { n: COUNT() }
`, interp.FormatText)
	assert.Equal(t, []string{
		"detail [y]: 2", "footer [y]: y 1",
		"detail [z]: 1", "detail [z]: 4", "footer [z]: z 2",
		"summary []: 4",
	}, bandTrace(res))
	assert.Contains(t, out, "rejected: 1 (k: 1)")
}

// Issue 15 item 5: with PERCENT_OF_TOTAL in a footer, each group's detail
// lines still come between its header and its footer, over unsorted
// input and over input sorted by the keys, in every format.
func TestDetailWithPercentOfTotal(t *testing.T) {
	files := fstest.MapFS{"ab.csv": {Data: []byte("k,j,v\na,x,1\na,y,2\nb,x,3\nb,z,4\n")}}
	one := `
group k {
  header "K {k}"
  footer { k, s: SUM(v), p: PERCENT_OF_TOTAL(v) }
}
detail { j, v }
`
	want := []string{
		"header [a]: K a", "detail [a]: x 1", "detail [a]: y 2", "footer [a]: a 3 30",
		"header [b]: K b", "detail [b]: x 3", "detail [b]: z 4", "footer [b]: b 7 70",
	}
	for _, src := range []string{`source csv("ab.csv")`, `source csv("ab.csv") sorted by k`} {
		for _, f := range []interp.Format{interp.FormatText, interp.FormatJSONL} {
			_, res := everyWay(t, files, src+one, f)
			assert.Equal(t, want, bandTrace(res), "%s, %s", src, f)
		}
	}
	nested := `
group k {
  header "K {k}"
  group j {
    header "J {j}"
    footer { j, s: SUM(v), p: PERCENT_OF_TOTAL(v) }
  }
  footer { k, s: SUM(v) }
}
detail { v }
`
	want = []string{
		"header [a]: K a",
		"header [a x]: J x", "detail [a x]: 1", "footer [a x]: x 1 33.333333",
		"header [a y]: J y", "detail [a y]: 2", "footer [a y]: y 2 66.666667",
		"footer [a]: a 3",
		"header [b]: K b",
		"header [b x]: J x", "detail [b x]: 3", "footer [b x]: x 3 42.857143",
		"header [b z]: J z", "detail [b z]: 4", "footer [b z]: z 4 57.142857",
		"footer [b]: b 7",
	}
	for _, src := range []string{`source csv("ab.csv")`, `source csv("ab.csv") sorted by k, j`} {
		_, res := everyWay(t, files, src+nested, interp.FormatText)
		assert.Equal(t, want, bandTrace(res), src)
	}
}

// Issue 15 item 5: the records a detail band holds for PERCENT_OF_TOTAL
// are held only until the enclosing group's total is known, under
// RunConfig.SortBuffer.
func TestDetailWithPercentOfTotalHolds(t *testing.T) {
	files := fstest.MapFS{"ab.csv": {Data: []byte("k,j,v\na,x,1\na,y,2\nb,x,3\nb,z,4\n")}}
	run := func(script string) error {
		p, err := interp.Compile(context.Background(), "t.rpt", []byte(script), &interp.Options{FS: files})
		require.NoError(t, err)
		_, err = p.Run(context.Background(), &interp.RunConfig{SortBuffer: 2, ChunkSize: 1})
		return err
	}
	// Shares of k's total: a k group's records wait for k to close.
	require.NoError(t, run(`source csv("ab.csv") sorted by k, j
group k { group j { footer { j, p: PERCENT_OF_TOTAL(v) } } }
detail { v }
`))
	// Shares of the report's total: every record waits for the end.
	err := run(`source csv("ab.csv") sorted by k
group k { footer { k, p: PERCENT_OF_TOTAL(v) } }
detail { v }
`)
	var le *interp.LimitError
	require.ErrorAs(t, err, &le)
	assert.Contains(t, err.Error(), "PERCENT_OF_TOTAL")
}

// Issue 15 items 6 and 7: a footer RUNNING_SUM is nil until a non-nil
// value is summed, and an int total past int64 goes on as a decimal, as
// SUM and the detail band's RUNNING_SUM do.
func TestFooterRunningSum(t *testing.T) {
	files := fstest.MapFS{
		"nil.csv": {Data: []byte("k,v\na,\nb,\nc,5\nd,\n")},
		"big.csv": {Data: []byte("k,v\na,9223372036854775807\nb,1\nc,-5\n")},
	}
	_, res := everyWay(t, files, `source csv("nil.csv") { v: int }
group k { footer { k, s: SUM(v), r: RUNNING_SUM(v), c: RUNNING_COUNT(v) } }
`, interp.FormatText)
	assert.Equal(t, []string{"footer [a]: a <nil> <nil> 0", "footer [b]: b <nil> <nil> 0",
		"footer [c]: c 5 5 1", "footer [d]: d <nil> 5 1"}, bandTrace(res))

	_, res = everyWay(t, files, `source csv("big.csv") { v: int }
group k { footer { k, s: SUM(v), r: RUNNING_SUM(v) } }
detail { v, r: RUNNING_SUM(v) }
`, interp.FormatCSV)
	assert.Equal(t, []string{
		"detail [a]: 9223372036854775807 9223372036854775807", "footer [a]: a 9223372036854775807 9223372036854775807",
		"detail [b]: 1 1", "footer [b]: b 1 9223372036854775808",
		"detail [c]: -5 -5", "footer [c]: c -5 9223372036854775803",
	}, bandTrace(res))
}

// Issue 15 item 10: under on_error skip the warnings list the first
// skipped records in input order, whatever the chunk size, workers and
// strategy: bad data (met by the source) and failed evaluations (met by
// the stage, after the source) interleaved as in the file, each naming its
// record among all the file's records.
func TestSkipWarningsInInputOrder(t *testing.T) {
	var data strings.Builder
	data.WriteString("a,b\n")
	var want []string
	for i := 1; i <= 400; i++ {
		switch i % 40 {
		case 1:
			fmt.Fprintf(&data, "%d,0\n", i)
			want = append(want, fmt.Sprintf("skipped: t.rpt:3:11: record %d: let r: division by zero", i))
		case 20:
			data.WriteString("x,1\n")
			want = append(want, fmt.Sprintf(`skipped: ab.csv:%d: column "a": invalid int "x"`, i+1))
		default:
			fmt.Fprintf(&data, "%d,1\n", i)
		}
	}
	files := fstest.MapFS{"ab.csv": {Data: []byte(data.String())}}
	_, res := everyWay(t, files, `source csv("ab.csv") { a: int, b: int }
on_error skip
let r = a / b
summary { n: COUNT(), s: SUM(r) }
`, interp.FormatJSON)
	assert.Equal(t, int64(20), res.Totals.Skipped)
	assert.Equal(t, append(want[:10], "… and 10 more skipped records"), res.Totals.Warnings)
}
