package input

import (
	"errors"
	"path/filepath"
)

// errLeaves is why a file that a link leads out of the report's directory
// cannot be read.
var errLeaves = errors.New("it leads out of the report's file system (a symbolic link)")

// confinedPath returns the path on the host of the file name (slash
// separated) in the directory dir, with every link resolved, or errLeaves
// when, once links are followed, the file is not in dir. The directory's
// own path may hold links. SQLite opens databases by path: the resolved
// path leaves no link to follow out of dir.
func confinedPath(dir, name string) (string, error) {
	base, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", unwrapPathError(err)
	}
	full, err := filepath.EvalSymlinks(filepath.Join(base, filepath.FromSlash(name)))
	if err != nil {
		return "", unwrapPathError(err)
	}
	if rel, err := filepath.Rel(base, full); err != nil || !filepath.IsLocal(rel) {
		return "", errLeaves
	}
	return full, nil
}
