package render

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// In a report without details the innermost footers are its body rows, in
// PDF as in HTML: drawn plain, the outer footers bold.
func TestPDFBodyFooters(t *testing.T) {
	f := newFootersFixture()
	assert.Equal(t, map[*Band]bool{f.cf: true}, pdfBodyFooters(f.meta.Bands))
	r := &pdfRenderer{body: pdfBodyFooters(f.meta.Bands)}
	assert.Equal(t, "", r.style(Row{Band: f.cf}))
	assert.Equal(t, "B", r.style(Row{Band: f.tf}))
	assert.Empty(t, pdfBodyFooters(newFixture().meta.Bands), "a report with details has no body footers")
}
