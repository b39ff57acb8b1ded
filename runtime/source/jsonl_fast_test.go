package source

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/value"
)

// newFastTestDecoder is a decoder of columns of every scalar kind, the
// last two declared outside the sample.
func newFastTestDecoder() *jsonlDecoder {
	cols := []column{
		{name: "i", kind: value.KindInt}, {name: "d", kind: value.KindDecimal},
		{name: "s", kind: value.KindString}, {name: "t", kind: value.KindDate},
		{name: "b", kind: value.KindBool}, {name: "a", kind: value.KindAny},
		{name: "f", kind: value.KindFloat}, {name: "r", kind: value.KindRecord},
	}
	cols[2].strings, cols[3].dates = &interner{}, &dateBoxes{}
	d := &jsonlDecoder{cols: cols, index: map[string]int{}, sampled: 6}
	for i, c := range cols {
		d.index[c.name] = i
	}
	d.keys = keyLog{unsampled: cols[6:], met: make([]bool, 2), high: -1}
	d.fast = jsonlFast{cols: cols, index: d.index, sampled: d.sampled}
	return d
}

// newFastTestDecoderUnused is newFastTestDecoder with columns d and b
// unused: left nil, not converted.
func newFastTestDecoderUnused() *jsonlDecoder {
	d := newFastTestDecoder()
	d.unused = []bool{false, true, false, false, true, false, false, false}
	d.fast.unused = d.unused
	return d
}

// jsonFastPieces are the keys and values the lines are made of: every
// scalar, and what the fast path must leave to the general one.
var (
	jsonFastKeys   = []string{`"i"`, `"d"`, `"s"`, `"t"`, `"b"`, `"a"`, `"f"`, `"r"`, `"zz"`, `"s\u0000"`, `"\u0069"`, `i`}
	jsonFastValues = []string{`1`, `-0`, `0`, `1.50`, `-12.345`, `1e3`, `2E-2`, `01`, `-`, `1.`, `.5`, `+1`,
		`9223372036854775807`, `9223372036854775808`, `-9223372036854775809`, `123456789012345678901234567890.5`,
		`"x"`, `""`, `"12"`, `"1.5"`, `"2024-01-02"`, `"2024-02-30"`, `"true"`, `"é ü 東京"`, `"a\"b"`, `"a\\b"`,
		`"\u00e9"`, "\"tab\there\"", `true`, `false`, `null`, `nul`, `tru`, `{}`, `{"x":1}`, `[1,2]`, `[]`, `"unterminated`}
	jsonFastSpaces = []string{``, ` `, "\t", "  ", "\r", "\u00a0"}
)

// jsonFastLine makes a random line: an object of a few members, now and
// then broken.
func jsonFastLine(rng *rand.Rand) string {
	sp := func() string {
		if rng.IntN(4) == 0 {
			return jsonFastSpaces[rng.IntN(len(jsonFastSpaces))]
		}
		return ""
	}
	var b strings.Builder
	b.WriteString(sp() + "{" + sp())
	n := rng.IntN(6)
	for m := 0; m < n; m++ {
		if m > 0 {
			b.WriteString(sp() + "," + sp())
		}
		k := jsonFastKeys[rng.IntN(8)]
		if rng.IntN(10) == 0 {
			k = jsonFastKeys[rng.IntN(len(jsonFastKeys))]
		}
		b.WriteString(k + sp() + ":" + sp() + jsonFastValues[rng.IntN(len(jsonFastValues))])
	}
	b.WriteString(sp() + "}" + sp())
	switch rng.IntN(40) {
	case 0:
		return strings.TrimSuffix(b.String(), "}")
	case 1:
		return b.String() + "x"
	case 2:
		return "[" + b.String() + "]"
	}
	return b.String()
}

// Wherever the fast path decodes a line, the general one decodes it to the
// same record, or fails it with the same error in the same column, and
// notes the same declared keys met.
func TestJSONLFastAgrees(t *testing.T) {
	for name, newDecoder := range map[string]func() *jsonlDecoder{"all used": newFastTestDecoder, "some unused": newFastTestDecoderUnused} {
		t.Run(name, func(t *testing.T) { checkJSONLFastAgrees(t, newDecoder) })
	}
}

func checkJSONLFastAgrees(t *testing.T, newDecoder func() *jsonlDecoder) {
	rng := rand.New(rand.NewPCG(1, 2))
	lines := 20000
	if raceEnabled {
		lines = 4000
	}
	fastLines := 0
	fast, general := newDecoder(), newDecoder()
	for n := 0; n < lines; n++ {
		line := jsonFastLine(rng)
		got, want := make([]any, 8), make([]any, 8)
		ok, gcol, met, gerr := fast.fast.fast([]byte(line), got)
		if ok {
			fastLines++
			if gerr == nil {
				fast.keys.meetAll(met)
			}
		} else { // as decode does
			gcol, gerr = fast.general([]byte(line), got, int64(n+1))
		}
		wcol, werr := general.general([]byte(line), want, int64(n+1))
		require.Equal(t, fmt.Sprint(werr), fmt.Sprint(gerr), "error of %s", line)
		require.Equal(t, wcol, gcol, "column of the error of %s", line)
		if werr == nil {
			require.Equal(t, canonRecord(want), canonRecord(got), "record of %s", line)
		}
		require.Equal(t, general.keys.met, fast.keys.met, "declared keys met after %s", line)
	}
	assert.Greater(t, fastLines, lines/6, "the fast path takes a good share of the lines (most pieces are made to break it)")
}

// The fast path leaves to the general one what it does not decode itself.
func TestJSONLFastDeclines(t *testing.T) {
	for _, line := range []string{
		`{"i":1,"i":2}`, `{"zz":1}`, `{"s":"a\"b"}`, `{"r":{"x":1}}`, `{"a":[1]}`, `{"i":01}`,
		`{"i":1}x`, `{"i":1`, `[{"i":1}]`, `{"i":1,}`, `{"\u0069":1}`, "\u00a0{}", `{"i":-}`, `{"i":1.}`, `{"b":tru}`,
	} {
		d := newFastTestDecoder()
		ok, _, _, _ := d.fast.fast([]byte(line), make([]any, 8))
		assert.False(t, ok, line)
	}
	for _, line := range []string{`{}`, ` { } `, `{"i":1,"d":2.50,"s":"x","t":"2024-01-02","b":true,"a":null,"f":1e3}`} {
		d := newFastTestDecoder()
		ok, _, _, err := d.fast.fast([]byte(line), make([]any, 8))
		assert.True(t, ok, line)
		assert.NoError(t, err, line)
	}
}

// canonRecord shows a record's values with their types, exactly.
func canonRecord(rec []any) string {
	parts := make([]string, len(rec))
	for i, v := range rec {
		parts[i] = fmt.Sprintf("%T:%s", v, value.String(v))
	}
	return strings.Join(parts, " ")
}
