package main

import (
	"slices"
	"testing"

	"github.com/reportsh/reportsh/render"
)

// TestEveryFormat checks that the server offers every format the renderer
// has.
func TestEveryFormat(t *testing.T) {
	var names []string
	for _, f := range outputFormats {
		names = append(names, f.name)
	}
	if want := render.Formats(); !slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(want))) {
		t.Errorf("served formats %q, renderer formats %q", names, want)
	}
}

func TestFromAccept(t *testing.T) {
	tests := []struct {
		accept string
		want   string // "" when nothing is acceptable
	}{
		{"", "text"},
		{"*/*", "text"},
		{"text/csv", "csv"},
		{"TEXT/CSV; charset=utf-8", "csv"},
		{"application/json, text/csv", "json"},
		{"application/json;q=0.5, text/csv", "csv"},
		{"*/*, text/csv", "csv"},                     // the more specific range wins at equal quality
		{"*/*;q=0.1, application/xhtml+xml", "html"}, // an alias
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"}, // a browser
		{"application/*", "json"},
		{"application/x-ndjson", "jsonl"},
		{"application/jsonl", "jsonl"},
		{"text/markdown", "markdown"},
		{"image/png", ""},
		{"text/csv;q=0, image/png", ""},
		{"text/csv;q=zero, text/html", "html"},
		{"not a media type, application/json", "json"},
	}
	for _, tt := range tests {
		f, ok := fromAccept(tt.accept)
		if got := f.name; ok != (tt.want != "") || got != tt.want {
			t.Errorf("fromAccept(%q) = %q, %v; want %q", tt.accept, got, ok, tt.want)
		}
	}
}

func TestFormatNamed(t *testing.T) {
	for _, name := range []string{"text", "html", "csv", "json", "jsonl", "markdown"} {
		if f, ok := formatNamed(name); !ok || f.name != name {
			t.Errorf("formatNamed(%q) = %q, %v", name, f.name, ok)
		}
	}
	if f, ok := formatNamed("MD"); !ok || f.name != "markdown" {
		t.Errorf(`formatNamed("MD") = %q, %v`, f.name, ok)
	}
	if _, ok := formatNamed("docx"); ok {
		t.Error(`formatNamed("docx") found a format`)
	}
}
