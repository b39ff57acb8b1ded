package render

// tables collects the events of every band into one table per band, for
// the formats that print band by band (Markdown, HTML). A table has the
// band's group keys first, then its columns, headed by their labels; a
// column named like a key fills that key's column. A template band's table has a "text" column;
// a report-level template band has no table, only its lines of text.
type tables struct {
	*base
	list   []*table
	byBand map[*Band]*table
}

// table is the held rows of one band, formatted for display.
type table struct {
	band    *Band
	heads   []string
	fmts    []Formatter // per heading
	colAt   []int       // per band column: its heading
	static  []bool      // per heading: statically numeric
	numeric []bool      // per heading: every non-nil value is a number
	valued  []bool      // per heading: some value is not nil
	rows    [][]string
	lines   bool // report-level template: rows hold lines of text
}

// right reports whether heading j is right-aligned.
func (t *table) right(j int) bool { return t.static[j] || (t.valued[j] && t.numeric[j]) }

func (ts *tables) Begin(m *Meta) error {
	if err := ts.begin(m); err != nil {
		return err
	}
	ts.byBand = map[*Band]*table{}
	for _, bi := range ts.order {
		ts.table(bi)
	}
	return nil
}

// table returns the band's table, making it the first time.
func (ts *tables) table(bi *bandInfo) *table {
	b := bi.band
	if t, ok := ts.byBand[b]; ok {
		return t
	}
	t := &table{band: b, lines: b.Template && b.Level < 0}
	keyAt := map[string]int{}
	add := func(name string, f Formatter, static bool) int {
		t.heads = append(t.heads, name)
		t.fmts = append(t.fmts, f)
		t.static = append(t.static, static)
		t.numeric = append(t.numeric, true)
		t.valued = append(t.valued, false)
		return len(t.heads) - 1
	}
	for i := 0; i <= b.Level; i++ {
		name := keyName(b, i)
		keyAt[name] = add(name, Formatter{}, false)
	}
	if b.Template {
		add("text", Formatter{}, false)
	}
	for j, c := range b.Columns {
		at, ok := keyAt[c.Name]
		if ok {
			if c.Label != "" {
				t.heads[at] = c.Label
			}
			t.fmts[at] = bi.fmts[j]
			t.static[at] = bi.numericKind(j)
		} else {
			at = add(heading(c), bi.fmts[j], bi.numericKind(j))
		}
		t.colAt = append(t.colAt, at)
	}
	ts.byBand[b] = t
	ts.list = append(ts.list, t)
	return t
}

func (ts *tables) Emit(e *Event) error {
	bi, err := ts.emit(e)
	if err != nil {
		return err
	}
	t := ts.table(bi)
	if t.lines {
		t.rows = append(t.rows, []string{e.Text})
		return nil
	}
	row := make([]string, len(t.heads))
	put := func(at int, v any) {
		row[at] = t.fmts[at].Format(v)
		if v != nil {
			t.valued[at] = true
			t.numeric[at] = t.numeric[at] && isNumber(v)
		}
	}
	for i := 0; i <= e.Band.Level; i++ {
		put(i, e.key(i))
	}
	if e.Band.Template {
		row[e.Band.Level+1] = e.Text
	}
	for j, at := range t.colAt {
		put(at, cell(e, j))
	}
	t.rows = append(t.rows, row)
	return nil
}
