package conformance

import (
	"bytes"
	"os"
	"testing"
)

// TestPageBandsLeaveTextAlone: page_bands.rpt is labels.rpt with page
// bands, and text output has no pages, so the two goldens are the same.
func TestPageBandsLeaveTextAlone(t *testing.T) {
	with, err := os.ReadFile("testdata/page_bands.golden")
	if err != nil {
		t.Fatal(err)
	}
	without, err := os.ReadFile("testdata/labels.golden")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(with, without) {
		t.Errorf("page bands change the text output:\n%s\n--- labels.golden ---\n%s", with, without)
	}
}
