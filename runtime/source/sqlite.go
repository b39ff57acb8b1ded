package source

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// SQLiteConfig configures [OpenSQLite]. Exactly one of Table and Query is
// set.
type SQLiteConfig struct {
	Config

	// Name names the database in errors and messages; empty means the path
	// as given to OpenSQLite.
	Name string

	// Table is the table (or view) to read, matched case-insensitively.
	Table string

	// Query is a SELECT statement to read instead of a table. Its named
	// parameters (:name, @name or $name) are bound from Params.
	Query string

	// Params holds the values of the query's named parameters, by name
	// without the prefix. They are bound as SQL parameters, never written
	// into the SQL text. Decimals bind as integers or floats, dates as
	// 'YYYY-MM-DD' text, timestamps as 'YYYY-MM-DD HH:MM:SS' text in UTC,
	// bools as 1 or 0. Params are only valid with Query.
	Params map[string]any

	// OrderBy lists the columns the records are sorted by, ascending
	// (NULLs first, as in SQLite). For a table the rowid breaks ties, so
	// the order is total; pagination stays keyset when an index provides
	// the order, else (every page would sort the table again) the table is
	// read through one sorted cursor. For a query the statement is
	// wrapped as SELECT * FROM (query) ORDER BY ….
	OrderBy []string
}

// SQLite reads a SQLite table or query (see the package documentation for
// types, positions and bad data). The database is opened read-only.
//
// Column kinds come from Types, else from the declared column types:
// INT… → int; REAL, FLOAT, DOUBLE → float; DECIMAL, NUMERIC, MONEY →
// decimal (REAL values converted exactly with [value.DecimalFromFloat],
// text parsed, integers widened; the scale of DECIMAL(p,s) is the field's
// Scale); CHAR, TEXT, CLOB, BLOB → string; DATE → date (text
// 'YYYY-MM-DD'); DATETIME, TIMESTAMP → timestamp; BOOL… → bool. Columns
// with no or another declared type, and query columns that are
// expressions, take their kind from the values of the first SampleRows
// rows (integers int, reals float, text string unless every value is a
// date or timestamp).
//
// A SQLite is safe for concurrent use; calls are serialized.
type SQLite struct {
	mu       sync.Mutex
	db       *sql.DB
	denied   *denials // what the authorizer of db's connections refused
	uri      string   // the read-only URI db was opened with, for OpenRaw
	file     string
	cfg      SQLiteConfig
	schema   *value.Schema
	kinds    []value.Kind
	rescale  []int32 // the scale of DECIMAL(p,s) columns, for values stored with fewer digits
	width    int
	stride   int
	identity string
	skip     *skipper

	table  *tableInfo // nil for a query
	keyset bool       // a rowid table: keyset pagination
	order  []string   // OrderBy, as the columns are spelled
	orderI []int      // their indexes in the schema
	args   []any      // named parameters

	// selectList is +"a", +"b", …: the unary + (a no-op in SQLite) hides
	// the declared type from the driver, which would otherwise turn DATE
	// text into time.Time behind our back. There are no AS aliases, so
	// "a" in WHERE and ORDER BY is the table's column and indexes apply.
	selectList string
	cursorSQL  string // the statement of cursor mode
	countSQL   string

	cur    *sqlCursor
	closed bool
}

// OpenSQLite is [OpenSQLiteContext] with the background context.
func OpenSQLite(path string, cfg SQLiteConfig) (*SQLite, error) {
	return OpenSQLiteContext(context.Background(), path, cfg)
}

// OpenSQLiteContext opens the database at path (an operating-system path,
// already resolved by the caller) read-only and reads the table's or
// query's columns; ctx bounds what that reads. A query is prepared, not
// run: its columns are known without computing a row. Close releases the
// database.
//
// Every statement on the database may only read it: a query that does
// more (ATTACH, which could open any file, PRAGMA, writes) fails with a
// [*NotAllowedError] as it is prepared.
func OpenSQLiteContext(ctx context.Context, path string, cfg SQLiteConfig) (*SQLite, error) {
	s := &SQLite{cfg: cfg, file: cfg.Name}
	if s.file == "" {
		s.file = path
	}
	if (cfg.Table == "") == (strings.TrimSpace(cfg.Query) == "") {
		return nil, fmt.Errorf("%s: set exactly one of table and query", s.file)
	}
	if cfg.Table != "" && len(cfg.Params) > 0 {
		return nil, fmt.Errorf("%s: parameters need a query (a table has nothing to bind them to)", s.file)
	}
	db, denied, stamp, err := openDB(path, s.file)
	if err != nil {
		return nil, err
	}
	s.db, s.denied = db, denied
	if abs, err := filepath.Abs(path); err == nil {
		s.uri = sqliteURI(abs)
	}
	if err := s.open(ctx, stamp); err != nil {
		db.Close()
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	return s, nil
}

func (s *SQLite) open(ctx context.Context, stamp string) error {
	var columns, decls []string
	var sample func(n int) (*sql.Rows, error)
	if s.cfg.Table != "" {
		ti, err := inspectTable(ctx, s.db, s.file, s.cfg.Table)
		if err != nil {
			return err
		}
		s.table, s.keyset = ti, ti.rowid != ""
		columns, decls = ti.columns, ti.decls
		full := selectList(columns)
		s.selectList = s.projection(columns)
		from := " FROM " + quoteIdent(ti.name)
		sample = func(n int) (*sql.Rows, error) {
			return s.db.QueryContext(ctx, "SELECT "+full+from+" LIMIT ?", n)
		}
		s.cursorSQL = "SELECT " + s.selectList + from
		s.countSQL = "SELECT COUNT(*)" + from
	} else {
		q := strings.TrimRight(strings.TrimSpace(s.cfg.Query), "; \t\r\n")
		for _, name := range sortedKeys(s.cfg.Params) {
			s.args = append(s.args, sql.Named(strings.TrimLeft(name, ":@$"), SQLValue(s.cfg.Params[name])))
		}
		// Prepared, never run: the script's query runs when records are
		// fetched, not when the report is compiled or explained.
		var err error
		columns, decls, err = columnInfo(ctx, s.db, q)
		if err != nil {
			return fmt.Errorf("%s: query: %w", s.file, s.denied.explain(err))
		}
		seen := map[string]bool{}
		for _, c := range columns {
			if seen[c] {
				return fmt.Errorf("%s: query: duplicate column %q (give the columns distinct names with AS)", s.file, c)
			}
			seen[c] = true
		}
		s.cursorSQL = q
		s.countSQL = "SELECT COUNT(*) FROM (" + q + "\n)"
	}

	if err := s.resolveOrder(columns); err != nil {
		return err
	}
	if s.keyset && len(s.order) > 0 {
		sorts, err := s.pageNeedsSort(ctx)
		if err != nil {
			return err
		}
		s.keyset = !sorts
	}
	switch {
	case s.keyset:
	case s.table != nil && s.table.rowid != "" && len(s.order) > 0:
		// The rowid makes the order total, so re-running the statement
		// skips exactly the rows delivered before.
		s.cursorSQL += " ORDER BY " + orderList(s.order) + ", " + s.table.rowid
	case s.table != nil && len(s.order) > 0:
		s.cursorSQL += " ORDER BY " + orderList(s.order)
	case len(s.order) > 0:
		s.cursorSQL = "SELECT * FROM (" + s.cursorSQL + "\n) ORDER BY " + orderList(s.order)
	}
	if err := s.buildSchema(columns, decls, sample); err != nil {
		return err
	}
	s.skip = newSkipper(s.cfg.Config, !s.keyset || len(s.order) == 0)
	params := make([]string, 0, len(s.cfg.Params))
	for _, name := range sortedKeys(s.cfg.Params) {
		v := s.cfg.Params[name]
		params = append(params, fmt.Sprintf("%q=%T:%v", name, v, v))
	}
	s.identity = fmt.Sprintf("sqlite|%s|table=%q|query=%q|params=%s|order=%s|types=%s|sample=%d|skip=%t|schema=%s",
		stamp, s.cfg.Table, s.cfg.Query, strings.Join(params, ","), identList(s.order),
		s.cfg.typesString(), s.cfg.sampleRows(), s.cfg.SkipErrors, schemaString(s.schema))
	return nil
}

func (s *SQLite) resolveOrder(columns []string) error {
	var missing []string
	for _, o := range s.cfg.OrderBy {
		i := indexOf(columns, o)
		if i < 0 {
			i = foldIndex(columns, o)
		}
		if i < 0 {
			missing = append(missing, o)
			continue
		}
		s.order = append(s.order, columns[i])
		s.orderI = append(s.orderI, i)
	}
	if len(missing) > 0 {
		return unknownColumnsError(s.file, "order column", missing, columns, "")
	}
	return nil
}

// buildSchema decides the column kinds: declared by the config, else by
// the declared SQL type, else inferred from a sample of rows.
func (s *SQLite) buildSchema(columns, decls []string, sample func(n int) (*sql.Rows, error)) error {
	kinds, declared, err := s.cfg.declaredKinds(s.file, columns, scalarKind)
	if err != nil {
		return err
	}
	fields := make([]value.Field, len(columns))
	needSample := false
	for i, c := range columns {
		fields[i].Name = c
		if declared[i] {
			fields[i].Kind = kinds[i]
		} else if k, scale, ok := declKind(decls[i]); ok {
			fields[i].Kind, fields[i].Scale = k, scale
			declared[i] = true
			if k == value.KindDecimal && scale > 0 {
				if s.rescale == nil {
					s.rescale = make([]int32, len(columns))
				}
				s.rescale[i] = scale
			}
		}
		if !declared[i] || (fields[i].Kind == value.KindDecimal && fields[i].Scale == 0) {
			needSample = true
		}
	}
	if needSample && sample == nil {
		// A query's columns without a declared type keep the values
		// SQLite returns (the query is not run to sample them).
		for i := range fields {
			if !declared[i] {
				fields[i].Kind = value.KindAny
			}
		}
		needSample = false
	}
	if needSample {
		inf := newInference(len(columns))
		rows, err := sample(s.cfg.sampleRows())
		if err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		raw := make([]any, len(columns))
		ptrs := scanTargets(raw)
		for n := 0; n < s.cfg.sampleRows() && rows.Next(); n++ {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return fmt.Errorf("%s: %w", s.file, err)
			}
			inf.rows++
			for i, v := range raw {
				inf.addKind(i, sqlKind(v))
				if sc, ok := sqlScale(v); ok {
					inf.scale[i] = max(inf.scale[i], sc)
				}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		for i := range fields {
			if !declared[i] {
				fields[i].Kind = inf.kind(i)
			}
			if fields[i].Kind == value.KindDecimal && fields[i].Scale == 0 {
				fields[i].Scale = inf.scale[i]
			}
		}
	}
	for i := range fields {
		if fields[i].Kind != value.KindDecimal {
			fields[i].Scale = 0
		}
	}
	s.schema = &value.Schema{Fields: fields}
	s.kinds = make([]value.Kind, len(fields))
	for i, f := range fields {
		s.kinds[i] = f.Kind
	}
	s.width = len(fields)
	s.stride = s.width + s.cfg.extra()
	return nil
}

// Schema returns the columns of the records, in record order.
func (s *SQLite) Schema() *value.Schema { return s.schema }

// Identity names everything that determines the records: the database
// file (absolute path, size, modification time), table or query, bound
// parameters, order, declared types and the resulting schema.
func (s *SQLite) Identity() string { return s.identity }

// Skipped returns the number of bad rows skipped so far. It is safe to
// call concurrently with Fetch.
func (s *SQLite) Skipped() int64 { return s.skip.count.Load() }

// Count returns the number of rows of the table or query (bad rows
// included), for progress reports: SELECT COUNT(*), which SQLite answers
// without reading the rows' data.
func (s *SQLite) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, s.countSQL, s.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: count: %w", s.file, err)
	}
	return n, nil
}

// Close closes the open cursor, if any, and the database.
func (s *SQLite) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.dropCursor()
	return s.db.Close()
}

// Fetch returns up to limit records after the position after, which must be
// the zero Position or one this source (or one opened with the same
// arguments) returned.
func (s *SQLite) Fetch(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return stream.Chunk[value.Record]{}, ErrClosed
	}
	if limit < 1 {
		return stream.Chunk[value.Record]{}, fmt.Errorf("%s: fetch limit %d, want at least 1", s.file, limit)
	}
	if err := ctx.Err(); err != nil {
		return stream.Chunk[value.Record]{}, err
	}
	var (
		chunk stream.Chunk[value.Record]
		err   error
	)
	if s.keyset {
		chunk, err = s.fetchKeyset(ctx, after, limit)
	} else {
		chunk, err = s.fetchCursor(ctx, after, limit)
	}
	if err != nil && corrupt(err) {
		err = stream.Permanent(err) // retrying cannot mend a damaged file
	}
	chunk.Bytes = recordBytes(chunk.Records, s.width)
	return chunk, err
}

// recordBytes estimates the bytes a chunk carried: the length of text
// values and 8 for every other non-nil value (SQLite reports no byte count).
func recordBytes(recs []value.Record, width int) int64 {
	var n int64
	for _, r := range recs {
		for _, v := range r[:min(width, len(r))] {
			switch x := v.(type) {
			case nil:
			case string:
				n += int64(len(x))
			default:
				n += 8
			}
		}
	}
	return n
}

// corrupt reports errors that say the database file itself is damaged or
// not a database: retrying them only wastes time.
func corrupt(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "malformed") || strings.Contains(msg, "not a database") || strings.Contains(msg, "file is encrypted")
}

// convert fills rec from the raw values of a row; it reports the column at
// fault.
func (s *SQLite) convert(raw, rec []any) (string, error) {
	for i, v := range raw {
		c, err := s.Cell(i, v)
		if err != nil {
			return s.schema.Fields[i].Name, err
		}
		rec[i] = c
	}
	return "", nil
}

// scanTargets returns pointers to each element of dst, for rows.Scan.
func scanTargets(dst []any) []any {
	ptrs := make([]any, len(dst))
	for i := range dst {
		ptrs[i] = &dst[i]
	}
	return ptrs
}

// projection is the select list of a table's fetches: columns the
// consumer never reads (Config.Unused, unless ordered by) are NULL, so
// SQLite neither reads nor converts them.
func (s *SQLite) projection(columns []string) string {
	parts := make([]string, len(columns))
	for i, c := range columns {
		if s.cfg.Unused[c] && !slices.Contains(s.cfg.OrderBy, c) {
			parts[i] = "NULL"
		} else {
			parts[i] = "+" + quoteIdent(c)
		}
	}
	return strings.Join(parts, ", ")
}

func selectList(columns []string) string {
	parts := make([]string, len(columns))
	for i, c := range columns {
		parts[i] = "+" + quoteIdent(c)
	}
	return strings.Join(parts, ", ")
}

// orderTerm is how an ordering column is written in ORDER BY and in the
// keyset comparisons: with the BINARY collation, which orders text by its
// bytes as reportsh's group keys are; a column declared with another
// collation (COLLATE NOCASE) would otherwise be ordered by that one, and
// grouping that expects sorted input would fail. An index of another
// collation then does not serve the order, and SQLite sorts.
func orderTerm(column string) string { return quoteIdent(column) + " COLLATE BINARY" }

// orderList joins the ordering columns' terms.
func orderList(columns []string) string {
	parts := make([]string, len(columns))
	for i, c := range columns {
		parts[i] = orderTerm(c)
	}
	return strings.Join(parts, ", ")
}

func identList(columns []string) string {
	parts := make([]string, len(columns))
	for i, c := range columns {
		parts[i] = quoteIdent(c)
	}
	return strings.Join(parts, ", ")
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
