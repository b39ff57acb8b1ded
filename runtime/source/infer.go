package source

import "github.com/reportsh/reportsh/runtime/value"

// inference accumulates the kinds of a sample's cells per column.
type inference struct {
	kinds []value.Kind
	scale []int32
}

func newInference(n int) *inference {
	return &inference{kinds: make([]value.Kind, n), scale: make([]int32, n)}
}

// add records one text cell of column i.
func (in *inference) add(i int, s string) {
	k := value.InferKind(s)
	in.addKind(i, k)
	if k == value.KindInt || k == value.KindDecimal {
		in.addScale(i, s)
	}
}

// addKind records a cell of kind k in column i.
func (in *inference) addKind(i int, k value.Kind) {
	in.kinds[i] = value.Unify(in.kinds[i], k)
}

// addScale records the fraction digits of a numeric literal.
func (in *inference) addScale(i int, s string) {
	if d, err := value.ParseDecimal(s); err == nil {
		in.scale[i] = max(in.scale[i], d.Scale())
	}
}

// kind returns the inferred kind of column i: a column with no value in
// the sample is a string column.
func (in *inference) kind(i int) value.Kind {
	if in.kinds[i] == value.KindNil {
		return value.KindString
	}
	return in.kinds[i]
}
