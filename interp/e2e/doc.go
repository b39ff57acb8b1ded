// Package e2e holds reportsh's end-to-end tests: scenarios I01–I25 of
// ../shared/SCENARIOS.md, each marked on its test or subtest. They run real
// .rpt scripts through the embedding API ([interp.Compile], Program.Run)
// over real files — CSV, JSON Lines and SQLite data sets that the tests
// write with bench/salesgen into a temporary directory — and check the
// output against values computed independently from [salesgen.Rows], or,
// for SQLite sources, against SQLite's own GROUP BY.
//
// The package has no code of its own; this file only documents it.
//
// # What the tests cover
//
//   - detail bands: every record arrives, transformed per the script, in
//     source order, whatever the chunk size (I01–I04);
//   - scale: live heap flat from 1,000 to 100,000 records, throughput well
//     over 1,000 records/s, first output long before the last record,
//     a million records (I05–I07, I18–I20);
//   - concurrency: reports running at once do not interfere, and share a
//     registry under a memory limit (I08–I10);
//   - aggregates: global, grouped, nested, group limits, and a differential
//     check against SQLite (I11–I14, I25);
//   - the embedding API: registration, parse-back of every output format,
//     byte-identical output across runs and chunk sizes (I15, I16, I24);
//   - failures: cancellation, failing sources, skipped records, failing
//     writers — each ends cleanly, and TestMain checks with goleak that no
//     goroutine outlives the tests (I17, I21–I23).
//
// # Large runs
//
// I07 runs a report over a million records. It takes tens of seconds under
// -race, so it runs only when REPORTSH_LARGE=1 is set (and never under
// -short); otherwise it is skipped with a message saying so:
//
//	REPORTSH_LARGE=1 go test -run TestMillionRecords -v ./interp/e2e
//
// Every other test runs in `make test`; the package takes about 15 s under
// -race. Tests that measure memory or time, or check with goleak that a run
// released everything, run alone; the others call t.Parallel and run
// together after them.
//
// # Timing
//
// Two tests assert on time, as the scenarios ask, with floors generous
// enough not to flake: I06/I19 check that 100,000 records run at more than
// 1,000 records/s (the floor, not the target: the report runs at tens of
// thousands of records/s even under -race), and I20 checks that a
// streaming report writes its first record within 100 ms of starting —
// 500 ms under -race, which slows code 5–10 times — in the best of three
// attempts, so one descheduled attempt cannot fail it (that the first
// record is written before the source is even half read is checked on
// every attempt). Performance itself is measured by the benchmarks, not
// here.
package e2e
