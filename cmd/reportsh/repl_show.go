package main

import (
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/value"
)

// showTable prints rows under the columns cols in the session's format, as
// the rows of a detail band without title or totals. CSV is a plain table
// (a header line, then the rows), without the report's band and level
// columns.
func (s *Session) showTable(cols []render.Column, rows [][]any) error {
	if s.format == "csv" {
		return s.showCSV(cols, rows)
	}
	b := &render.Band{Kind: render.Detail, Level: -1, Columns: cols}
	r, err := render.New(s.format, s.out, render.Options{Color: s.color})
	if err != nil {
		return s.showError(err, nil, false)
	}
	if err := r.Begin(&render.Meta{Bands: []*render.Band{b}}); err != nil {
		return s.showError(err, nil, false)
	}
	for _, row := range rows {
		if err := r.Emit(&render.Event{Band: b, Values: row}); err != nil {
			return s.showError(err, nil, false)
		}
	}
	if err := r.End(nil); err != nil {
		return s.showError(err, nil, false)
	}
	return nil
}

// showCSV prints rows as CSV, values exact as in the csv format.
func (s *Session) showCSV(cols []render.Column, rows [][]any) error {
	w := csv.NewWriter(s.out)
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = c.Name
	}
	w.Write(rec)
	for _, row := range rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) && row[i] != nil {
				rec[i] = value.String(row[i])
			}
		}
		w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return s.showError(err, nil, false)
	}
	return nil
}

// showValue prints one value exactly, with its type: 139.38 (decimal).
// Strings are quoted; kind is the expression's static type.
func (s *Session) showValue(v any, kind value.Kind) error {
	if v != nil {
		kind = value.KindOf(v)
	}
	text := "nil"
	switch x := v.(type) {
	case nil:
	case string:
		text = strconv.Quote(x)
	default:
		text = value.String(v)
	}
	if kind == value.KindNil || kind == value.KindAny {
		_, err := fmt.Fprintln(s.out, text)
		return err
	}
	_, err := fmt.Fprintf(s.out, "%s (%s)\n", text, kind)
	return err
}
