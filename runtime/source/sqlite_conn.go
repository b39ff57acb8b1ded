package source

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/reportsh/reportsh/runtime/stream"
	"modernc.org/libc"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// readDriver opens the connections of every SQLite source and lookup. It
// is a driver of its own, not the "sqlite" one database/sql knows, so that
// what it installs on its connections (the authorizer) touches no other
// user of modernc.org/sqlite in the process.
var readDriver = &msqlite.Driver{}

// readConnector opens read-only connections to one database, each with
// the authorizer [readOnly] installed before any statement runs.
type readConnector struct {
	dsn    string
	denied *denials
}

// Connect opens a connection and installs the authorizer.
func (c readConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dc, err := readDriver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	ar, ok := dc.(msqlite.AuthorizerRegisterer)
	if !ok {
		dc.Close()
		return nil, errors.New("sqlite: the driver has no authorizer")
	}
	if err := ar.RegisterAuthorizer(c.denied.authorize); err != nil {
		dc.Close()
		return nil, err
	}
	return dc, nil
}

// Driver returns the driver of the connections.
func (c readConnector) Driver() driver.Driver { return readDriver }

// openReadDB returns the pool of read-only connections to the database at
// uri (a file: URI with mode=ro).
func openReadDB(uri string) (*sql.DB, *denials) {
	d := &denials{}
	return sql.OpenDB(readConnector{dsn: uri, denied: d}), d
}

// readPragmas are the pragmas a statement may use: those that describe the
// opened database's tables and indexes (reportsh reads them as
// pragma_table_xinfo(…) and the like). Others reveal the host
// (database_list) or change the connection.
var readPragmas = map[string]bool{"table_info": true, "table_xinfo": true, "index_list": true, "index_info": true, "index_xinfo": true}

// denials remembers what the authorizer of a database's connections
// refused last, for the error message (SQLite's says "not authorized").
type denials struct {
	mu   sync.Mutex
	last string
}

// authorize is SQLite's authorizer of every statement prepared on the
// connections: it allows reading the opened database ("main") and
// nothing else. ATTACH (which would open any file on the host, or create
// one, outside the file system a script is confined to), VACUUM INTO
// (which attaches), DETACH, PRAGMA but the few that describe tables,
// transactions, temporary objects, writes and load_extension are refused
// as the statement is prepared, before it runs.
func (d *denials) authorize(action msqlite.AuthorizerActionCode, arg1, arg2, db, _ string) msqlite.AuthorizerReturnCode {
	switch action {
	case msqlite.AuthSelect, msqlite.AuthRecursive:
		return msqlite.AuthorizerOK
	case msqlite.AuthRead:
		// A pragma's table-valued function (pragma_database_list) runs
		// its pragma only as the statement steps, where a refusal would
		// come too late for Compile: refuse it as it is prepared.
		if name, ok := strings.CutPrefix(strings.ToLower(arg1), "pragma_"); ok && !readPragmas[name] {
			d.deny("PRAGMA " + name)
			return msqlite.AuthorizerDeny
		}
		// A table read for no column (SELECT COUNT(*)) comes with no
		// database name; with ATTACH refused there is only main (and
		// temp, where nothing can be created).
		if db == "main" || db == "" {
			return msqlite.AuthorizerOK
		}
		d.deny("reading database " + db)
		return msqlite.AuthorizerDeny
	case msqlite.AuthFunction:
		if !strings.EqualFold(arg2, "load_extension") {
			return msqlite.AuthorizerOK
		}
		d.deny("load_extension")
		return msqlite.AuthorizerDeny
	case msqlite.AuthPragma:
		if readPragmas[strings.ToLower(arg1)] && (db == "" || db == "main") {
			return msqlite.AuthorizerOK
		}
		d.deny("PRAGMA " + strings.ToLower(arg1))
		return msqlite.AuthorizerDeny
	}
	d.deny(actionNames[action])
	return msqlite.AuthorizerDeny
}

func (d *denials) deny(what string) {
	if what == "" {
		what = "a statement that does not read the database"
	}
	d.mu.Lock()
	d.last = what
	d.mu.Unlock()
}

// explain turns SQLite's refusal into a message that says what
// was refused and why; other errors are returned as they are.
func (d *denials) explain(err error) error {
	if err == nil {
		return nil
	}
	// SQLITE_AUTH: "not authorized", or "access to … is prohibited" for a
	// column read.
	if msg := err.Error(); !strings.Contains(msg, "not authorized") && !strings.Contains(msg, "is prohibited") {
		return err
	}
	d.mu.Lock()
	what := d.last
	d.mu.Unlock()
	if what == "" {
		what = "the statement"
	}
	// Permanent: asking again gets the same refusal.
	return stream.Permanent(&NotAllowedError{What: what, Err: err})
}

// NotAllowedError reports a SQL statement that does more than read the
// database a source or lookup opened, which SQLite refused to prepare.
type NotAllowedError struct {
	// What names what was refused: "ATTACH", "PRAGMA database_list", ….
	What string
	// Err is SQLite's error.
	Err error
}

func (e *NotAllowedError) Error() string {
	return e.What + " is not allowed: a query may only read the database it names (no ATTACH, DETACH, PRAGMA, writes or temporary tables)"
}

func (e *NotAllowedError) Unwrap() error { return e.Err }

var actionNames = map[msqlite.AuthorizerActionCode]string{
	msqlite.AuthAttach: "ATTACH", msqlite.AuthDetach: "DETACH", msqlite.AuthTransaction: "a transaction",
	msqlite.AuthSavepoint: "SAVEPOINT", msqlite.AuthInsert: "INSERT", msqlite.AuthUpdate: "UPDATE", msqlite.AuthDelete: "DELETE",
	msqlite.AuthAnalyze: "ANALYZE", msqlite.AuthReindex: "REINDEX", msqlite.AuthAlterTable: "ALTER TABLE",
	msqlite.AuthCreateTable: "CREATE TABLE", msqlite.AuthCreateTempTable: "CREATE TEMP TABLE", msqlite.AuthCreateIndex: "CREATE INDEX",
	msqlite.AuthCreateTempIndex: "CREATE INDEX", msqlite.AuthCreateView: "CREATE VIEW", msqlite.AuthCreateTempView: "CREATE TEMP VIEW",
	msqlite.AuthCreateTrigger: "CREATE TRIGGER", msqlite.AuthCreateTempTrigger: "CREATE TEMP TRIGGER", msqlite.AuthCreateVTable: "CREATE VIRTUAL TABLE",
	msqlite.AuthDropTable: "DROP TABLE", msqlite.AuthDropTempTable: "DROP TABLE", msqlite.AuthDropIndex: "DROP INDEX",
	msqlite.AuthDropTempIndex: "DROP INDEX", msqlite.AuthDropView: "DROP VIEW", msqlite.AuthDropTempView: "DROP VIEW",
	msqlite.AuthDropTrigger: "DROP TRIGGER", msqlite.AuthDropTempTrigger: "DROP TRIGGER", msqlite.AuthDropVTable: "DROP TABLE",
}

// interrupter interrupts the statement running on one connection, from
// another goroutine, when a context ends. database/sql's driver interrupts
// a statement whose context ends only while the statement computes its
// first row; a later row (rows.Next) ignores the context. An interrupter
// covers those.
type interrupter struct {
	mu     sync.Mutex
	handle uintptr // the connection's sqlite3*, 0: unknown
	closed bool
}

// newInterrupter returns the interrupter of conn's connection.
func newInterrupter(conn *sql.Conn) *interrupter {
	in := &interrupter{}
	_ = conn.Raw(func(dc any) error {
		in.handle = sqliteHandle(dc)
		return nil
	})
	return in
}

// sqliteHandle returns the sqlite3* of a modernc.org/sqlite connection,
// which the driver keeps unexported (field db); 0 if it has none.
// TestSQLiteInterruptsRows fails if a new version of the driver moves it.
func sqliteHandle(dc any) uintptr {
	v := reflect.ValueOf(dc)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return 0
	}
	v = v.Elem()
	if v.Kind() != reflect.Struct {
		return 0
	}
	f := v.FieldByName("db")
	if !f.IsValid() || f.Kind() != reflect.Uintptr {
		return 0
	}
	return uintptr(f.Uint())
}

// interrupt makes the connection's running statement fail with
// SQLITE_INTERRUPT, unless the interrupter was closed. sqlite3_interrupt
// is made to be called from another thread; it gets a TLS of its own, as
// the driver's own interrupt does.
func (in *interrupter) interrupt() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed || in.handle == 0 {
		return
	}
	tls := libc.NewTLS()
	sqlite3.Xsqlite3_interrupt(tls, in.handle)
	tls.Close()
}

// close stops interrupts, before the connection is released: it may run
// another's statement next.
func (in *interrupter) close() {
	in.mu.Lock()
	in.closed = true
	in.mu.Unlock()
}

// columnInfo prepares query, without running it, and returns its columns'
// names and declared types. A query must be one statement that reads:
// SQLite prepares it again inside SELECT * FROM (…), which no other
// statement survives.
func columnInfo(ctx context.Context, db *sql.DB, query string) (names, decls []string, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		ci, ok := dc.(interface {
			ColumnInfo(query string) ([]msqlite.ColumnInfo, error)
		})
		if !ok {
			return errors.New("sqlite: the driver cannot describe a query")
		}
		info, err := ci.ColumnInfo(query)
		if err != nil {
			return err
		}
		if len(info) == 0 {
			return errors.New("the query returns no columns: a statement other than SELECT is not allowed")
		}
		if _, err := ci.ColumnInfo("SELECT * FROM (\n" + query + "\n)"); err != nil {
			return fmt.Errorf("a query is one SELECT statement: anything after it is not allowed (%w)", err)
		}
		for _, c := range info {
			names = append(names, c.Name)
			decls = append(decls, c.DeclType)
		}
		return nil
	})
	return names, decls, err
}
