// Package source reads the data a report runs over: CSV files, JSON Lines
// files and SQLite tables or queries, each delivered as [value.Record]s in
// chunks through the [stream.Source] interface. It also provides lookups
// ([SQLiteLookup], [MapLookup]) that attach a related row to every record of
// a chunk with one batched query.
//
// The package knows nothing of report scripts: the interpreter calls the
// constructors ([OpenCSV], [OpenJSONL], [OpenSQLite]) with a [Config] built
// from the script.
//
// # Schemas and types
//
// Every source has a [value.Schema] fixed when it is opened. Column types
// come, in order of precedence, from [Config.Types], from the declared
// column types of a SQLite table, or from inference over the first
// [Config.SampleRows] records ([value.InferKind] per cell, [value.Unify]
// across records; a column with no value in the sample is a string column).
// Decimal columns record the largest number of fraction digits seen (or
// declared, for SQLite DECIMAL(p,s)) in [value.Field.Scale].
//
// Missing values are nil whatever the column's kind: an empty CSV cell
// (quoted or not: CSV cannot tell an empty string from a missing value, so
// even string columns get nil), a JSON null or absent key, a SQL NULL. The
// explicit empty strings of JSON and SQLite stay "" in string columns and
// are nil in columns of other kinds.
//
// # Records
//
// A record has one slot per schema field, in schema order, and spare
// capacity for [Config.Extra] more, so the interpreter can append computed
// fields without copying. Records of one chunk may share a backing array;
// appending past the spare capacity copies as usual.
//
// # Positions and restarts
//
// Every [stream.Position] a source returns can be fetched from again, by
// this source or by a fresh one opened with the same arguments:
//
//   - CSV and JSONL positions carry the byte offset, line and record number
//     of the next record, so a restart seeks instead of re-reading; a
//     Position with only an Offset re-reads from the start and skips that
//     many records.
//   - SQLite tables use keyset pagination on the rowid (or on the OrderBy
//     columns followed by the rowid, when an index provides that order);
//     the Position's Key holds the last key. OFFSET is never used.
//   - SQLite queries, views, WITHOUT ROWID tables and tables whose OrderBy
//     no index serves stream through one open cursor across fetches
//     (keyset pagination is impossible for an arbitrary query, and without
//     an index every page would sort the table again); a restart from
//     another position re-runs the statement and skips the rows before it.
//
// Fetching from the position the previous Fetch returned continues without
// re-opening anything.
//
// # Bad data
//
// A record that cannot be read as the schema says (a bad number or date, a
// CSV row with the wrong number of fields, invalid UTF-8, a malformed JSON
// line or one that repeats a key, a JSON value of the wrong type, a CSV or
// JSON lines record longer than [Config.MaxRecordBytes]) stops Fetch with a [*DataError]
// naming the file, the line (or SQLite row) and the column, wrapped with
// [stream.Permanent] so the pipeline does not retry it. A Fetch (or Scan)
// that read good records before the bad one returns them, its Next at the
// bad record, and the Fetch from there returns the error: a consumer meets
// the bad record after the records before it, in input order, whatever the
// chunk size. With
// [Config.SkipErrors] the record is skipped instead, counted (Skipped) and
// reported to [Config.OnSkip]; a record skipped twice because of a restart
// is counted and reported once. No input makes a source panic.
package source
