package interp

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/internal/xlsxdump"
	"github.com/reportsh/reportsh/runtime/value"
)

// runValues compiles script over files with opts (FS filled in) and runs
// it to format; it returns the output and the error of Compile or Run.
func runValues(t *testing.T, script string, files map[string]string, opts Options, format Format) (string, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	opts.FS = fsys
	p, err := Compile(context.Background(), "test.rpt", []byte(script), &opts)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	_, err = p.Run(context.Background(), &RunConfig{Output: &out, Format: format})
	return out.String(), err
}

// Issue 15 item 11: date arithmetic that leaves the range the parsers
// accept (0000-01-01 to 9999-12-31) is a positioned evaluation error, not
// a date such as 10000-01-01 that no reader could read back.
func TestDateArithmeticStaysInRange(t *testing.T) {
	files := map[string]string{"d.csv": "k,d\na,9999-12-31\nb,0000-01-01\n"}
	for _, c := range []struct{ name, script, want string }{
		{"plus", "source csv(\"d.csv\") { d: date }\nwhere k == \"a\"\ndetail { k, n: d + 1 }",
			"test.rpt:3:18: detail column n: date out of range: 9999-12-31 + 1 days"},
		{"int plus", "source csv(\"d.csv\") { d: date }\nwhere k == \"a\"\nlet n = 1 + d\ndetail { k, n }",
			"test.rpt:3:11: record 1: let n: date out of range: 9999-12-31 + 1 days"},
		{"minus", "source csv(\"d.csv\") { d: date }\nwhere k == \"b\"\nlet n = d - 1\ndetail { k, n }",
			"test.rpt:3:11: record 2: let n: date out of range: 0000-01-01 - 1 days"},
		{"add_days", "source csv(\"d.csv\") { d: date }\nwhere k == \"a\"\nlet n = add_days(d, 1)\ndetail { k, n }",
			"test.rpt:3:9: record 1: let n: add_days: date out of range"},
		{"add_months", "source csv(\"d.csv\") { d: date }\nwhere k == \"b\"\nlet n = add_months(d, -1)\ndetail { k, n }",
			"test.rpt:3:9: record 2: let n: add_months: date out of range"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := runValues(t, c.script, files, Options{}, FormatCSV)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	// The bounds themselves are dates like any other.
	out, err := runValues(t, "source csv(\"d.csv\") { d: date }\ndetail { k, n: k == \"a\" ? d - 1 : d + 1, back: make_date(0, 1, 1) }",
		files, Options{}, FormatCSV)
	require.NoError(t, err)
	assert.Contains(t, out, "detail,,a,9999-12-30,0000-01-01\n")
	assert.Contains(t, out, "detail,,b,0000-01-02,0000-01-01\n")
}

// Issue 15 item 11: a decimal with more fraction digits than a decimal
// keeps (30) is an error naming the file and record (source data) or the
// position (a script literal, a parameter), not silently rounded. Digits
// past 30 that are zeros lose nothing and are accepted.
func TestDecimalDigitsPastMaxScale(t *testing.T) {
	long := "0.1234567890123456789012345678901234" // 34 fraction digits
	files := map[string]string{
		"d.csv":   "k,d\na,1.5\nb," + long + "\n",
		"z.csv":   "k,d\na,1.5000000000000000000000000000000000\n",
		"d.jsonl": `{"k":"a","d":` + long + "}\n",
	}
	_, err := runValues(t, "source csv(\"d.csv\") { d: decimal }\ndetail { k, d }", files, Options{}, FormatCSV)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `d.csv:3: column "d"`)
	assert.Contains(t, err.Error(), "more than 30 fraction digits")

	_, err = runValues(t, "source jsonl(\"d.jsonl\") { d: decimal }\ndetail { k, d }", files, Options{}, FormatCSV)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "d.jsonl:1")
	assert.Contains(t, err.Error(), "more than 30 fraction digits")

	_, err = runValues(t, "source csv(\"z.csv\")\ndetail { k, d: 2 * "+long+" }", files, Options{}, FormatCSV)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "test.rpt:2:20: ")
	assert.Contains(t, err.Error(), "more than 30 fraction digits")

	_, err = runValues(t, "param p: decimal = "+long+"\nsource csv(\"z.csv\")\ndetail { k, p }", files, Options{}, FormatCSV)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 30 fraction digits")

	out, err := runValues(t, "source csv(\"z.csv\") { d: decimal }\ndetail { k, d }", files, Options{}, FormatCSV)
	require.NoError(t, err)
	assert.Contains(t, out, "detail,,a,1.5000")
}

// Issue 15 item 11: float arithmetic that overflows to an infinity (or
// makes NaN of finite numbers) is an evaluation error at the operation, as
// integer overflow is.
func TestFloatOverflowIsAnError(t *testing.T) {
	files := map[string]string{"f.csv": "k,f\na,1e308\n"}
	for _, c := range []struct{ expr, want string }{
		{"f * 10", "float overflow: 1e+308 * 10"},
		{"f + f", "float overflow: 1e+308 + 1e+308"},
		{"-f - f", "float overflow: -1e+308 - 1e+308"},
		{"f / 0.1", "float overflow: 1e+308 / 0.1"},
		{"float(\"1e400\")", `float: float "1e400" out of range`},
		{"float(decimal(\"1e400\"))", "float: float overflow"},
	} {
		_, err := runValues(t, "source csv(\"f.csv\") { f: float }\nlet x = "+c.expr+"\ndetail { k, x }", files, Options{}, FormatCSV)
		require.Error(t, err, c.expr)
		assert.Contains(t, err.Error(), "test.rpt:2:", c.expr)
		assert.Contains(t, err.Error(), "record 1: let x: "+c.want, c.expr)
	}
}

// Issue 15 item 11: NaN and infinities that come from the data (a float
// column reading "Inf") are written visibly by every format; JSON, which
// has no such numbers, writes them as the strings "NaN", "Infinity" and
// "-Infinity", never as null.
func TestNonFiniteFloatsAreVisible(t *testing.T) {
	files := map[string]string{"f.csv": "k,f\na,Inf\nb,-Inf\nc,NaN\n"}
	script := "source csv(\"f.csv\") { f: float }\ndetail { k, f, g: f format \"#,##0.00\" }\nsummary { m: MAX(f) }"
	want := map[Format][]string{
		FormatText:     {"+Inf", "-Inf", "NaN"},
		FormatCSV:      {"a,+Inf,+Inf", "b,-Inf,-Inf", "c,NaN,NaN"},
		FormatJSON:     {`"f": "Infinity"`, `"f": "-Infinity"`, `"f": "NaN"`, `"m": "Infinity"`},
		FormatJSONL:    {`"f":"Infinity","g":"Infinity"`, `"f":"-Infinity"`, `"f":"NaN"`, `"m":"Infinity"`},
		FormatMarkdown: {"+Inf", "-Inf", "NaN"},
		FormatHTML:     {">+Inf<", ">-Inf<", ">NaN<"},
		FormatXLSX:     {`=text:"+Inf"`, `=text:"-Inf"`, `=text:"NaN"`},
	}
	for format, wants := range want {
		out, err := runValues(t, script, files, Options{}, format)
		require.NoError(t, err, format)
		if format == FormatXLSX {
			out, err = xlsxdump.Dump([]byte(out))
			require.NoError(t, err)
		}
		for _, w := range wants {
			assert.Contains(t, out, w, format)
		}
		assert.NotContains(t, out, "null", format)
	}
}

// Issue 15 item 16: no value grows without bound. Every operator,
// function and template that builds a string checks the size against
// Options.MaxValueBytes before building it, and fails with a positioned
// error whose cause is a *value.SizeError.
func TestValueSizeBounded(t *testing.T) {
	long := strings.Repeat("y", 600)
	files := map[string]string{"s.csv": "k,s\na," + long + "\nb,short\n"}
	opts := Options{MaxValueBytes: 1000,
		Functions: map[string]any{"twice": func(s string) string { return s + s }}}
	for _, c := range []struct{ name, body, want string }{
		{"plus on the VM", `let b = pad_left("x", 600) + s`, "test.rpt:3:28: record 1: let b: value too large: 1.2 KiB, over the limit of 1000 bytes on one value"},
		{"plus on the fast path", `let b = s + s`, "test.rpt:3:11: record 1: let b: value too large: 1.2 KiB"},
		{"replace", `let b = replace(s, "y", "yy")`, "test.rpt:3:9: record 1: let b: replace: value too large: 1.2 KiB"},
		{"concat", `let b = concat(s, 1, s)`, "test.rpt:3:9: record 1: let b: concat: value too large"},
		{"pad_left", `let b = pad_left(s, 2000, "é")`, "test.rpt:3:9: record 1: let b: pad_left: value too large: 3.3 KiB"},
		{"pad_right", `let b = pad_right(k, 1001)`, "test.rpt:3:9: record 1: let b: pad_right: value too large: 1001 bytes"},
		{"upper", `let b = upper(pad_left(k, 1001))`, "test.rpt:3:15: record 1: let b: pad_left: value too large"},
		{"host function", `let b = twice(s)`, "test.rpt:3:9: record 1: let b: twice: value too large: 1.2 KiB"},
		{"decimal", `let b = decimal("1e999") * decimal("1e999")`, "test.rpt:3:26: record 1: let b: value too large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			script := "source csv(\"s.csv\")\nwhere true\n" + c.body + "\ndetail { k, n: len(string(b)) }"
			_, err := runValues(t, script, files, opts, FormatCSV)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			var se *value.SizeError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, int64(1000), se.Max)
			var ee *EvalError
			require.ErrorAs(t, err, &ee)
		})
	}

	// A template's text is a value too.
	_, err := runValues(t, "param p: string = \""+long+"\"\nsource csv(\"s.csv\")\nsummary \"{p} and {p}\"", files, opts, FormatText)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "test.rpt:3:19: text of summary: value too large: 1.2 KiB")

	// Under on_error skip the record is skipped and reported; values within
	// the bound are built.
	out, err := runValues(t, "source csv(\"s.csv\")\non_error skip\nlet b = s + s\ndetail { k, n: len(b) }", files, opts, FormatCSV)
	require.NoError(t, err)
	assert.Contains(t, out, "detail,,b,10\n")
	assert.NotContains(t, out, "detail,,a,")
}

// Issue 15 item 16: with no bound set, values stop at
// value.DefaultMaxBytes (64 MiB), checked before anything is allocated:
// the 1 MiB pad_left replaced into itself would be a terabyte.
func TestValueSizeDefaultBound(t *testing.T) {
	files := map[string]string{"s.csv": "k\na\n"}
	script := "source csv(\"s.csv\")\nlet a = pad_left(k, 1048576)\nlet b = replace(a, \" \", a)\ndetail { k, n: len(b) }"
	_, err := runValues(t, script, files, Options{}, FormatCSV)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "test.rpt:3:9: record 1: let b: replace: value too large: 1024 GiB, over the limit of 64 MiB on one value")
}
