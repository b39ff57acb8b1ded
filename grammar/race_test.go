//go:build race

package grammar

// raceEnabled shrinks the large-input tests under the race detector, where
// the scanner and parser run several times slower; the full sizes run in
// the ordinary test run.
const raceEnabled = true
