package check

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Issue 15 item 9: the name of a level or column written as a field access
// is its last name, for Unicode names and for ?. as for . ("" when the
// expression is not a field access).
func TestLastIdent(t *testing.T) {
	for s, want := range map[string]string{
		"customer.name":    "name",
		"customer?.name":   "name",
		"a.b?.c":           "c",
		" rëf . größe ":    "größe",
		"ref?.大きさ":         "大きさ",
		"name":             "",
		"a..b":             "",
		"a.1b":             "",
		"a.b + 1":          "",
		"f(x).y":           "",
		"a?.":              "",
		"?.b":              "",
		"customer.name.x_": "x_",
	} {
		assert.Equal(t, want, lastIdent(s), "lastIdent(%q)", s)
	}
	assert.True(t, IsIdent(" größe "))
	assert.False(t, IsIdent("größe + 1"))
}
