//go:build race

package conformance

// raceEnabled shrinks the strategy matrix under the race detector; the
// full matrix runs in the ordinary test run (make test runs both).
const raceEnabled = true
