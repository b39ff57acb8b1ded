package interp

import (
	"testing"

	"github.com/reportsh/reportsh/interp/internal/fixture"
)

// Keys as they are stored: a value of an INTEGER key column that is not an
// integer cannot be read as the key, whichever way the rows are read.
func TestPushdownRawKeys(t *testing.T) {
	for _, tc := range []struct{ rows, why string }{
		{"(1, 1, '1.00'), (2, 2.5, '2.00')", "a value of group key k cannot be read"},
		{"(1, 1, '1.00'), (2, 'two', '2.00')", "a value of group key k cannot be read"},
		{"(1, 1, '1.00'), (2, x'01', '2.00')", "a value of group key k cannot be read"},
	} {
		dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, amount TEXT)", "INSERT INTO t VALUES "+tc.rows)
		script := `source sqlite("s.db", table: "t") { amount: decimal, k: int }
group k { footer { k, n: COUNT(amount), s: SUM(amount) } }`
		wantFellBack(t, sameOutput(t, dir, script), tc.why)
	}
	// NULL, text, blob and integer keys in a string column, two that read
	// alike (1 and '1'): the engine merges their partial states.
	dir := fixture.SQLite(t, "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT, n INTEGER)",
		"INSERT INTO t VALUES (1, NULL, 1), (2, 'a', 2), (3, x'62', 3), (4, 'a', 4), (5, NULL, 5), (6, '', 6)")
	script := `source sqlite("s.db", table: "t")
group k { footer { k, n: COUNT(n), s: SUM(n), lo: MIN(n), hi: MAX(n) } }`
	if res := sameOutput(t, dir, script); res.Strategy != StrategyPushdownRaw {
		t.Errorf("ran %s", ran(res))
	}
}
