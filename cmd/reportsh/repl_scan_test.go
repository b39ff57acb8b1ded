package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestNeedsMore(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"COUNT()", false},
		{"group territory {", true},
		{"group territory {\n  footer { territory }\n}", false},
		{"SUM(amount *", true},
		{`where name == "{"`, false},
		{`where name == '('`, false},
		{"where x > 1 # {", false},
		{"where (x > 1 # not a comment in parentheses", true},
		{"where x > 1 // {", false},
		{"let s = `raw", true},
		{"let s = `raw\nstring`", false},
		{"}", false},
	} {
		if got := needsMore(tc.in); got != tc.want {
			t.Errorf("needsMore(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestWhereSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // the condition, or "-" for no split
	}{
		{"where amount > 100: COUNT()", "where amount > 100"},
		{"where amount > 100", "-"},
		{"where x ? a : b", "-"},
		{"where (x ? a : b): COUNT()", "where (x ? a : b)"},
		{"where x ? a : b: COUNT()", "where x ? a : b"},
		{"where x ?? 0 > 1: COUNT()", "where x ?? 0 > 1"},
		{"where x?.y > 1: COUNT()", "where x?.y > 1"},
		{`where name == "a:b": COUNT()`, `where name == "a:b"`},
		{"where territory in ['a:b']: COUNT()", "where territory in ['a:b']"},
	} {
		at := whereSplit(tc.in)
		got := "-"
		if at >= 0 {
			got = tc.in[:at]
		}
		if got != tc.want {
			t.Errorf("whereSplit(%q) splits at %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitQuery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		by   string // the text before the last by, or "-"
		args []string
	}{
		{"SUM(a), COUNT() by territory", "SUM(a), COUNT() ", []string{"SUM(a)", "COUNT()"}},
		{"COUNT() by a, b", "COUNT() ", []string{"COUNT()"}},
		{"concat(x, \"by\", y)", "-", []string{`concat(x, "by", y)`}},
		{"bye, standby", "-", []string{"bye", "standby"}},
		{"f(a, [1, 2]), g(b)", "-", []string{"f(a, [1, 2])", "g(b)"}},
	} {
		by := lastBy(tc.in)
		gotBy := "-"
		items := tc.in
		if by >= 0 {
			gotBy, items = tc.in[:by], tc.in[:by]
		}
		if gotBy != tc.by {
			t.Errorf("lastBy(%q): %q, want %q", tc.in, gotBy, tc.by)
		}
		var got []string
		for _, sp := range splitTop(items, 0) {
			got = append(got, sp.text)
			if tc.in[sp.off:sp.off+len(sp.text)] != sp.text {
				t.Errorf("splitTop(%q): %q is not at offset %d", items, sp.text, sp.off)
			}
		}
		if strings.Join(got, "|") != strings.Join(tc.args, "|") {
			t.Errorf("splitTop(%q) = %q, want %q", items, got, tc.args)
		}
	}
}

func TestCallsAggregate(t *testing.T) {
	s := NewSession(&bytes.Buffer{}, &bytes.Buffer{}, nil)
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"SUM(amount)", true},
		{"sum (amount)", true},
		{"round(avg(amount), 2)", true},
		{"amount * quantity", false},
		{"upper(name)", false},
		{"summary", false},
		{`concat("SUM(x)")`, false},
		{"my_sum(x)", false},
	} {
		if got := callsAggregate(tc.in, s.aggs); got != tc.want {
			t.Errorf("callsAggregate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestGenScriptLocate(t *testing.T) {
	src := newSrcText("", "  SUM(a),\n  COUNT(b) by k")
	g := &genScript{name: genName}
	g.add("source csv(\"x.csv\")")
	g.addFrag("_1: ", frag{text: "SUM(a),\n  COUNT(b)", src: src, line: 1, col: 3}, ",")
	g.addTail("}")
	if got := g.buf.String(); got != "source csv(\"x.csv\")\n_1: SUM(a),\n  COUNT(b),\n}\n" {
		t.Fatalf("generated %q", got)
	}
	for _, tc := range []struct {
		line, col   int
		ok          bool
		sline, scol int
	}{
		{1, 8, false, 0, 0}, // generated text
		{2, 5, true, 1, 3},  // the start of the user's text
		{2, 9, true, 1, 7},
		{2, 1, true, 1, 3},  // in the prefix: the start
		{3, 3, true, 2, 3},  // a second line maps column for column
		{4, 1, true, 2, 11}, // a tail: the end of the user's text
	} {
		s, l, c, ok := g.locate(tc.line, tc.col)
		if ok != tc.ok || (ok && (s != src || l != tc.sline || c != tc.scol)) {
			t.Errorf("locate(%d, %d) = %d:%d %v, want %d:%d %v", tc.line, tc.col, l, c, ok, tc.sline, tc.scol, tc.ok)
		}
	}
}

func TestReplHelpAndExplain(t *testing.T) {
	dir := replDir(t)
	var buf bytes.Buffer
	s := NewSession(&buf, &buf, &SessionOptions{Dir: dir})
	ctx := context.Background()
	if _, err := s.Line(ctx, ":help"); err != nil {
		t.Fatal(err)
	}
	for _, c := range replCommands {
		if !strings.Contains(buf.String(), "  "+c.name) {
			t.Errorf(":help does not list %s", c.name)
		}
	}
	if !strings.Contains(buf.String(), "where COND: QUERY") {
		t.Error(":help does not describe where COND: QUERY")
	}
	buf.Reset()
	for _, l := range []string{":open sales.csv", "group territory {", "footer { territory, n: COUNT() }", "}", ":explain"} {
		if _, err := s.Line(ctx, l); err != nil {
			t.Fatalf("%s: %v\n%s", l, err, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "sales.csv") || !strings.Contains(buf.String(), "COUNT()") {
		t.Errorf(":explain printed:\n%s", buf.String())
	}
}
