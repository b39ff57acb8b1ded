package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/reportsh/reportsh/runtime/value"
)

// decodeObject parses one JSON object, calling fn for each member in order
// with the value as encoding/json decodes it with UseNumber (nil, bool,
// json.Number, string, []any, map[string]any).
func decodeObject(line []byte, fn func(key string, v any) error) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return jsonSyntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object, got %s", jsonTokenKind(tok))
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return jsonSyntax(err)
		}
		key, _ := kt.(string) // the decoder only yields string keys here
		var v any
		if err := dec.Decode(&v); err != nil {
			return jsonSyntax(err)
		}
		if err := fn(key, v); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return jsonSyntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid JSON: data after the object")
	}
	return nil
}

// decodeMap parses one JSON object into a map (faster than decodeObject,
// for when the members' order does not matter), with decodeObject's
// errors.
func decodeMap(line []byte) (map[string]any, error) {
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, decodeObject(line, func(string, any) error { return nil })
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, jsonSyntax(err)
	}
	if dec.InputOffset() != int64(len(trimmed)) {
		return nil, errors.New("invalid JSON: data after the object")
	}
	return m, nil
}

func jsonSyntax(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("invalid JSON: unexpected end of line")
	}
	return fmt.Errorf("invalid JSON: %v", err)
}

func jsonTokenKind(tok any) string {
	switch x := tok.(type) {
	case json.Delim:
		if x == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

// jsonKind is the kind a JSON value suggests for its column: strings are
// strings unless they are dates or timestamps; numbers are int when written
// as integers that fit, else decimal; arrays are kept as JSON text.
func jsonKind(v any) value.Kind {
	switch x := v.(type) {
	case nil:
		return value.KindNil
	case bool:
		return value.KindBool
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return value.KindInt
		}
		return value.KindDecimal
	case string:
		if k := value.InferKind(x); k == value.KindDate || k == value.KindTime {
			return k
		}
		return value.KindString
	case map[string]any:
		return value.KindRecord
	}
	return value.KindString
}

// jsonNatural converts a decoded JSON value to the value model without a
// target kind: integers to int64 (decimal past int64), other numbers to
// exact decimals, objects to maps of natural values, arrays to their JSON
// text (the value model has no arrays).
func jsonNatural(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return i, nil
		}
		return value.ParseDecimal(string(x))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := jsonNested(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = n
		}
		return out, nil
	case []any:
		return jsonText(x), nil
	}
	return v, nil
}

// jsonNested converts a value inside an object: like jsonNatural, but
// arrays stay arrays of natural values.
func jsonNested(v any) (any, error) {
	if a, ok := v.([]any); ok {
		out := make([]any, len(a))
		for i, e := range a {
			n, err := jsonNested(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	return jsonNatural(v)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// jsonCell converts a decoded JSON value to a column of kind k. Strings are
// parsed as the column's kind; numbers convert to any numeric kind exactly
// (to float only when the column is float); a value that cannot be the
// column's kind is an error such as `cannot use JSON boolean true as
// decimal`.
func jsonCell(v any, k value.Kind) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok && k != value.KindAny && k != value.KindRecord {
		return value.Parse(k, s) // "" is nil, except in string columns
	}
	switch k {
	case value.KindAny:
		return jsonNatural(v)
	case value.KindString:
		switch x := v.(type) {
		case json.Number:
			return string(x), nil
		case bool:
			return strconv.FormatBool(x), nil
		}
		return jsonText(v), nil
	case value.KindInt, value.KindDecimal, value.KindFloat:
		n, ok := v.(json.Number)
		if !ok {
			break
		}
		if k == value.KindFloat {
			return value.Parse(value.KindFloat, string(n))
		}
		d, err := value.ParseDecimal(string(n))
		if err != nil {
			return nil, err
		}
		if k == value.KindDecimal {
			return d, nil
		}
		if i, ok := d.Int64(); ok {
			return i, nil
		}
		return nil, fmt.Errorf("invalid int %s", n)
	case value.KindBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case value.KindRecord:
		if _, ok := v.(map[string]any); ok {
			return jsonNatural(v)
		}
	}
	return nil, fmt.Errorf("cannot use JSON %s %s as %s", jsonValueKind(v), jsonShort(v), k)
}

func jsonValueKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return jsonTokenKind(v)
}

// jsonShort renders a value for an error message, cut to 40 bytes.
func jsonShort(v any) string {
	s := jsonText(v)
	if len(s) > 40 {
		s = strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}
