package value

import "strings"

// Record is one row: values positioned by a [Schema]. Sources allocate
// records with spare capacity so later phases can append computed fields
// without copying.
type Record = []any

// Field is one named, typed column of a schema.
type Field struct {
	Name string
	Kind Kind
	// Scale is the largest number of fraction digits seen in a decimal
	// column's sample (0 when unknown); renderers use it as a default.
	Scale int32
}

// Schema describes the fields of the records a source produces.
type Schema struct {
	Fields []Field
}

// Index returns the position of the field named name (case-sensitive first,
// then case-insensitive), or -1.
func (s *Schema) Index(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	for i, f := range s.Fields {
		if strings.EqualFold(f.Name, name) {
			return i
		}
	}
	return -1
}

// Names returns the field names in order.
func (s *Schema) Names() []string {
	out := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		out[i] = f.Name
	}
	return out
}
