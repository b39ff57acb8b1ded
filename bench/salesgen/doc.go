// Package salesgen generates deterministic, realistic sales data for
// reportsh's examples, tests and benchmarks.
//
// A [Config] (a row count and a seed) fully determines the output: the same
// Config gives byte-identical files on every run and every machine. The
// generator draws only from math/rand/v2's PCG source seeded explicitly, uses
// integer arithmetic only (no floating point, whose last bits may differ
// between architectures), never iterates over a map and never reads the clock.
//
// # Sales
//
// The sales table has these columns, in this order:
//
//	id           1..Rows, increasing
//	territory    one of eight sales territories, skewed (North most, Pacific least);
//	             always the territory of the sale's customer
//	customer_id  1..max(50, Rows/10); a few customers buy much more than most
//	customer     the customer's name, unique to customer_id
//	product      one of 20 products, cheap ones sold more often
//	amount       unit price, exactly two decimal places (about 1.39 to 1953.85),
//	             empty (NULL) in about 1% of rows
//	quantity     1..20, small quantities more common
//	sale_date    YYYY-MM-DD between 2023-01-01 and 2024-12-31, non-decreasing
//	             with id, busier on weekdays, in November and December and in 2024
//
// Names and amounts never contain a comma, a double quote or a line break,
// so naive comma-splitting tools (awk, cut) read the CSV correctly; some
// names contain non-ASCII UTF-8 letters (Zoë, Müller) or an apostrophe.
//
// # Customers
//
// The customers table has columns id, name, segment (Enterprise, SMB or
// Consumer), country and since (the date the customer was acquired, between
// 2012-01-01 and 2022-12-31, so before any sale). Each customer belongs to
// exactly one territory (see [Customer.Territory]); that territory is
// repeated on each of its sales. A customer's attributes depend only on the
// seed and its id, not on the row count, so a smaller data set's customers
// are a prefix of a larger one's.
//
// # Output
//
// [Rows] and [Customers] yield the records; [WriteCSV], [WriteJSONL],
// [WriteCustomersCSV] and [WriteSQLite] write them. The writers share the
// iterators, so a test can compute expected aggregates from [Rows] without
// parsing any file. The command bench/cmd/gensales writes all formats into
// a directory.
package salesgen
