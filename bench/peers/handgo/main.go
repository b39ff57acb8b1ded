// Command handgo is the "hand-written Go (split+strconv+map)" peer of
// bench/peers/run.sh: the straightforward single-threaded Go program a
// programmer would write instead of a report script. It reads sales.csv
// with bufio, splits each line on ',', parses amount into exact integer
// cents by hand and quantity with strconv.Atoi, and aggregates per group
// in a map:
//
//	revenue  SUM(amount * quantity); rows without an amount add nothing
//	orders   COUNT() of all rows
//	avg      AVG(amount) over rows with an amount, 2 decimals, rounded half away from zero
//	low      MIN(amount)
//	high     MAX(amount)
//
// Usage:
//
//	handgo -q 1|2|3 [FILE]
//
// Q1 groups by territory, Q2 by territory and customer, Q3 is a single
// global group. FILE defaults to sales.csv. The result is CSV with a header,
// rows sorted by key, money with 2 decimals. The input must be plain
// comma-separated text without quoting (as bench/salesgen writes it): a
// double quote anywhere makes handgo fail rather than split a quoted field.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// agg holds one group's running aggregates. Money is in cents.
type agg struct {
	keys      []string
	revenue   int64 // SUM(amount*quantity)
	rows      int64 // COUNT()
	amountSum int64 // SUM(amount) over rows with an amount
	amounts   int64 // COUNT(amount)
	low, high int64 // MIN/MAX(amount), valid when amounts > 0
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "handgo:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("handgo", flag.ContinueOnError)
	q := fs.Int("q", 1, "query: 1 (by territory), 2 (by territory, customer), 3 (global)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var keyCols []string
	switch *q {
	case 1:
		keyCols = []string{"territory"}
	case 2:
		keyCols = []string{"territory", "customer"}
	case 3:
	default:
		return fmt.Errorf("-q %d: want 1, 2 or 3", *q)
	}
	path := "sales.csv"
	switch fs.NArg() {
	case 0:
	case 1:
		path = fs.Arg(0)
	default:
		return fmt.Errorf("unexpected argument %q", fs.Arg(1))
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	groups, err := aggregate(f, keyCols)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	w := bufio.NewWriterSize(stdout, 1<<16)
	if err := write(w, keyCols, groups); err != nil {
		return err
	}
	return w.Flush()
}

// aggregate reads the CSV from r and returns one agg per distinct value of
// the key columns.
func aggregate(r io.Reader, keyCols []string) (map[string]*agg, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("empty file, want a header line")
	}
	header := strings.Split(strings.TrimSuffix(sc.Text(), "\r"), ",")
	col := func(name string) (int, error) {
		i := slices.Index(header, name)
		if i < 0 {
			return 0, fmt.Errorf("header has no column %q", name)
		}
		return i, nil
	}
	amountCol, err := col("amount")
	if err != nil {
		return nil, err
	}
	quantityCol, err := col("quantity")
	if err != nil {
		return nil, err
	}
	keyIdx := make([]int, len(keyCols))
	for i, name := range keyCols {
		if keyIdx[i], err = col(name); err != nil {
			return nil, err
		}
	}

	groups := map[string]*agg{}
	var fields [][]byte
	var key []byte
	line := 1
	for sc.Scan() {
		line++
		b := bytes.TrimSuffix(sc.Bytes(), []byte{'\r'})
		if bytes.IndexByte(b, '"') >= 0 {
			return nil, fmt.Errorf("line %d: quoted field; handgo only splits plain comma-separated lines", line)
		}
		fields = split(fields[:0], b)
		if len(fields) != len(header) {
			return nil, fmt.Errorf("line %d: %d fields, header has %d", line, len(fields), len(header))
		}
		key = key[:0]
		for i, k := range keyIdx {
			if i > 0 {
				key = append(key, 0)
			}
			key = append(key, fields[k]...)
		}
		g := groups[string(key)] // no allocation for the lookup
		if g == nil {
			g = &agg{}
			for _, k := range keyIdx {
				g.keys = append(g.keys, string(fields[k]))
			}
			groups[string(key)] = g
		}
		g.rows++
		a := fields[amountCol]
		if len(a) == 0 {
			continue // missing amount: counted, but no revenue and not in AVG/MIN/MAX
		}
		cents, err := parseCents(a)
		if err != nil {
			return nil, fmt.Errorf("line %d: amount: %w", line, err)
		}
		qty, err := strconv.Atoi(string(fields[quantityCol]))
		if err != nil {
			return nil, fmt.Errorf("line %d: quantity: %w", line, err)
		}
		g.revenue += cents * int64(qty)
		g.amountSum += cents
		if g.amounts == 0 || cents < g.low {
			g.low = cents
		}
		if g.amounts == 0 || cents > g.high {
			g.high = cents
		}
		g.amounts++
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(keyCols) == 0 && len(groups) == 0 {
		groups[""] = &agg{} // a global query has one row even over no data
	}
	return groups, nil
}

// split appends the comma-separated fields of line to dst.
func split(dst [][]byte, line []byte) [][]byte {
	for {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+1:]
	}
}

// parseCents parses a decimal with exactly two fraction digits, such as
// "12.50" or "-0.07", into cents.
func parseCents(b []byte) (int64, error) {
	neg := len(b) > 0 && b[0] == '-'
	s := b
	if neg {
		s = s[1:]
	}
	n := len(s)
	if n < 4 || s[n-3] != '.' {
		return 0, fmt.Errorf("%q: want digits, '.', two digits", b)
	}
	var v int64
	for i, c := range s {
		if i == n-3 {
			continue
		}
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q: want digits, '.', two digits", b)
		}
		if v > (1<<63-1-9)/10 {
			return 0, fmt.Errorf("%q: out of range", b)
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

// money formats cents as a decimal with 2 fraction digits.
func money(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = "-"
		u = -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// avg returns sum/n rounded to cents, halves away from zero.
func avg(sum, n int64) int64 {
	q, r := sum/n, sum%n
	if r < 0 {
		r = -r
	}
	if 2*r >= n {
		if sum < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

// write prints the groups as CSV sorted by key.
func write(w io.Writer, keyCols []string, groups map[string]*agg) error {
	rows := make([]*agg, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, g)
	}
	slices.SortFunc(rows, func(a, b *agg) int { return slices.Compare(a.keys, b.keys) })
	header := append(slices.Clone(keyCols), "revenue", "orders", "avg", "low", "high")
	if _, err := fmt.Fprintln(w, strings.Join(header, ",")); err != nil {
		return err
	}
	for _, g := range rows {
		// Like SQL, a group without any amount has no revenue, average,
		// minimum or maximum (empty fields), only a count.
		rev, mean, low, high := "", "", "", ""
		if g.amounts > 0 {
			rev, mean, low, high = money(g.revenue), money(avg(g.amountSum, g.amounts)), money(g.low), money(g.high)
		}
		rec := append(slices.Clone(g.keys), rev, strconv.FormatInt(g.rows, 10), mean, low, high)
		if _, err := fmt.Fprintln(w, strings.Join(rec, ",")); err != nil {
			return err
		}
	}
	return nil
}
