package source

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/reportsh/reportsh/runtime/value"
)

func openJSONL(t testing.TB, data string, cfg JSONLConfig) *JSONL {
	t.Helper()
	dir := writeFile(t, "sales.jsonl", data)
	j, err := OpenJSONL(os.DirFS(dir), "sales.jsonl", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

func TestJSONLRead(t *testing.T) {
	ts := time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		data   string
		cfg    JSONLConfig
		schema string
		want   []value.Record
	}{{
		name: "kinds from values",
		data: `{"id": 1, "name": "Ann", "amount": 12.50, "day": "2024-03-01", "at": "2024-03-01T10:30:00Z", "ok": true, "big": 12345678901234567890}
{"id": 2, "name": "Bob", "amount": 3, "day": "2024-03-02", "at": "2024-03-01T10:30:00Z", "ok": false, "big": 1}
`,
		schema: "id:int name:string amount:decimal(2) day:date at:timestamp ok:bool big:decimal",
		want: []value.Record{
			{int64(1), "Ann", dec("12.50"), date("2024-03-01"), ts, true, dec("12345678901234567890")},
			{int64(2), "Bob", dec("3"), date("2024-03-02"), ts, false, dec("1")},
		},
	}, {
		name:   "union of keys in first-seen order; missing keys and null are nil",
		data:   "{\"a\": 1}\n\n  \n{\"b\": \"x\", \"a\": null}\n{\"c\": null}\n",
		schema: "a:int b:string c:string",
		want:   []value.Record{{int64(1), nil, nil}, {nil, "x", nil}, {nil, nil, nil}},
	}, {
		name:   "dates mixed with other strings stay strings",
		data:   `{"d": "2024-03-01"}` + "\n" + `{"d": "soon"}` + "\n",
		schema: "d:string",
		want:   []value.Record{{"2024-03-01"}, {"soon"}},
	}, {
		name:   "numeric strings stay strings",
		data:   `{"z": "0123"}` + "\n" + `{"z": "42"}` + "\n",
		schema: "z:string",
		want:   []value.Record{{"0123"}, {"42"}},
	}, {
		name:   "nested objects and arrays",
		data:   `{"customer": {"name": "Ann", "id": 7, "tags": [1, "x"], "rate": 0.5}, "tags": ["a", "b"]}` + "\n",
		schema: "customer:record tags:string",
		want: []value.Record{{
			map[string]any{"name": "Ann", "id": int64(7), "tags": []any{int64(1), "x"}, "rate": dec("0.5")},
			`["a","b"]`,
		}},
	}, {
		name: "declared kinds convert",
		data: `{"f": 0.1, "i": 2.0, "s": 12, "b": true, "d": "2024-03-01", "dec": "1.25", "any": 1.5, "e": "", "o": {"k": 1}}` + "\n" +
			`{"f": "2.5", "i": "3", "s": true, "b": "no", "d": null, "dec": 7, "any": "x", "e": "", "o": null}` + "\n",
		cfg: JSONLConfig{Config: Config{Types: map[string]value.Kind{
			"f": value.KindFloat, "i": value.KindInt, "s": value.KindString, "b": value.KindBool,
			"d": value.KindDate, "dec": value.KindDecimal, "any": value.KindAny, "e": value.KindInt, "o": value.KindRecord}}},
		schema: "f:float i:int s:string b:bool d:date dec:decimal(2) any:any e:int o:record",
		want: []value.Record{
			{0.1, int64(2), "12", true, date("2024-03-01"), dec("1.25"), dec("1.5"), nil, map[string]any{"k": int64(1)}},
			{2.5, int64(3), "true", false, nil, dec("7"), "x", nil, nil},
		},
	}, {
		name:   "strings in string columns keep empty text",
		data:   `{"s": ""}` + "\n" + `{"s": "x"}` + "\n",
		schema: "s:string",
		want:   []value.Record{{""}, {"x"}},
	}, {
		name:   "objects and scalars mix into string",
		data:   `{"v": {"a": 1}}` + "\n" + `{"v": "x"}` + "\n" + `{"v": 2}` + "\n",
		schema: "v:string",
		want:   []value.Record{{`{"a":1}`}, {"x"}, {"2"}},
	}, {
		name:   "CRLF and BOM",
		data:   "\xEF\xBB\xBF{\"a\": 1}\r\n{\"a\": 2}",
		schema: "a:int",
		want:   []value.Record{{int64(1)}, {int64(2)}},
	}, {
		name:   "empty file",
		data:   "",
		schema: "",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := openJSONL(t, tt.data, tt.cfg)
			if got := kinds(j.Schema()); got != tt.schema {
				t.Errorf("schema %s, want %s", got, tt.schema)
			}
			equalRecords(t, fetchAll(t, j, 1000), tt.want)
		})
	}
}

func TestJSONLIgnoredKeys(t *testing.T) {
	j := openJSONL(t, `{"a": 1}`+"\n"+`{"a": 2, "late": 3, "later": 4}`+"\n"+`{"late": 5}`+"\n", JSONLConfig{Config: Config{SampleRows: 1}})
	if got := kinds(j.Schema()); got != "a:int" {
		t.Fatalf("schema %s", got)
	}
	equalRecords(t, fetchAll(t, j, 10), []value.Record{{int64(1)}, {int64(2)}, {nil}})
	if got := fmt.Sprint(j.IgnoredKeys()); got != "[late later]" {
		t.Errorf("ignored %s", got)
	}
}

func TestJSONLOpenErrors(t *testing.T) {
	dir := writeFile(t, "s.jsonl", `{"amount": 1}`+"\n")
	_, err := OpenJSONL(os.DirFS(dir), "s.jsonl", JSONLConfig{Config: Config{Types: map[string]value.Kind{"amout": value.KindDecimal}}})
	want := `s.jsonl: declared column "amout" not found (did you mean "amount"?); columns: amount`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	_, err = OpenJSONL(os.DirFS(dir), "s.jsonl", JSONLConfig{Config: Config{Types: map[string]value.Kind{"amount": value.KindNil}}})
	if err == nil || err.Error() != `s.jsonl: column "amount" cannot be declared nil` {
		t.Fatalf("got %v", err)
	}
	if _, err := OpenJSONL(os.DirFS(dir), "missing.jsonl", JSONLConfig{}); err == nil {
		t.Fatal("missing file opened")
	}
}

// Scenario E19
func TestJSONLBadData(t *testing.T) {
	const first = `{"id": 1, "amount": 1.5, "day": "2024-01-01"}` + "\n"
	const last = `{"id": 9, "amount": 2, "day": "2024-01-09"}` + "\n"
	types := map[string]value.Kind{"id": value.KindInt, "amount": value.KindDecimal, "day": value.KindDate}
	tests := []struct {
		name, line, wantErr string
	}{
		{"syntax error", `{"id": 2, "amount": x}`, `sales.jsonl:2: invalid JSON: invalid character 'x' looking for beginning of value`},
		{"truncated object", `{"id": 2, "amount": 1`, `sales.jsonl:2: invalid JSON: unexpected end of line`},
		{"trailing data", `{"id": 2} {"id": 3}`, `sales.jsonl:2: invalid JSON: data after the object`},
		{"not an object", `[1, 2]`, `sales.jsonl:2: want a JSON object, got array`},
		{"a bare number", `42`, `sales.jsonl:2: want a JSON object, got number`},
		{"a bare string", `"x"`, `sales.jsonl:2: want a JSON object, got string`},
		{"a bare null", `null`, `sales.jsonl:2: want a JSON object, got null`},
		{"a bare boolean", `true`, `sales.jsonl:2: want a JSON object, got boolean`},
		{"array for a number", `{"id": [1, 2]}`, `sales.jsonl:2: column "id": cannot use JSON array [1,2] as int`},
		{"long object for a number", `{"id": {"a": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}`, `sales.jsonl:2: column "id": cannot use JSON object {"a":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa… as int`},
		{"wrong JSON type", `{"id": 2, "amount": true}`, `sales.jsonl:2: column "amount": cannot use JSON boolean true as decimal`},
		{"object for a number", `{"id": {"x": 1}}`, `sales.jsonl:2: column "id": cannot use JSON object {"x":1} as int`},
		{"fraction in an int column", `{"id": 2.5}`, `sales.jsonl:2: column "id": invalid int 2.5`},
		{"bad number in a string", `{"id": 2, "amount": "abc"}`, `sales.jsonl:2: column "amount": invalid decimal "abc"`},
		{"number for a date", `{"day": 20240101}`, `sales.jsonl:2: column "day": cannot use JSON number 20240101 as date`},
		{"bad date", `{"day": "2024-02-30"}`, `sales.jsonl:2: column "day": invalid date "2024-02-30" (want YYYY-MM-DD)`},
		{"invalid UTF-8", "{\"id\": 2, \"name\": \"B\xffb\"}", `sales.jsonl:2: invalid UTF-8`},
	}
	for _, tt := range tests {
		data := first + tt.line + "\n" + last
		t.Run(tt.name+"/fail", func(t *testing.T) {
			j := openJSONL(t, data, JSONLConfig{Config: Config{Types: types}})
			got, err := fetchToError(j, 10)
			if len(got) != 1 || err == nil || err.Error() != tt.wantErr {
				t.Fatalf("got %v\nwant %s", err, tt.wantErr)
			}
			var de *DataError
			if !errors.As(err, &de) || de.Line != 2 || de.Record != 2 {
				t.Fatalf("DataError %#v", de)
			}
		})
		t.Run(tt.name+"/skip", func(t *testing.T) {
			var reported []string
			j := openJSONL(t, data, JSONLConfig{Config: Config{Types: types, SkipErrors: true, OnSkip: func(e *DataError) {
				reported = append(reported, e.Error())
			}}})
			for _, n := range []int{1, 2, 10} {
				got := fetchAll(t, j, n)
				if len(got) != 2 || got[1][0] != int64(9) {
					t.Fatalf("chunk %d: got %v", n, got)
				}
			}
			if len(reported) != 1 || reported[0] != tt.wantErr || j.Skipped() != 1 {
				t.Fatalf("reported %q (skipped %d), want %q once", reported, j.Skipped(), tt.wantErr)
			}
		})
	}
}

func salesJSONL(n int) string {
	var b strings.Builder
	territories := []string{"North", "South", "East", "West"}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `{"id": %d, "territory": %q, "customer": {"id": %d}, "amount": %d.%02d, "sale_date": "2024-%02d-%02d"}`+"\n",
			i, territories[i%4], i%50, i%1000, i%100, 1+i%12, 1+i%28)
		if i%100 == 0 {
			b.WriteString("\n") // blank lines are skipped
		}
	}
	return b.String()
}

func TestJSONLChunkingAndRestart(t *testing.T) {
	t.Parallel() // its own files and sources
	data := salesJSONL(1500)
	j := openJSONL(t, data, JSONLConfig{Config: Config{Extra: 2}})
	if got := kinds(j.Schema()); got != "id:int territory:string customer:record amount:decimal(2) sale_date:date" {
		t.Fatalf("schema %s", got)
	}
	want := fetchAll(t, j, 1000)
	if len(want) != 1500 || cap(want[0]) != 7 {
		t.Fatalf("%d records, cap %d", len(want), cap(want[0]))
	}
	for _, n := range []int{1, 7, 1000} {
		equalRecords(t, fetchAll(t, j, n), want)
	}
	fsys := fstest.MapFS{"s.jsonl": {Data: []byte(data)}}
	checkRestarts(t, func() testSource {
		j, err := OpenJSONL(fsys, "s.jsonl", JSONLConfig{})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}, 400)
}

// A line past Config.MaxRecordBytes is a bad record, skipped under
// SkipErrors (a small limit keeps the test fast).
func TestJSONLLongLine(t *testing.T) {
	long := strings.Repeat("x", 100)
	data := `{"a": "short"}` + "\n" + `{"a": "` + long + `"}` + "\n" + `{"a": "end"}` + "\n"
	j := openJSONL(t, data, JSONLConfig{Config: Config{SkipErrors: true, MaxRecordBytes: 64}})
	got := fetchAll(t, j, 10)
	equalRecords(t, got, []value.Record{{"short"}, {"end"}})
	if j.Skipped() != 1 {
		t.Fatalf("skipped %d", j.Skipped())
	}
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{salesJSONL(3), `{"a":1}` + "\n[1]\n", "{\"a\":\"\xff\"}\n", `{"a":{"b":[1,{"c":null}]}}`, "{",
		// Issue 15 items 18, 19 and 23: many keys, a line with no end (past
		// the small limit below), repeated keys, Unicode whitespace.
		"{" + strings.Repeat(`"k":1,`, 50) + `"z":2}` + "\n", `{"a":1}` + "\n" + `{"a":"` + strings.Repeat("x", 100),
		`{"a":1,"b":{"c":2,"c":3},"a":4}` + "\n\u00a0\u2028\n\u00a0{\"a\":5}\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		fsys := fstest.MapFS{"f.jsonl": {Data: []byte(data)}}
		for _, limit := range []int{0, 16} {
			j, err := OpenJSONL(fsys, "f.jsonl", JSONLConfig{Config: Config{SkipErrors: true, MaxRecordBytes: limit}})
			if err != nil {
				return
			}
			fetchAll(t, j, 2)
			j.Close()
		}
	})
}
