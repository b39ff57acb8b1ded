package source

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

// sqlCursor is the open statement of cursor mode, on a connection of its
// own so that it can be interrupted.
type sqlCursor struct {
	conn    *sql.Conn
	rows    *sql.Rows
	intr    *interrupter
	cancel  context.CancelFunc
	at      stream.Position // where the cursor stands
	raw     int64           // rows consumed
	pending bool            // raw holds a row read but not yet delivered
	values  []any
	ptrs    []any
}

func (s *SQLite) dropCursor() {
	if cur := s.cur; cur != nil {
		s.cur = nil
		cur.close()
	}
}

// close ends the statement and releases its connection, after which
// nothing interrupts it.
func (cur *sqlCursor) close() {
	cur.intr.close()
	if cur.rows != nil {
		cur.rows.Close()
	}
	cur.conn.Close()
	cur.cancel()
}

// watch ends the cursor's statement, even one computing a row, when ctx
// ends; the returned stop reports whether ctx ended meanwhile.
func (cur *sqlCursor) watch(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() {
		cur.cancel()
		cur.intr.interrupt()
	})
}

// fetchCursor reads a query (or a view, or a table without rowid) through
// one cursor kept open across fetches. The cursor runs under a context of
// its own, so that a fetch's context ending after the fetch does not kill
// it; a fetch's context ending during the fetch does (interrupting SQLite
// at once, even inside a row that takes long to compute), and the next
// fetch re-runs the statement.
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
	stop := cur.watch(ctx)
	defer func() {
		if !stop() && s.cur == cur {
			s.dropCursor() // ctx ended meanwhile and killed the cursor
		}
	}()
	cur.at = stream.Position{Offset: -1} // invalid until this fetch completes
	slots := newRecords(s.cfg.Config, s.width, s.stride)
	recs := slots.list(limit)
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
			if err := s.skip.handle(s.cursorError(cur.raw, col, err), cur.raw, after.Offset+int64(len(recs))); err != nil {
				if len(recs) > 0 {
					// The good records first, so that a consumer meets
					// every error in input order: the next fetch reads the
					// bad row again, and fails.
					slots.unget(rec)
					cur.raw--
					cur.pending = true
					break
				}
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
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.queryErr(ctx, err)
	}
	cctx, cancel := context.WithCancel(context.Background())
	s.cur = &sqlCursor{conn: conn, intr: newInterrupter(conn), cancel: cancel, values: make([]any, s.width)}
	s.cur.ptrs = scanTargets(s.cur.values)
	cur := s.cur
	stop := cur.watch(ctx)
	defer stop()
	rows, err := conn.QueryContext(cctx, s.cursorSQL, s.args...)
	if err != nil {
		return s.queryErr(ctx, err)
	}
	cur.rows = rows
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
			if err := s.skip.handle(s.cursorError(cur.raw, col, err), cur.raw, good); err != nil {
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
