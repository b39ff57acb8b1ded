// Package render turns the stream of band events a report produces into
// text, CSV, JSON, JSON Lines, Markdown, HTML, PDF or an Excel workbook (XLSX).
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
//   - pdf: the report as a reader gets it on paper, laid out from the
//     [Grid]: the title, the parameters and the run date ([Meta.RunDate],
//     when set) on the first page, then one grouped table: group header
//     templates as bold headings (indented by level), detail rows, footers
//     as shaded bold subtotal rows showing their own group's key, the
//     summary as a "Total" row. Column headings ([Column.Label], else the
//     name) repeat at the top of every page; each page ends with
//     "Page X of Y" and the run date. Columns are sized to the widest text
//     of their heading and of the first 1000 rows, at most 40% of the page
//     width each, with long text wrapped inside its column; numbers and
//     dates do not wrap (when they cannot fit, the table's font shrinks, to
//     60% at most). Numeric columns are right-aligned. A group heading
//     stays on the page of the row after it, and a footer on the page of
//     the row before it, when they fit on a page. The totals and warnings
//     follow the table; an incomplete report ends with a red
//     "report incomplete: reason" line. Page size (A4 or Letter),
//     orientation and margins come from [Options.Page]. The text uses the
//     Go fonts (golang.org/x/image/font/gofont), embedded as Unicode
//     TrueType subsets: Latin, Greek and Cyrillic print; characters they
//     lack do not. The document is built in memory (about 30 KB of heap
//     a page) and written at End; its creation date is the run date, or 2000-01-01
//     when there is none, so that runs are byte-identical.
//   - xlsx: an Excel workbook (binary), laid out on the report's [Grid]:
//     the title, one row per parameter (name, value) and the run date when
//     Meta.RunDate is set, a blank row, then the heading row (the columns'
//     labels), frozen, with an autofilter over the report's rows; then one
//     row per event in report order: template bands as a line of text in
//     the first column, group headers, footers (subtotals) and the summary
//     in bold. Rows carry Excel outline levels so that Excel's +/- folds a
//     group into its subtotal: a group's header and detail rows one level
//     deeper than its footer, which stands at its group's level (0 for the
//     outermost; at most 7). After a blank row come the notes (numbers
//     written as text, see below), then the totals as label and number
//     rows and the warnings, or, for an incomplete report, a red row
//     "report incomplete: reason". A sheet holds at most 1,048,576 rows:
//     the report continues on sheets "Report (2)", "Report (3)"…, each
//     starting with the heading row, and the last row of the full sheet
//     says "continued on sheet Report (2)"; no row is left out. Rows are
//     streamed (excelize's StreamWriter keeps at most 16 MiB of a sheet in
//     memory, the rest in a temporary file); the workbook is written to w
//     at End, in one pass, without building it in memory.
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
// Conditional styles ([Event.Styles] per column, [Event.RowStyle] for the
// row; [Row.Styles] and [Row.Style] on a [Grid]) are applied by the formats
// for readers: HTML as s-NAME classes on the cells (and the row) with their
// CSS in the page when some row is styled, PDF and XLSX as bold, italic,
// font colour and a highlight fill, text as ANSI SGR codes only with
// [Options.Color], Markdown as ** and _ (no colours). CSV, JSON and JSON
// Lines ignore them.
//
// Page bands ([Meta.PageHeader], [Meta.PageFooter]) are for paged formats:
// such a format prints [PageTemplate.Text] of each at the top and bottom of
// every page, and [DefaultPageFooter] when the report declares no page
// footer. HTML prints the declared bands only when printed, as CSS @page
// margin boxes (text parts as escaped CSS strings, {page} counter(page),
// {pages} counter(pages)), where the browser supports them (Chromium 131
// and later). Text, CSV, JSON and JSON Lines have no pages and ignore
// them.
//
// XLSX keeps values typed. Integers, decimals and floats are numbers,
// dates and timestamps Excel dates, booleans booleans, nil an empty cell.
// A decimal is written with its own digits when it has at most 15
// significant digits (an Excel number keeps 15); a decimal or integer
// with more is written as its exact text, right-aligned, and a note row
// after the report says how many such cells there are. A band column's
// format pattern becomes the Excel number format of its cells: "#,##0.00" → #,##0.00,
// "$#,##0.00" → "$"#,##0.00, "0.0%" → 0.0%, "%b %-d, %Y" →
// mmm" "d", "yyyy; a date pattern Excel cannot show (%j, %u, %w, %V, %G,
// %q, a 12-hour hour without %p) falls back to yyyy-mm-dd. Without a
// pattern: integers 0, decimals 0.00, floats General, dates yyyy-mm-dd,
// timestamps yyyy-mm-dd hh:mm:ss. Excel shows a pattern whose places are
// all optional ("0.##") with a trailing point for whole numbers ("5."), and
// cuts a text past 32,767 characters (a note row counts such cells).
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
