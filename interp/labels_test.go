package interp

import (
	"strings"
	"testing"
)

const labelScript = `source csv("s.csv")
group territory {
  footer { territory label "Territory", revenue: SUM(amount) format "0.00" label "Total revenue" }
}
summary { n: COUNT() label "Sales" }
`

// A label heads its column in text and Markdown; CSV and JSON keep the
// column's name.
func TestLabelHeadings(t *testing.T) {
	files := map[string]string{"s.csv": salesCSV(4, 2)}
	cases := []struct {
		format      Format
		want, never []string
	}{
		{FormatText, []string{"Territory  Total revenue  Sales\nT0                  2.50\n", "\nTotal                         4\n"}, []string{"revenue:"}},
		{FormatMarkdown, []string{"| Territory | Total revenue |", "| Sales |"}, []string{"| revenue"}},
		{FormatCSV, []string{"band,level,territory,revenue,n\n"}, []string{"Total revenue", "Sales", "Territory"}},
		{FormatJSON, []string{`"territory": "T0"`, `"revenue": 2.50`, `"n": 4`}, []string{"Total revenue", "Sales", "Territory"}},
	}
	for _, c := range cases {
		out, _ := mustRun(t, labelScript, files, &RunConfig{Format: c.format})
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", c.format, w, out)
			}
		}
		for _, n := range c.never {
			if strings.Contains(out, n) {
				t.Errorf("%s: %q in\n%s", c.format, n, out)
			}
		}
	}
}

// An empty label is an error at the label.
func TestLabelEmpty(t *testing.T) {
	_, err := compileFS(t, "source csv(\"s.csv\")\nsummary { n: COUNT() label \" \" }\n", map[string]string{"s.csv": salesCSV(1, 1)})
	want := `test.rpt:2:28: column n: a label is a heading and cannot be empty (leave it out to show the name)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
}
