package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/runtime/value"
)

// The grid puts the keys first, then the detail band's columns, then what
// the footers and the summary add; a footer's revenue stands under the
// same column as the other footers', and its label heads the column.
func TestGridColumns(t *testing.T) {
	f := newFixture()
	f.cf.Columns[2].Label = "Revenue"
	g, err := NewGrid(f.meta)
	require.NoError(t, err)
	var names, heads []string
	for _, c := range g.Columns {
		names = append(names, c.Name)
		heads = append(heads, c.Heading)
	}
	assert.Equal(t, []string{"territory", "customer", "sale_date", "amount", "quantity", "note",
		"orders", "revenue", "avg", "share", "first", "avg_amount", "ratio"}, names)
	assert.Equal(t, "Revenue", heads[7])
	assert.Equal(t, 2, g.Levels)
	assert.Equal(t, value.KindString, g.Columns[1].Kind, "customer: a string in every band")
	assert.Equal(t, value.KindString, g.Columns[0].Kind, "territory: typed by the territory footer")
	assert.Equal(t, 0, g.Columns[0].Key)
	assert.Equal(t, -1, g.Columns[7].Key)
}

// Rows carry the band's values in their columns and the group keys of
// their level; a template band's row is its text.
func TestGridRows(t *testing.T) {
	f := newFixture()
	g, err := NewGrid(f.meta)
	require.NoError(t, err)
	r, err := g.Row(f.events[1])
	require.NoError(t, err)
	assert.Equal(t, "Territory North", r.Text)
	assert.Nil(t, r.Cells)
	r, err = g.Row(f.events[4]) // the customer footer of Acme
	require.NoError(t, err)
	assert.Equal(t, []any{"North", "Acme, Inc.", nil, nil, nil, nil, int64(2), dec("2479.12345678901234567890"), nil, nil, nil, nil, nil}, r.Cells)
	assert.Equal(t, 1, r.Level)
	r, err = g.Row(f.events[11]) // the summary
	require.NoError(t, err)
	assert.Equal(t, -1, r.Level)
	assert.Equal(t, int64(4), r.Cells[6])
	assert.Equal(t, tenth+0.2, r.Cells[12])
}
