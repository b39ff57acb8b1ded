package names

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Issue 15 item 19: names in messages are cut, lists bounded.
func TestCutAndList(t *testing.T) {
	long := strings.Repeat("x", 50<<20)
	assert.Equal(t, "abc", Cut("abc"))
	assert.Equal(t, strings.Repeat("x", MaxBytes)+"…", Cut(long))
	assert.Equal(t, strings.Repeat("é", MaxBytes/2-1)+"…", Cut("a" + strings.Repeat("é", 30))[1:], "cut at a rune boundary")
	assert.Equal(t, `"`+strings.Repeat("x", MaxBytes)+`"…`, Quote(long))
	assert.Equal(t, `"a b"`, Quote("a b"))

	var many []string
	for i := range 12345 {
		many = append(many, fmt.Sprintf("c%d", i))
	}
	assert.Equal(t, "c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, … and 12,335 more", List(many))
	assert.Equal(t, "a, "+strings.Repeat("x", MaxBytes)+"…", List([]string{"a", long}))
	assert.Equal(t, `"a", "b"`, ListQuoted([]string{"a", "b"}))
	assert.Equal(t, "", List(nil))
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 123456789: "123,456,789", -1234: "-1,234"} {
		assert.Equal(t, want, Thousands(int64(n)))
	}
}
