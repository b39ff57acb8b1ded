package source

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/value"
)

// openDB opens the SQLite database at path read-only, through connections
// that may only read it (see [denials.authorize]); its denials explain
// what they refused.
func openDB(path, name string) (*sql.DB, *denials, string, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, "", fmt.Errorf("%s: %w", name, fs.ErrNotExist)
		}
		return nil, nil, "", fmt.Errorf("%s: %w", name, err)
	}
	if info.IsDir() {
		return nil, nil, "", fmt.Errorf("%s: is a directory", name)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, "", err
	}
	stamp := fmt.Sprintf("path=%q|size=%d|mtime=%d", abs, info.Size(), info.ModTime().UnixNano())
	if wal, err := os.Stat(abs + "-wal"); err == nil {
		stamp += fmt.Sprintf("|wal=%d/%d", wal.Size(), wal.ModTime().UnixNano())
	}
	db, denied := openReadDB(sqliteURI(abs))
	return db, denied, stamp, nil
}

// sqliteURI returns the read-only URI of an absolute path: "?", "#" and
// "%" would otherwise end or escape the file name.
func sqliteURI(abs string) string {
	u := url.URL{Path: filepath.ToSlash(abs)}
	return "file:" + u.EscapedPath() + "?mode=ro"
}

// quoteIdent quotes a SQL identifier: "a""b".
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// tableInfo is what a source or lookup needs to know about a table.
type tableInfo struct {
	name    string   // as the schema spells it
	view    bool     // a view
	rowid   string   // rowid alias usable in SQL, "" for views and WITHOUT ROWID tables
	columns []string // the columns SELECT * returns
	decls   []string // their declared types
}

// inspectTable looks table up (case-insensitively, like SQLite) and reads
// its columns.
func inspectTable(ctx context.Context, db *sql.DB, file, table string) (*tableInfo, error) {
	var ti tableInfo
	var typ string
	err := db.QueryRowContext(ctx,
		`SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE`,
		table).Scan(&ti.name, &typ)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, unknownTableError(ctx, db, file, table)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ti.view = typ == "view"
	rows, err := db.QueryContext(ctx, `SELECT name, type, hidden FROM pragma_table_xinfo(?) ORDER BY cid`, ti.name)
	if err != nil {
		return nil, fmt.Errorf("%s: table %s: %w", file, ti.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, decl string
		var hidden int
		if err := rows.Scan(&name, &decl, &hidden); err != nil {
			return nil, fmt.Errorf("%s: table %s: %w", file, ti.name, err)
		}
		if hidden == 1 { // hidden columns of virtual tables are not in SELECT *
			continue
		}
		ti.columns = append(ti.columns, name)
		ti.decls = append(ti.decls, decl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: table %s: %w", file, ti.name, err)
	}
	if !ti.view {
		for _, alias := range []string{"rowid", "_rowid_", "oid"} {
			if containsFold(ti.columns, alias) {
				continue // a real column hides the alias
			}
			// WITHOUT ROWID tables have no rowid.
			r, err := db.QueryContext(ctx, "SELECT "+alias+" FROM "+quoteIdent(ti.name)+" LIMIT 0")
			if err == nil {
				r.Close()
				ti.rowid = alias
			}
			break
		}
	}
	return &ti, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// unknownTableError lists the tables and views of the database.
func unknownTableError(ctx context.Context, db *sql.DB, file, table string) error {
	rows, err := db.QueryContext(ctx,
		`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	msg := fmt.Sprintf("%s: no table %q", file, table)
	if s := suggest(table, tables); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", names.Quote(s))
	}
	if len(tables) == 0 {
		return errors.New(msg + "; the database has no tables")
	}
	return errors.New(msg + "; tables: " + names.List(tables))
}

// declKind maps a declared SQL column type to a kind, following SQLite's
// affinity rules where they apply, and returns the scale of DECIMAL(p,s).
// ok is false for no declared type or one with no clear meaning (the
// column's kind is then inferred from its values).
func declKind(decl string) (k value.Kind, scale int32, ok bool) {
	u := strings.ToUpper(strings.TrimSpace(decl))
	base, args, _ := strings.Cut(u, "(")
	base = strings.TrimSpace(base)
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(base, s) {
				return true
			}
		}
		return false
	}
	switch {
	case base == "":
		return value.KindNil, 0, false
	case has("BOOL"):
		return value.KindBool, 0, true
	case has("DATETIME", "TIMESTAMP"):
		return value.KindTime, 0, true
	case base == "DATE":
		return value.KindDate, 0, true
	case has("DECIMAL", "NUMERIC", "MONEY"):
		if _, s, found := strings.Cut(args, ","); found {
			if n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ")"))); err == nil && n >= 0 && n <= value.MaxScale {
				scale = int32(n)
			}
		}
		return value.KindDecimal, scale, true
	case has("INT"):
		return value.KindInt, 0, true
	case has("REAL", "FLOA", "DOUB"):
		return value.KindFloat, 0, true
	case has("CHAR", "CLOB", "TEXT", "STRING", "BLOB"):
		return value.KindString, 0, true
	}
	return value.KindNil, 0, false
}

// sqlKind is the kind a stored value suggests for an untyped column: its
// storage class, with text that reads as a date or timestamp a date or
// timestamp.
func sqlKind(v any) value.Kind {
	switch x := v.(type) {
	case nil:
		return value.KindNil
	case string:
		if k := value.InferKind(x); k == value.KindDate || k == value.KindTime {
			return k
		}
		return value.KindString
	case []byte:
		return value.KindString
	}
	return value.KindOf(value.Normalize(v))
}

// sqlScale returns the fraction digits of a numeric stored value.
func sqlScale(v any) (int32, bool) {
	switch x := v.(type) {
	case int64:
		return 0, true
	case float64:
		if d, err := value.DecimalFromFloat(x); err == nil {
			return d.Scale(), true
		}
	case string:
		if d, err := value.ParseDecimal(x); err == nil {
			return d.Scale(), true
		}
	}
	return 0, false
}

// sqlCell converts a value scanned from SQLite to a column of kind k.
func sqlCell(v any, k value.Kind) (any, error) {
	switch x := v.(type) {
	case []byte:
		if !utf8.Valid(x) {
			return nil, errInvalidUTF8
		}
		v = string(x)
	case string:
		if !utf8.ValidString(x) {
			return nil, errInvalidUTF8
		}
	case time.Time:
		if k == value.KindString {
			// The driver parsed a DATE/DATETIME column's text; give it back.
			if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
				return x.Format("2006-01-02"), nil
			}
			return x.Format("2006-01-02 15:04:05"), nil
		}
	}
	if k == value.KindAny {
		return value.Normalize(v), nil
	}
	return value.Convert(v, k)
}

// SQLValue converts a parameter value to one the driver binds: decimals
// bind as integers when integral, else as floats (so they compare as
// numbers in any SQL expression); dates as 'YYYY-MM-DD' text and
// timestamps as 'YYYY-MM-DD HH:MM:SS[.fff]' text in UTC, SQLite's
// conventions; bools as 1 or 0.
func SQLValue(v any) any {
	switch x := value.Normalize(v).(type) {
	case value.Decimal:
		if i, ok := x.Int64(); ok {
			return i
		}
		return x.Float64()
	case value.Date:
		return x.String()
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05.999999999")
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case map[string]any:
		return jsonText(x)
	case nil, int64, float64, string, []byte:
		return x
	default:
		return value.String(x)
	}
}
