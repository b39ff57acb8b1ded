package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"

	"github.com/reportsh/reportsh/grammar"
	"github.com/reportsh/reportsh/interp"
)

// catalog is the set of compiled reports. It is read-only once loaded, so
// requests share it without locking.
type catalog struct {
	byName map[string]*report
	names  []string // sorted
}

// report is one compiled report and what GET /reports says about it.
type report struct {
	prog *interp.Program
	info reportInfo
}

// reportInfo describes a report for GET /reports.
type reportInfo struct {
	Name   string      `json:"name"`
	Title  string      `json:"title"`
	URL    string      `json:"url"`
	Params []paramInfo `json:"params"`
}

// paramInfo describes a report's parameter.
type paramInfo struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Default  string `json:"default,omitempty"`
	Required bool   `json:"required,omitempty"`
}

// loadCatalog compiles every *.rpt file at the root of cfg.FS, confining
// the reports to cfg.FS.
func loadCatalog(cfg config) (*catalog, error) {
	paths, err := fs.Glob(cfg.FS, "*.rpt")
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("no .rpt files at the root of the file system")
	}
	c := &catalog{byName: make(map[string]*report)}
	opts := &interp.Options{FS: cfg.FS, Functions: cfg.Functions}
	for _, p := range paths {
		src, err := fs.ReadFile(cfg.FS, p)
		if err != nil {
			return nil, err
		}
		prog, err := interp.Compile(context.Background(), p, src, opts)
		if err != nil {
			return nil, err // positioned: file:line:col: message
		}
		name := strings.TrimSuffix(p, ".rpt")
		info, err := describe(name, p, src)
		if err != nil {
			return nil, err
		}
		c.byName[name] = &report{prog: prog, info: info}
		c.names = append(c.names, name)
	}
	sort.Strings(c.names)
	return c, nil
}

// describe reads a report's title and parameters from its syntax tree.
func describe(name, filename string, src []byte) (reportInfo, error) {
	f, err := grammar.Parse(filename, src)
	if err != nil {
		return reportInfo{}, err
	}
	info := reportInfo{Name: name, Title: name, URL: "/reports/" + url.PathEscape(name), Params: []paramInfo{}}
	for _, s := range f.Stmts {
		switch {
		case s.Report != nil:
			info.Title = s.Report.Title.Value
		case s.Param != nil:
			p := paramInfo{Name: s.Param.Name.Name, Type: s.Param.Type.Name, Required: s.Param.Default == nil}
			if s.Param.Default != nil {
				p.Default = s.Param.Default.Text
			}
			info.Params = append(info.Params, p)
		}
	}
	return info, nil
}

// get returns the report called name.
func (c *catalog) get(name string) (*report, bool) {
	r, ok := c.byName[name]
	return r, ok
}

// infos describes the reports in name order.
func (c *catalog) infos() []reportInfo {
	out := make([]reportInfo, len(c.names))
	for i, n := range c.names {
		out[i] = c.byName[n].info
	}
	return out
}

// params turns a request's query into the report's parameters: every
// query parameter but "format" is one, given once. Their values are
// checked by Program.Run (a *interp.ParamError); a missing required one is
// reported here, in the terms of a URL rather than a command line.
func (r *report) params(q url.Values) (map[string]string, error) {
	params := make(map[string]string, len(q))
	for k, vs := range q {
		if k == formatParam {
			continue
		}
		if len(vs) != 1 {
			return nil, fmt.Errorf("param %s: given %d times", k, len(vs))
		}
		params[k] = vs[0]
	}
	for _, p := range r.info.Params {
		if _, ok := params[p.Name]; p.Required && !ok {
			return nil, fmt.Errorf("param %s: required parameter not set (add %s=VALUE to the query; the type is %s)", p.Name, p.Name, p.Type)
		}
	}
	return params, nil
}

// formatParam is the query parameter that chooses the output format; it is
// not passed to the report.
const formatParam = "format"
