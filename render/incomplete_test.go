package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 15 item 20: a report that stops early (its run was interrupted or
// failed) ends with a mark in its format's own way instead of the totals:
// a last line or paragraph in text, Markdown and HTML, an "incomplete" row
// in CSV, an "incomplete" member of the JSON document, an "incomplete" line
// in JSON lines. What was rendered before stays, and the documents stay
// well formed.
func TestIncompleteMark(t *testing.T) {
	for _, tt := range []struct {
		format string
		tail   string
	}{
		{"text", "\n\nreport incomplete: interrupted\n"},
		{"csv", "\nincomplete" + strings.Repeat(",", 14) + "\n"},
		{"jsonl", "\n{\"band\":\"incomplete\",\"reason\":\"interrupted\"}\n"},
		{"markdown", "\n\n**Report incomplete:** interrupted\n"},
		{"html", "<p class=\"incomplete\"><strong>Report incomplete:</strong> interrupted</p>\n</body>\n</html>\n"},
		{"json", "\n  \"incomplete\": \"interrupted\"\n}\n"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			f := newFixture()
			f.events = f.events[:6] // stopped in the middle of territory North
			f.totals = &Totals{Incomplete: "interrupted"}
			var out bytes.Buffer
			require.NoError(t, f.run(tt.format, &out, Options{}))
			s := out.String()
			assert.True(t, strings.HasSuffix(s, tt.tail), "ends with %q:\n%s", tt.tail, s)
			assert.Contains(t, s, "Globex", "what was rendered stays")
			assert.NotContains(t, s, "records read", "no totals")
			assert.NotContains(t, s, "records_read", "no totals")
			switch tt.format {
			case "json":
				var doc map[string]any
				require.NoError(t, json.Unmarshal(out.Bytes(), &doc))
				assert.Equal(t, "interrupted", doc["incomplete"])
				assert.Nil(t, doc["totals"])
			case "html":
				d := xml.NewDecoder(strings.NewReader(strings.TrimPrefix(s, "<!DOCTYPE html>\n")))
				for {
					_, err := d.Token()
					if err != nil {
						assert.Equal(t, "EOF", err.Error(), "well-formed")
						break
					}
				}
			}
		})
	}
}

// Issue 15 item 20: the reason is escaped as every other text of its
// format, and a complete report has no mark.
func TestIncompleteMarkEscaped(t *testing.T) {
	f := newFlatFixture()
	f.totals = &Totals{Incomplete: "d.csv:3: <bad> | \"x\"\nnext"}
	var out bytes.Buffer
	require.NoError(t, f.run("html", &out, Options{}))
	assert.Contains(t, out.String(), "d.csv:3: &lt;bad&gt; | &#34;x&#34;<br/>next</p>")
	out.Reset()
	require.NoError(t, f.run("markdown", &out, Options{}))
	assert.Contains(t, out.String(), `**Report incomplete:** d.csv:3: \<bad\> \| "x"<br>next`)
	out.Reset()
	require.NoError(t, f.run("jsonl", &out, Options{}))
	assert.Contains(t, out.String(), `{"band":"incomplete","reason":"d.csv:3: <bad> | \"x\"\nnext"}`)
	for _, format := range Formats() {
		f := newFixture()
		out.Reset()
		require.NoError(t, f.run(format, &out, Options{}))
		assert.NotRegexp(t, `(?im)report incomplete|"incomplete"|^incomplete,`, readable(t, format, out.Bytes()), format)
	}
}
