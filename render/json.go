package render

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/reportsh/reportsh/runtime/value"
)

// jsonRenderer builds one document with nested groups and writes it at End:
//
//	{"title":…, "params":{…}, "report_header":…,
//	 "groups":[{"key":{"territory":"North"}, "header":…, "groups":[…],
//	            "details":[…], "footer":{…}}],
//	 "summary":{…}, "report_footer":…, "totals":{…}}
//
// A band's value is an object of its columns in column order, or a string
// for a template band. "groups" appears on the levels that have deeper ones,
// "details" on the level of the detail band (top-level when there are no
// groups). When several bands of one kind share a level, the second is
// named "footer_2" and so on.
type jsonRenderer struct {
	*base
	slots    map[*Band]string
	maxLevel int          // deepest group level (-1: no groups)
	details  map[int]bool // levels that hold details
	root     jsonGroup
	stack    []*jsonGroup // the open group of each level
}

// jsonGroup is one group instance, or the report (level -1).
type jsonGroup struct {
	level   int
	key     any
	keyJSON []byte // {"name":value}
	headers []jsonSlot
	groups  []*jsonGroup
	details [][]byte
	footers []jsonSlot
}

// jsonSlot is a named band value within a group or the report.
type jsonSlot struct {
	name string
	js   []byte
}

// set adds or replaces the slot called name.
func setSlot(slots []jsonSlot, name string, js []byte) []jsonSlot {
	for i := range slots {
		if slots[i].name == name {
			slots[i].js = js
			return slots
		}
	}
	return append(slots, jsonSlot{name, js})
}

func hasSlot(slots []jsonSlot, name string) bool {
	for _, s := range slots {
		if s.name == name {
			return true
		}
	}
	return false
}

func (r *jsonRenderer) Begin(m *Meta) error {
	if err := r.begin(m); err != nil {
		return err
	}
	r.root.level = -1
	r.maxLevel = -1
	r.details = map[int]bool{}
	r.slots = map[*Band]string{}
	for _, b := range m.Bands {
		r.learn(b)
	}
	return nil
}

// learn records band b's slot name and levels.
func (r *jsonRenderer) learn(b *Band) {
	if _, ok := r.slots[b]; ok {
		return
	}
	r.maxLevel = max(r.maxLevel, b.Level, len(b.KeyNames)-1)
	if b.Kind == Detail {
		r.details[b.Level] = true
	}
	base := b.Kind.String()
	name := base
	for n := 2; r.slotTaken(b, name); n++ {
		name = base + "_" + strconv.Itoa(n)
	}
	r.slots[b] = name
}

// slotTaken reports whether another band of b's kind and level is named name.
func (r *jsonRenderer) slotTaken(b *Band, name string) bool {
	for o, n := range r.slots {
		if n == name && o.Kind == b.Kind && (o.Level == b.Level || !o.Kind.isGroup()) {
			return true
		}
	}
	return false
}

func (r *jsonRenderer) Emit(e *Event) error {
	bi, err := r.emit(e)
	if err != nil {
		return err
	}
	r.learn(e.Band)
	slot := r.slots[e.Band]
	js := bandValues(bi, e)
	level := e.Band.Level
	switch {
	case e.Band.Kind == Detail && level < 0:
		r.root.details = append(r.root.details, js)
	case level < 0 || !(e.Band.Kind.isGroup() || e.Band.Kind == Detail):
		if e.Band.Kind == ReportHeader {
			r.root.headers = setSlot(r.root.headers, slot, js)
		} else {
			r.root.footers = setSlot(r.root.footers, slot, js)
		}
	case e.Band.Kind == Detail:
		g := r.group(e, level, "")
		g.details = append(g.details, js)
	case e.Band.Kind == GroupHeader:
		g := r.group(e, level, slot)
		g.headers = setSlot(g.headers, slot, js)
	default: // GroupFooter: the group ends
		g := r.group(e, level, "")
		g.footers = setSlot(g.footers, slot, js)
		r.stack = r.stack[:level]
	}
	return nil
}

// group returns the open group of level for e's keys, opening groups as
// needed. A header (headerSlot != "") opens a new group unless the open one
// has only other headers so far.
func (r *jsonRenderer) group(e *Event, level int, headerSlot string) *jsonGroup {
	for i := 0; i <= level; i++ {
		k := e.key(i)
		if i < len(r.stack) {
			g := r.stack[i]
			reuse := value.Equal(g.key, k)
			if reuse && i == level && headerSlot != "" &&
				(hasSlot(g.headers, headerSlot) || len(g.groups)+len(g.details)+len(g.footers) > 0) {
				reuse = false
			}
			if reuse {
				continue
			}
			r.stack = r.stack[:i]
		}
		var o jsonObject
		o.value(keyName(e.Band, i), k)
		g := &jsonGroup{level: i, key: k, keyJSON: o.bytes()}
		parent := &r.root
		if i > 0 {
			parent = r.stack[i-1]
		}
		parent.groups = append(parent.groups, g)
		r.stack = append(r.stack, g)
	}
	return r.stack[level]
}

// keyName names the key of level i of band b.
func keyName(b *Band, i int) string {
	if i < len(b.KeyNames) {
		return b.KeyNames[i]
	}
	if i == b.Level && b.Group != "" {
		return b.Group
	}
	return "level_" + strconv.Itoa(i)
}

func (r *jsonRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	var o jsonObject
	o.value("title", r.meta.Title)
	o.raw("params", paramsJSON(r.meta.Params))
	for _, s := range r.root.headers {
		o.raw(s.name, s.js)
	}
	if r.maxLevel >= 0 || len(r.root.groups) > 0 {
		o.raw("groups", r.groupsJSON(r.root.groups))
	}
	if r.details[-1] || len(r.root.details) > 0 {
		o.raw("details", jsonArray(r.root.details))
	}
	for _, s := range r.root.footers {
		o.raw(s.name, s.js)
	}
	switch {
	case t != nil && t.Incomplete != "":
		o.value("incomplete", t.Incomplete)
	case t != nil:
		var to jsonObject
		totalsJSON(&to, t, r.opts.Elapsed)
		o.raw("totals", to.bytes())
	}
	var out bytes.Buffer
	if err := json.Indent(&out, o.bytes(), "", "  "); err != nil {
		return err // unreachable: the document is built from valid parts
	}
	out.WriteByte('\n')
	return r.write(out.Bytes())
}

func (r *jsonRenderer) groupsJSON(gs []*jsonGroup) []byte {
	items := make([][]byte, len(gs))
	for i, g := range gs {
		var o jsonObject
		o.raw("key", g.keyJSON)
		for _, s := range g.headers {
			o.raw(s.name, s.js)
		}
		if g.level < r.maxLevel || len(g.groups) > 0 {
			o.raw("groups", r.groupsJSON(g.groups))
		}
		if r.details[g.level] || len(g.details) > 0 {
			o.raw("details", jsonArray(g.details))
		}
		for _, s := range g.footers {
			o.raw(s.name, s.js)
		}
		items[i] = o.bytes()
	}
	return jsonArray(items)
}

// jsonArray joins encoded items into an array.
func jsonArray(items [][]byte) []byte {
	b := []byte{'['}
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return append(b, ']')
}
