// Package agg computes aggregates: accumulators for every aggregate
// function of the report language, and an [Engine] that groups records into
// nested levels and aggregates each group in one pass. It knows nothing of
// report scripts: the caller evaluates each record's group keys and
// aggregate arguments and hands over the values (nil, int64, float64,
// value.Decimal, string, bool, value.Date, time.Time — see package value).
//
// # Functions
//
//	function               accepts                      result                       over no input
//	SUM(x)                 int, decimal, float          kind of x (int→int)          nil
//	COUNT(x)               anything                     int: non-nil values          0
//	COUNT()                —                            int: records                 0
//	AVG(x)                 int, decimal, float          decimal (int, decimal), float nil
//	MIN(x), MAX(x)         numbers, strings, bools,     kind of x                    nil
//	                       dates, timestamps
//	FIRST(x), LAST(x)      anything                     kind of x                    nil
//	COUNT_DISTINCT(x)      anything                     int                          0
//	STDDEV, STDDEV_POP,    int, decimal, float          float                        nil (sample forms:
//	VARIANCE, VARIANCE_POP                                                           also for one value)
//	MEDIAN(x)              int, decimal, float          decimal (int, decimal), float nil
//	PERCENTILE(x, p)       int, decimal, float; p in    decimal (int, decimal), float nil
//	                       [0, 1] a constant
//	MODE(x)                anything                     kind of x                    nil
//	RUNNING_SUM/_COUNT/_AVG  as SUM, COUNT, AVG, read after every record
//	PERCENT_OF_TOTAL(x)    int, decimal, float          decimal (int, decimal), float nil
//
// [ResultKind] is the static rule the table describes; an argument type a
// function refuses is a compile-time error naming both ("SUM of string is not
// allowed (SUM takes int, decimal or float)"). A value of a refused kind
// reaching an accumulator at run time (from a column of type any) is a
// [*KindError] naming the function and the value's kind; the [Engine] checks
// every record before changing any state, so it can refuse the record and go
// on. MIN and MAX also fail on two values that cannot be compared (a string
// and a number), which is detected only when the second arrives, so such a
// record may have been partly aggregated when the error is returned.
//
// # Nil and empty input
//
// Aggregates follow SQL: nil values are skipped by every function except
// COUNT(), which counts records. Over no (non-nil) input COUNT,
// COUNT_DISTINCT and RUNNING_COUNT are int64 0 and every other function is
// nil — SUM included, as in SQL. Zeros are values like any other (they count
// in AVG). PERCENT_OF_TOTAL is nil when the enclosing total is nil or zero.
//
// # Exact numbers
//
// SUM keeps ints in an int64 and detects overflow: the total then continues
// exactly in a value.Decimal (big.Int coefficient) and is returned as an
// integral Decimal if it still does not fit, never wrapped. Decimals sum
// exactly (value.Decimal's int64 fast path, big.Int beyond); the result has
// the largest scale among the inputs. Floats sum exactly too, with
// Shewchuk's partials (Python's math.fsum): the result is the float nearest
// the true sum, in any input order. Mixing: int with decimal gives a decimal,
// anything with a float gives a float (the exact total, rounded once).
//
// AVG of ints and decimals is the exact total divided by the count, rounded
// half away from zero to (largest input scale + value.DivScale) digits, with
// trailing zeros removed: AVG(1, 2) = 1.5, AVG(1, 2, 2) = 1.666667,
// AVG(10.00, 0.00, 0.00) = 3.33333333, AVG(2.50, 1.50) = 2. AVG of floats is
// a float. PERCENT_OF_TOTAL rounds likewise; MEDIAN and PERCENTILE of ints
// and decimals are exact Decimals, trailing zeros removed.
// VARIANCE and STDDEV are computed from exact n, Σx and Σx² in rational
// arithmetic and rounded once: correctly rounded, free of cancellation, and
// independent of order and splits (Welford's update is stable too, but its
// merged states differ from one pass in the last bits).
//
// # Bounded memory and sketches
//
// COUNT_DISTINCT is exact up to [DistinctExactCap] distinct values per group,
// then a HyperLogLog sketch (relative standard error 0.81%, see
// [HLLPrecision]). MEDIAN and PERCENTILE are exact up to [QuantileExactCap]
// values per group, then a DDSketch-style logarithmic histogram with relative
// accuracy [SketchRelativeAccuracy] (1%) in at most 2 × [SketchMaxBins]
// counters. Both sketches are functions of the set (multiset) of values, so
// they too are independent of input order and merge exactly. MODE is exact,
// with memory proportional to the number of distinct values in a group.
//
// # Grouping
//
// An [Engine] computes a [Config]: nested [Level]s (territory > customer),
// each with its aggregates ([Spec]), plus report-wide Global aggregates, all
// in one pass. A group at level k is identified by the keys of levels 0..k;
// keys are equal when value.HashKey says so (1, 1.0 and 1.00 are one group,
// shown with the key of its first record; timestamps are equal when they are
// the same instant; nil is a group of its own, as in SQL's GROUP BY).
//
// Two strategies give the same groups, results and emission order (children
// before their parent, siblings in ascending key order, value.Less):
//
//   - Streaming (Config.Sorted), for input sorted by the keys: one open group
//     per level; a key change closes that level's group and every deeper one,
//     innermost first, and hands each to Config.OnClose. Input found out of
//     order is an [ErrUnsorted] error rather than duplicate groups.
//   - Hash: a map per parent group (level 0: one map), until Finish emits
//     every group in key order. Memory is bounded by the group limits.
//
// Several independent grouping configurations over one input are several
// Engines fed the same records.
//
// # Group limits
//
// Each level has a limit (Level.MaxGroups, default [DefaultMaxGroups]) on
// the number of groups it creates over the whole input, in both strategies.
// A record whose key would create a group past the limit is rejected at that
// level and at every deeper level: it is counted in [Engine.Rejected] for
// each of those levels and aggregated into none of their groups. It still
// counts toward its groups at the enclosing levels and toward the Global
// aggregates, so report totals cover every record. The first rejection at a
// level fires one [GroupLimitReached] event (one per level, not per record).
//
// # PERCENT_OF_TOTAL
//
// PERCENT_OF_TOTAL(x) at level k is 100 × the group's SUM(x) / its parent's
// SUM(x) (the Global SUM(x) for level 0; in Global, the share of itself).
// The parent total is known only when the parent closes, so closed groups at
// level k and deeper are held back (their results, not their states) until
// the parent closes, and the level-0 ones until Finish: in streaming mode a
// PERCENT_OF_TOTAL at level 0 keeps every group's results in memory, at level
// k > 0 those under one level k-1 group. Emission order does not change.
//
// # Running aggregates
//
// RUNNING_SUM, RUNNING_COUNT and RUNNING_AVG share SUM's, COUNT's and AVG's
// states; the caller reads them after each record with [Engine.Current]
// (within the group the record went to, or report-wide). Running values are
// inherently sequential: a report that shows them runs on one worker.
//
// # Merging and parallelism
//
// Every accumulator merges with another of its function (Accumulator.Merge)
// and the merge of the states of any split of the input equals the state over
// the whole input: sums, counts, variances, distinct sets and sketches,
// quantile samples and mode counts are exact and order-independent, MIN and
// MAX break ties between equal values canonically, and FIRST and LAST follow
// record sequence numbers ([Sequenced]). To aggregate in parallel, send each
// record to worker [Partition](keys, n), give each worker its own hash
// Engine fed with [Engine.AddSeq] (the record's position in the input), and
// [Engine.Merge] the engines before Finish: group results, Global aggregates
// (which merge too) and rejected counts are byte for byte those of one
// engine (as long as at most one level reaches its group limit; see Merge).
// A report without groups may spread its records any way it likes.
package agg
