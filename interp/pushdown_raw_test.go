package interp

import (
	"database/sql"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/reportsh/reportsh/interp/internal/exec"
)

// TestDecimalTextValue checks decimalTextValue, the Go check of a decimal
// written as text, against decimalText, the SQL one, run by SQLite on the
// same values: they must accept the same values and read the same scaled
// integers.
func TestDecimalTextValue(t *testing.T) {
	vals := []string{"0", "7", "-7", "-", "+7", "1.5", "1.50", "-1.50", "-.25", ".25", "00.10", "-0.00", "1.", "1.500",
		"1..0", "1-2.00", "--1.00", "1e2.00", "1 .00", " 1.00", "1.00 ", "12345678901234.567", "123456789012345.67",
		"1234567890123456.7", "99999999999999999", "999999999999999999", "9999999999999999999", "0x1.00", "١.٢٣"}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789.-+e x"
	for range 1500 {
		b := make([]byte, 1+r.IntN(20))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
			if r.IntN(3) > 0 {
				b[i] = byte('0' + r.IntN(10)) // mostly digits
			}
		}
		if r.IntN(2) == 0 && len(b) > 3 {
			b[len(b)-3] = '.'
		}
		vals = append(vals, string(b))
	}
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (v TEXT)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if _, err := tx.Exec("INSERT INTO t VALUES (?)", v); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for scale := int32(0); scale <= 3; scale++ {
		rows, err := db.Query("SELECT v, " + exec.DecimalText(`"v"`, scale) + " FROM t")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			var got any
			if err := rows.Scan(&v, &got); err != nil {
				t.Fatal(err)
			}
			c, ok := exec.DecimalTextValue([]byte(v), scale)
			want, sqlOK := got.(int64) // 0.5 for a value the statement rejects
			if ok && !sqlOK && scale == 0 && (c > 1<<53 || c < -(1<<53)) {
				// The statement compares the integer with its REAL, which
				// is not the same number past 2^53; Go reads it exactly.
				continue
			}
			if ok != sqlOK || ok && c != want {
				t.Errorf("scale %d: %q: Go %d %v, SQL %v", scale, v, c, ok, got)
			}
			if ok {
				accepted++
			}
		}
		rows.Close()
	}
	if accepted < 200 {
		t.Errorf("only %d values accepted: the test does not reach the conversion", accepted)
	}
}

// Keys as they are stored: a value of an INTEGER key column that is not an
// integer cannot be read as the key, whichever way the rows are read.
func TestPushdownRawKeys(t *testing.T) {
	for _, tc := range []struct{ rows, why string }{
		{"(1, 1, '1.00'), (2, 2.5, '2.00')", "a value of group key k cannot be read"},
		{"(1, 1, '1.00'), (2, 'two', '2.00')", "a value of group key k cannot be read"},
		{"(1, 1, '1.00'), (2, x'01', '2.00')", "a value of group key k cannot be read"},
	} {
		dir := pdDB(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, amount TEXT)", "INSERT INTO t VALUES "+tc.rows)
		script := `source sqlite("s.db", table: "t") { amount: decimal, k: int }
group k { footer { k, n: COUNT(amount), s: SUM(amount) } }`
		wantFellBack(t, sameOutput(t, dir, script), tc.why)
	}
	// NULL, text, blob and integer keys in a string column, two that read
	// alike (1 and '1'): the engine merges their partial states.
	dir := pdDB(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, n INTEGER)",
		"INSERT INTO t VALUES (1, NULL, 1), (2, 'a', 2), (3, x'62', 3), (4, 'a', 4), (5, NULL, 5), (6, '', 6)")
	script := `source sqlite("s.db", table: "t")
group k { footer { k, n: COUNT(n), s: SUM(n), lo: MIN(n), hi: MAX(n) } }`
	if res := sameOutput(t, dir, script); res.Strategy != StrategyPushdownRaw {
		t.Errorf("ran %s", ran(res))
	}
}
