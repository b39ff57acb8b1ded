package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func writeScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunAndFormats(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1.50\nB,2\nA,3\n")
	script := writeScript(t, dir, "r.rpt", "report \"R\"\nsource csv(\"s.csv\")\ngroup t {\n  footer { t, n: COUNT(), s: SUM(amount) }\n}\n")
	code, out, errs := runCLI(t, "run", script, "--format", "csv")
	if code != exitOK || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "band,level,t,n,s\nfooter,0,A,2,4.50\nfooter,0,B,1,2\n"; out != want {
		t.Errorf("csv output:\n%s\nwant:\n%s", out, want)
	}
	outFile := filepath.Join(dir, "out.json")
	if code, _, errs := runCLI(t, "run", "-o", outFile, script); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(outFile)
	if err != nil || !bytes.HasPrefix(b, []byte("{")) {
		t.Errorf("-o out.json did not write JSON: %q %v", b, err)
	}
	code, out, _ = runCLI(t, "check", script)
	if code != exitOK || !strings.Contains(out, "ok") {
		t.Errorf("check: %d %q", code, out)
	}
}

func TestCompileErrorShowsCaret(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1\n")
	script := writeScript(t, dir, "bad.rpt", "source csv(\"s.csv\")\nwhere amout > 1\n")
	code, _, errs := runCLI(t, "check", script)
	if code != exitScript {
		t.Fatalf("exit %d, want %d", code, exitScript)
	}
	want := script + `:2:7: error: unknown field "amout" (did you mean "amount"?)` + "\n    where amout > 1\n          ^\n"
	if errs != want {
		t.Errorf("stderr:\n%q\nwant\n%q", errs, want)
	}
}

func TestRuntimeErrorAndSkip(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1\nB,x\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\") { amount: decimal }\nsummary { s: SUM(amount) }\n")
	code, _, errs := runCLI(t, "run", script)
	if code != exitRun || !strings.Contains(errs, `s.csv:3: column "amount"`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	code, out, errs := runCLI(t, "run", script, "--on-error", "skip", "-f", "csv")
	if code != exitOK || !strings.Contains(out, "summary,,1") || !strings.Contains(errs, "1 skipped") {
		t.Errorf("skip: exit %d, out %q, stderr %q", code, out, errs)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"run"}, {"run", "a.rpt", "--format"}, {"run", "a.rpt", "-p", "novalue"},
		{"run", "a.rpt", "--chunk-size", "0"}, {"run", "a.rpt", "--on-error", "maybe"}, {"run", "a.rpt", "--bogus"}, {"check"}} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, out, _ := runCLI(t, "version"); code != exitOK || !strings.HasPrefix(out, "reportsh ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "help"); code != exitOK || !strings.Contains(out, "Exit codes") {
		t.Errorf("help: %d %q", code, out)
	}
}

func TestParams(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1\nB,5\n")
	script := writeScript(t, dir, "r.rpt", "param min: int\nsource csv(\"s.csv\")\nwhere amount >= min\nsummary { n: COUNT() }\n")
	if code, _, errs := runCLI(t, "run", script); code != exitUsage || !strings.Contains(errs, "required parameter") {
		t.Errorf("missing param: %d %q", code, errs)
	}
	code, out, _ := runCLI(t, "run", script, "-p", "min=2", "-f", "csv")
	if code != exitOK || !strings.Contains(out, "summary,,1") {
		t.Errorf("param: %d %q", code, out)
	}
	if code, _, errs := runCLI(t, "run", script, "-p", "min=abc"); code != exitUsage || !strings.Contains(errs, "param min") {
		t.Errorf("bad param: %d %q", code, errs)
	}
	if n, err := parseBytes("64MiB"); err != nil || n != 64<<20 {
		t.Errorf("parseBytes = %d %v", n, err)
	}
	// Issue 15 (a sibling of item 16's limits): a size past int64 is an
	// error, not a limit that wrapped around to a negative number.
	if n, err := parseBytes("99999999999GiB"); err == nil || err.Error() != `size "99999999999GiB" is too large` {
		t.Errorf("parseBytes(99999999999GiB) = %d %v", n, err)
	}
}

// --strategy asks run and explain for a strategy: the same output, the
// strategy in --stats and in the plan; one that cannot run the report, or
// an unknown name, is a usage error that says why.
func TestStrategyFlag(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "s.csv", "t,amount\nA,1.50\nB,2\nA,3\n")
	script := writeScript(t, dir, "r.rpt", "source csv(\"s.csv\")\ngroup t {\n  footer { t, n: COUNT(), s: SUM(amount) }\n}\n")
	_, want, _ := runCLI(t, "run", script, "-f", "csv")
	for _, s := range []string{"auto", "scan", "pipeline"} {
		code, out, errs := runCLI(t, "run", script, "-f", "csv", "--strategy", s, "--stats", "-q")
		if code != exitOK || out != want {
			t.Errorf("--strategy %s: exit %d, %q, want %q", s, code, out, want)
		}
		ran := s
		if s == "auto" {
			ran = "scan"
		}
		if !strings.Contains(errs, "stats: strategy "+ran+"\n") {
			t.Errorf("--strategy %s: stats %q", s, errs)
		}
	}
	code, _, errs := runCLI(t, "run", script, "--strategy", "pushdown")
	if code != exitUsage || !strings.Contains(errs, "strategy pushdown cannot run this report: the source is not SQLite") {
		t.Errorf("pushdown over CSV: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI(t, "run", script, "--strategy", "fast"); code != exitUsage || !strings.Contains(errs, `unknown strategy "fast"`) {
		t.Errorf("unknown strategy: exit %d, %q", code, errs)
	}
	code, out, _ := runCLI(t, "explain", script, "--strategy", "pipeline", "--workers", "3")
	if code != exitOK || !strings.Contains(out, "runs as pipeline: asked for (RunConfig.Strategy)") || !strings.Contains(out, "on 3 goroutines per batch") {
		t.Errorf("explain: exit %d:\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "explain", script, "--strategy", "parallel"); code != exitUsage || !strings.Contains(errs, "strategy parallel cannot run this report") {
		t.Errorf("explain parallel: exit %d, %q", code, errs)
	}
}
