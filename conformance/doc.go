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
// fails, by a line "-- error --" and the error as the CLI prints its first
// line ("file:line:col: message"). Every case runs with chunk sizes 1, 7
// and 1000 and must give byte-identical output each time.
//
// Data lives in testdata/data: CSV and JSONL files as they are, and SQLite
// databases built from NAME.sql into a temporary copy of testdata before
// the cases run.
package conformance
