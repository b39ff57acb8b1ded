package render

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"

	"github.com/reportsh/reportsh/runtime/value"
)

// csvRenderer writes one flat table: band, level, the group keys of every
// level, then the union of all bands' columns. A band column named like a
// group key fills that key's column.
type csvRenderer struct {
	*base
	header []string
	keyCol map[*Band][]int // header position of each band's group keys, by level
	cols   map[*Band][]int // header position of each band column
	buf    bytes.Buffer
	cw     *csv.Writer
}

func (r *csvRenderer) Begin(m *Meta) error {
	if err := r.begin(m); err != nil {
		return err
	}
	r.cw = csv.NewWriter(&r.buf)
	used := map[string]bool{}
	add := func(name string) int {
		r.header = append(r.header, uniqueName(used, name))
		return len(r.header) - 1
	}
	add("band")
	add("level")
	// Key columns by name, in level order; independent groupings with
	// different key names each get their own columns.
	keyByName := map[string]int{}
	for level := 0; level < maxKeys(m.Bands); level++ {
		for _, b := range m.Bands {
			if level < len(b.KeyNames) {
				if _, ok := keyByName[b.KeyNames[level]]; !ok {
					keyByName[b.KeyNames[level]] = add(b.KeyNames[level])
				}
			}
		}
	}
	r.keyCol = make(map[*Band][]int, len(m.Bands))
	for _, b := range m.Bands {
		pos := make([]int, len(b.KeyNames))
		for i, name := range b.KeyNames {
			pos[i] = keyByName[name]
		}
		r.keyCol[b] = pos
	}
	colByName := map[string]int{}
	r.cols = make(map[*Band][]int, len(m.Bands))
	for _, b := range m.Bands {
		pos := make([]int, len(b.Columns))
		for j, c := range b.Columns {
			at, ok := keyByName[c.Name]
			if !ok {
				at, ok = colByName[c.Name]
			}
			if !ok {
				at = add(c.Name)
				colByName[c.Name] = at
			}
			pos[j] = at
		}
		r.cols[b] = pos
	}
	return r.writeRow(r.header)
}

// uniqueName returns name, or name_2, name_3… when it is already used.
func uniqueName(used map[string]bool, name string) string {
	alt := name
	for n := 2; used[alt]; n++ {
		alt = name + "_" + strconv.Itoa(n)
	}
	used[alt] = true
	return alt
}

// maxKeys is the number of group levels among bands.
func maxKeys(bands []*Band) int {
	n := 0
	for _, b := range bands {
		n = max(n, len(b.KeyNames))
	}
	return n
}

func (r *csvRenderer) Emit(e *Event) error {
	bi, err := r.emit(e)
	if err != nil {
		return err
	}
	if e.Band.Template {
		return nil
	}
	pos, ok := r.cols[e.Band]
	if !ok {
		return fmt.Errorf("render: csv: %s (band %d) was not listed in Meta.Bands at Begin", bandName(e.Band), e.Band.ID)
	}
	row := make([]string, len(r.header))
	row[0] = e.Band.Kind.String()
	if e.Band.Level >= 0 {
		row[1] = strconv.Itoa(e.Band.Level)
	}
	keys := r.keyCol[e.Band]
	for level := 0; level <= e.Band.Level && level < len(keys); level++ {
		row[keys[level]] = value.String(e.key(level))
	}
	for j, at := range pos {
		row[at] = value.String(bi.fmts[j].machine(cell(e, j)))
	}
	return r.writeRow(row)
}

// End ends the table; CSV has no place for the totals. A report that
// stops early ends with a row of band "incomplete" and empty cells (the
// reason is the run's error).
func (r *csvRenderer) End(t *Totals) error {
	if err := r.end(); err != nil {
		return err
	}
	if t != nil && t.Incomplete != "" {
		row := make([]string, max(len(r.header), 1))
		row[0] = "incomplete"
		return r.writeRow(row)
	}
	return r.w.err
}

// writeRow writes one record straight through to the writer.
func (r *csvRenderer) writeRow(row []string) error {
	r.buf.Reset()
	if err := r.cw.Write(row); err != nil {
		return err
	}
	r.cw.Flush()
	return r.write(r.buf.Bytes())
}
