package salesgen

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"iter"
	"slices"
	"strconv"
	"testing"
)

// TestCSVParses reads WriteCSV's output with encoding/csv and checks every
// field against Rows.
func TestCSVParses(t *testing.T) {
	cfg := Config{Rows: 1000, Seed: 5}
	r := csv.NewReader(bytes.NewReader(generate(t, WriteCSV, cfg)))
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(records), cfg.Rows+1; got != want {
		t.Fatalf("%d records, want %d", got, want)
	}
	for i, col := range salesColumns {
		if records[0][i] != col {
			t.Errorf("header[%d] = %q, want %q", i, records[0][i], col)
		}
	}
	i := 1
	for s := range Rows(cfg) {
		amount := ""
		if s.HasAmount {
			amount = FormatCents(s.AmountCents)
		}
		want := []string{strconv.FormatInt(s.ID, 10), s.Territory, strconv.FormatInt(s.CustomerID, 10), s.Customer,
			s.Product, amount, strconv.FormatInt(s.Quantity, 10), s.SaleDate}
		for j := range want {
			if records[i][j] != want[j] {
				t.Fatalf("record %d field %s = %q, want %q", i, salesColumns[j], records[i][j], want[j])
			}
		}
		i++
	}
}

// TestJSONLParses decodes every line of WriteJSONL's output and checks it
// against Rows, including the exact text of each amount.
func TestJSONLParses(t *testing.T) {
	cfg := Config{Rows: 1000, Seed: 5}
	sc := bufio.NewScanner(bytes.NewReader(generate(t, WriteJSONL, cfg)))
	next, stop := iter.Pull(Rows(cfg))
	defer stop()
	line := 0
	for sc.Scan() {
		line++
		var obj struct {
			ID         int64           `json:"id"`
			Territory  string          `json:"territory"`
			CustomerID int64           `json:"customer_id"`
			Customer   string          `json:"customer"`
			Product    string          `json:"product"`
			Amount     json.RawMessage `json:"amount"`
			Quantity   int64           `json:"quantity"`
			SaleDate   string          `json:"sale_date"`
		}
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		s, ok := next()
		if !ok {
			t.Fatalf("line %d: more lines than rows", line)
		}
		amount := "null"
		if s.HasAmount {
			amount = FormatCents(s.AmountCents)
		}
		if obj.ID != s.ID || obj.Territory != s.Territory || obj.CustomerID != s.CustomerID || obj.Customer != s.Customer ||
			obj.Product != s.Product || string(obj.Amount) != amount || obj.Quantity != s.Quantity || obj.SaleDate != s.SaleDate {
			t.Fatalf("line %d = %s, want %+v", line, sc.Bytes(), s)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if line != cfg.Rows {
		t.Errorf("%d lines, want %d", line, cfg.Rows)
	}
}

// TestJSONKeyOrder checks that the keys come in column order.
func TestJSONKeyOrder(t *testing.T) {
	line, _, _ := bytes.Cut(generate(t, WriteJSONL, Config{Rows: 1, Seed: 1}), []byte("\n"))
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("first token %v, %v; want {", tok, err)
	}
	var keys []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key.(string))
		if _, err := dec.Token(); err != nil { // a scalar value
			t.Fatal(err)
		}
	}
	if !slices.Equal(keys, salesColumns) {
		t.Errorf("keys %q, want %q", keys, salesColumns)
	}
}

func TestFormatCents(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		want  string
	}{{0, "0.00"}, {5, "0.05"}, {50, "0.50"}, {100, "1.00"}, {1250, "12.50"}, {195385, "1953.85"}, {-5, "-0.05"}, {-1250, "-12.50"}} {
		if got := FormatCents(tc.cents); got != tc.want {
			t.Errorf("FormatCents(%d) = %q, want %q", tc.cents, got, tc.want)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r\x01\x1f", "Zoë Müller", "O'Brien", "bad \xff utf8"} {
		got := string(appendJSONString(nil, s))
		want, _ := json.Marshal(s)
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Errorf("appendJSONString(%q) = %s: %v", s, got, err)
			continue
		}
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("appendJSONString(%q) decodes to %q, want %q", s, back, wantBack)
		}
	}
}

func TestAppendCSVField(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"}, {"Zoë", "Zoë"}, {"a,b", `"a,b"`}, {`say "hi"`, `"say ""hi"""`}, {"two\nlines", "\"two\nlines\""},
	} {
		if got := string(appendCSVField(nil, tc.in)); got != tc.want {
			t.Errorf("appendCSVField(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
