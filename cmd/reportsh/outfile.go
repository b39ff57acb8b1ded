package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/reportsh/reportsh/interp"
)

// checkOutputs refuses a file that run would write (-o, --cpuprofile,
// --memprofile) when it is a file the report reads — the script, its
// source, a lookup's file — or another of them: writing it would destroy
// the input before it is read.
func checkOutputs(f *runFlags, prog *interp.Program) error {
	type file struct{ flag, path, use string }
	var inputs []file
	inputs = append(inputs, file{path: f.file, use: "the script"})
	for _, in := range prog.Files() {
		if in.HostPath == "" {
			continue
		}
		use := in.Use + ": " + in.Path
		if in.Use == "source" {
			use = "source " + in.Path
		}
		inputs = append(inputs, file{path: in.HostPath, use: use})
	}
	outputs := []file{{"-o", f.output, "the report's output (-o)"}, {"--cpuprofile", f.cpuProfile, "the CPU profile"}, {"--memprofile", f.memProfile, "the heap profile"}}
	for i, out := range outputs {
		if out.path == "" {
			continue
		}
		for _, in := range append(inputs, outputs[:i]...) {
			if in.path != "" && sameFile(out.path, in.path) {
				if in.flag != "" {
					return fmt.Errorf("%s %s is %s", out.flag, out.path, in.use)
				}
				return fmt.Errorf("%s %s is the file the report reads (%s)", out.flag, out.path, in.use)
			}
		}
	}
	return nil
}

// sameFile reports whether the paths a and b name the same file: one
// that exists (through links and hard links too), or one that does not
// yet, by name.
func sameFile(a, b string) bool {
	ia, erra := os.Stat(a)
	ib, errb := os.Stat(b)
	if erra == nil && errb == nil {
		return os.SameFile(ia, ib)
	}
	absA, erra := filepath.Abs(a)
	absB, errb := filepath.Abs(b)
	return erra == nil && errb == nil && absA == absB
}

// replacement is a file written under a temporary name beside the file it
// replaces, and renamed to it by commit: until then the file is as it was
// (or absent), and a failed run leaves no half-written file. A path that
// is not a regular file (a device such as /dev/null, a pipe) is written in
// place, as is one whose directory cannot take a temporary file.
type replacement struct {
	*os.File
	path string // the file replaced; "" when written in place
	done bool   // committed or discarded
}

// createReplacement opens the replacement of path. A symbolic link is
// followed: the file it leads to is replaced, the link stays.
func createReplacement(path string) (*replacement, error) {
	perm, exact := fs.FileMode(0o666), false
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if info, err := os.Stat(path); err == nil {
		if !info.Mode().IsRegular() {
			f, err := os.Create(path)
			return &replacement{File: f}, err
		}
		perm, exact = info.Mode().Perm(), true
	}
	dir, base := filepath.Split(path)
	for range 10 {
		tmp := filepath.Join(dir, "."+base+"."+rand.Text()[:8]+".tmp")
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if errors.Is(err, fs.ErrPermission) {
			f, err := os.Create(path)
			return &replacement{File: f}, err
		}
		if err != nil {
			return nil, err
		}
		if exact { // the umask took bits off the old file's permissions
			if err := f.Chmod(perm); err != nil {
				f.Close()
				os.Remove(tmp)
				return nil, err
			}
		}
		return &replacement{File: f, path: path}, nil
	}
	return nil, fmt.Errorf("cannot create a temporary file beside %s", path)
}

// commit closes the file and puts it in place.
func (r *replacement) commit() error {
	r.done = true
	err := r.Close()
	if r.path == "" {
		return err
	}
	if err == nil {
		err = os.Rename(r.Name(), r.path)
	}
	if err != nil {
		os.Remove(r.Name())
	}
	return err
}

// discard closes the file and removes it unless it was written in place
// or committed.
func (r *replacement) discard() {
	if r.done {
		return
	}
	r.done = true
	r.Close()
	if r.path != "" {
		os.Remove(r.Name())
	}
}

// writeReplacing writes data to path through a replacement.
func writeReplacing(path string, data []byte) error {
	r, err := createReplacement(path)
	if err != nil {
		return err
	}
	if _, err := r.Write(data); err != nil {
		r.discard()
		return err
	}
	return r.commit()
}
