package salesgen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// salesDDL and customersDDL create the tables written by [WriteSQLite].
// amount is declared TEXT, not DECIMAL(10,2): a DECIMAL column has NUMERIC
// affinity, which would turn '12.50' into the REAL 12.5 and '12.00' into
// the INTEGER 12. As TEXT it keeps exactly the two-decimal string of the
// CSV. DATE columns have NUMERIC affinity too, but a 'YYYY-MM-DD' string
// does not look like a number, so it stays TEXT.
const (
	salesDDL = `CREATE TABLE sales (
  id          INTEGER PRIMARY KEY,
  territory   TEXT NOT NULL,
  customer_id INTEGER NOT NULL,
  customer    TEXT NOT NULL,
  product     TEXT NOT NULL,
  amount      TEXT, -- DECIMAL(10,2) as an exact 'dddd.dd' string; NULL when missing
  quantity    INTEGER NOT NULL,
  sale_date   DATE NOT NULL -- 'YYYY-MM-DD'
)`
	customersDDL = `CREATE TABLE customers (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL,
  segment TEXT NOT NULL,
  country TEXT NOT NULL,
  since   DATE NOT NULL -- 'YYYY-MM-DD'
)`
)

// WriteSQLite writes cfg's data set to a new SQLite database at path, with
// the tables sales and customers, replacing any file there. The database
// is built in a temporary file next to path and renamed into place only
// when complete, so path never holds a partial database.
//
// Columns hold the same text as [WriteCSV] writes. amount is TEXT holding
// exactly two decimals, or NULL, so it stays exact (a column declared
// DECIMAL(10,2) would have NUMERIC affinity and store 12.50 as the REAL
// 12.5); sale_date and since are YYYY-MM-DD strings in columns declared
// DATE, which modernc.org/sqlite scans into a time.Time. SQLite's own MIN
// and MAX compare TEXT amounts as strings ("9.00" > "10.00"); an exact
// SQLite aggregate casts, for example, for a sum in cents:
//
//	SUM(CAST(REPLACE(amount, '.', '') AS INTEGER))
func WriteSQLite(path string, cfg Config) (err error) {
	if cfg.Rows < 0 {
		return errNegativeRows
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	if err := tmp.Close(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmpName)
		}
	}()
	if err := fillSQLite(tmpName, cfg); err != nil {
		return fmt.Errorf("salesgen: writing %s: %w", path, err)
	}
	if err := os.Chmod(tmpName, 0o644); err != nil { // CreateTemp made it 0600
		return err
	}
	return os.Rename(tmpName, path)
}

// fillSQLite creates and fills the tables in the empty database file name.
func fillSQLite(name string, cfg Config) (err error) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, db.Close()) }()
	conn, err := db.Conn(ctx) // pragmas hold per connection
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, stmt := range []string{
		"PRAGMA journal_mode = OFF", // a fresh file: nothing to roll back to
		"PRAGMA synchronous = OFF",
		salesDDL,
		customersDDL,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err := insertCustomers(ctx, tx, cfg); err != nil {
		return err
	}
	if err := insertSales(ctx, tx, cfg); err != nil {
		return err
	}
	return tx.Commit()
}

func insertCustomers(ctx context.Context, tx *sql.Tx, cfg Config) error {
	ins := newBatchInsert(ctx, tx, "customers", customerColumns)
	for c := range Customers(cfg) {
		if err := ins.add(c.ID, c.Name, c.Segment, c.Country, c.Since); err != nil {
			return err
		}
	}
	return ins.flush()
}

func insertSales(ctx context.Context, tx *sql.Tx, cfg Config) error {
	ins := newBatchInsert(ctx, tx, "sales", salesColumns)
	var amount []byte
	for s := range Rows(cfg) {
		var a any // nil: NULL
		if s.HasAmount {
			amount = appendCents(amount[:0], s.AmountCents)
			a = string(amount)
		}
		if err := ins.add(s.ID, s.Territory, s.CustomerID, s.Customer, s.Product, a, s.Quantity, s.SaleDate); err != nil {
			return err
		}
	}
	return ins.flush()
}

// insertBatch is the number of rows inserted by one execution of the
// prepared statement: one multi-row INSERT cuts database/sql's per-call
// overhead, which dominates single-row inserts.
const insertBatch = 128

// batchInsert inserts rows into a table through a prepared multi-row
// INSERT statement.
type batchInsert struct {
	ctx   context.Context
	tx    *sql.Tx
	table string
	cols  []string
	stmt  *sql.Stmt // for insertBatch rows, prepared on first use
	args  []any
}

func newBatchInsert(ctx context.Context, tx *sql.Tx, table string, cols []string) *batchInsert {
	return &batchInsert{ctx: ctx, tx: tx, table: table, cols: cols, args: make([]any, 0, insertBatch*len(cols))}
}

// insertSQL returns an INSERT statement for rows rows.
func (b *batchInsert) insertSQL(rows int) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "INSERT INTO %s (%s) VALUES ", b.table, strings.Join(b.cols, ", "))
	row := "(?" + strings.Repeat(", ?", len(b.cols)-1) + ")"
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// add queues one row, whose values are in column order.
func (b *batchInsert) add(vals ...any) error {
	b.args = append(b.args, vals...)
	if len(b.args) < cap(b.args) {
		return nil
	}
	if b.stmt == nil {
		stmt, err := b.tx.PrepareContext(b.ctx, b.insertSQL(insertBatch))
		if err != nil {
			return err
		}
		b.stmt = stmt
	}
	_, err := b.stmt.ExecContext(b.ctx, b.args...)
	b.args = b.args[:0]
	return err
}

// flush inserts the queued rows and closes the prepared statement.
func (b *batchInsert) flush() error {
	var err error
	if n := len(b.args) / len(b.cols); n > 0 {
		_, err = b.tx.ExecContext(b.ctx, b.insertSQL(n), b.args...)
		b.args = b.args[:0]
	}
	if b.stmt != nil {
		err = errors.Join(err, b.stmt.Close())
	}
	return err
}
