//go:build race

package check

// raceEnabled shrinks the big-script tests under the race detector, where
// checking runs several times slower; the full sizes run in the ordinary
// test run.
const raceEnabled = true
