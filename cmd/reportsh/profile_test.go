package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfiles(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1.50\nB,2\nA,3\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\")\ngroup t {\n  footer { t, n: COUNT() }\n}\n")
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	code, _, errs := runCLI(t, "run", script, "-f", "csv", "--cpuprofile", cpu, "--memprofile="+mem)
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, p := range []string{cpu, mem} {
		b, err := os.ReadFile(p)
		// pprof files are gzipped protocol buffers.
		if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s: not a profile (%d bytes, %v)", p, len(b), err)
		}
	}
	code, _, errs = runCLI(t, "run", script, "--cpuprofile", filepath.Join(dir, "missing", "cpu.prof"))
	if code != exitUsage || !strings.Contains(errs, "no such file") {
		t.Errorf("unwritable profile: exit %d, %q", code, errs)
	}
	code, _, errs = runCLI(t, "run", script, "--memprofile", filepath.Join(dir, "missing", "mem.prof"))
	if code != exitOK || !strings.Contains(errs, "no such file") {
		t.Errorf("unwritable heap profile: exit %d, %q", code, errs)
	}
	if code, _, errs = runCLI(t, "run", script, "--cpuprofile"); code != exitUsage || !strings.Contains(errs, "needs a value") {
		t.Errorf("missing value: exit %d, %q", code, errs)
	}
}
