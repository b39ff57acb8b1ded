package source

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

// TestCSVConfigure: a source opened with schema settings only, then given
// a run's settings, reads as one opened with them; once read, or with
// other schema settings, it refuses.
func TestCSVConfigure(t *testing.T) {
	data := "id,territory,amount\n1,North,1.50\n2,South,x\n3,East,2.25\n"
	dir := writeFile(t, "s.csv", data)
	types := map[string]value.Kind{"amount": value.KindDecimal}
	var skipped []string
	run := Config{Types: types, SkipErrors: true, OnSkip: func(e *DataError) { skipped = append(skipped, e.Error()) },
		Unused: map[string]bool{"territory": true}, Extra: 2}
	want, err := OpenCSV(os.DirFS(dir), "s.csv", CSVConfig{Config: run})
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	wantRecs := fetchAll(t, want, 10)
	wantSkipped := skipped

	skipped = nil
	c, err := OpenCSV(os.DirFS(dir), "s.csv", CSVConfig{Config: Config{Types: types}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Identity() == want.Identity() {
		t.Fatal("the identities of differently opened sources are equal: the test proves nothing")
	}
	if c.Configure(Config{Types: map[string]value.Kind{"amount": value.KindString}}) || c.Configure(Config{Types: types, SampleRows: 7}) {
		t.Error("configured with other schema settings")
	}
	if !c.Configure(run) {
		t.Fatal("a fresh source refused its run's settings")
	}
	if c.Identity() != want.Identity() {
		t.Errorf("identity %s, want %s", c.Identity(), want.Identity())
	}
	got := fetchAll(t, c, 10)
	if len(got) != 2 || len(wantRecs) != 2 || len(skipped) != 1 || len(wantSkipped) != 1 || skipped[0] != wantSkipped[0] {
		t.Fatalf("records %v (want %v), skipped %q (want %q)", got, wantRecs, skipped, wantSkipped)
	}
	for i := range got {
		if cap(got[i]) != cap(wantRecs[i]) || got[i][1] != nil || value.String(got[i][2]) != value.String(wantRecs[i][2]) {
			t.Errorf("record %d: %v (cap %d), want %v (cap %d)", i, got[i], cap(got[i]), wantRecs[i], cap(wantRecs[i]))
		}
	}
	if c.Configure(run) {
		t.Error("configured after it was read")
	}

	// Without skipping, the bad record is an error, as when opened so.
	c2, err := OpenCSV(os.DirFS(dir), "s.csv", CSVConfig{Config: Config{Types: types}})
	if err != nil {
		t.Fatal(err)
	}
	if !c2.Configure(Config{Types: types}) {
		t.Fatal("refused")
	}
	var de *DataError
	if _, err := fetchToError(c2, 10); !errors.As(err, &de) || !strings.Contains(err.Error(), "x") {
		t.Errorf("Fetch: %v", err)
	}
	c2.Close()
	if c2.Configure(Config{Types: types}) {
		t.Error("configured after Close")
	}
}
