package value

import "testing"

// One way to write a size for every message: exact in whole units, else
// to a tenth of the unit.
func TestSizeText(t *testing.T) {
	for n, want := range map[int64]string{
		1: "1 byte", 64: "64 bytes", 1000: "1000 bytes", 1024: "1 KiB", 1536: "1.5 KiB",
		64 << 20: "64 MiB", 1258291: "1.2 MiB", 3 << 30: "3 GiB",
	} {
		if got := SizeText(n); got != want {
			t.Errorf("SizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
