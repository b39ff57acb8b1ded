package main

import (
	"bytes"
	"context"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A report whose groups pass --memory-limit fails promptly, exit code 3,
// saying what holds the memory and what to do: the limit pauses the input,
// which cannot free groups. (Before, it waited for ever.) The context's
// deadline is long: reaching it would show as "interrupted".
func TestMemoryLimitHeldByGroups(t *testing.T) {
	dir := t.TempDir()
	b := []byte("k,amount\n")
	for i := range 400_000 {
		b = append(strconv.AppendInt(append(b, "key-"...), int64(1e7+i), 10), ",1.5\n"...)
	}
	writeScript(t, dir, "g.csv", string(b))
	script := writeScript(t, dir, "g.rpt", "report \"Groups\"\nmax_groups 1000000\nsource csv(\"g.csv\")\n"+
		"group k { footer { k, n: COUNT(), s: SUM(amount) } }\n")
	runtime.GC()
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	limit := int64(live[0].Value.Uint64()) + 8<<20

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"run", script, "--memory-limit", strconv.FormatInt(limit, 10)}, strings.NewReader(""), &out, &errb)
	errs := errb.String()
	if code != exitRun {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitRun, errs)
	}
	for _, want := range []string{"error: " + script + ": memory limit exceeded (", " MiB > ", "held by ", " groups, ~",
		"max_groups", "larger memory limit", "`sorted by` its group keys"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr does not say %q:\n%s", want, errs)
		}
	}
}
