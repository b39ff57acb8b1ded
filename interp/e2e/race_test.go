//go:build race

package e2e

// raceSlowdown is how much slower code runs under the race detector (5–10
// times, by the Go documentation); the one wall-clock budget of these
// tests (I20) is scaled by it.
const raceSlowdown = 5
