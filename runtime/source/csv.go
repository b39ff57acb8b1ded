package source

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"unicode/utf8"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/value"
)

// CSVConfig configures [OpenCSV]. The zero value reads comma-separated
// files with types inferred from the first 100 records.
type CSVConfig struct {
	Config

	// Name names the file in errors and in DataError.File; empty means
	// the name opened.
	Name string

	// Delimiter separates fields; zero means ','. It must be an ASCII
	// character other than '"', '\r' and '\n' (use '\t' for TSV).
	Delimiter rune
}

// CSV reads a CSV file with a header row (RFC 4180, see the package
// documentation for types, nil and positions). A UTF-8 byte order mark is
// ignored; lines end with "\n" or "\r\n" (a "\r\n" inside a quoted field is
// kept as written); empty lines are skipped; an empty cell ("" quoted or
// not) is nil whatever the column's kind. Header names are used as written;
// an empty name becomes "column_N" (N counting from 1) and a repeated name
// is an error.
//
// A CSV is safe for concurrent use; calls are serialized.
type CSV struct {
	textSource
	scan scanStep // the state of a Scan
}

type csvDecoder struct {
	sc     csvScanner
	cols   []column
	unused []bool // columns left nil (Config.Unused)
}

// OpenCSV opens name in fsys, reads its header and infers the types of the
// undeclared columns from the first records. The records are read by
// Fetch; Close releases the file.
func OpenCSV(fsys fs.FS, name string, cfg CSVConfig) (*CSV, error) {
	delim := cfg.Delimiter
	if delim == 0 {
		delim = ','
	}
	if delim >= utf8.RuneSelf || delim == '"' || delim == '\r' || delim == '\n' {
		return nil, fmt.Errorf("%s: invalid CSV delimiter %q", cmp.Or(cfg.Name, name), delim)
	}
	d := &csvDecoder{sc: csvScanner{delim: byte(delim)}}
	c := &CSV{}
	if err := c.init(fsys, name, cfg.Name, cfg.Config, d); err != nil {
		return nil, err
	}
	if err := c.open(d, byte(delim)); err != nil {
		c.rd.close()
		return nil, err
	}
	return c, nil
}

func (c *CSV) open(d *csvDecoder, delim byte) error {
	c.mode = readHeader
	header, err := d.sc.next(&c.textSource)
	if err == io.EOF {
		return fmt.Errorf("%s: empty file (a header row is required)", c.file)
	}
	var se *scanError
	if errors.As(err, &se) {
		if tl, ok := se.err.(*tooLongError); ok {
			tl.what = "header"
			return fmt.Errorf("%s:%d: %w", c.file, se.line, se.err)
		}
		return fmt.Errorf("%s:%d: header: %w", c.file, se.line, se.err)
	}
	if err != nil {
		return err
	}
	cols := make([]string, len(header))
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		if !utf8.Valid(h) {
			return fmt.Errorf("%s:%d: header: column %d: invalid UTF-8", c.file, d.sc.recLine, i+1)
		}
		n := string(h)
		if n == "" {
			n = "column_" + strconv.Itoa(i+1)
		}
		if seen[n] {
			return fmt.Errorf("%s:%d: header: duplicate column %s", c.file, d.sc.recLine, names.Quote(n))
		}
		seen[n] = true
		cols[i] = n
	}
	c.dataStart, c.dataLine = c.rd.pos(), c.line

	kinds, declared, err := c.cfg.declaredKinds(c.file, cols, scalarKind)
	if err != nil {
		return err
	}
	inf := newInference(len(cols))
	c.mode = readSample
	for n := 0; n < c.cfg.sampleRows(); n++ {
		fields, err := d.sc.next(&c.textSource)
		if err == io.EOF {
			break
		}
		if errors.As(err, &se) {
			if se.stuck {
				break // a record past the limit, or a bad one with no end, ends the sample
			}
			continue // reported when the record is fetched
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.file, err)
		}
		if len(fields) != len(cols) {
			continue
		}
		inf.rows++
		for i, f := range fields {
			inf.addBytes(i, f)
		}
	}
	fields := make([]value.Field, len(cols))
	d.cols = make([]column, len(cols))
	for i, n := range cols {
		k := kinds[i]
		if !declared[i] {
			k = inf.kind(i)
		}
		fields[i] = value.Field{Name: n, Kind: k}
		if k == value.KindDecimal {
			fields[i].Scale = inf.scale[i]
		}
		d.cols[i] = column{name: n, kind: k, inferred: !declared[i]}
		switch k {
		case value.KindString:
			d.cols[i].strings = &interner{}
		case value.KindDate:
			d.cols[i].dates = &dateBoxes{}
		}
	}
	d.setUnused(c.cfg.Unused)
	return c.finish("csv", fmt.Sprintf("delim=%q", delim), fields)
}

// setUnused marks the columns named in unused, whose cells are checked but
// not converted.
func (d *csvDecoder) setUnused(unused map[string]bool) {
	d.unused = nil
	for i, col := range d.cols {
		if unused[col.name] {
			if d.unused == nil {
				d.unused = make([]bool, len(d.cols))
			}
			d.unused[i] = true
		}
	}
}

// Configure gives a source that has not been read from since it was
// opened the settings of a run: Extra, SkipErrors, OnSkip, Unused and
// Recycle, as if it had been opened with cfg. The settings that decide the
// schema (Types, SampleRows, MaxRecordBytes) must be those it was opened
// with. It returns
// false, changing nothing, when they are not or the source has been read;
// the caller opens the file again. (A program that describes a source when
// it is compiled and reads it when it runs opens it once.)
func (c *CSV) Configure(cfg Config) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || !c.atValid || c.at.Offset != 0 || c.at.Key != nil || c.record != 0 || c.rd.pos() != c.dataStart ||
		cfg.typesString() != c.cfg.typesString() || cfg.sampleRows() != c.cfg.sampleRows() ||
		cfg.maxRecordBytes() != c.cfg.maxRecordBytes() {
		return false
	}
	c.dec.(*csvDecoder).setUnused(cfg.Unused)
	c.cfg = cfg
	c.skip = newSkipper(cfg, true)
	c.stride = c.width + cfg.extra()
	c.setIdentity()
	return true
}

func (d *csvDecoder) blank(line []byte) bool { return len(line) == 0 }

func (d *csvDecoder) decode(t *textSource, rec []any) error {
	fields, err := d.split(t)
	if err != nil {
		return err
	}
	return d.convert(t, fields, rec)
}

// split reads the next record's fields: io.EOF at the end, a *DataError
// for a record that cannot be split or has the wrong number of fields.
func (d *csvDecoder) split(t *textSource) ([][]byte, error) {
	fields, err := d.sc.next(t)
	if err != nil {
		var se *scanError
		if !errors.As(err, &se) {
			return nil, err
		}
		t.record++
		de := &DataError{File: t.file, Line: se.line, Record: t.record, Err: se.err}
		if se.field >= 0 && se.field < len(d.cols) {
			de.Column = d.cols[se.field].name
		}
		return nil, de
	}
	t.record++
	if len(fields) != len(d.cols) {
		return nil, &DataError{File: t.file, Line: d.sc.recLine, Record: t.record,
			Err: fmt.Errorf("wrong number of fields: got %d, want %d", len(fields), len(d.cols))}
	}
	return fields, nil
}

// convert converts the fields split returned last into rec.
func (d *csvDecoder) convert(t *textSource, fields [][]byte, rec []any) error {
	valid := d.sc.valid // the record's text is valid UTF-8
	for i, f := range fields {
		if d.unused != nil && d.unused[i] {
			if !valid && !utf8.Valid(f) {
				return &DataError{File: t.file, Line: d.sc.recLine, Record: t.record, Column: d.cols[i].name, Err: errInvalidUTF8}
			}
			rec[i] = nil
			continue
		}
		v, err := d.cols[i].parseCell(f, valid)
		if err != nil {
			return &DataError{File: t.file, Line: d.sc.recLine, Record: t.record, Column: d.cols[i].name, Err: err}
		}
		rec[i] = v
	}
	return nil
}
