package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// SQLite's dialect of the push-down (pdBackend): how a column is checked,
// grouped and read exactly in SQLite's SQL, and the statements sent.

// affinity is SQLite's column affinity of a declared type.
func affinity(decl string) string { return source.SQLiteAffinity(decl) }

// sqliteBackend computes the partial states in SQL.
type sqliteBackend struct{}

// scaleUp writes e's SQL as a scaled integer with scale fraction digits.
func scaleUp(e pdExpr, scale int32) string {
	if e.scale == scale {
		return e.sql
	}
	return e.sql + " * 1" + strings.Repeat("0", int(scale-e.scale))
}

func fractionDigits(n int32) string {
	if n == 1 {
		return "1 fraction digit"
	}
	return strconv.Itoa(int(n)) + " fraction digits"
}

func declName(decl string) string {
	if strings.TrimSpace(decl) == "" {
		return "a column without a declared type"
	}
	return decl
}

// DecimalText converts a TEXT decimal column to its scaled integer. A value
// conforms when it is exactly what reportsh reads as a decimal with scale
// fraction digits: a well-formed number (SQLite's own test: it equals its
// REAL) that starts with a digit or '-' and ends with '.' and scale digits
// (so no exponent, spaces or '+'), of at most 18 characters (so that its
// digits fit an int64). Empty text is nil.
func DecimalText(col string, scale int32) string {
	shape := col + " GLOB '[0-9-]*." + strings.Repeat("[0-9]", int(scale)) + "'"
	value := "CAST(REPLACE(" + col + ", '.', '') AS INTEGER)"
	if scale == 0 {
		shape = col + " GLOB '[0-9-]*' AND " + col + " NOT GLOB '?*[^0-9]*'"
		value = "CAST(" + col + " AS INTEGER)"
	}
	return "CASE WHEN length(" + col + ") <= 18 AND " + shape + " AND " + col + " = CAST(" + col + " AS REAL)" +
		" THEN " + value + " WHEN " + col + " IS NULL OR " + col + " = '' THEN NULL ELSE 0.5 END"
}

// decimalNumeric converts a DECIMAL(p,s) column, which SQLite stores as
// INTEGER or REAL, to its scaled integer: an integer times 10^s; a REAL when
// it is the double nearest a number with at most s fraction digits (then
// reportsh reads that number), and small enough for that to be exact.
func decimalNumeric(col string, scale int32) string {
	pow := "1" + strings.Repeat("0", int(scale))
	bound := "4e" + strconv.Itoa(15-int(scale))
	if scale > 15 {
		bound = "0"
	}
	return "CASE typeof(" + col + ") WHEN 'integer' THEN " + col + " * " + pow +
		" WHEN 'real' THEN CASE WHEN " + col + " BETWEEN -" + bound + " AND " + bound + " AND ROUND(" + col + " * " + pow + ") / " + pow + ".0 = " + col +
		" THEN CAST(ROUND(" + col + " * " + pow + ") AS INTEGER) ELSE 0.5 END WHEN 'null' THEN NULL ELSE 0.5 END"
}

// build writes the statements.
func (a *pdAnalyzer) build() {
	pp := a.pp
	inner := strings.Join(a.inner, ", ")
	if inner == "" {
		inner = "NULL"
	}
	var outer []string
	for l := range pp.KeyCols {
		outer = append(outer, "k"+strconv.Itoa(l))
	}
	for _, c := range pp.Cols {
		outer = append(outer, c.Sql())
	}
	var group string
	if len(pp.KeyCols) > 0 {
		// BINARY: a column's NOCASE collation must not merge groups.
		var keys []string
		for l := range pp.KeyCols {
			keys = append(keys, "k"+strconv.Itoa(l)+" COLLATE BINARY")
		}
		group = " GROUP BY " + strings.Join(keys, ", ")
	}
	// LIMIT -1 keeps SQLite from flattening the subquery, which would
	// convert and check a value once per use instead of once per row.
	from := " FROM " + quoteSQL(pp.table.Name)
	stmt := func(where string) string {
		return "SELECT " + strings.Join(outer, ", ") + " FROM (SELECT " + inner + from + where + " LIMIT -1)" + group
	}
	where := ""
	if pp.table.RowID != "" {
		where = " WHERE " + pp.table.RowID + " > ?1 AND " + pp.table.RowID + " <= ?2"
	}
	pp.SqlAll, pp.Sql = stmt(""), stmt(where)
	pp.whyNotRaw = a.noRaw
	if a.noRaw == "" {
		// The same rows read as they are, for aggregating in Go.
		var cols []string
		for _, i := range pp.KeyCols {
			cols = append(cols, quoteSQL(pp.table.Columns[i]))
		}
		for _, f := range a.rawFields {
			cols = append(cols, quoteSQL(pp.table.Columns[f.Field]))
		}
		if len(cols) == 0 {
			cols = append(cols, "NULL")
		}
		read := "SELECT " + strings.Join(cols, ", ") + from
		pp.Raw = &pdRaw{Sql: read + where, SqlAll: read, Fields: a.rawFields}
	}
}

// quoteSQL quotes an SQL identifier.
func quoteSQL(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (sqliteBackend) declared(a *pdAnalyzer, i int) string {
	return fmt.Sprintf("field %s is declared, so every record's value is checked, but no aggregate reads it", a.schema.Fields[i].Name)
}

// key accepts a field whose every distinct stored value SQLite's GROUP BY
// tells apart as reportsh does.
func (sqliteBackend) key(a *pdAnalyzer, i int, lv *program.Level) string {
	f := a.schema.Fields[i]
	switch f.Kind {
	case value.KindString, value.KindInt, value.KindDate, value.KindBool:
	default:
		// Equal keys written differently (1.5 and 1.50, one instant in two
		// zones) would show as the first record's, which SQLite cannot tell.
		return fmt.Sprintf("the key of group %s is a %s field", lv.Name, f.Kind)
	}
	if affinity(a.pp.table.Decls[i]) == "BLOB" {
		// Without a declared type a column may hold 1 and 1.0, one group
		// for SQLite and two for reportsh.
		return fmt.Sprintf("the key of group %s has no declared SQLite type", lv.Name)
	}
	a.inner = append(a.inner, quoteSQL(a.pp.table.Columns[i])+" AS k"+strconv.Itoa(len(a.pp.KeyCols)))
	return ""
}

// field returns the checked value of field i, adding its conversion to the
// inner statement and the SUM that reveals a non-conforming value.
func (sqliteBackend) field(a *pdAnalyzer, i int) (pdExpr, string) {
	f := a.schema.Fields[i]
	col := quoteSQL(a.pp.table.Columns[i])
	aff := affinity(a.pp.table.Decls[i])
	e := pdExpr{sql: "c" + strconv.Itoa(i), k: &kexpr{Op: KField, Field: i}}
	var conv, what string
	switch {
	case f.Kind == value.KindInt && aff == "INTEGER":
		// Text or REAL values in an INTEGER column are never numbers
		// SQLite would sum as integers: the column's SUM becomes a REAL.
		conv, what = col, "an integer"
	case f.Kind == value.KindInt:
		conv, what = "CASE WHEN typeof("+col+") = 'integer' THEN "+col+" WHEN "+col+" IS NULL THEN NULL ELSE 0.5 END", "an integer"
	case f.Kind == value.KindDecimal && f.Scale <= maxPushScale && aff == "TEXT":
		e.scale, e.dec = f.Scale, true
		conv, what = DecimalText(col, f.Scale), "a decimal written with "+fractionDigits(f.Scale)
	case f.Kind == value.KindDecimal && f.Scale > 0 && f.Scale <= maxPushScale && a.pp.table.Rescale[i] == f.Scale:
		e.scale, e.dec = f.Scale, true
		conv, what = decimalNumeric(col, f.Scale), "a number with at most "+fractionDigits(f.Scale)
	case f.Kind == value.KindDecimal:
		return e, fmt.Sprintf("decimal field %s is stored as %s: only TEXT and DECIMAL(p,s) columns are summed exactly in SQLite", f.Name, declName(a.pp.table.Decls[i]))
	default:
		return e, fmt.Sprintf("%s is a %s field", f.Name, f.Kind)
	}
	e.k.scale = e.scale // the scaled integer's, for reading the rows in Go
	if _, ok := a.alias[i]; !ok {
		a.alias[i] = e.sql
		a.inner = append(a.inner, conv+" AS "+e.sql)
		a.pp.checked = append(a.pp.checked, f.Name+" ("+what+")")
		if f.Kind == value.KindDecimal && aff != "TEXT" {
			// A DECIMAL(p,s) column's REALs are SQLite's to round.
			a.noRaw = "decimal field " + f.Name + " is a " + declName(a.pp.table.Decls[i]) + " column, whose values SQLite rounds: only its statement sums them exactly"
		}
		a.rawFields = append(a.rawFields, PdRawField{Field: i, Name: f.Name, Dec: e.dec, Scale: e.scale, What: what})
	}
	a.col(PdCol{Fn: "SUM", arg: e.sql, Scale: e.scale, Dec: e.dec, Field: f.Name, What: what, K: e.k})
	return e, ""
}
