//go:build unix

package interp_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/reportsh/reportsh/interp"
)

// OpenDir confines scripts to a directory: a symbolic link in it that
// leads out of it cannot be read.
func ExampleOpenDir() {
	dir, _ := os.MkdirTemp("", "reports")
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "n.csv"), []byte("n\n1\n2\n"), 0o644)
	os.Symlink("/etc/passwd", filepath.Join(dir, "passwd.csv"))

	d, err := interp.OpenDir(dir)
	if err != nil {
		panic(err)
	}
	defer d.Close()
	for _, file := range []string{"n.csv", "passwd.csv"} {
		script := fmt.Sprintf("source csv(%q)\nsummary { rows: COUNT() }\n", file)
		prog, err := interp.Compile(context.Background(), "r.rpt", []byte(script), &interp.Options{FS: d})
		if err != nil {
			fmt.Println(err)
			continue
		}
		prog.Run(context.Background(), &interp.RunConfig{Output: os.Stdout, Format: "csv"})
	}
	// Output:
	// band,level,rows
	// summary,,2
	// r.rpt:1:8: csv: cannot open "passwd.csv": it leads out of the report's file system (a symbolic link)
}
