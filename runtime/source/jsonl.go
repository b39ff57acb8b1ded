package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"unicode/utf8"

	"github.com/reportsh/reportsh/internal/names"
	"github.com/reportsh/reportsh/runtime/value"
)

// JSONLConfig configures [OpenJSONL]. The zero value infers the columns
// and their types from the first 100 objects.
type JSONLConfig struct {
	Config

	// Name names the file in errors and in DataError.File; empty means
	// the name opened.
	Name string
}

// JSONL reads a JSON Lines file: one JSON object per line; blank lines
// (empty or only whitespace, Unicode's included; only JSON's whitespace may
// surround an object) are skipped. The columns are the keys of the sampled
// objects (the first SampleRows, up to a line past the record limit), in
// the order they are first seen, then the declared keys (Config.Types) the
// sample does not have, sorted; a key first appearing after the sample is
// ignored, and counted with the records that have it (see Ignored; declare
// it, or raise SampleRows, to make it a column). A declared key that no
// sampled record has is an error only when the sample is the whole file.
// A key missing from an object, and null, are nil; an object that repeats a
// key, at any depth, is a bad record (a *DataError naming the key).
//
// Values: integers are int64 (decimal past int64), other numbers exact
// decimals (float only in a column declared float); strings are strings,
// except that a column whose sampled strings are all dates (or timestamps)
// is a date (timestamp) column, and a string in a column of another kind is
// parsed as that kind ("" is nil there); objects are map[string]any
// (a record column; inside them numbers follow the same rules and arrays
// are []any); top-level arrays are kept as their JSON text, the value
// model having no arrays. Invalid UTF-8 anywhere in a line is an error
// (encoding/json would replace it silently).
//
// A JSONL is safe for concurrent use; calls are serialized.
type JSONL struct {
	textSource
	jdec *jsonlDecoder
	scan jsonlScanStep // the step of ScanRange
}

type jsonlDecoder struct {
	cols    []column
	index   map[string]int
	sampled int    // the columns from the sample: those before the declared ones
	unused  []bool // per column: left nil, not converted (Config.Unused); nil for none

	keys  keyLog    // the keys outside the sample
	fast  jsonlFast // the fast path on the reading goroutine
	ahead jsonlAhead
}

// OpenJSONL opens name in fsys and infers its columns and their types from
// the first objects.
func OpenJSONL(fsys fs.FS, name string, cfg JSONLConfig) (*JSONL, error) {
	d := &jsonlDecoder{}
	j := &JSONL{jdec: d}
	if err := j.init(fsys, name, cfg.Name, cfg.Config, d); err != nil {
		return nil, err
	}
	if err := j.open(d); err != nil {
		j.rd.close()
		return nil, err
	}
	return j, nil
}

func (j *JSONL) open(d *jsonlDecoder) error {
	j.dataStart, j.dataLine = j.rd.pos(), j.line
	sm, err := j.sample()
	if err != nil {
		return err
	}
	if len(sm.names) == 0 && len(j.cfg.Types) > 0 {
		return unknownColumnsError(j.file, "declared column", sortedNames(j.cfg.Types), nil, sm.noColumns(j))
	}
	sampled := len(sm.names)
	if !sm.whole {
		sm.addDeclared(j.cfg.Types)
	}
	kinds, declared, err := j.cfg.declaredKinds(j.file, sm.names, func(k value.Kind) bool {
		return scalarKind(k) || k == value.KindRecord
	})
	if err != nil {
		return err
	}
	fields := make([]value.Field, len(sm.names))
	d.cols = make([]column, len(sm.names))
	for i, n := range sm.names {
		k := kinds[i]
		if !declared[i] {
			k = sm.inf.kind(i)
		}
		fields[i] = value.Field{Name: n, Kind: k}
		if k == value.KindDecimal {
			fields[i].Scale = sm.inf.scale[i]
		}
		d.cols[i] = column{name: n, kind: k, inferred: !declared[i]}
		switch k {
		case value.KindString:
			d.cols[i].strings = &interner{}
		case value.KindDate:
			d.cols[i].dates = &dateBoxes{}
		}
	}
	d.index, d.sampled = sm.index, sampled
	for i, c := range d.cols {
		if j.cfg.Unused[c.name] {
			if d.unused == nil {
				d.unused = make([]bool, len(d.cols))
			}
			d.unused[i] = true
		}
	}
	d.fast = jsonlFast{cols: d.cols, index: d.index, sampled: d.sampled, unused: d.unused}
	d.ahead.procs = aheadProcs()
	d.keys = keyLog{file: j.file, sampled: sm.records, unsampled: d.cols[sampled:], high: -1}
	d.keys.met = make([]bool, len(d.keys.unsampled))
	return j.finish("jsonl", "", fields)
}

// jsonlSample is what the first records say of the columns.
type jsonlSample struct {
	names   []string // the keys, in the order first seen
	index   map[string]int
	inf     *inference
	records int   // the records sampled
	long    int64 // the line past the limit that ended the sample, or 0
	whole   bool  // the sample is the whole file
}

// sample reads the first records (up to a line past the limit).
func (j *JSONL) sample() (*jsonlSample, error) {
	sm := &jsonlSample{index: map[string]int{}, inf: newInference(0)}
	j.mode = readSample
	for sm.records < j.cfg.sampleRows() {
		line, err := j.nextLine()
		if err == io.EOF {
			sm.whole = true
			break
		}
		if errors.Is(err, errRecordTooLong) {
			sm.long = j.line // a line past the limit ends the sample
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.file, err)
		}
		if line == nil || !utf8.Valid(line) {
			continue // reported when the record is fetched
		}
		sm.records++
		sm.inf.rows++
		_ = decodeObject(line, sm.add)
	}
	if !sm.whole && sm.long == 0 {
		end, err := j.atEnd() // only blank lines left
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.file, err)
		}
		sm.whole = end
	}
	return sm, nil
}

// addDeclared makes columns of the declared keys the sample does not have
// (matched exactly, then case-insensitively, as declaredKinds matches
// them), sorted after the sampled ones: they may come later.
func (sm *jsonlSample) addDeclared(types map[string]value.Kind) {
	sampled := sm.names
	for _, n := range sortedNames(types) {
		if slices.Contains(sampled, n) || foldIndex(sampled, n) >= 0 {
			continue
		}
		sm.index[n] = len(sm.names)
		sm.names = append(sm.names, n)
		sm.inf.kinds = append(sm.inf.kinds, value.KindNil)
		sm.inf.scale = append(sm.inf.scale, 0)
	}
}

// add takes one member of a sampled object.
func (sm *jsonlSample) add(key string, v any) error {
	i, ok := sm.index[key]
	if !ok {
		i = len(sm.names)
		sm.index[key] = i
		sm.names = append(sm.names, key)
		sm.inf.kinds = append(sm.inf.kinds, value.KindNil)
		sm.inf.scale = append(sm.inf.scale, 0)
	}
	sm.inf.addKind(i, jsonKind(v))
	if s, ok := jsonNumber(v); ok {
		sm.inf.addScale(i, s)
	} else if s, ok := v.(string); ok {
		sm.inf.addScale(i, s) // for a column declared decimal
	}
	return nil
}

// noColumns says why the sample found no column.
func (sm *jsonlSample) noColumns(j *JSONL) string {
	switch {
	case sm.long > 0 && sm.records == 0:
		return fmt.Sprintf("the file has no record before line %d, which is longer than %s", sm.long, value.SizeText(int64(j.rd.maxRecord())))
	case sm.records == 0:
		return "the file has no records"
	case sm.records == 1:
		return "its first record has no keys"
	}
	return fmt.Sprintf("its first %d records have no keys", sm.records)
}

// nextLine returns the next line of the sample and advances past it; nil
// for a blank line, errRecordTooLong for a line past the limit.
func (j *JSONL) nextLine() ([]byte, error) {
	line, n, err := j.rd.peekLine()
	if err != nil {
		return nil, err
	}
	j.rd.r += n
	j.line++
	if len(bytes.TrimSpace(line)) == 0 {
		return nil, nil
	}
	return line, nil
}

func jsonNumber(v any) (string, bool) {
	n, ok := v.(json.Number)
	return string(n), ok
}

func (d *jsonlDecoder) blank(line []byte) bool { return len(bytes.TrimSpace(line)) == 0 }

func (d *jsonlDecoder) decode(t *textSource, rec []any) error {
	for {
		if it := d.take(&t.rd); it != nil {
			t.rd.r += it.n
			t.line++
			if it.blank {
				continue
			}
			t.record++
			return d.taken(t, it, rec)
		}
		line, start, blank, err := d.readLine(t)
		if err != nil {
			return err
		}
		if blank {
			continue
		}
		return d.decodeLine(t, line, start, t.record, rec)
	}
}

// readLine consumes the next line: blank, or a record (counted in
// t.record) starting at line start. A line longer than a record may be is
// a bad record.
func (d *jsonlDecoder) readLine(t *textSource) (line []byte, start int64, blank bool, err error) {
	start = t.line
	line, n, err := t.rd.peekLine()
	if errors.Is(err, errRecordTooLong) {
		if err := t.skipBad(true); err != nil {
			return nil, 0, false, err
		}
		t.line++
		t.record++
		return nil, 0, false, &DataError{File: t.file, Line: start, Record: t.record,
			Err: &tooLongError{what: "line", limit: t.rd.maxRecord()}}
	}
	if err != nil {
		return nil, 0, false, err
	}
	t.rd.r += n
	t.line++
	if d.blank(line) {
		return nil, 0, true, nil
	}
	t.record++
	return line, start, false, nil
}

// decodeLine decodes line, record number recNo starting at line start,
// into rec: by the fast path when it can, else the general one.
func (d *jsonlDecoder) decodeLine(t *textSource, line []byte, start, recNo int64, rec []any) error {
	bad := func(col string, err error) *DataError {
		return &DataError{File: t.file, Line: start, Record: recNo, Column: col, Err: err}
	}
	if !utf8.Valid(line) {
		return bad("", errInvalidUTF8)
	}
	ok, col, met, err := d.fast.fast(line, rec)
	if ok && err == nil {
		d.keys.meetAll(met)
	}
	if !ok {
		col, err = d.general(line, rec, recNo)
	}
	if err != nil {
		return bad(col, err)
	}
	return nil
}

// taken gives rec the record of a line decoded ahead, or its error, as
// decode would have read it.
func (d *jsonlDecoder) taken(t *textSource, it *aheadItem, rec []any) error {
	bad := func(col string, err error) *DataError {
		return &DataError{File: t.file, Line: t.line - 1, Record: t.record, Column: col, Err: err}
	}
	col, err := it.col, it.err
	switch {
	case !it.valid:
		col, err = "", errInvalidUTF8
	case it.ok && err == nil:
		copy(rec, it.vals)
		d.keys.meetAll(it.met)
	case !it.ok:
		col, err = d.general(it.line, rec, t.record)
	}
	if err != nil {
		return bad(col, err)
	}
	return nil
}

// general decodes record number recNo, line, into rec through
// encoding/json: any JSON object. A bad line gives its error and the
// column (or top-level key) it is in.
func (d *jsonlDecoder) general(line []byte, rec []any, recNo int64) (col string, err error) {
	m, err := decodeMap(line)
	if err != nil {
		return "", err
	}
	if key, in, dup := duplicateKey(line, m); dup {
		return in, fmt.Errorf("duplicate key %s", names.Quote(key))
	}
	clear(rec)
	found := 0 // in column order, so the first bad column is reported
	for i := range d.cols {
		v, ok := m[d.cols[i].name]
		if !ok {
			continue
		}
		found++
		if d.unused != nil && d.unused[i] {
			continue
		}
		c, err := jsonCell(v, d.cols[i].kind)
		if err != nil {
			return d.cols[i].name, err
		}
		rec[i] = c
	}
	d.keys.note(recNo, m, found, d.index)
	return "", nil
}
