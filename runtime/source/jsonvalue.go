package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
		return jsonSyntax(err, line)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object, got %s", jsonTokenKind(tok))
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return jsonSyntax(err, line)
		}
		key, _ := kt.(string) // the decoder only yields string keys here
		var v any
		if err := dec.Decode(&v); err != nil {
			return jsonSyntax(err, line)
		}
		if err := fn(key, v); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return jsonSyntax(err, line)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid JSON: data after the object")
	}
	return nil
}

// decodeMap parses one JSON object into a map (faster than decodeObject,
// for when the members' order does not matter), with decodeObject's
// errors. Only JSON's whitespace may surround it.
func decodeMap(line []byte) (map[string]any, error) {
	trimmed := bytes.Trim(line, jsonSpace)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, decodeObject(line, func(string, any) error { return nil })
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, jsonSyntax(err, trimmed)
	}
	if dec.InputOffset() != int64(len(trimmed)) {
		return nil, errors.New("invalid JSON: data after the object")
	}
	return m, nil
}

// jsonSpace is the whitespace JSON allows between tokens.
const jsonSpace = " \t\r\n"

// maxJSONDepth is encoding/json's limit on nesting.
const maxJSONDepth = 10000

// jsonSyntax turns an error of encoding/json over data into the cause of a
// DataError.
func jsonSyntax(err error, data []byte) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("invalid JSON: unexpected end of line")
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	msg := se.Error()
	if strings.HasSuffix(msg, "exceeded max depth") {
		return fmt.Errorf("invalid JSON: objects and arrays nested more than %d deep", maxJSONDepth)
	}
	// encoding/json shows a byte of a multi-byte character as a character
	// of its own ('Â' for the first byte of U+00A0): name the character.
	if i := int(se.Offset) - 1; i >= 0 && i < len(data) && data[i] >= utf8.RuneSelf {
		for i > 0 && !utf8.RuneStart(data[i]) {
			i--
		}
		if r, _ := utf8.DecodeRune(data[i:]); r != utf8.RuneError {
			name := fmt.Sprintf("%U", r)
			if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
				name = fmt.Sprintf("%q (%U)", r, r)
			}
			msg = strings.Replace(msg, strconv.QuoteRune(rune(data[i])), name, 1)
		}
	}
	return errors.New("invalid JSON: " + msg)
}

// duplicateKey finds a key that an object of line repeats, which m, the
// line decoded, holds once: it returns the key and the top-level key of
// the value the object is in ("" for the line's own object). Counting
// the members of the line's objects (a colon outside strings each) first
// makes it cheap when there is none.
func duplicateKey(line []byte, m map[string]any) (key, in string, ok bool) {
	if jsonMembers(line) == mapMembers(m) {
		return "", "", false
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if _, err := dec.Token(); err != nil { // the line's '{'
		return "", "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return "", "", false
		}
		k, _ := kt.(string)
		if seen[k] {
			return k, "", true
		}
		seen[k] = true
		if key, ok := nestedDuplicate(dec); ok {
			return key, k, true
		}
	}
	return "", "", false
}

// nestedDuplicate reads one value from dec and returns a key repeated in
// an object inside it.
func nestedDuplicate(dec *json.Decoder) (string, bool) {
	tok, err := dec.Token()
	if err != nil {
		return "", false
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return "", false
			}
			k, _ := kt.(string)
			if seen[k] {
				return k, true
			}
			seen[k] = true
			if key, ok := nestedDuplicate(dec); ok {
				return key, true
			}
		}
	case json.Delim('['):
		for dec.More() {
			if key, ok := nestedDuplicate(dec); ok {
				return key, true
			}
		}
	default:
		return "", false
	}
	_, _ = dec.Token() // the closing delimiter
	return "", false
}

// jsonMembers counts the members of the objects of a line of valid JSON:
// its colons outside strings.
func jsonMembers(line []byte) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ':':
			n++
		case '"':
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' {
					i++
				}
			}
		}
	}
	return n
}

// mapMembers counts the members of m and of the objects inside it.
func mapMembers(m map[string]any) int {
	n := len(m)
	for _, v := range m {
		n += nestedMembers(v)
	}
	return n
}

func nestedMembers(v any) int {
	switch x := v.(type) {
	case map[string]any:
		return mapMembers(x)
	case []any:
		n := 0
		for _, e := range x {
			n += nestedMembers(e)
		}
		return n
	}
	return 0
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
		if d.Reduced().Scale() <= 0 {
			return nil, fmt.Errorf("integer %s out of range", n)
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
