// Package conformance holds the language's conformance suite: report
// scripts under testdata/ with their expected output beside them. The test
// runs every case and compares; `go test ./conformance -update` rewrites the
// expected files.
//
// A case is NAME.rpt with NAME.golden beside it. Comment lines at the top
// configure the run:
//
//	# args: --format csv -p since=2024-06-01 --on-error skip
//
// The golden file holds the rendered report, followed, when the case
// fails, by a line "-- error --" and the error: each error of a compile
// error list on its own line ("file:line:col: message"), or the run's
// error. Every case runs with chunk sizes 1, 7 and 1000 and must give
// byte-identical output each time. A golden file is verified by hand (or
// with sqlite3 or awk over the same data) before it is committed, never
// accepted because the program printed it.
//
// Cases whose golden file was written by hand because the interpreter does
// not produce the correct output yet are listed, each with the bug, in
// handWritten: -update leaves them alone and they fail until the bug is
// fixed; the fix removes the entry.
//
// Data lives in testdata/data: small hand-written CSV and JSONL files as they
// are, and SQLite databases built from NAME.sql into a temporary copy of
// testdata before the cases run. TestCrossCheckSQLite compares the grouped
// aggregates of the SQLite-backed cases with SQLite's own GROUP BY over the
// same tables (crossChecks); every SQLite case that groups must have an
// entry there.
package conformance
