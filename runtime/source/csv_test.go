package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/reportsh/reportsh/runtime/stream"
	"github.com/reportsh/reportsh/runtime/value"
)

func openCSV(t testing.TB, data string, cfg CSVConfig) *CSV {
	t.Helper()
	dir := writeFile(t, "sales.csv", data)
	c, err := OpenCSV(os.DirFS(dir), "sales.csv", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func kinds(s *value.Schema) string {
	var parts []string
	for _, f := range s.Fields {
		p := f.Name + ":" + f.Kind.String()
		if f.Scale > 0 {
			p += fmt.Sprintf("(%d)", f.Scale)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ")
}

func TestCSVRead(t *testing.T) {
	ts := time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		data   string
		cfg    CSVConfig
		schema string
		want   []value.Record
	}{{
		name:   "inferred kinds",
		data:   "id,name,amount,day,at,ok,zip\n1,Ann,12.5,2024-03-01,2024-03-01T10:30:00Z,true,0123\n2,Bob,3.25,2024-03-02,2024-03-01 10:30:00,false,0456\n",
		schema: "id:int name:string amount:decimal(2) day:date at:timestamp ok:bool zip:string",
		want: []value.Record{
			{int64(1), "Ann", dec("12.5"), date("2024-03-01"), ts, true, "0123"},
			{int64(2), "Bob", dec("3.25"), date("2024-03-02"), ts, false, "0456"},
		},
	}, {
		name:   "int and decimal unify to decimal",
		data:   "n\n1\n2.125\n-3\n",
		schema: "n:decimal(3)",
		want:   []value.Record{{dec("1")}, {dec("2.125")}, {dec("-3")}},
	}, {
		name:   "mixed kinds are strings",
		data:   "v\n1\nabc\n2024-01-01\n",
		schema: "v:string",
		want:   []value.Record{{"1"}, {"abc"}, {"2024-01-01"}},
	}, {
		name:   "empty cells are nil in every kind; an all-empty column is string",
		data:   "a,b,c,d\n1,,x,\n,2.5,,\n",
		schema: "a:int b:decimal(1) c:string d:string",
		want:   []value.Record{{int64(1), nil, "x", nil}, {nil, dec("2.5"), nil, nil}},
	}, {
		name:   "declared types override inference",
		data:   "id,amount,when\n007,12.50,2024-03-01\n",
		cfg:    CSVConfig{Config: Config{Types: map[string]value.Kind{"id": value.KindInt, "amount": value.KindFloat, "WHEN": value.KindString}}},
		schema: "id:int amount:float when:string",
		want:   []value.Record{{int64(7), 12.5, "2024-03-01"}},
	}, {
		name:   "declared decimal takes its scale from the sample",
		data:   "amount\n1\n2.5\n3.125\n",
		cfg:    CSVConfig{Config: Config{Types: map[string]value.Kind{"amount": value.KindDecimal}}},
		schema: "amount:decimal(3)",
		want:   []value.Record{{dec("1")}, {dec("2.5")}, {dec("3.125")}},
	}, {
		name:   "declared any infers per cell",
		data:   "v\n1\n2.5\nx\n",
		cfg:    CSVConfig{Config: Config{Types: map[string]value.Kind{"v": value.KindAny}}},
		schema: "v:any",
		want:   []value.Record{{int64(1)}, {dec("2.5")}, {"x"}},
	}, {
		name:   "quoting",
		data:   "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,\"\",\"\"\"\"\nq\"uote,\"\",last\n",
		schema: "a:string b:string c:string",
		want: []value.Record{
			{"x, y", `say "hi"`, "two\nlines"},
			{"plain", nil, `"`},
			{`q"uote`, nil, "last"},
		},
	}, {
		name:   "quoted field at end of file without newline",
		data:   "a,b\n1,\"x\"",
		schema: "a:int b:string",
		want:   []value.Record{{int64(1), "x"}},
	}, {
		name:   "quoted field then CRLF",
		data:   "a,b\r\n1,\"x\"\r\n2,\"y\r\nz\"\r\n",
		schema: "a:int b:string",
		want:   []value.Record{{int64(1), "x"}, {int64(2), "y\r\nz"}},
	}, {
		name:   "CRLF, BOM, blank lines, no final newline",
		data:   "\xEF\xBB\xBFid,name\r\n1,Ann\r\n\r\n\n2,Bob",
		schema: "id:int name:string",
		want:   []value.Record{{int64(1), "Ann"}, {int64(2), "Bob"}},
	}, {
		name:   "semicolon delimiter",
		data:   "a;b\n1,5;x\n",
		cfg:    CSVConfig{Delimiter: ';'},
		schema: "a:string b:string",
		want:   []value.Record{{"1,5", "x"}},
	}, {
		name:   "tab delimiter with quotes",
		data:   "a\tb\n\"1\t2\"\t3\n",
		cfg:    CSVConfig{Delimiter: '\t'},
		schema: "a:string b:int",
		want:   []value.Record{{"1\t2", int64(3)}},
	}, {
		name:   "empty header names are numbered",
		data:   "a,,c\n1,2,3\n",
		schema: "a:int column_2:int c:int",
		want:   []value.Record{{int64(1), int64(2), int64(3)}},
	}, {
		name:   "header only", // Issue 15 item 23: nothing to infer from, so no type
		data:   "a,b\n",
		schema: "a:any b:any",
	}, {
		name:   "sample limits inference",
		data:   "n\n1\n2\nx\n",
		cfg:    CSVConfig{Config: Config{SampleRows: 2, SkipErrors: true}},
		schema: "n:int",
		want:   []value.Record{{int64(1)}, {int64(2)}},
	}, {
		name:   "numbers beyond the fast paths",
		data:   "i,d,t\n1_000,1234567890.123456789,2024-03-01T10:30:00Z\n+5,-.5,\n",
		cfg:    CSVConfig{Config: Config{Types: map[string]value.Kind{"i": value.KindInt, "d": value.KindDecimal, "t": value.KindDate}}},
		schema: "i:int d:decimal(9) t:date",
		want:   []value.Record{{int64(1000), dec("1234567890.123456789"), date("2024-03-01")}, {int64(5), dec("-0.5"), nil}},
	}, {
		name:   "bool, float and timestamp columns",
		data:   "b,f,t\nyes,1e3,2024-03-01 10:30:00\n",
		cfg:    CSVConfig{Config: Config{Types: map[string]value.Kind{"b": value.KindBool, "f": value.KindFloat, "t": value.KindTime}}},
		schema: "b:bool f:float t:timestamp",
		want:   []value.Record{{true, 1000.0, ts}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openCSV(t, tt.data, tt.cfg)
			if got := kinds(c.Schema()); got != tt.schema {
				t.Errorf("schema %s, want %s", got, tt.schema)
			}
			got := fetchAll(t, c, 1000)
			equalRecords(t, got, tt.want)
		})
	}
}

func TestCSVOpenErrors(t *testing.T) {
	tests := []struct {
		name, data string
		cfg        CSVConfig
		want       string
	}{
		{"empty file", "", CSVConfig{}, "sales.csv: empty file (a header row is required)"},
		{"blank file", "\n\r\n", CSVConfig{}, "sales.csv: empty file (a header row is required)"},
		{"duplicate column", "a,b,a\n", CSVConfig{}, `sales.csv:1: header: duplicate column "a"`},
		{"header invalid UTF-8", "a,\xff\n", CSVConfig{}, "sales.csv:1: header: column 2: invalid UTF-8"},
		{"header bad quote", "a,\"b\"c\n", CSVConfig{}, "sales.csv:1: header: extraneous character after closing quote"},
		{"declared column missing", "id,amount\n1,2\n",
			CSVConfig{Config: Config{Types: map[string]value.Kind{"amout": value.KindDecimal}}},
			`sales.csv: declared column "amout" not found (did you mean "amount"?); columns: id, amount`},
		{"declared columns missing", "id,amount\n1,2\n",
			CSVConfig{Config: Config{Types: map[string]value.Kind{"zzzzzz": value.KindInt, "idd": value.KindInt}}},
			`sales.csv: declared columns not found: "idd" (did you mean "id"?), "zzzzzz"; columns: id, amount`},
		{"declared record", "a\n1\n", CSVConfig{Config: Config{Types: map[string]value.Kind{"a": value.KindRecord}}},
			`sales.csv: column "a" cannot be declared record`},
		{"bad delimiter", "a\n", CSVConfig{Delimiter: '"'}, `sales.csv: invalid CSV delimiter '"'`},
		{"non-ASCII delimiter", "a\n", CSVConfig{Delimiter: '§'}, `sales.csv: invalid CSV delimiter '§'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFile(t, "sales.csv", tt.data)
			_, err := OpenCSV(os.DirFS(dir), "sales.csv", tt.cfg)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v\nwant %s", err, tt.want)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := OpenCSV(os.DirFS(t.TempDir()), "nope.csv", CSVConfig{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		_, err := OpenCSV(fstest.MapFS{"d/x": {}}, "d", CSVConfig{})
		if err == nil || err.Error() != "d: is a directory" {
			t.Fatalf("got %v", err)
		}
	})
}

// Scenario E19
func TestCSVBadData(t *testing.T) {
	const header = "id,customer,amount,day\n"
	tests := []struct {
		name    string
		data    string
		types   map[string]value.Kind
		sample  int
		wantErr string   // the error of a run that fails
		skipped []string // the errors reported when skipping
		good    int      // records delivered when skipping
	}{{
		name:    "bad number",
		data:    header + "1,Ann,10.5,2024-01-01\n2,Bob,abc,2024-01-02\n3,Cy,1,2024-01-03\n",
		types:   map[string]value.Kind{"amount": value.KindDecimal},
		wantErr: `sales.csv:3: column "amount": invalid decimal "abc"`,
		good:    2,
	}, {
		name:    "bad date",
		data:    header + "1,Ann,10.5,2024-01-01\n2,Bob,1,2024-02-30\n",
		types:   map[string]value.Kind{"day": value.KindDate},
		wantErr: `sales.csv:3: column "day": invalid date "2024-02-30" (want YYYY-MM-DD)`,
		good:    1,
	}, {
		name:    "bad int with inference hint",
		data:    header + "1,Ann,10,2024-01-01\n2.5,Bob,1,2024-01-02\n",
		sample:  1,
		wantErr: `sales.csv:3: column "id": invalid int "2.5" (kind inferred from the first records; declare the column as decimal)`,
		good:    1,
	}, {
		name:    "too few fields",
		data:    header + "1,Ann,10.5,2024-01-01\n2,Bob\n3,Cy,1,2024-01-03\n",
		wantErr: `sales.csv:3: wrong number of fields: got 2, want 4`,
		good:    2,
	}, {
		name:    "too many fields",
		data:    header + "1,Ann,10.5,2024-01-01,extra\n",
		wantErr: `sales.csv:2: wrong number of fields: got 5, want 4`,
	}, {
		name:    "invalid UTF-8 in a string",
		data:    header + "1,Ann,10.5,2024-01-01\n2,B\xffb,1,2024-01-02\n",
		wantErr: `sales.csv:3: column "customer": invalid UTF-8`,
		good:    1,
	}, {
		name:    "invalid UTF-8 in a number",
		data:    header + "1,Ann,10.5,2024-01-01\n2,Bob,1\xff,2024-01-02\n",
		wantErr: `sales.csv:3: column "amount": invalid UTF-8`,
		good:    1,
	}, {
		name:    "text after a closing quote",
		data:    header + "1,\"Ann\"x,10.5,2024-01-01\n2,Bob,1,2024-01-02\n",
		wantErr: `sales.csv:2: column "customer": extraneous character after closing quote`,
		good:    1,
	}, {
		name:    "unterminated quote",
		data:    header + "1,Ann,10.5,2024-01-01\n2,\"Bob,1,2024-01-02\n3,Cy,1,2024-01-03\n",
		wantErr: `sales.csv:3: column "customer": unterminated quoted field`,
		good:    2,
	}, {
		name:    "lines counted through quoted newlines",
		data:    header + "1,\"Ann\nSmith\",10.5,2024-01-01\n2,Bob,x,2024-01-02\n",
		types:   map[string]value.Kind{"amount": value.KindDecimal},
		wantErr: `sales.csv:4: column "amount": invalid decimal "x"`,
		good:    1,
	}, {
		name:    "several bad records",
		data:    header + "1,Ann,x,2024-01-01\n2,Bob,1,2024-01-02\n3\n4,Dee,2,2024-01-04\n",
		types:   map[string]value.Kind{"amount": value.KindDecimal},
		wantErr: `sales.csv:2: column "amount": invalid decimal "x"`,
		skipped: []string{`sales.csv:2: column "amount": invalid decimal "x"`, `sales.csv:4: wrong number of fields: got 1, want 4`},
		good:    2,
	}}
	for _, tt := range tests {
		t.Run(tt.name+"/fail", func(t *testing.T) {
			c := openCSV(t, tt.data, CSVConfig{Config: Config{Types: tt.types, SampleRows: tt.sample}})
			var err error
			var pos stream.Position
			for range 100 {
				var chunk stream.Chunk[value.Record]
				chunk, err = c.Fetch(context.Background(), pos, 1)
				if err != nil || chunk.Done {
					break
				}
				pos = chunk.Next
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("got %v\nwant %s", err, tt.wantErr)
			}
			var de *DataError
			if !errors.As(err, &de) || de.File != "sales.csv" || de.Line == 0 || de.Record == 0 || de.Unwrap() == nil {
				t.Fatalf("not a located DataError: %#v", de)
			}
			if !stream.IsPermanent(err) {
				t.Error("data error not permanent")
			}
		})
		t.Run(tt.name+"/skip", func(t *testing.T) {
			var reported []string
			cfg := CSVConfig{Config: Config{Types: tt.types, SampleRows: tt.sample, SkipErrors: true, OnSkip: func(e *DataError) {
				reported = append(reported, e.Error())
			}}}
			c := openCSV(t, tt.data, cfg)
			for _, n := range []int{1, 1000} {
				got := fetchAll(t, c, n)
				if len(got) != tt.good {
					t.Errorf("chunk %d: %d records, want %d", n, len(got), tt.good)
				}
			}
			want := tt.skipped
			if want == nil {
				want = []string{tt.wantErr}
			}
			if strings.Join(reported, "\n") != strings.Join(want, "\n") {
				t.Errorf("reported\n%s\nwant\n%s", strings.Join(reported, "\n"), strings.Join(want, "\n"))
			}
			if c.Skipped() != int64(len(want)) {
				t.Errorf("Skipped() = %d, want %d (once each across re-reads)", c.Skipped(), len(want))
			}
		})
	}
}

// salesCSV generates n rows of sales data.
func salesCSV(n int) string {
	var b strings.Builder
	b.WriteString("id,territory,customer,product,amount,quantity,sale_date\n")
	territories := []string{"North", "South", "East", "West", "Central"}
	products := []string{"Widget", "Gadget", "Gizmo", "Doohickey", "Thingamajig", "Sprocket"}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d,%s,Customer %d,%s,%d.%02d,%d,2024-%02d-%02d\n",
			i, territories[i%len(territories)], i%997, products[i%len(products)],
			(i*37)%5000, i%100, 1+i%9, 1+i%12, 1+i%28)
	}
	return b.String()
}

func TestCSVChunking(t *testing.T) {
	data := salesCSV(2500)
	c := openCSV(t, data, CSVConfig{Config: Config{Extra: 3}})
	if got := kinds(c.Schema()); got != "id:int territory:string customer:string product:string amount:decimal(2) quantity:int sale_date:date" {
		t.Fatalf("schema %s", got)
	}
	want := fetchAll(t, c, 1000)
	if len(want) != 2500 {
		t.Fatalf("%d records", len(want))
	}
	for _, n := range []int{1, 7, 1000, 5000} {
		equalRecords(t, fetchAll(t, c, n), want)
	}
	for _, r := range want {
		if len(r) != 7 || cap(r) != 10 {
			t.Fatalf("len %d cap %d, want 7 and 10", len(r), cap(r))
		}
	}
	// The spare capacity is the record's own: appending to one record
	// does not touch its neighbour.
	chunk, err := c.Fetch(context.Background(), stream.Position{}, 2)
	if err != nil {
		t.Fatal(err)
	}
	r0 := append(chunk.Records[0], "x", "y", "z")
	if chunk.Records[1][0] != int64(2) || &r0[0] != &chunk.Records[0][0] {
		t.Fatal("extra slots overlap the next record or were copied")
	}
	if read, size := c.Progress(); size != int64(len(data)) || read < size {
		t.Errorf("progress %d/%d, want size %d", read, size, len(data))
	}
}

func TestCSVRestart(t *testing.T) {
	dir := writeFile(t, "sales.csv", salesCSV(1000)+"1001,North,\"Quoted\nName\",Gizmo,1.00,1,2024-01-01\n")
	sizes := []int{7, 333}
	if raceEnabled {
		sizes = []int{333}
	}
	for _, n := range sizes {
		checkRestarts(t, func() testSource {
			c, err := OpenCSV(os.DirFS(dir), "sales.csv", CSVConfig{})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}, n)
	}
}

// noSeekFS hides io.Seeker from the files it opens.
type noSeekFS struct{ fs.FS }

type noSeekFile struct{ f fs.File }

func (f noSeekFile) Stat() (fs.FileInfo, error) { return f.f.Stat() }
func (f noSeekFile) Read(p []byte) (int, error) { return f.f.Read(p) }
func (f noSeekFile) Close() error               { return f.f.Close() }

func (n noSeekFS) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return noSeekFile{f}, nil
}

func TestCSVRestartWithoutSeek(t *testing.T) {
	fsys := noSeekFS{fstest.MapFS{"s.csv": {Data: []byte(salesCSV(3000))}}}
	checkRestarts(t, func() testSource {
		c, err := OpenCSV(fsys, "s.csv", CSVConfig{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}, 1000)
}

func TestCSVSmallReads(t *testing.T) {
	// A one-byte-at-a-time reader exercises every refill boundary,
	// including inside quoted fields and between "\r" and "\n".
	data := "a,b\r\n\"x\"\"y\",\"1\r\n2\"\r\n\"p\",q\r\n"
	fsys := oneByteFS{fstest.MapFS{"s.csv": {Data: []byte(data)}}}
	c, err := OpenCSV(fsys, "s.csv", CSVConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	equalRecords(t, fetchAll(t, c, 10), []value.Record{{`x"y`, "1\r\n2"}, {"p", "q"}})
}

type oneByteFS struct{ fs.FS }

type oneByteFile struct{ noSeekFile }

func (f oneByteFile) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return f.f.Read(p)
}

func (o oneByteFS) Open(name string) (fs.File, error) {
	f, err := o.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return oneByteFile{noSeekFile{f}}, nil
}

func TestCSVLongRecords(t *testing.T) {
	long := strings.Repeat("x", 3*readBufSize)
	data := "a,b\n1," + long + "\n2,\"" + long + "\"\n3,y\n"
	c := openCSV(t, data, CSVConfig{})
	got := fetchAll(t, c, 2)
	equalRecords(t, got, []value.Record{{int64(1), long}, {int64(2), long}, {int64(3), "y"}})
}

func TestCSVFetchErrors(t *testing.T) {
	c := openCSV(t, salesCSV(10), CSVConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Fetch(ctx, stream.Position{}, 5); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: got %v", err)
	}
	// The source recovers: the same position reads normally.
	if chunk, err := c.Fetch(context.Background(), stream.Position{}, 5); err != nil || len(chunk.Records) != 5 {
		t.Fatalf("after cancel: %v", err)
	}
	if _, err := c.Fetch(context.Background(), stream.Position{}, 0); err == nil {
		t.Fatal("limit 0 accepted")
	}
	bad := stream.Position{Offset: 1, Key: []any{"x"}}
	if _, err := c.Fetch(context.Background(), bad, 5); err == nil || !stream.IsPermanent(err) {
		t.Fatalf("foreign position: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(context.Background(), stream.Position{}, 5); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

// cancelAfter is a context whose Err turns to Canceled after n calls, to
// cancel in the middle of a fetch deterministically.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

func TestCSVCancelMidFetch(t *testing.T) {
	c := openCSV(t, salesCSV(5000), CSVConfig{})
	chunk, err := c.Fetch(context.Background(), stream.Position{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	ctx := &cancelAfter{Context: context.Background(), n: 3}
	if _, err := c.Fetch(ctx, chunk.Next, 4000); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	// The interrupted fetch left nothing behind: the same position reads
	// every remaining record.
	got := fetchFrom(t, c, chunk.Next, 1000)
	if len(got) != 4900 || got[0][0] != int64(101) {
		t.Fatalf("%d records after restart", len(got))
	}
}

func TestCSVIdentity(t *testing.T) {
	dir := writeFile(t, "sales.csv", "a,b\n1,2\n")
	open := func(cfg CSVConfig) string {
		c, err := OpenCSV(os.DirFS(dir), "sales.csv", cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.Identity()
	}
	base := open(CSVConfig{})
	if open(CSVConfig{}) != base {
		t.Error("identity not stable")
	}
	for _, cfg := range []CSVConfig{
		{Delimiter: ';'},
		{Config: Config{Types: map[string]value.Kind{"a": value.KindString}}},
		{Config: Config{SkipErrors: true}},
		{Config: Config{SampleRows: 5}},
	} {
		if open(cfg) == base {
			t.Errorf("%+v: same identity", cfg)
		}
	}
	other := writeFile(t, "sales.csv", "a,b\n1,2\n")
	c, err := OpenCSV(os.DirFS(other), "sales.csv", CSVConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Identity() == base {
		t.Error("same identity for files in different directories")
	}
}

func TestFastParsers(t *testing.T) {
	for _, s := range []string{"0", "-1", "+7", "123456789012345678", "1234567890123456789", "1_000", "", "-", "+", "1.5", "x", "９"} {
		if s == "" {
			continue
		}
		want, werr := value.Parse(value.KindInt, s)
		got, ok := atoi([]byte(s))
		if ok && (werr != nil || want != got) {
			t.Errorf("atoi(%q) = %d, Parse = %v %v", s, got, want, werr)
		}
	}
	for _, s := range []string{"0", "1.", ".5", "-0.50", "+.5", "12.345", "123456789012345678", "1234567890123456789", ".", "-", "1e3", "1.2.3", "abc"} {
		want, werr := value.ParseDecimal(s)
		got, ok := atod([]byte(s))
		if ok && (werr != nil || !equalValue(want, got)) {
			t.Errorf("atod(%q) = %v, ParseDecimal = %v %v", s, got, want, werr)
		}
	}
	for d := value.NewDate(1899, 12, 1); d < value.NewDate(2101, 2, 1); d++ {
		s := d.String()
		got, ok := atodate([]byte(s))
		if !ok || got != d {
			t.Fatalf("atodate(%q) = %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"0000-01-01", "0001-03-01", "2023-02-29", "2024-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "2024/01/01", "2024-1-01x", "20x4-01-01"} {
		want, werr := value.ParseDate(s)
		got, ok := atodate([]byte(s))
		if ok != (werr == nil) || (ok && got != want) {
			t.Errorf("atodate(%q) = %v %v, ParseDate = %v %v", s, got, ok, want, werr)
		}
	}
}

func TestInterner(t *testing.T) {
	var in interner
	for i := range 2*internWays*internBuckets + 10 {
		if _, err := in.get(fmt.Appendf(nil, "v%d", i), false); err != nil {
			t.Fatal(err)
		}
	}
	if !in.disabled {
		t.Error("interner kept going on unique values")
	}
	var rep interner
	a, _ := rep.get([]byte("North"), false)
	b, _ := rep.get([]byte("North"), false)
	if a != b || rep.hits != 1 {
		t.Error("repeat not shared")
	}
	if _, err := rep.get([]byte("\xff"), false); err != errInvalidUTF8 {
		t.Error("invalid UTF-8 accepted")
	}
	if v, _ := rep.get([]byte(strings.Repeat("y", 100)), false); v != strings.Repeat("y", 100) {
		t.Error("long value")
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\r\n\"x,y\",\"z\"\"\"\r\n", "a\n\"unterminated\n", "a,b\n\"x\"y,1\n", "\xEF\xBB\xBFa\n1\n",
		salesCSV(5), "a,b\n1\n1,2,3\n\xff,1\n",
		// Issue 15 items 18 and 19: a huge header, records with no end
		// (past the small limit below).
		strings.Repeat("c,", 500) + "z\n1\n", "a,b\n1,2\n3," + strings.Repeat("x", 100), "a,b\n1,\"2\n" + strings.Repeat("x,y\n", 20),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		fsys := fstest.MapFS{"f.csv": {Data: []byte(data)}}
		for _, cfg := range []Config{{}, {SkipErrors: true}, {MaxRecordBytes: 16}, {SkipErrors: true, MaxRecordBytes: 16}} {
			c, err := OpenCSV(fsys, "f.csv", CSVConfig{Config: cfg})
			if err != nil {
				continue
			}
			var pos stream.Position
			for range 10000 {
				chunk, err := c.Fetch(context.Background(), pos, 3)
				if err != nil {
					var de *DataError
					if !errors.As(err, &de) && !errors.Is(err, io.EOF) {
						t.Fatalf("non-data error: %v", err)
					}
					break
				}
				for _, r := range chunk.Records {
					if len(r) != len(c.Schema().Fields) {
						t.Fatalf("record width %d", len(r))
					}
				}
				if chunk.Done {
					break
				}
				pos = chunk.Next
			}
			c.Close()
		}
	})
}

func TestCountersConcurrently(t *testing.T) {
	data := salesCSV(3000) + "x,y\n"
	c := openCSV(t, data, CSVConfig{Config: Config{SkipErrors: true}})
	j := openJSONL(t, salesJSONL(500)+`{"late": 1}`+"\n", JSONLConfig{})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				c.Skipped()
				c.Progress()
				j.IgnoredKeys()
			}
		}
	}()
	fetchAll(t, c, 100)
	fetchAll(t, j, 100)
	close(stop)
	<-done
	if c.Skipped() != 1 || len(j.IgnoredKeys()) != 1 {
		t.Fatalf("skipped %d, ignored %v", c.Skipped(), j.IgnoredKeys())
	}
}

func TestCSVUnusedColumns(t *testing.T) {
	dir := writeFile(t, "u.csv", "a,b,c\n1,x,2024-01-01\n2,y,not a date\n3,\xff,2024-01-03\n")
	c, err := OpenCSV(os.DirFS(dir), "u.csv", CSVConfig{Config: Config{Unused: map[string]bool{"b": true, "c": true},
		Types: map[string]value.Kind{"c": value.KindDate}, SkipErrors: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ch, err := c.Fetch(context.Background(), stream.Position{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Unused columns are nil and not converted (the bad date passes), but
	// invalid UTF-8 is still a data error.
	if len(ch.Records) != 2 || ch.Records[0][0] != int64(1) || ch.Records[0][1] != nil || ch.Records[1][2] != nil || c.Skipped() != 1 {
		t.Errorf("records %v, skipped %d", ch.Records, c.Skipped())
	}
	if len(c.Schema().Fields) != 3 {
		t.Errorf("schema %v", c.Schema())
	}
}

// Opening a file reads only its first firstRead bytes (header and type
// sample); a fetch at its start takes what it needs from them, and the
// records come out the same as through reads of every size.
func TestCSVFirstRead(t *testing.T) {
	data := salesCSV(5000)
	if len(data) < 4*firstRead {
		t.Fatalf("test file of %d bytes is too small", len(data))
	}
	c := openCSV(t, data, CSVConfig{})
	if got := c.read.Load(); got != firstRead {
		t.Fatalf("opening read %d bytes, want %d", got, firstRead)
	}
	chunk, err := c.Fetch(context.Background(), stream.Position{}, 64)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunk.Records) != 64 || c.read.Load() != firstRead {
		t.Fatalf("64 records read %d bytes, want %d", c.read.Load(), firstRead)
	}
	all := fetchAll(t, c, 1000)
	tiny, err := OpenCSV(oneByteFS{fstest.MapFS{"s.csv": {Data: []byte(data)}}}, "s.csv", CSVConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer tiny.Close()
	small := fetchAll(t, tiny, 1000)
	if len(all) != 5000 {
		t.Fatalf("%d records", len(all))
	}
	equalRecords(t, all, small)
}
