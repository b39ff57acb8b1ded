package exec

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/reportsh/reportsh/interp/internal/keys"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/runtime/source"
	"github.com/reportsh/reportsh/runtime/value"
)

// Reading the rows in Go. When every value the aggregates read can be
// checked as it is stored (integers, and decimals written as TEXT), a
// range's partial states are computed in Go from the rows one plain
// statement returns, read through SQLite's C API (source.RawConn) rather
// than database/sql, instead of by the GROUP BY statement: SQLite only
// walks the table, and sorting the rows by their keys, converting and
// checking each value in SQL, and the driver's conversions are saved. The
// checks are the statement's own (see decimalText): a value that does not
// conform, or an overflow, makes the run read the rows instead. Q1 over
// 1M rows (3 alternating rounds): 1.91-2.66 s with the GROUP BY statement
// on one connection, 0.51-0.62 s this way; on two, 1.37-1.56 and 0.38-0.45;
// the sqlite3 shell's own GROUP BY 1.16-1.42 s. (A connection is opened
// without SQLite's mutex, SQLITE_OPEN_NOMUTEX: one goroutine uses it at a
// time, and locking it around every call was 45% of the time.)

// rawAgg aggregates one range's rows. A group's keys are its encoded key
// in the index (appendRawKey, decoded by rawKeys) and its partial states,
// one per result column, a run of st and of has: no pointer per group, so
// a million groups are a few flat slices.
type rawAgg struct {
	pp    *plan.PushPlan
	index *keys.Index // of the encoded keys (appendRawKey)
	st    []int64     // group g's states: st[g*len(pp.Cols):][:len(pp.Cols)]
	has   []bool      // per state: a SUM, MIN or MAX has met a value
	vals  []plan.Kval // per schema field, the current row's
	key   []byte
	rows  int64
	// part of parts: with parts > 1 the table takes only the rows whose
	// key's hash falls in its partition (another table takes the others).
	part, parts uint64
}

// rawQuery is query for a plan with pp.raw: it reads the range's rows and
// aggregates them.
func (s *pdSource) rawQuery(ctx context.Context, bounds []any) pdRange {
	pp := s.run.Pp
	conn, err := s.takeRaw()
	if err != nil {
		return queryFailure(ctx, err)
	}
	defer s.putRaw(conn)
	stmt, args := pp.Raw.Sql, []int64(nil)
	if bounds == nil {
		stmt = pp.Raw.SqlAll
	} else {
		args = []int64{bounds[0].(int64), bounds[1].(int64)}
	}
	a := &rawAgg{pp: pp, index: keys.NewIndex(), vals: make([]plan.Kval, len(s.run.Src.Schema().Fields))}
	if len(bounds) == 4 { // one hash partition of the range's keys
		a.index.SetSeed(s.seed)
		a.part, a.parts = uint64(bounds[2].(int64)), uint64(bounds[3].(int64))
	}
	rows, err := conn.Query(ctx, stmt, args...)
	if err != nil {
		return queryFailure(ctx, err)
	}
	defer rows.Close()
	for rows.Next() {
		if note := a.add(rows); note != "" {
			return pdRange{note: note}
		}
	}
	if err := rows.Err(); err != nil {
		return queryFailure(ctx, err)
	}
	return a.result(s)
}

// add aggregates the current row; it returns why the run must read the
// rows instead, if it must.
func (a *rawAgg) add(rows *source.RawRows) string {
	pp := a.pp
	nk := len(pp.KeyCols)
	a.key = a.key[:0]
	for l := 0; l < nk; l++ {
		a.key = appendRawKey(a.key, rows, l)
	}
	var h uint64
	if a.parts > 1 {
		// Bit 31 and up, as the CSV scanner's partner: the index takes a
		// slot from the low bits and compares the high 32.
		if h = a.index.Hash(a.key); h>>31%a.parts != a.part {
			return "" // another partition's row, which its table checks
		}
	}
	for j, f := range pp.Raw.Fields {
		v, ok := rawValue(rows, nk+j, f)
		if !ok {
			return fmt.Sprintf("a value of %s is not %s", f.Name, f.What)
		}
		a.vals[f.Field] = v
	}
	nc := len(pp.Cols)
	var gi int
	if a.parts > 1 {
		gi, h = a.index.FindHash(a.key, h)
	} else {
		gi, h = a.index.Find(a.key)
	}
	if gi < 0 {
		gi = a.index.Add(a.key, h)
		a.st = append(a.st, make([]int64, nc)...)
		a.has = append(a.has, make([]bool, nc)...)
	}
	st, has := a.st[gi*nc:][:nc], a.has[gi*nc:][:nc]
	a.rows++
	for j, c := range pp.Cols {
		if c.K == nil { // COUNT(*)
			st[j]++
			continue
		}
		v, err := c.K.Eval(a.vals)
		if err != nil {
			return err.Error()
		}
		if !v.Ok {
			continue
		}
		switch c.Fn {
		case "COUNT":
			st[j]++
		case "SUM":
			sum, ok := value.AddInt64(st[j], v.C)
			if !ok {
				return "a sum overflows 64-bit integers"
			}
			st[j], has[j] = sum, true
		case "MIN":
			if !has[j] || v.C < st[j] {
				st[j], has[j] = v.C, true
			}
		case "MAX":
			if !has[j] || v.C > st[j] {
				st[j], has[j] = v.C, true
			}
		}
	}
	return ""
}

// result turns the groups into records as query does: keys as the source
// reads them, then the aggregate columns.
func (a *rawAgg) result(s *pdSource) pdRange {
	pp := a.pp
	nk := len(pp.KeyCols)
	out := pdRange{rows: a.rows}
	nc := len(pp.Cols)
	keyVals := make([]any, 0, nk)
	for g := range a.index.Len() {
		rec := make(value.Record, nk+nc)
		keyVals = rawKeys(keyVals[:0], a.index.Key(g))
		if note := s.readKeys(rec, keyVals); note != "" {
			return pdRange{note: note}
		}
		st, has := a.st[g*nc:][:nc], a.has[g*nc:][:nc]
		for j, c := range pp.Cols {
			var v any // nil: a SUM, MIN or MAX of no value
			if c.Fn == "COUNT" || has[j] {
				v = st[j]
			}
			pdValue(c, v, &rec[nk+j]) // an int64 or nil: never a note
		}
		out.recs = append(out.recs, rec)
	}
	return out
}

// rawValue reads column col as field f's value, as the GROUP BY
// statement's checks accept it; ok is false for a value they reject.
func rawValue(rows *source.RawRows, col int, f plan.PdRawField) (plan.Kval, bool) {
	switch rows.Type(col) {
	case source.RawNull:
		return plan.Kval{}, true
	case source.RawInt:
		if f.Dec {
			return plan.Kval{}, false // not in a TEXT column: TEXT affinity stores numbers as text
		}
		return plan.Kval{C: rows.Int64(col), Ok: true}, true
	case source.RawText:
		if !f.Dec {
			return plan.Kval{}, false
		}
		b := rows.Text(col)
		if len(b) == 0 {
			return plan.Kval{}, true // empty text is nil, as for the source
		}
		c, ok := decimalTextValue(b, f.Scale)
		return plan.Kval{C: c, S: f.Scale, Ok: true}, ok
	}
	return plan.Kval{}, false
}

// decimalTextValue is decimalText's check and conversion in Go: b conforms
// when it is at most 18 bytes, an optional '-', digits, and (when scale >
// 0) '.' and exactly scale digits, with a digit before the '.' unless the
// '-' is there ("-.25" is a number to SQLite, ".25" does not start with
// a digit or '-'); c is its scaled integer.
func decimalTextValue(b []byte, scale int32) (c int64, ok bool) {
	if len(b) > 18 {
		return 0, false
	}
	i, neg := 0, b[0] == '-'
	if neg {
		i = 1
	}
	lead := i
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		c = c*10 + int64(b[i]-'0')
	}
	digits := i - lead
	if scale > 0 {
		if i == len(b) || b[i] != '.' || len(b)-i-1 != int(scale) || (digits == 0 && !neg) {
			return 0, false
		}
		for i++; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return 0, false
			}
			c = c*10 + int64(b[i]-'0')
		}
	} else if i != len(b) || digits == 0 {
		return 0, false
	}
	if neg {
		c = -c
	}
	return c, true
}

// appendRawKey appends column col's value to a group's key: its storage
// class, then its bytes (length first), so that values SQLite would tell
// apart stay apart (the engine merges those the source reads as equal).
func appendRawKey(k []byte, rows *source.RawRows, col int) []byte {
	t := rows.Type(col)
	k = append(k, byte(t))
	switch t {
	case source.RawInt:
		k = binary.LittleEndian.AppendUint64(k, uint64(rows.Int64(col)))
	case source.RawFloat:
		k = binary.LittleEndian.AppendUint64(k, math.Float64bits(rows.Float64(col)))
	case source.RawText, source.RawBlob:
		var b []byte
		if t == source.RawText {
			b = rows.Text(col)
		} else {
			b = rows.Blob(col)
		}
		k = binary.AppendUvarint(k, uint64(len(b)))
		k = append(k, b...)
	}
	return k
}

// rawKeys appends the values of an encoded key (appendRawKey) to dst, as
// database/sql would scan them, for Cell.
func rawKeys(dst []any, k []byte) []any {
	for len(k) > 0 {
		t := int(k[0])
		k = k[1:]
		switch t {
		case source.RawInt:
			dst = append(dst, int64(binary.LittleEndian.Uint64(k)))
			k = k[8:]
		case source.RawFloat:
			dst = append(dst, math.Float64frombits(binary.LittleEndian.Uint64(k)))
			k = k[8:]
		case source.RawText, source.RawBlob:
			n, w := binary.Uvarint(k)
			b := k[w : w+int(n)]
			k = k[w+int(n):]
			if t == source.RawText {
				dst = append(dst, string(b))
			} else {
				dst = append(dst, append([]byte{}, b...))
			}
		default:
			dst = append(dst, nil)
		}
	}
	return dst
}

// takeRaw returns an idle raw connection, or opens one.
func (s *pdSource) takeRaw() (*source.RawConn, error) {
	select {
	case c := <-s.rawConns:
		return c, nil
	default:
	}
	return s.run.Src.OpenRaw()
}

// putRaw keeps c for the next range, or closes it.
func (s *pdSource) putRaw(c *source.RawConn) {
	select {
	case s.rawConns <- c:
	default:
		c.Close()
	}
}

// closeRaw closes the idle raw connections.
func (s *pdSource) closeRaw() {
	for {
		select {
		case c := <-s.rawConns:
			c.Close()
		default:
			return
		}
	}
}
