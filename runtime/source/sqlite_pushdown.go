package source

import (
	"context"
	"database/sql"

	"github.com/reportsh/reportsh/runtime/value"
)

// SQLiteTable describes the table a [SQLite] source reads, for callers that
// push work down into SQLite with statements of their own (the
// interpreter's aggregation push-down).
type SQLiteTable struct {
	// Name is the table's name as the schema spells it.
	Name string
	// RowID is a rowid alias usable in SQL (rowid, _rowid_ or oid); empty
	// for a WITHOUT ROWID table.
	RowID string
	// Columns are the table's columns in record order, and Decls their
	// declared types ("" when none).
	Columns []string
	Decls   []string
	// Rescale holds, per column, the scale s of a DECIMAL(p,s) column whose
	// values Fetch widens to s fraction digits (10.5 → 10.50), else 0.
	Rescale []int32
}

// Table describes the table the source reads; ok is false when it reads a
// query or a view.
func (s *SQLite) Table() (t SQLiteTable, ok bool) {
	if s.table == nil || s.table.view {
		return SQLiteTable{}, false
	}
	t = SQLiteTable{Name: s.table.name, RowID: s.table.rowid, Columns: s.table.columns, Decls: s.table.decls,
		Rescale: make([]int32, len(s.table.columns))}
	copy(t.Rescale, s.rescale)
	return t, true
}

// QueryContext runs a statement of the caller's on the source's read-only
// database (the statement may only read it, as a query source's). It is
// safe for concurrent use, with itself and with Fetch. The statement ends
// when ctx does, even while it computes a row after the first; the rows
// must be closed.
func (s *SQLite) QueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	intr := newInterrupter(conn)
	stop := context.AfterFunc(ctx, intr.interrupt)
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		stop()
		intr.close()
		conn.Close()
		return nil, s.denied.explain(err)
	}
	return &Rows{Rows: rows, conn: conn, intr: intr, stop: stop}, nil
}

// Rows are the rows of [SQLite.QueryContext], on a connection of their
// own until Close.
type Rows struct {
	*sql.Rows
	conn *sql.Conn
	intr *interrupter
	stop func() bool
}

// Close closes the rows and releases their connection.
func (r *Rows) Close() error {
	r.stop()
	r.intr.close() // nothing interrupts the connection once released
	err := r.Rows.Close()
	r.conn.Close()
	return err
}

// Cell converts a value scanned from column i into a record's value, as
// Fetch does; the error is the cause of the [*DataError] Fetch reports.
func (s *SQLite) Cell(i int, v any) (any, error) {
	c, err := sqlCell(v, s.kinds[i])
	if err != nil {
		return nil, err
	}
	if s.rescale != nil && s.rescale[i] > 0 {
		// A DECIMAL(p,s) column stored as REAL comes back as 10.5;
		// give it the declared scale, as the column promises: 10.50.
		if d, ok := c.(value.Decimal); ok && s.rescale[i] > d.Scale() {
			c = d.Rescale(s.rescale[i])
		}
	}
	return c, nil
}
