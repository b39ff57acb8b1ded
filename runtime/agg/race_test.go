//go:build race

package agg

// raceEnabled scales down the heaviest randomized tests under the race
// detector, which slows the pure-Go SQLite by two orders of magnitude; the
// plain run covers the full sizes.
const raceEnabled = true
