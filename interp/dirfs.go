package interp

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is a directory of the host as a file system for [Options.FS] that a
// script cannot leave. It is an [os.Root]'s: a path that leads out of the
// directory through a symbolic link (to an absolute path, or with "..")
// cannot be opened, where [os.DirFS] follows the link wherever it leads.
// SQLite databases in it are opened in place, by path, once their links
// are resolved and found to stay in the directory (Options.Dir is not
// needed). Open one with [OpenDir]; close it when no program compiled with
// it runs any more. A Dir is safe for concurrent use.
type Dir struct {
	root *os.Root
	fsys fs.FS
	name string
}

// OpenDir opens the directory dir as a [Dir].
func OpenDir(dir string) (*Dir, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, err
	}
	return &Dir{root: root, fsys: root.FS(), name: abs}, nil
}

// Name returns the absolute path of the directory.
func (d *Dir) Name() string { return d.name }

// Open opens the named file (a slash-separated path in the directory), as
// [fs.FS] says.
func (d *Dir) Open(name string) (fs.File, error) { return d.fsys.Open(name) }

// Stat returns the named file's information, as [fs.StatFS] says.
func (d *Dir) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.fsys, name) }

// ReadFile returns the named file's contents, as [fs.ReadFileFS] says.
func (d *Dir) ReadFile(name string) ([]byte, error) { return fs.ReadFile(d.fsys, name) }

// ReadDir returns the named directory's entries sorted by name, as
// [fs.ReadDirFS] says.
func (d *Dir) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.fsys, name) }

// Close closes the directory: nothing can be read through it afterwards.
func (d *Dir) Close() error { return d.root.Close() }
