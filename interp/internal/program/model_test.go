package program

import (
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/assert"
)

// PosAt counts runes, lines and columns from an expression's start; At
// counts in the enclosing expression's text for an aggregate's argument.
func TestPositions(t *testing.T) {
	base := lexer.Position{Filename: "t.rpt", Offset: 10, Line: 2, Column: 7}
	text := "a +\n  ü * b"
	assert.Equal(t, lexer.Position{Filename: "t.rpt", Offset: 10, Line: 2, Column: 7}, PosAt(base, text, 0))
	assert.Equal(t, lexer.Position{Filename: "t.rpt", Offset: 16, Line: 3, Column: 3}, PosAt(base, text, 6))
	assert.Equal(t, lexer.Position{Filename: "t.rpt", Offset: 19, Line: 3, Column: 5}, PosAt(base, text, 8), "ü is two bytes")
	assert.Equal(t, 10+len(text), PosAt(base, text, 99).Offset)

	e := &Expr{Text: "x", Pos: base}
	assert.Equal(t, base, e.At(0))
	arg := &Expr{Text: "b", Pos: lexer.Position{Line: 9}, LocText: text, LocPos: base}
	assert.Equal(t, PosAt(base, text, 6), arg.At(6))
}

func TestLevelAndProgram(t *testing.T) {
	assert.False(t, (&Level{}).Holds())
	assert.True(t, (&Level{Limit: 3}).Holds())
	assert.True(t, (&Level{Limit: 3}).Sorts())
	assert.True(t, (&Level{Header: &Band{Aggs: []*AggRef{{}}}}).Holds())
	assert.False(t, (&Level{Header: &Band{}}).Sorts())
	p := &Program{ArgIx: map[string]int{"a * b": 2}}
	assert.Equal(t, 2, p.ArgIndex(&Expr{Text: "a * b"}))
}
