package render

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/reportsh/reportsh/internal/xlsxdump"
)

// xlsxCell is one cell as a reader of the workbook finds it.
type xlsxCell struct {
	Type   excelize.CellType
	Raw    string // the stored value
	Shown  string // as Excel shows it (excelize's rendering of the format)
	NumFmt string // the custom format code, "" for none
	Bold   bool
}

// xlsxBook is a workbook read back with excelize.
type xlsxBook struct {
	t      *testing.T
	f      *excelize.File
	sheets []string
	xml    map[string]string // sheet name → its worksheet XML
	data   []byte
}

func readXlsx(t *testing.T, data []byte) *xlsxBook {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading the workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	b := &xlsxBook{t: t, f: f, sheets: f.GetSheetList(), data: data}
	if b.xml, err = xlsxdump.SheetXML(data, b.sheets); err != nil {
		t.Fatal(err)
	}
	return b
}

// cell reads one cell.
func (b *xlsxBook) cell(sheet, ref string) xlsxCell {
	b.t.Helper()
	var c xlsxCell
	var err error
	if c.Type, err = b.f.GetCellType(sheet, ref); err != nil {
		b.t.Fatal(err)
	}
	c.Raw, _ = b.f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	c.Shown, _ = b.f.GetCellValue(sheet, ref)
	id, err := b.f.GetCellStyle(sheet, ref)
	if err != nil {
		b.t.Fatal(err)
	}
	st, err := b.f.GetStyle(id)
	if err != nil {
		b.t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		c.NumFmt = *st.CustomNumFmt
	}
	c.Bold = st.Font != nil && st.Font.Bold
	return c
}

// outline returns the outline level of a row.
func (b *xlsxBook) outline(sheet string, row int) int {
	b.t.Helper()
	n, err := b.f.GetRowOutlineLevel(sheet, row)
	if err != nil {
		b.t.Fatal(err)
	}
	return int(n)
}

// dump renders the workbook as text (see package xlsxdump).
func (b *xlsxBook) dump() string {
	b.t.Helper()
	s, err := xlsxdump.Dump(b.data)
	if err != nil {
		b.t.Fatal(err)
	}
	return s
}
