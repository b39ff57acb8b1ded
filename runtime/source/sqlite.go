package source

import (
	"context"
	"database/sql"
	"fmt"
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
	file     string
	cfg      SQLiteConfig
	schema   *value.Schema
	kinds    []value.Kind
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

// OpenSQLite opens the database at path (an operating-system path, already
// resolved by the caller) read-only and reads the table's or query's
// columns. Close releases the database.
func OpenSQLite(path string, cfg SQLiteConfig) (*SQLite, error) {
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
	db, stamp, err := openDB(path, s.file)
	if err != nil {
		return nil, err
	}
	s.db = db
	if err := s.open(context.Background(), stamp); err != nil {
		db.Close()
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
		s.selectList = selectList(columns)
		from := " FROM " + quoteIdent(ti.name)
		sample = func(n int) (*sql.Rows, error) {
			return s.db.QueryContext(ctx, "SELECT "+s.selectList+from+" LIMIT ?", n)
		}
		s.cursorSQL = "SELECT " + s.selectList + from
		s.countSQL = "SELECT COUNT(*)" + from
	} else {
		q := strings.TrimRight(strings.TrimSpace(s.cfg.Query), "; \t\r\n")
		for _, name := range sortedKeys(s.cfg.Params) {
			s.args = append(s.args, sql.Named(strings.TrimLeft(name, ":@$"), sqlParam(s.cfg.Params[name])))
		}
		rows, err := s.db.QueryContext(ctx, q, s.args...)
		if err != nil {
			return fmt.Errorf("%s: query: %w", s.file, err)
		}
		defer func() {
			if rows != nil {
				rows.Close()
			}
		}()
		types, err := rows.ColumnTypes()
		if err != nil {
			return fmt.Errorf("%s: query: %w", s.file, err)
		}
		seen := map[string]bool{}
		for _, t := range types {
			if seen[t.Name()] {
				return fmt.Errorf("%s: query: duplicate column %q (give the columns distinct names with AS)", s.file, t.Name())
			}
			seen[t.Name()] = true
			columns = append(columns, t.Name())
			decls = append(decls, t.DatabaseTypeName())
		}
		sample = func(int) (*sql.Rows, error) {
			r := rows // the rows already open: the query runs once
			rows = nil
			return r, nil
		}
		s.cursorSQL = q
		s.countSQL = "SELECT COUNT(*) FROM (" + q + ")"
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
		s.cursorSQL += " ORDER BY " + identList(s.order) + ", " + s.table.rowid
	case s.table != nil && len(s.order) > 0:
		s.cursorSQL += " ORDER BY " + identList(s.order)
	case len(s.order) > 0:
		s.cursorSQL = "SELECT * FROM (" + s.cursorSQL + ") ORDER BY " + identList(s.order)
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
		return unknownColumnsError(s.file, "order column", missing, columns)
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
		}
		if !declared[i] || (fields[i].Kind == value.KindDecimal && fields[i].Scale == 0) {
			needSample = true
		}
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
	if s.keyset {
		return s.fetchKeyset(ctx, after, limit)
	}
	return s.fetchCursor(ctx, after, limit)
}

// convert fills rec from the raw values of a row; it reports the column at
// fault.
func (s *SQLite) convert(raw, rec []any) (string, error) {
	for i, v := range raw {
		c, err := sqlCell(v, s.kinds[i])
		if err != nil {
			return s.schema.Fields[i].Name, err
		}
		rec[i] = c
	}
	return "", nil
}

// fetchKeyset reads a rowid table page by page: each page is one
// statement, WHERE (order columns…, rowid) > (last key) ORDER BY … LIMIT n.
// It asks for one row more than it needs to tell whether the table ends.
func (s *SQLite) fetchKeyset(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	var chunk stream.Chunk[value.Record]
	key := after.Key
	if key == nil && after.Offset > 0 {
		// A bare offset (not one this source returned): read and skip.
		var err error
		if key, err = s.skipTo(ctx, after.Offset); err != nil {
			return chunk, err
		}
	} else if key != nil && !s.validKey(key) {
		return chunk, stream.Permanent(fmt.Errorf("%s: position %v was not returned by this source", s.file, after))
	}
	recs := make([]value.Record, 0, min(limit, 1024))
	slots := records{width: s.width, stride: s.stride}
	raw := make([]any, 1+s.width)
	ptrs := scanTargets(raw)
	last := make([]any, len(s.orderI)+1) // the key of the last row read
	for {
		page := limit - len(recs) + 1
		query, args := s.pageSQL(key)
		rows, err := s.db.QueryContext(ctx, query, append(args, page)...)
		if err != nil {
			return chunk, s.queryErr(ctx, err)
		}
		n, more := 0, false
		for rows.Next() {
			if len(recs) == limit {
				more = true
				break
			}
			n++
			if n&255 == 0 && ctx.Err() != nil {
				break
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return chunk, fmt.Errorf("%s: %w", s.file, err)
			}
			rowid, _ := raw[0].(int64)
			s.rowKey(last, raw)
			rec := slots.next(limit - len(recs))
			if col, err := s.convert(raw[1:], rec); err != nil {
				de := &DataError{File: s.file, Where: fmt.Sprintf("table %s: rowid %d", s.table.name, rowid), Column: col, Err: err}
				if err := s.skip.handle(de, rowid); err != nil {
					rows.Close()
					return chunk, err
				}
				slots.unget(rec)
				continue
			}
			recs = append(recs, rec)
		}
		err = rows.Err()
		rows.Close()
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return chunk, s.queryErr(ctx, err)
		}
		if n > 0 {
			key = append([]any(nil), last...)
		}
		if more || n < page {
			chunk.Done = !more
			break
		}
	}
	chunk.Records = recs
	chunk.Next = stream.Position{Offset: after.Offset + int64(len(recs)), Key: key}
	return chunk, nil
}

// skipTo reads n good records from the start and returns the key after
// them.
func (s *SQLite) skipTo(ctx context.Context, n int64) ([]any, error) {
	var key []any
	for n > 0 {
		chunk, err := s.fetchKeyset(ctx, stream.Position{Key: key}, int(min(n, 10000)))
		if err != nil {
			return nil, err
		}
		key = chunk.Next.Key
		n -= int64(len(chunk.Records))
		if chunk.Done {
			break
		}
	}
	return key, nil
}

func (s *SQLite) queryErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return fmt.Errorf("%s: %w", s.file, err)
}

// rowKey sets key to the keyset key of a raw row: the order columns'
// stored values, then the rowid.
func (s *SQLite) rowKey(key, raw []any) {
	for j, i := range s.orderI {
		key[j] = raw[1+i]
	}
	key[len(key)-1] = raw[0]
}

func (s *SQLite) validKey(key []any) bool {
	if len(key) != len(s.orderI)+1 {
		return false
	}
	_, ok := key[len(key)-1].(int64)
	return ok
}

// pageNeedsSort reports whether SQLite must sort to serve a keyset page
// in the OrderBy order (no index provides it). Every page would then scan
// and sort the rest of the table, quadratic over the whole read, so such
// tables are read through one sorted cursor instead.
func (s *SQLite) pageNeedsSort(ctx context.Context) (bool, error) {
	q, _ := s.pageSQL(nil)
	rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, 1)
	if err != nil {
		return false, fmt.Errorf("%s: %w", s.file, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return false, fmt.Errorf("%s: %w", s.file, err)
	}
	raw := make([]any, len(cols))
	sorts := false
	for rows.Next() {
		if err := rows.Scan(scanTargets(raw)...); err != nil {
			return false, fmt.Errorf("%s: %w", s.file, err)
		}
		detail := strings.ToUpper(value.String(value.Normalize(raw[len(raw)-1])))
		sorts = sorts || (strings.Contains(detail, "TEMP B-TREE") && strings.Contains(detail, "ORDER BY"))
	}
	return sorts, rows.Err()
}

// QuerySQL returns the statement Fetch sends to read the page after the
// position after; the last parameter is the row limit. For a query source
// it is the statement run once for the cursor.
func (s *SQLite) QuerySQL(after stream.Position) string {
	if !s.keyset {
		return s.cursorSQL
	}
	key := after.Key
	if !s.validKey(key) {
		key = nil
	}
	q, _ := s.pageSQL(key)
	return q
}

// Plan describes how the source reads, for explain output: the strategy
// and the SQL of a page after the first.
func (s *SQLite) Plan() string {
	if !s.keyset {
		what := "query"
		switch {
		case s.table == nil:
		case s.table.view:
			what = "view " + s.table.name
		case s.table.rowid == "":
			what = "table " + s.table.name + " (no rowid)"
		default:
			what = "table " + s.table.name + " (no index serves the order)"
		}
		return fmt.Sprintf("sqlite %s: one cursor across fetches (a restart re-runs it and skips): %s", what, s.cursorSQL)
	}
	key := make([]any, len(s.orderI)+1)
	for i := range key {
		key[i] = int64(0)
	}
	cols := append(append([]string(nil), s.order...), s.table.rowid)
	return fmt.Sprintf("sqlite table %s: keyset pagination on (%s): %s", s.table.name, strings.Join(cols, ", "), s.QuerySQL(stream.Position{Key: key}))
}

// pageSQL builds the keyset statement after key (nil: the first page) and
// its arguments, without the final LIMIT argument.
//
// Without OrderBy: WHERE rowid > ? ORDER BY rowid. With OrderBy a, b:
// WHERE ("a", "b", rowid) > (?, ?, ?) ORDER BY "a", "b", rowid, a row-value
// comparison. A row value with NULL compares as NULL, so when the last key
// holds a NULL (NULLs sort first) the comparison is spelt out: a > ? OR
// (a IS ? AND (…)), with "> NULL" meaning IS NOT NULL.
func (s *SQLite) pageSQL(key []any) (string, []any) {
	rowid := s.table.rowid
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(rowid)
	b.WriteString(", ")
	b.WriteString(s.selectList)
	b.WriteString(" FROM ")
	b.WriteString(quoteIdent(s.table.name))
	var args []any
	if key != nil {
		b.WriteString(" WHERE ")
		cols := make([]string, 0, len(s.order)+1)
		for _, o := range s.order {
			cols = append(cols, quoteIdent(o))
		}
		cols = append(cols, rowid)
		hasNull := false
		for _, k := range key {
			hasNull = hasNull || k == nil
		}
		switch {
		case len(cols) == 1:
			b.WriteString(rowid + " > ?")
			args = append(args, key[0])
		case !hasNull:
			b.WriteString("(" + strings.Join(cols, ", ") + ") > (" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")")
			args = append(args, key...)
		default:
			args = nullSafeAfter(&b, cols, key)
		}
	}
	b.WriteString(" ORDER BY ")
	for _, o := range s.order {
		b.WriteString(quoteIdent(o))
		b.WriteString(", ")
	}
	b.WriteString(rowid)
	b.WriteString(" LIMIT ?")
	return b.String(), args
}

// nullSafeAfter writes "(c1, …) > (k1, …)" in the lexicographic order
// SQLite's ORDER BY uses (NULL lowest), valid with NULL keys.
func nullSafeAfter(b *strings.Builder, cols []string, key []any) []any {
	var args []any
	var rec func(i int)
	rec = func(i int) {
		c := cols[i]
		if key[i] == nil {
			b.WriteString(c + " IS NOT NULL")
		} else {
			b.WriteString(c + " > ?")
			args = append(args, key[i])
		}
		if i == len(cols)-1 {
			return
		}
		b.WriteString(" OR (" + c + " IS ? AND (")
		args = append(args, key[i])
		rec(i + 1)
		b.WriteString("))")
	}
	b.WriteByte('(')
	rec(0)
	b.WriteByte(')')
	return args
}

// sqlCursor is the open statement of cursor mode.
type sqlCursor struct {
	rows    *sql.Rows
	cancel  context.CancelFunc
	at      stream.Position // where the cursor stands
	raw     int64           // rows consumed
	pending bool            // raw holds a row read but not yet delivered
	values  []any
	ptrs    []any
}

func (s *SQLite) dropCursor() {
	if s.cur != nil {
		s.cur.rows.Close()
		s.cur.cancel()
		s.cur = nil
	}
}

// fetchCursor reads a query (or a view, or a table without rowid) through
// one cursor kept open across fetches. The cursor runs under a context of
// its own, so that a fetch's context ending after the fetch does not kill
// it; a fetch's context ending during the fetch does, and the next fetch
// re-runs the statement.
func (s *SQLite) fetchCursor(ctx context.Context, after stream.Position, limit int) (stream.Chunk[value.Record], error) {
	var chunk stream.Chunk[value.Record]
	if s.cur == nil || !samePosition(after, s.cur.at) {
		s.dropCursor()
		if err := s.openCursor(ctx, after); err != nil {
			s.dropCursor()
			return chunk, err
		}
	}
	cur := s.cur
	stop := context.AfterFunc(ctx, cur.cancel)
	defer stop()
	cur.at = stream.Position{Offset: -1} // invalid until this fetch completes
	recs := make([]value.Record, 0, min(limit, 1024))
	slots := records{width: s.width, stride: s.stride}
	for {
		ok, err := s.cursorRow(ctx)
		if err != nil {
			s.dropCursor()
			return chunk, err
		}
		if !ok {
			chunk.Done = true
			break
		}
		if len(recs) == limit {
			cur.pending = true
			break
		}
		cur.raw++
		rec := slots.next(limit - len(recs))
		if col, err := s.convert(cur.values, rec); err != nil {
			if err := s.skip.handle(s.cursorError(cur.raw, col, err), cur.raw); err != nil {
				s.dropCursor()
				return chunk, err
			}
			slots.unget(rec)
			continue
		}
		recs = append(recs, rec)
	}
	chunk.Records = recs
	chunk.Next = stream.Position{Offset: after.Offset + int64(len(recs)), Key: []any{cur.raw}}
	cur.at = chunk.Next
	return chunk, nil
}

func (s *SQLite) cursorError(row int64, col string, err error) *DataError {
	where := fmt.Sprintf("query: row %d", row)
	if s.table != nil {
		where = fmt.Sprintf("table %s: row %d", s.table.name, row)
	}
	return &DataError{File: s.file, Record: row, Where: where, Column: col, Err: err}
}

// cursorRow makes the next row available in cur.values: the pending one or
// a new one. It reports false at the end.
func (s *SQLite) cursorRow(ctx context.Context) (bool, error) {
	cur := s.cur
	if cur.pending {
		cur.pending = false
		return true, nil
	}
	if cur.raw&255 == 0 {
		if err := ctx.Err(); err != nil {
			return false, err
		}
	}
	if !cur.rows.Next() {
		if err := cur.rows.Err(); err != nil {
			return false, s.queryErr(ctx, err)
		}
		return false, ctx.Err()
	}
	if err := cur.rows.Scan(cur.ptrs...); err != nil {
		return false, fmt.Errorf("%s: %w", s.file, err)
	}
	return true, nil
}

// openCursor runs the statement and skips to after: past the number of
// rows its Key records, or past after.Offset good records.
func (s *SQLite) openCursor(ctx context.Context, after stream.Position) error {
	var skipRows int64 = -1
	if after.Key != nil {
		n, ok := cursorKey(after.Key)
		if !ok {
			return stream.Permanent(fmt.Errorf("%s: position %v was not returned by this source", s.file, after))
		}
		skipRows = n
	}
	cctx, cancel := context.WithCancel(context.Background())
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	rows, err := s.db.QueryContext(cctx, s.cursorSQL, s.args...)
	if err != nil {
		cancel()
		return s.queryErr(ctx, err)
	}
	s.cur = &sqlCursor{rows: rows, cancel: cancel, values: make([]any, s.width)}
	s.cur.ptrs = scanTargets(s.cur.values)
	cur := s.cur
	if skipRows >= 0 {
		for cur.raw < skipRows {
			ok, err := s.cursorRow(ctx)
			if err != nil || !ok {
				return err
			}
			cur.raw++
		}
		cur.at = after
		return nil
	}
	rec := make([]any, s.width)
	for good := int64(0); good < after.Offset; {
		ok, err := s.cursorRow(ctx)
		if err != nil || !ok {
			break
		}
		cur.raw++
		if col, err := s.convert(cur.values, rec); err != nil {
			if err := s.skip.handle(s.cursorError(cur.raw, col, err), cur.raw); err != nil {
				return err
			}
			continue
		}
		good++
	}
	cur.at = after
	return ctx.Err()
}

func cursorKey(key []any) (int64, bool) {
	if len(key) != 1 {
		return 0, false
	}
	switch x := key[0].(type) {
	case int64:
		return x, x >= 0
	case int:
		return int64(x), x >= 0
	}
	return 0, false
}

// scanTargets returns pointers to each element of dst, for rows.Scan.
func scanTargets(dst []any) []any {
	ptrs := make([]any, len(dst))
	for i := range dst {
		ptrs[i] = &dst[i]
	}
	return ptrs
}

func selectList(columns []string) string {
	parts := make([]string, len(columns))
	for i, c := range columns {
		parts[i] = "+" + quoteIdent(c)
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
