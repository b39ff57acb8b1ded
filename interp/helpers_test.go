package interp

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// salesCSV builds a CSV of n sales rows: territory cycles over T0..T(nt-1),
// amount is (i%100)+0.25, quantity (i%5)+1.
func salesCSV(n, nt int) string {
	var b strings.Builder
	b.WriteString("id,territory,customer,amount,quantity,sale_date\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%d,T%d,C%d,%d.25,%d,2024-%02d-%02d\n", i+1, i%nt, i%17, i%100, i%5+1, i%12+1, i%28+1)
	}
	return b.String()
}

// compileFS compiles script over a map file system holding files.
func compileFS(t *testing.T, script string, files map[string]string) (*Program, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return Compile(context.Background(), "test.rpt", []byte(script), &Options{FS: fsys})
}

// mustRun compiles and runs script, returning the rendered output.
func mustRun(t *testing.T, script string, files map[string]string, rc *RunConfig) (string, *Result) {
	t.Helper()
	p, err := compileFS(t, script, files)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	var out bytes.Buffer
	if rc == nil {
		rc = &RunConfig{}
	}
	if rc.Format == "" {
		rc.Format = "csv"
	}
	rc.Output = &out
	res, err := p.Run(context.Background(), rc)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return out.String(), res
}

func itoa(i int) string { return strconv.Itoa(i) }
