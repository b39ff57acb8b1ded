// Package render turns the stream of band events a report produces into
// text, CSV, JSON, JSON Lines, Markdown or HTML.
//
// The interpreter describes the report once ([Meta]: title, parameters and
// every [Band] the report can emit), then sends one [Event] per band instance
// in report order, then the run's [Totals]:
//
//	r, err := render.New("text", w, render.Options{})
//	r.Begin(meta)
//	for each event { r.Emit(ev) }
//	r.End(totals)
//
// Events arrive in report order: the report header, then for each outermost
// group its header, the nested groups (headers, details, footers, innermost
// first), its footer; then the summary and the report footer. Any band may be
// missing; footers always close their group.
//
// # Formats
//
//   - text: an aligned, readable report. Consecutive events of one band are
//     held back (at most [Options.TextBuffer] rows) so that their columns
//     line up, and printed when another band arrives, so the output still
//     streams group by group. A band that can repeat back to back (details,
//     the footers of the innermost group when there is no detail band) prints
//     as a table under a line of column names; any other band prints as
//     "name: value" pairs on one line. Numbers are right-aligned.
//   - csv: one flat table "band,level,<group keys>,<all band columns>";
//     template bands and the totals are left out. Streams.
//   - json: one document with nested groups. Written at End.
//   - jsonl: one object per event, written as it arrives, after a first
//     "report" object (title and parameters) and before a last "totals" one.
//   - markdown (alias md) and html: the report as one grouped table laid out
//     on a [Grid]: group headers, detail rows and footers interleaved in
//     report order, the group keys sharing the first column, indented by
//     level (a footer shows its key, a detail row the keys of the groups it
//     starts); a template group header is a heading row across the table, a
//     report-level template a paragraph; footers with rows below them
//     (subtotals) and the summary (a "Total" row) bold; columns no row fills
//     left out. The title, the parameters and [Meta.RunDate] (when set) come
//     first, the totals last. HTML is one self-contained page (inline CSS)
//     whose print CSS repeats the column headings on every page and, with one
//     <tbody> per group, keeps a group's heading with its first rows and its
//     footer with its last rows. Written at End.
//
// # Values
//
// Values follow the model of package value. Text, Markdown and HTML show
// every cell through a [Formatter]: a column's Format string, or the default
// (integers as they are, decimals rounded half away from zero to 2 places,
// floats with at most 6 fraction digits, dates as YYYY-MM-DD, nil as empty).
// CSV, JSON and JSON Lines are for machines: numbers are written exactly
// (no thousands separators) and nil is empty in CSV and null in JSON; a
// column's number format only rounds the number to the pattern's places, and
// a date format turns the date into the formatted string.
//
// A column's [Column.Label], when set, is its heading in the formats for
// readers (text, Markdown, HTML), above a table or before its value in
// "name: value" pairs; CSV, JSON and JSON Lines always key by the name.
//
// Page bands ([Meta.PageHeader], [Meta.PageFooter]) are for paged formats:
// such a format prints [PageTemplate.Text] of each at the top and bottom of
// every page, and [DefaultPageFooter] when the report declares no page
// footer. Text, CSV, JSON and JSON Lines have no pages and ignore them.
//
// Output is deterministic: the same events give byte-identical output.
// [Totals.Elapsed] is shown only when [Options.Elapsed] asks for it.
//
// A report that stops early (its run was interrupted or failed) ends with
// End(&Totals{Incomplete: reason}): each format then marks it as incomplete
// in its own way in place of the totals (see [Totals.Incomplete]).
//
// Renderers write to w as they go, each flushed block with one Write call;
// pass a buffered writer for throughput and flush it after End. The first
// error from w is returned by the call that met it and by every later call.
// Renderers copy what they keep: the caller may reuse an Event and its
// slices once Emit returns.
package render
