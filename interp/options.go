package interp

import (
	"io/fs"
)

// Options configure Compile. The zero value is valid: paths resolve against
// the working directory and every default applies.
type Options struct {
	// FS, if set, is the only file system the script's sources may read.
	// Paths in the script are relative to its root and may not escape it
	// ("..", absolute paths). SQLite files are copied to a temporary file
	// unless Dir is also set, in which case they are opened at Dir/path (set
	// both when FS is os.DirFS(Dir)).
	FS fs.FS
	// Dir is the directory relative paths start from when FS is nil; the
	// CLI sets it to the script's directory. Empty means the working
	// directory.
	Dir string
	// MaxGroups overrides the per-level group limit for every level
	// (default: the script's max_groups, else 10,000).
	MaxGroups int
	// MaxExprSize limits the length in bytes of every expression in the
	// script (0: no limit); a longer one makes Compile return a *LimitError.
	MaxExprSize int
	// Functions are functions scripts can call, by name; they shadow
	// built-ins of the same name. A value is either a typed Go function,
	// whose parameters and result are types the language knows (string,
	// bool, int, int64, float64, value.Decimal, value.Date, time.Time or
	// any; optionally returning an error as well), checked at compile time
	// against each call; or, for a function that checks its own arguments,
	// a *stdlib.Func with its Check and Call (Name must be the key). A nil
	// argument to a typed parameter makes the result nil without calling
	// the function, as for the built-ins. They are called from the
	// goroutines of concurrent runs: they must be safe for concurrent use.
	Functions map[string]any
	// Sources are record sources implemented in Go, used in scripts as
	// source go("name") and lookup x = go("name") on … (see [Source]).
	Sources map[string]Source
	// ReuseSource keeps the CSV file Compile opens to describe the main
	// source for the Program's first run, which then does not open and
	// sample it again (the first row of a streaming report comes sooner).
	// The file stays open until that run, or until the Program is garbage
	// collected; set it when the Program is run right after it is compiled,
	// as the CLI does.
	ReuseSource bool
	// MaxRecordBytes bounds one record of a CSV or JSON lines source or
	// lookup: a line, or a CSV record whose quoted fields hold newlines
	// (its terminator included), and a CSV header. A longer record is a
	// data error naming the file and line (skipped under on_error skip),
	// and no more than this of it is read into memory; a longer header
	// makes Compile fail. Zero means source.DefaultMaxRecordBytes (64 MiB).
	MaxRecordBytes int
}
