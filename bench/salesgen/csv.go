package salesgen

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
)

// salesColumns are the sales table's column names, in order.
var salesColumns = []string{"id", "territory", "customer_id", "customer", "product", "amount", "quantity", "sale_date"}

// customerColumns are the customers table's column names, in order.
var customerColumns = []string{"id", "name", "segment", "country", "since"}

// errNegativeRows is returned by the writers for a negative Config.Rows.
var errNegativeRows = errors.New("salesgen: Config.Rows is negative")

// WriteCSV writes cfg's sales rows to w as CSV: a header row, then one
// record per sale, with RFC 4180 quoting (a field is quoted only if it
// contains a comma, a double quote or a line break, which generated fields
// never do) and "\n" line endings, as encoding/csv writes by default. A
// missing amount is an empty field.
func WriteCSV(w io.Writer, cfg Config) error {
	if cfg.Rows < 0 {
		return errNegativeRows
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	buf := make([]byte, 0, 256)
	buf = appendCSVHeader(buf, salesColumns)
	for s := range Rows(cfg) {
		buf = appendSaleCSV(buf, &s)
		if len(buf) > 32<<10 {
			if _, err := bw.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteCustomersCSV writes cfg's customers to w as CSV, in the same dialect
// as [WriteCSV].
func WriteCustomersCSV(w io.Writer, cfg Config) error {
	if cfg.Rows < 0 {
		return errNegativeRows
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	buf := appendCSVHeader(make([]byte, 0, 256), customerColumns)
	for c := range Customers(cfg) {
		buf = strconv.AppendInt(buf, c.ID, 10)
		buf = append(buf, ',')
		buf = appendCSVField(buf, c.Name)
		buf = append(buf, ',')
		buf = appendCSVField(buf, c.Segment)
		buf = append(buf, ',')
		buf = appendCSVField(buf, c.Country)
		buf = append(buf, ',')
		buf = append(buf, c.Since...)
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
		buf = buf[:0]
	}
	return bw.Flush()
}

func appendCSVHeader(buf []byte, cols []string) []byte {
	buf = append(buf, strings.Join(cols, ",")...)
	return append(buf, '\n')
}

func appendSaleCSV(buf []byte, s *Sale) []byte {
	buf = strconv.AppendInt(buf, s.ID, 10)
	buf = append(buf, ',')
	buf = appendCSVField(buf, s.Territory)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, s.CustomerID, 10)
	buf = append(buf, ',')
	buf = appendCSVField(buf, s.Customer)
	buf = append(buf, ',')
	buf = appendCSVField(buf, s.Product)
	buf = append(buf, ',')
	if s.HasAmount {
		buf = appendCents(buf, s.AmountCents)
	}
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, s.Quantity, 10)
	buf = append(buf, ',')
	buf = append(buf, s.SaleDate...)
	return append(buf, '\n')
}

// appendCSVField appends f, quoted as RFC 4180 requires if it contains a
// comma, a double quote or a line break.
func appendCSVField(buf []byte, f string) []byte {
	if !strings.ContainsAny(f, ",\"\r\n") {
		return append(buf, f...)
	}
	buf = append(buf, '"')
	buf = append(buf, strings.ReplaceAll(f, `"`, `""`)...)
	return append(buf, '"')
}

// appendCents appends cents as a decimal with exactly two places: 1250 →
// "12.50", 5 → "0.05", -5 → "-0.05".
func appendCents(buf []byte, cents int64) []byte {
	u := uint64(cents)
	if cents < 0 {
		buf = append(buf, '-')
		u = -u
	}
	buf = strconv.AppendUint(buf, u/100, 10)
	return append(buf, '.', byte('0'+u%100/10), byte('0'+u%10))
}

// FormatCents formats cents as a decimal with exactly two places, as the
// writers write amounts: FormatCents(1250) == "12.50".
func FormatCents(cents int64) string {
	return string(appendCents(nil, cents))
}
