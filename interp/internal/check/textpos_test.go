package check

import (
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp/internal/program"
)

// Issue 15 item 17: textPos answers as program.PosAt does, for every rune
// and past the end, over lines and multi-byte characters.
func TestTextPosMatchesPosAt(t *testing.T) {
	base := lexer.Position{Filename: "f.rpt", Offset: 40, Line: 3, Column: 7}
	for _, text := range []string{"", "a", "größe + 1", "a\nb", "x\n\nyé\n", "\n", "{COUNT()}\n  {größe}\r\n{x}"} {
		at := newTextPos(base, text)
		runes := []rune(text)
		b := 0
		for r := 0; r <= len(runes)+1; r++ {
			want := program.PosAt(base, text, r)
			require.Equal(t, want, at.atRune(r), "%q rune %d", text, r)
			if r <= len(runes) {
				require.Equal(t, want, at.atByte(b), "%q byte %d", text, b)
				require.Equal(t, b, at.byteOf(r), "%q rune %d", text, r)
			}
			if r < len(runes) {
				b += len(string(runes[r]))
			}
		}
		require.Equal(t, len(runes), at.runeLen())
	}
}
