package interp

import (
	"bytes"
	"context"
	"testing"

	"github.com/reportsh/reportsh/interp/internal/fixture"
)

// Group keys are ordered by their bytes. A SQLite column declared COLLATE
// NOCASE (and the index it gives its collation to) orders otherwise, so the
// order pushed down says COLLATE BINARY: a report that streams its groups
// over such a column sees them sorted, instead of failing halfway with
// "input is not sorted by the group keys".
func TestSQLiteOrderIsBinary(t *testing.T) {
	for _, schema := range []string{
		"CREATE TABLE s (t TEXT COLLATE NOCASE, v INTEGER)",
		"CREATE TABLE s (t TEXT COLLATE NOCASE, v INTEGER); CREATE INDEX s_t ON s(t)",
		"CREATE TABLE s (t TEXT, v INTEGER); CREATE INDEX s_t ON s(t COLLATE NOCASE)",
		"CREATE TABLE s (t TEXT, v INTEGER); CREATE INDEX s_t ON s(t)",
	} {
		dir := fixture.SQLite(t, schema, "INSERT INTO s VALUES ('b',1),('A',2),('a',3),('B',4),('c',5),('a',6)")
		prog, err := Compile(context.Background(), "t.rpt", []byte("source sqlite(\"s.db\", table: \"s\")\ngroup t {\n  footer { t, n: COUNT() }\n}\ndetail { v }\n"), &Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		for _, chunk := range []int{1, 2, 1000} {
			var out bytes.Buffer
			if _, err := prog.Run(context.Background(), &RunConfig{Output: &out, Format: "csv", ChunkSize: chunk}); err != nil {
				t.Fatalf("%s, chunk %d: %v", schema, chunk, err)
			}
			want := "band,level,t,v,n\ndetail,0,A,2,\nfooter,0,A,,1\ndetail,0,B,4,\nfooter,0,B,,1\ndetail,0,a,3,\ndetail,0,a,6,\nfooter,0,a,,2\n" +
				"detail,0,b,1,\nfooter,0,b,,1\ndetail,0,c,5,\nfooter,0,c,,1\n"
			if out.String() != want {
				t.Errorf("%s, chunk %d:\n%s\nwant:\n%s", schema, chunk, out.String(), want)
			}
		}
	}
}
