package render

import "strings"

// keyCells decides what the key column of a grouped table shows, row by
// row: a group header or footer its own key, indented by its level; a
// detail row the keys of the groups it starts that no row named yet
// ("South › Initech" when South had no header), else nothing; a template
// band its line; the summary "Total". The human formats that print the
// keys in one column (text, HTML, Markdown) share it.
type keyCells struct {
	grid       *Grid
	shown      []string // the key path the last row showed
	sec        int      // the section of the last row
	lastHeader bool     // the last row was a group header
}

// keySep joins the keys of several levels in one key cell.
const keySep = " › "

// next returns row r's (of event e) key cell text, its indentation level,
// whether the row starts a group (the print layouts keep such a row with
// the rows after it), and whether it starts a top-level group.
func (k *keyCells) next(e *Event, r *Row) (key string, indent int, fresh, top bool) {
	b := e.Band
	indent = max(b.Level, 0)
	if r.Section != k.sec {
		k.shown, k.sec = nil, r.Section // a new table shows its keys again
	}
	path := k.path(e)
	start := commonPrefix(path, k.shown)
	fresh = (start < len(path) || b.Kind == GroupHeader) && !k.lastHeader
	top = len(path) > 0 && (start == 0 || b.Kind == GroupHeader && b.Level == 0)
	k.lastHeader = b.Kind == GroupHeader
	switch {
	case b.Template:
		key = e.Text
	case b.Kind == Summary:
		key = "Total"
	case b.Kind.isGroup() && len(path) > 0:
		s := min(start, len(path)-1)
		key, indent = strings.Join(path[s:], keySep), s
	case start < len(path):
		key, indent = strings.Join(path[start:], keySep), start
	}
	if b.Level >= 0 || b.Kind == Summary {
		k.shown = path
	}
	return key, indent, fresh, top
}

// path returns the event's group keys, formatted as their key columns
// show them.
func (k *keyCells) path(e *Event) []string {
	b := e.Band
	if b.Level < 0 {
		return nil
	}
	out := make([]string, 0, b.Level+1)
	for i := 0; i <= b.Level; i++ {
		var f Formatter
		if c, ok := k.grid.byKey[keyName(b, i)]; ok {
			f = k.grid.Columns[c].Formatter()
		}
		out = append(out, f.Format(e.key(i)))
	}
	return out
}

// commonPrefix returns how many leading keys a and b share.
func commonPrefix(a, b []string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
