// Package xlsxdump renders an XLSX workbook as text, as excelize reads it
// back, for tests and golden files: per sheet its frozen pane and
// autofilter, then per row its outline level and its cells (type, stored
// value, shown value, number format, bold).
package xlsxdump

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/xuri/excelize/v2"
)

var cellTypeNames = map[excelize.CellType]string{
	excelize.CellTypeUnset: "number", // a cell without a type holds a number
	excelize.CellTypeBool:  "bool", excelize.CellTypeDate: "date", excelize.CellTypeError: "error",
	excelize.CellTypeFormula: "formula", excelize.CellTypeInlineString: "text", excelize.CellTypeNumber: "number",
	excelize.CellTypeSharedString: "text",
}

var autoFilterRE = regexp.MustCompile(`<autoFilter ref="[^"]*"`)

// Dump renders the workbook data as text.
func Dump(data []byte) (string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sheets, err := SheetXML(data, f.GetSheetList())
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for _, sheet := range f.GetSheetList() {
		if err := dumpSheet(&out, f, sheet, sheets[sheet]); err != nil {
			return "", err
		}
	}
	return out.String(), nil
}

func dumpSheet(out *strings.Builder, f *excelize.File, sheet, xml string) error {
	panes, err := f.GetPanes(sheet)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sheet %q: frozen %v at %s; %s\n", sheet, panes.Freeze, panes.TopLeftCell, autoFilterRE.FindString(xml))
	rows, err := f.GetRows(sheet)
	if err != nil {
		return err
	}
	for i, cells := range rows {
		level, err := f.GetRowOutlineLevel(sheet, i+1)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "row %d (outline %d):", i+1, level)
		for j := range cells {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := dumpCell(out, f, sheet, ref); err != nil {
				return err
			}
		}
		out.WriteString("\n")
	}
	return nil
}

func dumpCell(out *strings.Builder, f *excelize.File, sheet, ref string) error {
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		return err
	}
	raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if typ == excelize.CellTypeUnset && raw == "" {
		return nil
	}
	fmt.Fprintf(out, " %s=%s:%q", ref, cellTypeNames[typ], raw)
	if shown, _ := f.GetCellValue(sheet, ref); shown != raw {
		fmt.Fprintf(out, " shown %q", shown)
	}
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		return err
	}
	st, err := f.GetStyle(id)
	if err != nil {
		return err
	}
	if st.CustomNumFmt != nil {
		fmt.Fprintf(out, " fmt %q", *st.CustomNumFmt)
	}
	if st.Font != nil && st.Font.Bold {
		out.WriteString(" bold")
	}
	return nil
}

// SheetXML returns the worksheet XML of each sheet (sheet i+1 in
// xl/worksheets/sheetN.xml, as excelize names them).
func SheetXML(data []byte, sheets []string) (map[string]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i, name := range sheets {
		for _, zf := range zr.File {
			if zf.Name != fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1) {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				return nil, err
			}
			x, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
			out[name] = string(x)
		}
	}
	return out, nil
}
