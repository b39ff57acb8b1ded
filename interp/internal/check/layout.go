package check

import (
	"strings"

	"github.com/reportsh/reportsh/interp/internal/eval"
	"github.com/reportsh/reportsh/interp/internal/program"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// plan fixes the record layout, the grouping strategy and the band list
// once every statement has been compiled.
func (c *compiler) plan() {
	p := c.m
	p.ArgBase = len(c.slots)
	for i := range p.Args {
		c.addSlot("__arg"+itoa(i), value.KindAny)
	}
	p.Width = len(c.slots)
	p.Names = c.slots
	c.directSlots()
	c.markUnused()
	c.fastExprs()
	c.streaming()
	c.bandList()
}

// slotOf returns the record slot of a field or let name that is not a
// lookup's record, or -1.
func (c *compiler) slotOf(name string) int {
	if c.slotIx == nil {
		c.slotIx = make(map[string]int, c.m.ArgBase)
		for i, n := range c.slots[:c.m.ArgBase] {
			if _, dup := c.slotIx[n]; !dup && c.kinds[i] != value.KindRecord {
				c.slotIx[n] = i
			}
		}
	}
	if i, ok := c.slotIx[name]; ok {
		return i
	}
	return -1
}

// directSlots has group keys and aggregate arguments that are bare field
// names read their slot directly: no VM run per record for them.
func (c *compiler) directSlots() {
	direct := func(e *program.Expr) {
		if e == nil {
			return
		}
		e.Slot = -1
		if name := strings.TrimSpace(e.Text); IsIdent(name) {
			e.Slot = c.slotOf(name)
		}
	}
	c.eachKeyAndArg(direct)
}

// eachKeyAndArg calls f with every aggregate argument and group key.
func (c *compiler) eachKeyAndArg(f func(*program.Expr)) {
	for _, a := range c.m.Args {
		f(a)
	}
	for _, gr := range c.m.Groupings {
		for _, lv := range gr.Levels {
			f(lv.Key)
		}
	}
}

// markUnused finds the source fields no expression reads: they are neither
// converted (CSV) nor selected (SQLite), unless the script declares their
// type: then bad values in them are still found.
func (c *compiler) markUnused() {
	p := c.m
	used := eval.RecordRefs(p)
	mark := func(e *program.Expr) {
		if e != nil {
			for _, r := range e.Refs {
				used[r] = true
			}
		}
	}
	for _, ld := range p.Lookups {
		mark(ld.Left)
	}
	if p.Detail != nil {
		for _, col := range p.Detail.Cols {
			mark(col.Expr)
		}
		for _, part := range p.Detail.Template {
			mark(part.Expr)
		}
	}
	p.Unused = map[string]bool{}
	for _, f := range p.Source.Schema.Fields {
		_, declared := p.Source.Types[f.Name] // a declared type is always checked
		if !used[f.Name] && !declared {
			p.Unused[f.Name] = true
		}
	}
}

// fastExprs gives small per-record expressions of fields and constants a
// closure that skips the VM altogether.
func (c *compiler) fastExprs() {
	fast := func(e *program.Expr) {
		if e != nil && e.Node != nil {
			if f, ok := eval.BuildFast(e.Node, c.slotOf, value.MaxBytes(c.m.MaxValueBytes), c.ec.funcs.fastCall); ok {
				e.Fast = f
			}
		}
	}
	for _, s := range c.m.Steps {
		fast(s.Where)
		fast(s.Let)
	}
	c.eachKeyAndArg(fast)
}

// streaming decides whether a single grouping streams: its keys are plain
// fields the source is declared sorted by, or an index of the SQLite table
// serves in key order. A detail band over a grouping that does not stream
// needs its records sorted.
func (c *compiler) streaming() {
	p := c.m
	if len(p.Groupings) != 1 {
		return
	}
	gr := p.Groupings[0]
	var keys []string
	var kinds []value.Kind
	plain := true
	for _, lv := range gr.Levels {
		if lv.Key == nil || !IsIdent(lv.Key.Text) || p.Source.Schema.Index(lv.Key.Text) < 0 {
			plain = false
			break
		}
		f := p.Source.Schema.Fields[p.Source.Schema.Index(lv.Key.Text)]
		keys, kinds = append(keys, f.Name), append(kinds, f.Kind)
	}
	switch {
	case plain && sortedPrefix(p.Source.SortedBy, keys):
		gr.Streaming = true
	case plain && p.Source.Kind == "sqlite" && p.Source.Table != "" && c.indexed(keys, kinds):
		// An index makes keyset pagination in key order cheap: stream.
		// Without one every chunk would sort the table; hash instead.
		p.Source.OrderBy = keys
		gr.Streaming = true
	}
	if !gr.Streaming && p.Detail != nil {
		p.NeedSort = true
	}
}

// bandList lists the bands a renderer can expect, in report order.
func (c *compiler) bandList() {
	p := c.m
	add := func(b *program.Band) {
		if b != nil {
			for _, col := range b.Cols {
				col.Label = program.BandName(b.Band) + " column " + col.Name
			}
			b.Band.ID = len(p.Bands)
			p.Bands = append(p.Bands, b.Band)
		}
	}
	add(p.RepHeader)
	for _, gr := range p.Groupings {
		for _, lv := range gr.Levels {
			add(lv.Header)
		}
	}
	add(p.Detail)
	for _, gr := range p.Groupings {
		for i := len(gr.Levels) - 1; i >= 0; i-- {
			add(gr.Levels[i].Footer)
		}
	}
	add(p.Summary)
	add(p.RepFooter)
}

// indexed reports whether the SQLite source table has an index on keys
// that orders them as their kinds do.
func (c *compiler) indexed(keys []string, kinds []value.Kind) bool {
	r, err := c.in.Resolve(c.m.Source)
	if err != nil {
		return false
	}
	defer r.Cleanup()
	ok, err := source.SQLiteOrderIndexed(c.ctx, r.OSPath, c.m.Source.Table, keys, kinds)
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
