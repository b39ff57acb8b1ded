package source

import (
	"fmt"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// lookupColumn returns the index of the lookup's On column.
func lookupColumn(file string, schema *value.Schema, on string) (int, error) {
	i := indexOf(schema.Names(), on)
	if i < 0 {
		i = foldIndex(schema.Names(), on)
	}
	if i < 0 {
		return 0, unknownColumnsError(file, "lookup column", []string{on}, schema.Names(), "")
	}
	return i, nil
}

// lookupKey converts a record's key to the lookup column's kind; nil when
// there is no key or it cannot be converted.
func lookupKey(k any, kind value.Kind) any {
	k = value.Normalize(k)
	if k == nil {
		return nil
	}
	if kind != value.KindAny {
		c, err := value.Convert(k, kind)
		if err != nil {
			return nil
		}
		k = c
	}
	return k
}

// rowMap builds a lookup row from a record of the lookup's schema.
func rowMap(schema *value.Schema, rec []any) map[string]any {
	m := make(map[string]any, len(schema.Fields))
	for i, f := range schema.Fields {
		m[f.Name] = rec[i]
	}
	return m
}

// storeRows puts rows[keys[i]] (or nil) into slot of chunk[i].
func storeRows(chunk []value.Record, keys []any, rows map[any]map[string]any, slot int) error {
	for i, rec := range chunk {
		var row any
		if keys[i] != nil {
			if m, ok := rows[keys[i]]; ok {
				row = m
			}
		}
		switch {
		case len(rec) > slot:
			rec[slot] = row
		case len(rec) == slot:
			chunk[i] = append(rec, row)
		default:
			return fmt.Errorf("lookup: record has %d fields, slot %d is past its end", len(rec), slot)
		}
	}
	return nil
}

// RecordSource is a source of records with a schema, such as [CSV],
// [JSONL] or [SQLite].
type RecordSource interface {
	stream.Source[value.Record]
	Schema() *value.Schema
}
