package exec

import (
	"testing"
	"time"

	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/render"
)

// The renderer's Meta carries the page bands the run evaluated, and the
// run date; a report without page bands has none.
func TestMetaPageBands(t *testing.T) {
	p := &Runner{m: &program.Program{Title: "T"}}
	h := &render.PageTemplate{Parts: []render.PagePart{{Text: "T — West"}}}
	f := render.DefaultPageFooter()
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	m := p.meta(nil, day, &result{PageHeader: h, PageFooter: f})
	if m.PageHeader != h || m.PageFooter != f || !m.RunDate.Equal(day) {
		t.Errorf("meta %+v: want the run's page bands and run date", m)
	}
	if hd, ft, err := p.pageBands(nil, day); hd != nil || ft != nil || err != nil {
		t.Errorf("no page bands declared: got %v, %v, %v", hd, ft, err)
	}
}
