package check

import (
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

// Checking page bands: page_header and page_footer see the params, the
// report's title and run date, and {page} and {pages}, which the paged
// format fills in. Nothing in them depends on the records.

// The names a page band sees besides the params.
const (
	pageTitle   = "title"
	pageRunDate = "run_date"
)

// pageBandUses says what a page band may use, for errors.
const pageBandUses = "a page band may use {page}, {pages}, {title}, {run_date} and parameters"

// pageBands compiles the page bands of f, once each.
func (c *compiler) pageBands(f *grammar.File) {
	for _, s := range f.Stmts {
		switch {
		case s.PageHeader != nil:
			if c.once("page header", s.Pos) {
				c.m.PageHeader = c.pageBand(s.PageHeader, "page header")
			}
		case s.PageFooter != nil:
			if c.once("page footer", s.Pos) {
				c.m.PageFooter = c.pageBand(s.PageFooter, "page footer")
			}
		}
	}
}

func (c *compiler) pageBand(t *grammar.Template, what string) *program.PageBand {
	sc := &scope{
		what:   what,
		names:  map[string]value.Kind{pageTitle: value.KindString, pageRunDate: value.KindDate},
		params: c.params,
		aggs:   aggForbidden,
		inner:  c.recordScope("aggregate argument"),
		page:   true,
	}
	return &program.PageBand{What: what, Parts: c.templateParts(t, sc, true), Pos: t.Pos}
}

// pageVar returns what a template's {text} is in a page band: the page
// number, the page count, or (PageText) an expression.
func pageVar(text string) render.PageVar {
	switch strings.TrimSpace(text) {
	case "page":
		return render.PageNumber
	case "pages":
		return render.PageCount
	}
	return render.PageText
}

// pageBandName is the error for a name a page band does not see.
func pageBandName(name string, sc *scope) string {
	if name == "page" || name == "pages" {
		return fmt.Sprintf("{%s} stands alone in a %s: write {%s}, not an expression of it", name, sc.what, name)
	}
	what, hint := "unknown name", ""
	if _, ok := sc.inner.lookup(name); ok {
		what = "field"
	} else if _, ok := sc.inner.records[name]; ok {
		what = "lookup"
	} else {
		hint = suggest(name, sc.all())
	}
	return fmt.Sprintf("%s %q in a %s: %s%s", what, name, sc.what, pageBandUses, hint)
}
