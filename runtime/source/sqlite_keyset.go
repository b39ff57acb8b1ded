package source

import (
	"context"
	"fmt"
	"strings"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

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
	slots := newRecords(s.cfg.Config, s.width, s.stride)
	recs := slots.list(limit)
	raw := make([]any, 1+s.width)
	ptrs := scanTargets(raw)
	last := make([]any, len(s.orderI)+1) // the key of the last row read
	prev := make([]any, len(last))       // and of the row before it
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
			last, prev = prev, last
			s.rowKey(last, raw)
			rec := slots.next(limit - len(recs))
			if col, err := s.convert(raw[1:], rec); err != nil {
				de := &DataError{File: s.file, Where: fmt.Sprintf("table %s: rowid %d", s.table.name, rowid), Column: col, Err: err}
				if err := s.skip.handle(de, rowid, after.Offset+int64(len(recs))); err != nil {
					rows.Close()
					if len(recs) == 0 {
						return chunk, err
					}
					slots.unget(rec)
					if n > 1 {
						key = prev // else the page's start
					}
					return beforeBadRow(recs, after, key), nil
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

// beforeBadRow returns the good records a fetch read before a bad row, the
// row before it at key: the good records first, so that a consumer meets
// every error in input order; the next fetch starts at the bad row, and
// fails.
func beforeBadRow(recs []value.Record, after stream.Position, key []any) stream.Chunk[value.Record] {
	return stream.Chunk[value.Record]{Records: recs, Next: stream.Position{Offset: after.Offset + int64(len(recs)), Key: append([]any(nil), key...)}}
}

// skipTo reads n good records from the start and returns the key after
// them.
func (s *SQLite) skipTo(ctx context.Context, n int64) ([]any, error) {
	var key []any
	for done := int64(0); n > done; {
		after := stream.Position{Key: key}
		if key != nil {
			after.Offset = done // a bare offset only without a key
		}
		chunk, err := s.fetchKeyset(ctx, after, int(min(n-done, 10000)))
		if err != nil {
			return nil, err
		}
		key = chunk.Next.Key
		done += int64(len(chunk.Records))
		if chunk.Done {
			break
		}
	}
	return key, nil
}

// queryErr is the error of a statement: the context's when it ended, a
// [*NotAllowedError] when the authorizer refused the statement.
func (s *SQLite) queryErr(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return fmt.Errorf("%s: %w", s.file, s.denied.explain(err))
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
			cols = append(cols, orderTerm(o))
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
		b.WriteString(orderTerm(o))
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
