package interp

import (
	"strings"
	"testing"

	"github.com/reportsh/reportsh/render"
)

const styleScript = `param threshold: int = 3
source csv("s.csv") { territory: string, amount: float }
group territory {
  footer { territory, n: COUNT(), total: SUM(amount) style bold when total > threshold } style highlight when n > 1
}
detail { territory, amount style red when amount < 0 style muted when territory == "B" }
`

// A style rule's condition holds for some rows and not others: the
// negative amount is red, the positive one is not; the footer column is
// bold above the parameter and the whole row highlighted past one record.
func TestStyleRules(t *testing.T) {
	files := map[string]string{"s.csv": "territory,amount\nA,-2\nA,6\nB,1\n"}
	_, res := mustRun(t, styleScript, files, &RunConfig{Collect: true})
	type row struct {
		kind   render.BandKind
		styles string
		row    render.Style
	}
	var got []row
	for _, e := range res.Events {
		var names []string
		for _, s := range e.Styles {
			names = append(names, s.String())
		}
		got = append(got, row{e.Band.Kind, strings.Join(names, ","), e.RowStyle})
	}
	want := []row{
		{render.Detail, ",red", 0},
		{render.Detail, ",", 0},
		{render.GroupFooter, ",,bold", render.StyleHighlight},
		{render.Detail, ",muted", 0},
		{render.GroupFooter, ",,", 0},
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// Unknown style names and names a condition cannot see are errors at
// their position.
func TestStyleErrors(t *testing.T) {
	cases := []struct{ script, want string }{
		{"source csv(\"s.csv\")\nsummary { n: COUNT() style blink when n > 0 }\n",
			`test.rpt:2:28: unknown style "blink" (the styles are bold, italic, red, green, amber, highlight, muted)`},
		{"source csv(\"s.csv\")\nsummary { n: COUNT() style red when m > 0 }\n",
			`test.rpt:2:37: unknown field "m" (did you mean "n"?)`},
		{"source csv(\"s.csv\")\nsummary { n: COUNT() } style red when COUNT() > 0\n",
			`test.rpt:2:39: aggregate COUNT is not allowed in a style condition`},
		{"source csv(\"s.csv\")\nsummary { n: COUNT() style red when n + 1 }\n",
			`test.rpt:2:37: the condition of style red is int, not a bool`},
		{"source csv(\"s.csv\")\nsummary \"x\" style red when true\n",
			`test.rpt:2:13: a style rule needs a column band`},
	}
	for _, c := range cases {
		_, err := compileFS(t, c.script, map[string]string{"s.csv": salesCSV(1, 1)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.script, err, c.want)
		}
	}
}

// The text format colours a styled cell only with RunConfig.Color (which
// the CLI sets on a terminal without NO_COLOR).
func TestStyleTextColor(t *testing.T) {
	files := map[string]string{"s.csv": "territory,amount\nA,-2\nA,6\nB,1\n"}
	plain, _ := mustRun(t, styleScript, files, &RunConfig{Format: FormatText})
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("ANSI codes without Color:\n%q", plain)
	}
	color, _ := mustRun(t, styleScript, files, &RunConfig{Format: FormatText, Color: true})
	for _, w := range []string{"\nA              \x1b[31m-2\x1b[0m\n                6\n", "  \x1b[1;43m2\x1b[0m      \x1b[1;43m4\x1b[0m\n", "\nB               \x1b[2m1\x1b[0m\n"} {
		if !strings.Contains(color, w) {
			t.Errorf("no %q in\n%q", w, color)
		}
	}
	if strings.Contains(color, "\x1b[31m6") {
		t.Errorf("the positive amount is red:\n%q", color)
	}
}
