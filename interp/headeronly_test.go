package interp

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp/internal/fixture"
)

// Issue 15 item 23 (a header-only CSV): a source with no record to sample
// gives its undeclared columns no type (any), so a report over it checks
// and is empty, whichever of its columns the script declares. It used to
// make them strings: SUM(quantity) was "SUM of string".
func TestHeaderOnlySourceGivesEmptyReport(t *testing.T) {
	const script = `source csv("h.csv") { amount: decimal }
group territory { footer { territory, s: SUM(amount), q: SUM(quantity), r: SUM(amount * quantity) } }
summary { n: COUNT(), q: SUM(quantity) }
`
	out, res := mustRun(t, script, map[string]string{"h.csv": "id,territory,amount,quantity\n"}, nil)
	require.Equal(t, "band,level,territory,s,q,r,n\nsummary,,,,,,0\n", out)
	require.Equal(t, int64(0), res.Totals.RecordsRead)

	// The same for an empty SQLite table whose columns have no declared type.
	dir := fixture.SQLite(t, "CREATE TABLE t (id, territory, amount, quantity)")
	db, err := os.ReadFile(filepath.Join(dir, "s.db"))
	require.NoError(t, err)
	sqlScript := `source sqlite("s.db", table: "t") { amount: decimal }
summary { n: COUNT(), q: SUM(quantity) }
`
	p, err := Compile(context.Background(), "t.rpt", []byte(sqlScript), &Options{FS: fstest.MapFS{"s.db": {Data: db}}})
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = p.Run(context.Background(), &RunConfig{Output: &buf, Format: "csv"})
	require.NoError(t, err)
	require.Equal(t, "band,level,n,q\nsummary,,0,\n", buf.String())
}
