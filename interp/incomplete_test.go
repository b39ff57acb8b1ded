package interp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp"
	"github.com/reportsh/reportsh/runtime/value"
)

// stoppingSource yields n records (k, v = i) and then, if fail is set,
// fails with it, else waits until the run is cancelled.
func stoppingSource(n int, fail error) interp.Source {
	schema := &value.Schema{Fields: []value.Field{{Name: "k", Kind: value.KindString}, {Name: "v", Kind: value.KindInt}}}
	return interp.SourceFunc(schema, func(ctx context.Context, _ map[string]any) iter.Seq2[value.Record, error] {
		return func(yield func(value.Record, error) bool) {
			for i := 1; i <= n; i++ {
				if !yield(value.Record{string(rune('a' + i%2)), int64(i)}, nil) {
					return
				}
			}
			if fail != nil {
				yield(nil, fail)
				return
			}
			<-ctx.Done()
			yield(nil, ctx.Err())
		}
	})
}

// runStopped runs a detail report over stoppingSource(5, fail) in format;
// without fail, it cancels the run once the fifth record's detail row has
// been computed (the function seen, called by the detail band, says so).
func runStopped(t *testing.T, format string, fail error) (string, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	seen := func(v int64) int64 {
		if v == 5 && fail == nil {
			once.Do(cancel)
		}
		return v
	}
	prog, err := interp.Compile(context.Background(), "r.rpt", []byte("report \"R\"\nsource go(\"s\")\ndetail { k, v: seen(v) }\nsummary { n: COUNT() }\n"),
		&interp.Options{Sources: map[string]interp.Source{"s": stoppingSource(5, fail)}, Functions: map[string]any{"seen": seen}})
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = prog.Run(ctx, &interp.RunConfig{Output: &out, Format: interp.Format(format), ChunkSize: 1, Workers: 1})
	return out.String(), err
}

// Issue 15 item 20: a run that is interrupted or fails after its report
// began leaves what it rendered, marked as incomplete in the format's own
// way, with no summary and no totals; JSON and HTML are no longer empty,
// and stay well formed.
func TestInterruptedReportIsMarked(t *testing.T) {
	for _, tt := range []struct {
		format, tail string
	}{
		{"text", "report incomplete: %s\n"},
		{"csv", "incomplete,,,,\n"},
		{"jsonl", `{"band":"incomplete","reason":"%s"}` + "\n"},
		{"markdown", "**Report incomplete:** %s\n"},
		{"html", "<p class=\"incomplete\"><strong>Report incomplete:</strong> %s</p>\n</body>\n</html>\n"},
		{"json", "\n  \"incomplete\": \"%s\"\n}\n"},
	} {
		for _, stop := range []struct {
			fail   error
			reason string
		}{
			{nil, "interrupted"},
			{errors.New("sensor offline"), "sensor offline"},
		} {
			t.Run(tt.format+"/"+stop.reason, func(t *testing.T) {
				out, err := runStopped(t, tt.format, stop.fail)
				require.Error(t, err)
				if stop.fail == nil {
					assert.ErrorIs(t, err, context.Canceled)
				} else {
					assert.ErrorContains(t, err, "sensor offline")
				}
				reason := stop.reason
				if stop.fail != nil {
					reason = err.Error() // the run's error, as Run returns it
				}
				tail := strings.ReplaceAll(tt.tail, "%s", reason)
				if tt.format == "json" || tt.format == "jsonl" {
					js, _ := json.Marshal(reason)
					tail = strings.ReplaceAll(tt.tail, `"%s"`, string(js))
				}
				assert.True(t, strings.HasSuffix(out, tail), "ends with %q:\n%s", tail, out)
				body := out
				if i := strings.Index(out, "</style>"); i >= 0 {
					body = out[i:] // the HTML style sheet names the summary row's class
				}
				assert.NotContains(t, body, "summary", "the summary is not known")
				if stop.fail == nil && tt.format == "csv" {
					// Cancelled once the fifth row was computed: every row
					// is rendered (a failing fetch may stop the run before
					// the rows fetched earlier are).
					assert.Contains(t, out, "detail,,b,5,\nincomplete")
				}
				if tt.format == "json" {
					var doc struct {
						Details    []map[string]any `json:"details"`
						Incomplete string           `json:"incomplete"`
					}
					require.NoError(t, json.Unmarshal([]byte(out), &doc))
					assert.Equal(t, reason, doc.Incomplete)
					if stop.fail == nil {
						assert.Len(t, doc.Details, 5, "every row rendered before the stop")
					}
				}
			})
		}
	}
}
