//go:build unix

package input

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reportsh/reportsh/interp/internal/program"
)

// Issue 15 item 13: SQLite opens the files beside a database by its path
// (-wal, -shm, -journal; a reader writes to -shm): in a confined directory
// none of them may be a link out of it, and the database is opened at its
// resolved path.
func TestConfinedSQLiteCompanions(t *testing.T) {
	outside := t.TempDir()
	dir := t.TempDir()
	sqliteFile(t, dir, "s.db")
	o := &Opener{FS: os.DirFS(dir), Dir: dir}
	def := &program.Source{Kind: "sqlite", Path: "s.db"}
	r, err := o.Resolve(def)
	require.NoError(t, err)
	real, err := filepath.EvalSymlinks(filepath.Join(dir, "s.db"))
	require.NoError(t, err)
	assert.Equal(t, real, r.OSPath)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.db-wal"), nil, 0o644))
	_, err = o.Resolve(def)
	require.NoError(t, err, "a companion file in the directory")
	for _, suffix := range []string{"-shm", "-journal"} {
		link := filepath.Join(dir, "s.db"+suffix)
		require.NoError(t, os.Symlink(filepath.Join(outside, "x"+suffix), link))
		_, err = o.Resolve(def)
		assert.EqualError(t, err, `sqlite: cannot open "s.db": it leads out of the report's file system (a symbolic link)`, suffix)
		require.NoError(t, os.Remove(link))
	}
}
