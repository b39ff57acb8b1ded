package input

import (
	"errors"
	"os"
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

// sqliteCompanions are the files SQLite opens beside a database, by the
// database's path and a suffix: they must not lead out either (a -shm file
// is written to even by a reader).
var sqliteCompanions = []string{"-wal", "-shm", "-journal"}

// confinedSQLite is confinedPath for a SQLite database: the database and
// whichever of its companion files exist must stay in dir.
func confinedSQLite(dir, name string) (string, error) {
	full, err := confinedPath(dir, name)
	if err != nil {
		return "", err
	}
	base, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", unwrapPathError(err)
	}
	for _, suffix := range sqliteCompanions {
		if _, err := os.Lstat(full + suffix); err != nil {
			continue // absent: SQLite creates it in place, if at all
		}
		rel, err := filepath.Rel(base, full+suffix)
		if err != nil {
			return "", errLeaves
		}
		if _, err := confinedPath(base, filepath.ToSlash(rel)); err != nil {
			return "", errLeaves
		}
	}
	return full, nil
}
