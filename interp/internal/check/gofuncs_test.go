package check

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reportsh/reportsh/interp/internal/input"
)

func TestGoFuncErrors(t *testing.T) {
	for _, c := range []struct {
		fn   any
		want string
	}{
		{42, "is not a function"},
		{func(chan int) int { return 0 }, "parameter 1 has type chan int"},
		{func() {}, "want one result"},
		{func() (int, int) { return 0, 0 }, "want one result"},
		{func() []int { return nil }, "result type []int"},
	} {
		if _, err := goFunc("f", "", c.fn); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T: got %v, want %q", c.fn, err, c.want)
		}
	}
	if _, err := goFunc("__x", "", func() int { return 1 }); err == nil {
		t.Error("reserved name accepted")
	}
	f, err := goFunc("join", "joins", func(sep string, parts ...any) (string, error) {
		if sep == "!" {
			return "", errors.New("no bangs")
		}
		var b strings.Builder
		for i, p := range parts {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(fmt.Sprint(p))
		}
		return b.String(), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.Sig != "join(string, any...) string" || f.MinArgs != 1 || f.MaxArgs != -1 {
		t.Errorf("sig %q %d %d", f.Sig, f.MinArgs, f.MaxArgs)
	}
	if v, err := f.Call("-", int64(1), "b", nil); err != nil || v != "1-b-<nil>" {
		t.Errorf("call = %v, %v", v, err)
	}
	if _, err := f.Call("!", "x"); err == nil || err.Error() != "no bangs" {
		t.Errorf("error not returned: %v", err)
	}
	if v, err := f.Call(nil, "x"); err != nil || v != nil {
		t.Errorf("nil typed argument: %v, %v", v, err)
	}
	in := &input.Opener{FS: fstest.MapFS{"s.csv": {Data: []byte("a\n1\n")}}}
	if _, err := Compile(context.Background(), "x.rpt", []byte("source csv(\"s.csv\")"), Config{Functions: map[string]any{"bad": 1}}, in); err == nil {
		t.Error("bad function accepted by Compile")
	}
}
