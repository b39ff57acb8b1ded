package salesgen

import (
	"bufio"
	"io"
	"strconv"
	"unicode/utf8"
)

// WriteJSONL writes cfg's sales rows to w as JSON Lines: one object per
// sale, each on its own line ending in "\n", with the keys in column order.
// Integers are JSON numbers; amount is a JSON number written with exactly
// two decimals, like 12.50 (written from the cents, never through a
// float64), or null when missing; the other fields are strings.
func WriteJSONL(w io.Writer, cfg Config) error {
	if cfg.Rows < 0 {
		return errNegativeRows
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	buf := make([]byte, 0, 64<<10)
	for s := range Rows(cfg) {
		buf = appendSaleJSON(buf, &s)
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

func appendSaleJSON(buf []byte, s *Sale) []byte {
	buf = append(buf, `{"id":`...)
	buf = strconv.AppendInt(buf, s.ID, 10)
	buf = append(buf, `,"territory":`...)
	buf = appendJSONString(buf, s.Territory)
	buf = append(buf, `,"customer_id":`...)
	buf = strconv.AppendInt(buf, s.CustomerID, 10)
	buf = append(buf, `,"customer":`...)
	buf = appendJSONString(buf, s.Customer)
	buf = append(buf, `,"product":`...)
	buf = appendJSONString(buf, s.Product)
	buf = append(buf, `,"amount":`...)
	if s.HasAmount {
		buf = appendCents(buf, s.AmountCents)
	} else {
		buf = append(buf, "null"...)
	}
	buf = append(buf, `,"quantity":`...)
	buf = strconv.AppendInt(buf, s.Quantity, 10)
	buf = append(buf, `,"sale_date":`...)
	buf = appendJSONString(buf, s.SaleDate)
	return append(buf, "}\n"...)
}

// appendJSONString appends s as a JSON string. Non-ASCII UTF-8 is written
// as is; control characters, '"' and '\\' are escaped, and invalid UTF-8
// becomes U+FFFD, as encoding/json does.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
			i++
		case c < 0x20:
			switch c {
			case '\n':
				buf = append(buf, `\n`...)
			case '\r':
				buf = append(buf, `\r`...)
			case '\t':
				buf = append(buf, `\t`...)
			default:
				buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				buf = append(buf, `\ufffd`...)
			} else {
				buf = append(buf, s[i:i+size]...)
			}
			i += size
		}
	}
	return append(buf, '"')
}
