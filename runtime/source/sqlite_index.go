package source

import (
	"context"
	"fmt"
	"strings"
)

// SQLiteOrderIndexed reports whether table in the database at path has an
// index on exactly cols, in order: its entries are then in the order
// (cols..., rowid) that keyset pagination reads. An index with more columns
// does not serve that order. Keyset pagination in that order is
// then an index range scan per chunk; without such an index every chunk
// would sort the whole table, so the interpreter pushes ORDER BY down only
// when this is true.
func SQLiteOrderIndexed(ctx context.Context, path, table string, cols []string) (bool, error) {
	if len(cols) == 0 {
		return true, nil
	}
	db, _, err := openDB(path, path)
	if err != nil {
		return false, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT name FROM pragma_index_list(%s)", quoteLiteral(table)))
	if err != nil {
		return false, err
	}
	var indexes []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return false, err
		}
		indexes = append(indexes, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	for _, ix := range indexes {
		r, err := db.QueryContext(ctx, fmt.Sprintf("SELECT name FROM pragma_index_info(%s) ORDER BY seqno", quoteLiteral(ix)))
		if err != nil {
			return false, err
		}
		var got []string
		for r.Next() {
			var name *string
			if err := r.Scan(&name); err != nil {
				r.Close()
				return false, err
			}
			if name != nil {
				got = append(got, *name)
			}
		}
		r.Close()
		if len(got) == len(cols) {
			ok := true
			for i, c := range cols {
				if !strings.EqualFold(got[i], c) {
					ok = false
					break
				}
			}
			if ok {
				return true, nil
			}
		}
	}
	return false, nil
}

// quoteLiteral quotes a SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
