package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestReplDoc runs the sessions of docs/repl.md (its ```repl blocks) in
// the examples directory and compares them with the document. A block may
// start with "$ reportsh repl DATA", which opens DATA.
func TestReplDoc(t *testing.T) {
	doc, err := os.ReadFile("../../docs/repl.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := replBlocks(string(doc))
	if len(blocks) == 0 {
		t.Fatal("docs/repl.md has no repl block")
	}
	for _, block := range blocks {
		var buf bytes.Buffer
		s := NewSession(&buf, &buf, &SessionOptions{Dir: "../../examples"})
		lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
		if cmd, ok := strings.CutPrefix(lines[0], "$ reportsh repl "); ok {
			buf.WriteString(lines[0] + "\n")
			s.open(context.Background(), cmd, "", "")
			lines = lines[1:]
		}
		var inputs []string
		for _, l := range lines {
			if in, ok := strings.CutPrefix(l, "rpt> "); ok {
				inputs = append(inputs, in)
			} else if in, ok := strings.CutPrefix(l, " ..> "); ok {
				inputs = append(inputs, in)
			}
		}
		got := transcriptOn(t, s, &buf, inputs...)
		if got != block {
			t.Errorf("docs/repl.md session differs; got:\n%s", got)
		}
	}
}

// replBlocks returns the contents of the ```repl blocks of a Markdown text.
func replBlocks(doc string) []string {
	var blocks []string
	for {
		_, rest, ok := strings.Cut(doc, "\n```repl\n")
		if !ok {
			return blocks
		}
		body, after, _ := strings.Cut(rest, "\n```\n")
		blocks = append(blocks, body+"\n")
		doc = after
	}
}
