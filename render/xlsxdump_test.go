package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
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
}

func readXlsx(t *testing.T, data []byte) *xlsxBook {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("reading the workbook back: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	b := &xlsxBook{t: t, f: f, sheets: f.GetSheetList(), xml: map[string]string{}}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range b.sheets {
		for _, zf := range zr.File {
			if zf.Name == fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1) {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				x, _ := io.ReadAll(rc)
				rc.Close()
				b.xml[name] = string(x)
			}
		}
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

var cellTypeNames = map[excelize.CellType]string{
	excelize.CellTypeUnset: "unset", excelize.CellTypeBool: "bool", excelize.CellTypeDate: "date",
	excelize.CellTypeError: "error", excelize.CellTypeFormula: "formula", excelize.CellTypeInlineString: "text",
	excelize.CellTypeNumber: "number", excelize.CellTypeSharedString: "text",
}

var autoFilterRE = regexp.MustCompile(`<autoFilter ref="[^"]*"`)

// dump renders the workbook as text, for golden files: per sheet its
// frozen pane and autofilter, then per row its outline level and its
// cells (type, stored value, shown value, format, bold).
func (b *xlsxBook) dump() string {
	var out strings.Builder
	for _, sheet := range b.sheets {
		panes, err := b.f.GetPanes(sheet)
		if err != nil {
			b.t.Fatal(err)
		}
		fmt.Fprintf(&out, "sheet %q: frozen %v at %s; %s\n", sheet, panes.Freeze, panes.TopLeftCell, autoFilterRE.FindString(b.xml[sheet]))
		rows, err := b.f.GetRows(sheet)
		if err != nil {
			b.t.Fatal(err)
		}
		for i, cells := range rows {
			fmt.Fprintf(&out, "row %d (outline %d):", i+1, b.outline(sheet, i+1))
			for j := range cells {
				ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
				c := b.cell(sheet, ref)
				if c.Type == excelize.CellTypeUnset && c.Raw == "" {
					continue
				}
				typ := cellTypeNames[c.Type]
				if c.Type == excelize.CellTypeUnset {
					typ = "number" // a cell without a type holds a number
				}
				fmt.Fprintf(&out, " %s=%s:%q", ref, typ, c.Raw)
				if c.Shown != c.Raw {
					fmt.Fprintf(&out, " shown %q", c.Shown)
				}
				if c.NumFmt != "" {
					fmt.Fprintf(&out, " fmt %q", c.NumFmt)
				}
				if c.Bold {
					out.WriteString(" bold")
				}
			}
			out.WriteString("\n")
		}
	}
	return out.String()
}

// readable is the output of format as a reader sees it: an XLSX
// workbook's dump, the others as they are.
func readable(t *testing.T, format string, out []byte) string {
	if format == "xlsx" {
		return readXlsx(t, out).dump()
	}
	return string(out)
}
