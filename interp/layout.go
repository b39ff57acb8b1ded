package interp

import (
	"strings"

	"github.com/reportsh/reportsh/render"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// plan fixes the record layout, the grouping strategy and the band list
// once every statement has been compiled.
func (c *compiler) plan() {
	p := c.prog
	p.argBase = len(c.slots)
	for i := range p.args {
		c.addSlot("__arg"+itoa(i), value.KindAny)
	}
	p.width = len(c.slots)
	p.names = c.slots
	// slotOf maps a field, lookup-free name to its record slot, or -1.
	slotOf := func(name string) int {
		for i, n := range c.slots[:p.argBase] {
			if n == name && c.kinds[i] != value.KindRecord {
				return i
			}
		}
		return -1
	}
	// Group keys and aggregate arguments that are bare field names read
	// their slot directly: no VM run per record for them.
	direct := func(e *Expr) {
		if e == nil {
			return
		}
		e.slot = -1
		if name := strings.TrimSpace(e.Text); isIdent(name) {
			e.slot = slotOf(name)
		}
	}
	for _, a := range p.args {
		direct(a)
	}
	for _, gr := range p.groupings {
		for _, lv := range gr.Levels {
			direct(lv.Key)
		}
	}
	// Source fields no expression reads are neither converted (CSV) nor
	// selected (SQLite), unless the script declares their type: then bad
	// values in them are still found.
	used := p.recordRefs()
	mark := func(e *Expr) {
		if e != nil {
			for _, r := range e.Refs {
				used[r] = true
			}
		}
	}
	for _, ld := range p.lookups {
		mark(ld.Left)
	}
	if p.detail != nil {
		for _, col := range p.detail.Cols {
			mark(col.Expr)
		}
		for _, part := range p.detail.Template {
			mark(part.Expr)
		}
	}
	p.unused = map[string]bool{}
	for _, f := range p.source.Schema.Fields {
		_, declared := p.source.Types[f.Name] // a declared type is always checked
		if !used[f.Name] && !declared {
			p.unused[f.Name] = true
		}
	}
	// Small expressions of fields and constants skip the VM altogether.
	fast := func(e *Expr) {
		if e != nil && e.node != nil {
			if f, ok := buildFast(e.node, slotOf); ok {
				e.fast = f
			}
		}
	}
	for _, s := range p.steps {
		fast(s.Where)
		fast(s.Let)
	}
	for _, a := range p.args {
		fast(a)
	}
	for _, gr := range p.groupings {
		for _, lv := range gr.Levels {
			fast(lv.Key)
		}
	}
	if len(p.groupings) == 1 {
		gr := p.groupings[0]
		var keys []string
		plain := true
		for _, lv := range gr.Levels {
			if lv.Key == nil || !isIdent(lv.Key.Text) || p.source.Schema.Index(lv.Key.Text) < 0 {
				plain = false
				break
			}
			keys = append(keys, p.source.Schema.Fields[p.source.Schema.Index(lv.Key.Text)].Name)
		}
		switch {
		case plain && sortedPrefix(p.source.SortedBy, keys):
			gr.Streaming = true
		case plain && p.source.Kind == "sqlite" && p.source.Table != "" && c.indexed(keys):
			// An index makes keyset pagination in key order cheap: stream.
			// Without one every chunk would sort the table; hash instead.
			p.source.OrderBy = keys
			gr.Streaming = true
		}
		if !gr.Streaming && p.detail != nil {
			p.needSort = true
		}
	}
	// The bands a renderer can expect, in report order.
	add := func(b *bandDef) {
		if b != nil {
			for _, col := range b.Cols {
				col.label = bandName(b.Band) + " column " + col.Name
			}
			b.Band.ID = len(p.bands)
			p.bands = append(p.bands, b.Band)
		}
	}
	add(p.repHeader)
	for _, gr := range p.groupings {
		for _, lv := range gr.Levels {
			add(lv.Header)
		}
	}
	add(p.detail)
	for _, gr := range p.groupings {
		for i := len(gr.Levels) - 1; i >= 0; i-- {
			add(gr.Levels[i].Footer)
		}
	}
	add(p.summary)
	add(p.repFooter)
	_ = render.Detail
}

// indexed reports whether the SQLite source table has an index on keys.
func (c *compiler) indexed(keys []string) bool {
	r, err := c.prog.resolve(c.prog.source)
	if err != nil {
		return false
	}
	defer r.cleanup()
	ok, err := source.SQLiteOrderIndexed(c.ctx, r.osPath, c.prog.source.Table, keys)
	return err == nil && ok
}

func sortedPrefix(sorted, keys []string) bool {
	if len(keys) > len(sorted) {
		return false
	}
	for i, k := range keys {
		if sorted[i] != k {
			return false
		}
	}
	return true
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
