package render

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/reportsh/reportsh/runtime/value"
)

// appendJSON appends v as JSON: nil as null, numbers exactly (decimals keep
// their scale), dates as "YYYY-MM-DD", timestamps as RFC 3339, records as
// objects with sorted keys. NaN and infinities, which JSON numbers cannot
// hold, become the strings "NaN", "Infinity" and "-Infinity" (as in
// Protocol Buffers' JSON mapping): visible, and read back by
// JavaScript's Number and most languages' float parsers, where null would
// look like a missing value.
func appendJSON(b []byte, v any) []byte {
	switch x := value.Normalize(v).(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case value.Decimal:
		return append(b, x.String()...)
	case float64:
		switch {
		case math.IsNaN(x):
			return append(b, `"NaN"`...)
		case math.IsInf(x, 1):
			return append(b, `"Infinity"`...)
		case math.IsInf(x, -1):
			return append(b, `"-Infinity"`...)
		}
		out, _ := json.Marshal(x) // cannot fail for a finite float
		return append(b, out...)
	case value.Date:
		return appendJSONString(b, x.String())
	case time.Time:
		return appendJSONString(b, x.Format(time.RFC3339Nano))
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSON(b, x[k])
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	default:
		return appendJSONString(b, value.String(x))
	}
}

// appendJSONString appends s as a JSON string. Only '"', '\\' and control
// characters are escaped; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, hex[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// jsonObject builds a JSON object field by field, in order.
type jsonObject struct{ b []byte }

func (o *jsonObject) field(name string) {
	if len(o.b) == 0 {
		o.b = append(o.b, '{')
	} else {
		o.b = append(o.b, ',')
	}
	o.b = appendJSONString(o.b, name)
	o.b = append(o.b, ':')
}

// value adds a field holding v.
func (o *jsonObject) value(name string, v any) {
	o.field(name)
	o.b = appendJSON(o.b, v)
}

// raw adds a field holding already encoded JSON.
func (o *jsonObject) raw(name string, js []byte) {
	o.field(name)
	o.b = append(o.b, js...)
}

// bytes returns the finished object.
func (o *jsonObject) bytes() []byte {
	if len(o.b) == 0 {
		return []byte("{}")
	}
	return append(o.b, '}')
}

// bandValues encodes an event's columns as an object (a template band's
// text as a string), machine-formatted.
func bandValues(bi *bandInfo, e *Event) []byte {
	if e.Band.Template {
		return appendJSONString(nil, e.Text)
	}
	var o jsonObject
	for j, c := range e.Band.Columns {
		o.value(c.Name, bi.fmts[j].machine(cell(e, j)))
	}
	return o.bytes()
}

// paramsJSON encodes the parameters as an object.
func paramsJSON(ps []Param) []byte {
	var o jsonObject
	for _, p := range ps {
		o.value(p.Name, p.Value)
	}
	return o.bytes()
}

// totalsJSON encodes the totals' fields into o.
func totalsJSON(o *jsonObject, t *Totals, elapsed bool) {
	o.value("records_read", t.RecordsRead)
	o.value("skipped", t.Skipped)
	o.value("rejected", t.Rejected)
	levels := []byte{'['}
	for i, lc := range t.RejectedByLevel {
		if i > 0 {
			levels = append(levels, ',')
		}
		var l jsonObject
		l.value("level", int64(lc.Level))
		l.value("group", lc.Group)
		l.value("count", lc.Count)
		levels = append(levels, l.bytes()...)
	}
	o.raw("rejected_by_level", append(levels, ']'))
	warnings := make([]any, len(t.Warnings))
	for i, w := range t.Warnings {
		warnings[i] = w
	}
	o.value("warnings", warnings)
	if elapsed {
		o.value("elapsed_seconds", t.Elapsed.Seconds())
	}
}
