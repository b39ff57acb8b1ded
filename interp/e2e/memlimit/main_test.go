package memlimit

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any goroutine outlives the tests: a run
// that fails at the memory limit must release its pipeline and sources.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
