package source

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// DefaultMaxParams is the number of keys one lookup statement binds when
// SQLiteLookupConfig.MaxParams is zero: SQLite's default limit on host
// parameters (SQLITE_MAX_VARIABLE_NUMBER) since version 3.32.
const DefaultMaxParams = 32766

// SQLiteLookupConfig configures [OpenSQLiteLookup].
type SQLiteLookupConfig struct {
	// Name names the database in errors; empty means the path.
	Name string

	// Table is the table (or view) holding the related rows.
	Table string

	// On is the table's column matched against each record's key.
	On string

	// Key returns the key of a record (for example its customer_id), or
	// nil for a record that has none. It is required. The key is converted
	// to the On column's kind before matching (42 matches "42" in a text
	// column); a key that cannot be converted matches nothing.
	Key func(value.Record) any

	// Slot is the index in each record where the matched row is stored,
	// as a map[string]any of typed values by column name, or nil when
	// nothing matches. A record of length Slot grows by one (use
	// Config.Extra on the source to leave room); a longer one has the slot
	// overwritten.
	Slot int

	// Types declares column kinds of the table, as Config.Types does.
	Types map[string]value.Kind

	// SampleRows is Config.SampleRows for the table's untyped columns.
	SampleRows int

	// MaxParams is the number of keys bound in one statement; a chunk with
	// more distinct keys takes several. Zero means DefaultMaxParams.
	MaxParams int
}

// SQLiteLookup attaches to each record of a chunk the row of a SQLite
// table whose On column equals the record's key, loading the rows of the
// whole chunk with one statement:
//
//	SELECT … FROM "customers" WHERE "id" IN (?, ?, …) ORDER BY rowid
//
// bound with the chunk's distinct non-nil keys. When several rows share a
// key the first by rowid is used. Rows are not cached between chunks: a
// row is as fresh as the chunk that uses it. It satisfies
// stream.Lookup[value.Record] and is safe for concurrent use.
type SQLiteLookup struct {
	src     *SQLite
	cfg     SQLiteLookupConfig
	on      int // index of On in the table's schema
	queries atomic.Int64
}

// OpenSQLiteLookup is [OpenSQLiteLookupContext] with the background
// context.
func OpenSQLiteLookup(path string, cfg SQLiteLookupConfig) (*SQLiteLookup, error) {
	return OpenSQLiteLookupContext(context.Background(), path, cfg)
}

// OpenSQLiteLookupContext opens the database at path read-only and checks
// that the table and the On column exist; ctx bounds what that reads.
func OpenSQLiteLookupContext(ctx context.Context, path string, cfg SQLiteLookupConfig) (*SQLiteLookup, error) {
	if cfg.Key == nil {
		return nil, errors.New("sqlite lookup: Key is required")
	}
	if cfg.Slot < 0 {
		return nil, fmt.Errorf("sqlite lookup: negative slot %d", cfg.Slot)
	}
	if cfg.Table == "" {
		return nil, errors.New("sqlite lookup: Table is required")
	}
	src, err := OpenSQLiteContext(ctx, path, SQLiteConfig{
		Config: Config{Types: cfg.Types, SampleRows: cfg.SampleRows},
		Name:   cfg.Name,
		Table:  cfg.Table,
	})
	if err != nil {
		return nil, err
	}
	on, err := lookupColumn(src.file, src.schema, cfg.On)
	if err != nil {
		src.Close()
		return nil, err
	}
	if cfg.MaxParams <= 0 {
		cfg.MaxParams = DefaultMaxParams
	}
	return &SQLiteLookup{src: src, cfg: cfg, on: on}, nil
}

// Schema returns the columns of the table, the keys of the rows stored in
// the slot.
func (l *SQLiteLookup) Schema() *value.Schema { return l.src.schema }

// Queries returns the number of statements run so far.
func (l *SQLiteLookup) Queries() int64 { return l.queries.Load() }

// Identity names the table, its column, the slot and the key function's
// place; chunks enriched by different lookups must not share cache
// entries.
func (l *SQLiteLookup) Identity() string {
	return fmt.Sprintf("sqlite-lookup|%s|on=%q|slot=%d|key=%p", l.src.identity, l.src.schema.Fields[l.on].Name, l.cfg.Slot, l.cfg.Key)
}

// Close closes the database.
func (l *SQLiteLookup) Close() error { return l.src.Close() }

// Load attaches the matching row to every record of chunk.
func (l *SQLiteLookup) Load(ctx context.Context, chunk []value.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	kind := l.src.kinds[l.on]
	keys := make([]any, len(chunk)) // hash keys, nil for none
	var params []any
	seen := make(map[any]bool)
	for i, rec := range chunk {
		k := lookupKey(l.cfg.Key(rec), kind)
		if k == nil {
			continue
		}
		h := value.HashKey(k)
		keys[i] = h
		if !seen[h] {
			seen[h] = true
			params = append(params, SQLValue(k))
		}
	}
	rows := make(map[any]map[string]any, len(params))
	for start := 0; start < len(params); start += l.cfg.MaxParams {
		batch := params[start:min(start+l.cfg.MaxParams, len(params))]
		if err := l.query(ctx, batch, rows); err != nil {
			return err
		}
	}
	return storeRows(chunk, keys, rows, l.cfg.Slot)
}

// LookupSQL returns the statement Load sends for n keys.
func (l *SQLiteLookup) LookupSQL(n int) string {
	t := l.src.table
	var b strings.Builder
	b.WriteString("SELECT ")
	if t.rowid != "" {
		b.WriteString(t.rowid + ", ")
	}
	b.WriteString(l.src.selectList)
	b.WriteString(" FROM " + quoteIdent(t.name) + " WHERE " + quoteIdent(l.src.schema.Fields[l.on].Name) + " IN (")
	b.WriteString(strings.TrimSuffix(strings.Repeat("?, ", n), ", "))
	b.WriteString(")")
	if t.rowid != "" {
		b.WriteString(" ORDER BY " + t.rowid)
	}
	return b.String()
}

func (l *SQLiteLookup) query(ctx context.Context, params []any, out map[any]map[string]any) error {
	s := l.src
	l.queries.Add(1)
	rs, err := s.QueryContext(ctx, l.LookupSQL(len(params)), params...) // interrupted with ctx, even between rows
	if err != nil {
		return s.queryErr(ctx, err)
	}
	defer rs.Close()
	off := 0
	if s.table.rowid != "" {
		off = 1
	}
	raw := make([]any, off+s.width)
	ptrs := scanTargets(raw)
	rec := make([]any, s.width)
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return fmt.Errorf("%s: %w", s.file, err)
		}
		if col, err := s.convert(raw[off:], rec); err != nil {
			where := "table " + s.table.name
			if off == 1 {
				where += fmt.Sprintf(": rowid %d", raw[0])
			}
			return stream.Permanent(&DataError{File: s.file, Where: where, Column: col, Err: err})
		}
		h := value.HashKey(rec[l.on])
		if _, dup := out[h]; dup {
			continue
		}
		out[h] = rowMap(s.schema, rec)
	}
	if err := rs.Err(); err != nil {
		return s.queryErr(ctx, err)
	}
	return nil
}
