package examples

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pdfText returns the text layer of an example's PDF (pdftotext -layout),
// pages separated by form feeds. It checks on the way that pdfinfo counts
// as many pages as pdftotext reads and that no page is empty.
func pdfText(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	pdftotext := needTool(t, "poppler-utils", "pdftotext")
	path := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", name, err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	if n := pdfPageCount(t, path); n != len(pages) || n < 1 || n > 20 {
		t.Errorf("%s: pdfinfo counts %d pages, pdftotext reads %d (want 1 to 20)", name, n, len(pages))
	}
	for i, p := range pages {
		if strings.TrimSpace(p) == "" {
			t.Errorf("%s: page %d is empty", name, i+1)
		}
	}
	return string(out)
}

// pdfPageCount reads the page count pdfinfo gives.
func pdfPageCount(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command(needTool(t, "poppler-utils", "pdfinfo"), path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// firstPage renders the first page of an example's PDF (pdftoppm -r 60)
// to a PNG with text on it: a page-sized image with a fair share of dark
// pixels. TestExamples calls it on every example's PDF. With PDF_PNG_DIR
// set, the PDFs and PNGs are kept there to look at.
func firstPage(t *testing.T, name string, pdf []byte) {
	t.Helper()
	pdftoppm := needTool(t, "poppler-utils", "pdftoppm")
	dir := t.TempDir()
	path := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", path, filepath.Join(dir, name)).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	checkPageImage(t, data)
	if keep := os.Getenv("PDF_PNG_DIR"); keep != "" {
		for file, b := range map[string][]byte{name + ".png": data, name + ".pdf": pdf} {
			if err := os.WriteFile(filepath.Join(keep, file), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// checkPageImage decodes a page rendered at 60 dpi: it is about A4 or
// Letter sized and between 0.5% and 30% of its pixels are dark (text and
// rules, not a blank or a black page).
func checkPageImage(t *testing.T, data []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	b := img.Bounds()
	if long, short := max(b.Dx(), b.Dy()), min(b.Dx(), b.Dy()); long < 600 || long > 750 || short < 450 || short > 530 {
		t.Errorf("page image is %dx%d, want an A4 or Letter page at 60 dpi", b.Dx(), b.Dy())
	}
	if share := darkShare(img); share < 0.005 || share > 0.3 {
		t.Errorf("%.2f%% of the page is dark: want text on a white page", share*100)
	}
}

// darkShare is the share of an image's pixels darker than mid grey.
func darkShare(img image.Image) float64 {
	b := img.Bounds()
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 < 0x8000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(b.Dx()*b.Dy())
}
