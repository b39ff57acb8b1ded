//go:build race

package interp

// raceEnabled shrinks the slowest tests under the race detector, where the
// pure-Go SQLite runs an order of magnitude slower; the full sizes run in
// the ordinary test run.
const raceEnabled = true
