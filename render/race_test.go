//go:build race

package render

// raceEnabled shrinks the slowest tests under the race detector (a PDF
// render costs ten times as much); the full sizes run in the ordinary test
// run.
const raceEnabled = true
