package source

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// SQLiteOrderIndexed reports whether table in the database at path has an
// index on exactly cols, in order, whose order is the order of their
// values read as kinds (one kind per column): its entries are then in the
// order (cols..., rowid) that keyset pagination reads. An index with more
// columns does not serve that order. Keyset pagination in that order is
// then an index range scan per chunk; without such an index every chunk
// would sort the whole table, so the interpreter pushes ORDER BY down only
// when this is true.
//
// SQLite orders a column's stored values by storage class (numbers before
// text, text by its bytes), which is the order of the values reportsh
// reads only when the column's declared type suits the kind (see
// [SQLiteOrders]); otherwise the index order is not the kind's order and
// the answer is false.
func SQLiteOrderIndexed(ctx context.Context, path, table string, cols []string, kinds []value.Kind) (bool, error) {
	if len(cols) == 0 {
		return true, nil
	}
	if len(kinds) != len(cols) {
		return false, fmt.Errorf("%s: %d kinds for %d order columns", path, len(kinds), len(cols))
	}
	db, _, _, err := openDB(path, path)
	if err != nil {
		return false, err
	}
	defer db.Close()
	decls, err := columnDecls(ctx, db, table)
	if err != nil {
		return false, err
	}
	for i, c := range cols {
		decl, ok := decls[strings.ToLower(c)]
		if !ok || !SQLiteOrders(decl, kinds[i]) {
			return false, nil
		}
	}
	indexes, err := queryStrings(ctx, db, fmt.Sprintf("SELECT name FROM pragma_index_list(%s)", quoteLiteral(table)))
	if err != nil {
		return false, err
	}
	for _, ix := range indexes {
		got, err := queryStrings(ctx, db, fmt.Sprintf("SELECT name FROM pragma_index_info(%s) ORDER BY seqno", quoteLiteral(ix)))
		if err != nil {
			return false, err
		}
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

// SQLiteOrders reports whether SQLite's order of the values of a column
// declared decl (by storage class: NULL, then numbers by value, then text
// by its bytes, then blobs) is the order of those values read as kind k,
// whatever the column holds:
//
//   - a string over a column of TEXT affinity (CHAR, CLOB, TEXT), whose
//     numbers are stored as text (9 and 10 in an INTEGER column order as
//     numbers, "10" and "9" as strings);
//   - an int, float or decimal over a column of INTEGER, REAL or NUMERIC
//     affinity, where every number is stored as a number (the text "10"
//     orders before "9"; text that is not a number fails to convert);
//   - a date over any column: only text that starts YYYY-MM-DD converts to
//     a date (those ten characters), and such text orders as the dates do.
//
// A bool never does (a BOOLEAN column may hold 1 and 'true', which SQLite
// orders apart), nor a timestamp (an instant written with two zones or two
// layouts), nor a column without a declared type, which holds numbers and
// text alike. Text in a numeric column that reads as a number (or as nil:
// empty text), which SQLite orders after every number, still breaks the
// order: such a run fails as unsorted.
func SQLiteOrders(decl string, k value.Kind) bool {
	aff := SQLiteAffinity(decl)
	switch k {
	case value.KindString:
		return aff == "TEXT"
	case value.KindInt, value.KindFloat, value.KindDecimal:
		return aff == "INTEGER" || aff == "REAL" || aff == "NUMERIC"
	case value.KindDate:
		return true
	}
	return false
}

// SQLiteAffinity is SQLite's column affinity of a declared type: INTEGER,
// TEXT, BLOB (no declared type), REAL or NUMERIC
// (https://www.sqlite.org/datatype3.html#determination_of_column_affinity).
func SQLiteAffinity(decl string) string {
	u := strings.ToUpper(decl)
	switch {
	case strings.Contains(u, "INT"):
		return "INTEGER"
	case strings.Contains(u, "CHAR"), strings.Contains(u, "CLOB"), strings.Contains(u, "TEXT"):
		return "TEXT"
	case strings.Contains(u, "BLOB"), strings.TrimSpace(u) == "":
		return "BLOB"
	case strings.Contains(u, "REAL"), strings.Contains(u, "FLOA"), strings.Contains(u, "DOUB"):
		return "REAL"
	}
	return "NUMERIC"
}

// columnDecls returns the declared types of table's columns, by their
// lower-case names.
func columnDecls(ctx context.Context, db *sql.DB, table string) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT name, type FROM pragma_table_info(%s)", quoteLiteral(table)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	decls := map[string]string{}
	for rows.Next() {
		var name, decl string
		if err := rows.Scan(&name, &decl); err != nil {
			return nil, err
		}
		decls[strings.ToLower(name)] = decl
	}
	return decls, rows.Err()
}

// queryStrings returns the first column of query's rows; NULLs are left
// out.
func queryStrings(ctx context.Context, db *sql.DB, query string) ([]string, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s *string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, *s)
		}
	}
	return out, rows.Err()
}

// quoteLiteral quotes a SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
