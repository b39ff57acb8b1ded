package value

import (
	"slices"
	"testing"
)

func TestSchema(t *testing.T) {
	s := &Schema{Fields: []Field{{Name: "Amount", Kind: KindDecimal}, {Name: "amount", Kind: KindInt}, {Name: "Region", Kind: KindString}}}
	for name, want := range map[string]int{"Amount": 0, "amount": 1, "REGION": 2, "region": 2, "missing": -1} {
		if got := s.Index(name); got != want {
			t.Errorf("Index(%q) = %d, want %d", name, got, want)
		}
	}
	if got := s.Names(); !slices.Equal(got, []string{"Amount", "amount", "Region"}) {
		t.Errorf("Names() = %v", got)
	}
	if got := (&Schema{}).Names(); len(got) != 0 {
		t.Errorf("empty Names() = %v", got)
	}
}
