package interp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 15 item 9: names of any Unicode letters are names. A column or a
// group key written as a plain name, or as a field access (with . or ?.),
// is named by it, as for ASCII names.
func TestUnicodeNames(t *testing.T) {
	files := map[string]string{
		"u.csv": "größe,kunde\n1,Åsa\n3,Åsa\n2,Bö\n",
		"c.csv": "name,segment\nÅsa,SMB\n",
	}
	for _, c := range []struct{ name, script, want string }{
		{"footer column and group", `source csv("u.csv") { größe: int }
group größe { footer { größe, n: COUNT() } }`,
			`{"band":"footer","level":0,"group":"größe","keys":{"größe":1},"values":{"größe":1,"n":1}}`},
		{"detail column", `source csv("u.csv") { größe: int }
where größe == 2
let 大きさ = größe * 10
detail { 大きさ, kunde }`,
			`{"band":"detail","values":{"大きさ":20,"kunde":"Bö"}}`},
		{"group by ?. access", `source csv("u.csv") { größe: int }
lookup ref = csv("c.csv") on kunde == name
group ref?.segment { footer { segment, s: SUM(größe) } }`,
			`{"band":"footer","level":0,"group":"segment","keys":{"segment":"SMB"},"values":{"segment":"SMB","s":4}}`},
		{"columns of ?. and . access", `source csv("u.csv") { größe: int }
lookup ref = csv("c.csv") on kunde == name
where größe == 1
detail { a: ref?.segment, ref?.segment, ref.name }`,
			`{"band":"detail","values":{"a":"SMB","segment":"SMB","name":"Åsa"}}`},
		{"access to a Unicode field", `source csv("u.csv") { größe: int }
lookup rëf = csv("u.csv") on kunde == kunde
where größe == 2
detail { rëf?.größe }`,
			`{"band":"detail","values":{"größe":2}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _ := mustRun(t, c.script, files, &RunConfig{Format: "jsonl"})
			require.Contains(t, out, c.want+"\n")
		})
	}
}
