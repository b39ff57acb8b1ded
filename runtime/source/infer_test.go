package source

import (
	"math/rand"
	"testing"

	"github.com/reportsh/reportsh/runtime/value"
)

// TestQuickKind checks addBytes against add (value.InferKind and
// ParseDecimal on a string) on hand-picked cells and random ones made of
// the characters numbers and dates are made of.
func TestQuickKind(t *testing.T) {
	cells := []string{"", "0", "00", "007", "-0", "+5", "-", "+", ".", "-.", "1.", ".5", "-.5", "+.5",
		"1.5", "-1.50", "01.5", "0.25", "123456789012345678", "1234567890123456789", "-123456789012345678",
		"12345678901234567.8", "1234567890123456789.0", "1e5", "1.5e3", "1E-2", "2024-02-29", "2023-02-29",
		"2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01", "9999-12-31", "2024-1-01", "2024/01/01",
		"2024-01-01T10:00:00Z", "2024-01-01 10:00:00", "true", "false", "True", "North", "a,b", "1 000",
		"1_000", "0x10", "١٢", "NaN", "Inf", "-Inf", "--1", "1-1", "1.2.3", " 1", "1 "}
	r := rand.New(rand.NewSource(1))
	const alphabet = "0123456789.-+eE :Ttrufalsx"
	for range 50000 {
		b := make([]byte, r.Intn(22))
		for j := range b {
			b[j] = alphabet[r.Intn(len(alphabet))]
		}
		cells = append(cells, string(b))
		if r.Intn(4) == 0 { // a date's shape
			d := []byte("2024-01-01")
			d[r.Intn(10)] = alphabet[r.Intn(len(alphabet))]
			cells = append(cells, string(d))
		}
	}
	for _, c := range cells {
		slow, quick := newInference(1), newInference(1)
		slow.add(0, c)
		quick.addBytes(0, []byte(c))
		if slow.kinds[0] != quick.kinds[0] || slow.scale[0] != quick.scale[0] {
			t.Errorf("%q: add gives %v scale %d, addBytes %v scale %d", c, slow.kinds[0], slow.scale[0], quick.kinds[0], quick.scale[0])
		}
	}
	if k, _, ok := quickKind([]byte("2024-02-29")); !ok || k != value.KindDate {
		t.Errorf("quickKind(2024-02-29) = %v, %v; want a date from the bytes", k, ok)
	}
}
