package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/reportsh/reportsh/grammar"
)

// fmtFlags are the flags of `reportsh fmt`.
type fmtFlags struct {
	write bool // -w: rewrite files that are not formatted
	diff  bool // -d: print a diff of the changes
	list  bool // -l: print the names of files that are not formatted
	paths []string
}

func parseFmtFlags(args []string) (*fmtFlags, error) {
	f := &fmtFlags{}
	for i, a := range args {
		if a == "--" {
			f.paths = append(f.paths, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			f.paths = append(f.paths, a)
			continue
		}
		switch strings.TrimLeft(a, "-") {
		case "w", "write":
			f.write = true
		case "d", "diff":
			f.diff = true
		case "l", "list":
			f.list = true
		default:
			return nil, fmt.Errorf("unknown flag %s", a)
		}
	}
	return f, nil
}

// cmdFmt implements `reportsh fmt [-w] [-d] [-l] [FILE|DIR]...`: it prints
// the scripts in their canonical layout, or with -w rewrites the files that
// are not formatted, with -d prints a diff, with -l lists them. A directory
// stands for the .rpt files under it; no path means standard input. The exit
// status is 1 if a script has syntax errors or a file cannot be read or
// written, else 0, whether or not files differ.
func cmdFmt(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	f, err := parseFmtFlags(args)
	if err != nil {
		fmt.Fprintf(stderr, "reportsh fmt: %v\n\nUsage: reportsh fmt [-w] [-d] [-l] [FILE|DIR]...\n", err)
		return exitUsage
	}
	if len(f.paths) == 0 {
		if f.write {
			fmt.Fprintln(stderr, "reportsh fmt: -w needs files, not standard input")
			return exitUsage
		}
		src, err := io.ReadAll(stdin)
		if err != nil {
			fmt.Fprintf(stderr, "reportsh fmt: %v\n", err)
			return exitScript
		}
		return f.format("<standard input>", src, stdout, stderr)
	}
	status := exitOK
	for _, path := range f.paths {
		files, err := rptFiles(path)
		if err != nil {
			fmt.Fprintf(stderr, "reportsh fmt: %v\n", err)
			status = exitScript
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err == nil {
				if code := f.format(file, src, stdout, stderr); code != exitOK {
					status = code
				}
				continue
			}
			fmt.Fprintf(stderr, "reportsh fmt: %v\n", err)
			status = exitScript
		}
	}
	return status
}

// rptFiles returns path if it is not a directory, else the .rpt files under
// it.
func rptFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return []string{path}, nil // a missing file is reported when it is read
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".rpt") {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

// format formats one script, named name, and does what the flags say.
func (f *fmtFlags) format(name string, src []byte, stdout, stderr io.Writer) int {
	out, err := grammar.Format(name, src)
	if err != nil {
		printError(stderr, err, src)
		return exitScript
	}
	changed := !bytes.Equal(src, out)
	if f.list && changed {
		fmt.Fprintln(stdout, name)
	}
	if f.write && changed {
		// A replacement: a failed write leaves the script as it was.
		if err := writeReplacing(name, out); err != nil {
			fmt.Fprintf(stderr, "reportsh fmt: %v\n", err)
			return exitScript
		}
	}
	if f.diff && changed {
		fmt.Fprintf(stdout, "diff %s.orig %s\n", name, name)
		io.WriteString(stdout, unifiedDiff(name+".orig", name, src, out))
	}
	if !f.list && !f.write && !f.diff {
		stdout.Write(out)
	}
	return exitOK
}
