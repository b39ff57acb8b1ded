package main

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// outputFormat is a report format and the Content-Type it is served with.
type outputFormat struct {
	name      string // as RunConfig.Format and ?format= spell it
	mediaType string
	aliases   []string // other media types an Accept header may ask for it by
}

// outputFormats are the formats served; the first is the default, for
// requests that accept anything.
var outputFormats = []outputFormat{
	{name: "text", mediaType: "text/plain; charset=utf-8"},
	{name: "html", mediaType: "text/html; charset=utf-8", aliases: []string{"application/xhtml+xml"}},
	{name: "csv", mediaType: "text/csv; charset=utf-8"},
	{name: "json", mediaType: "application/json"},
	{name: "jsonl", mediaType: "application/x-ndjson", aliases: []string{"application/jsonl", "application/x-jsonlines"}},
	{name: "markdown", mediaType: "text/markdown; charset=utf-8", aliases: []string{"text/x-markdown"}},
	{name: "pdf", mediaType: "application/pdf"},
	{name: "xlsx", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}

// negotiate chooses the output format of a request: ?format=NAME if it is
// given, else the Accept header's preference. The error comes with the
// status to answer it with.
func negotiate(r *http.Request) (outputFormat, int, error) {
	if name := r.URL.Query().Get(formatParam); name != "" {
		if f, ok := formatNamed(name); ok {
			return f, 0, nil
		}
		return outputFormat{}, http.StatusBadRequest, fmt.Errorf("unknown format %q (want one of %s)", name, formatNames())
	}
	if f, ok := fromAccept(r.Header.Get("Accept")); ok {
		return f, 0, nil
	}
	return outputFormat{}, http.StatusNotAcceptable, fmt.Errorf("none of the accepted media types is served (the formats are %s; or add ?format=NAME)", formatNames())
}

// formatNamed finds a format by name, case-insensitively; "md" is
// markdown.
func formatNamed(name string) (outputFormat, bool) {
	name = strings.ToLower(name)
	if name == "md" {
		name = "markdown"
	}
	for _, f := range outputFormats {
		if f.name == name {
			return f, true
		}
	}
	return outputFormat{}, false
}

// formatNames lists the formats' names.
func formatNames() string {
	names := make([]string, len(outputFormats))
	for i, f := range outputFormats {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// fromAccept picks the format an Accept header prefers: the highest
// quality, then the most specific media range (text/csv over text/* over
// */*), then the first listed. An empty header accepts anything. ok is
// false when the header accepts none of the formats.
func fromAccept(accept string) (f outputFormat, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return outputFormats[0], true
	}
	bestQ, bestSpec := 0.0, -1
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(part)
		if err != nil {
			continue
		}
		q := 1.0
		if s, has := params["q"]; has {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		cand, spec, match := formatForRange(mt)
		if !match || q <= 0 || q < bestQ || (q == bestQ && spec <= bestSpec) {
			continue
		}
		f, ok, bestQ, bestSpec = cand, true, q, spec
	}
	return f, ok
}

// formatForRange finds the format a media range asks for, and how specific
// the range is: 0 for */*, 1 for type/*, 2 for a full media type.
func formatForRange(mt string) (f outputFormat, specificity int, ok bool) {
	if mt == "*/*" {
		return outputFormats[0], 0, true
	}
	if typ, ok := strings.CutSuffix(mt, "/*"); ok {
		for _, f := range outputFormats {
			if strings.HasPrefix(f.mediaType, typ+"/") {
				return f, 1, true
			}
		}
		return outputFormat{}, 1, false
	}
	for _, f := range outputFormats {
		base, _, _ := strings.Cut(f.mediaType, ";")
		if mt == base {
			return f, 2, true
		}
		for _, a := range f.aliases {
			if mt == a {
				return f, 2, true
			}
		}
	}
	return outputFormat{}, 2, false
}
