package render

import (
	"archive/zip"
	"errors"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// xlsxZip is the zip writer the XLSX renderer gives excelize: it writes
// the workbook straight to the renderer's writer (excelize would first
// build the whole file in memory), and, when the workbook has several
// streamed sheets, which excelize writes in map order, it holds their
// parts back in temporary files and writes them in name order, so that
// the same report gives the same bytes.
type xlsxZip struct {
	zw    *zip.Writer
	spool bool // hold the sheets back
	held  []*os.File
	names []string
}

func newXlsxZip(w io.Writer, sheets int) *xlsxZip {
	return &xlsxZip{zw: zip.NewWriter(w), spool: sheets > 1}
}

// Create starts the part name.
func (z *xlsxZip) Create(name string) (io.Writer, error) {
	if z.spool && strings.HasPrefix(name, "xl/worksheets/sheet") {
		f, err := os.CreateTemp("", "reportsh-xlsx-*.xml")
		if err != nil {
			return nil, err
		}
		z.held = append(z.held, f)
		z.names = append(z.names, name)
		return f, nil
	}
	if err := z.release(); err != nil {
		return nil, err
	}
	return z.zw.Create(name)
}

// AddFS adds the files of fsys.
func (z *xlsxZip) AddFS(fsys fs.FS) error {
	if err := z.release(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// Close writes what is held back and the zip's directory.
func (z *xlsxZip) Close() error {
	if err := z.release(); err != nil {
		return err
	}
	return z.zw.Close()
}

// release writes the parts held back, in name order.
func (z *xlsxZip) release() error {
	if len(z.held) == 0 {
		return nil
	}
	idx := make([]int, len(z.held))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return sheetPartLess(z.names[idx[a]], z.names[idx[b]]) })
	var err error
	for _, i := range idx {
		if err == nil {
			err = z.copyPart(z.names[i], z.held[i])
		}
	}
	return errors.Join(err, z.cleanup())
}

// copyPart writes the held part f as name.
func (z *xlsxZip) copyPart(name string, f *os.File) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	w, err := z.zw.Create(name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, f)
	return err
}

// cleanup removes the temporary files.
func (z *xlsxZip) cleanup() error {
	var errs []error
	for _, f := range z.held {
		errs = append(errs, f.Close(), os.Remove(f.Name()))
	}
	z.held, z.names = nil, nil
	return errors.Join(errs...)
}

// sheetPartLess orders xl/worksheets/sheet2.xml before sheet10.xml.
func sheetPartLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
