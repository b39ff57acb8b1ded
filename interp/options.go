package interp

import (
	"io/fs"
)

// DefaultMaxScriptSize is the longest script Compile accepts, in bytes,
// when Options.MaxScriptSize is 0: 1 MiB, some thirty thousand lines.
const DefaultMaxScriptSize = 1 << 20

// Options configure Compile. The zero value is valid: paths resolve against
// the working directory and every default applies.
type Options struct {
	// FS, if set, is the only file system the script's sources may read.
	// Paths in the script are relative to its root and may not escape it
	// ("..", absolute paths). Whether a symbolic link in it is followed out
	// is up to FS: for a directory use a [Dir] ([OpenDir]), which refuses
	// such links, not os.DirFS, which follows them. SQLite files are opened
	// in place in a Dir, or at Dir/path when Dir is also set (Dir is then
	// the directory FS shows), in both cases once their links are resolved
	// and found to stay in the directory; otherwise they are copied to a
	// temporary file.
	FS fs.FS
	// Dir is the directory relative paths start from when FS is nil; the
	// CLI sets it to the script's directory. Empty means the working
	// directory.
	Dir string
	// MaxGroups overrides the per-level group limit for every level
	// (default: the script's max_groups, else 10,000).
	MaxGroups int
	// MaxScriptSize limits the length in bytes of the script (0: the
	// default, [DefaultMaxScriptSize]; negative: no limit); a longer one
	// makes Compile return a *LimitError before parsing it. Checking takes
	// time in proportion to the script's length: this bounds the time a
	// script from an untrusted source may take to compile.
	MaxScriptSize int
	// MaxExprSize limits the length in bytes of every expression in the
	// script (0: no limit); a longer one makes Compile return a *LimitError.
	MaxExprSize int
	// MaxValueBytes bounds the size of one value that an operator, a
	// function or a template builds while a report runs: a string's bytes
	// (+, concat, replace, pad_left, …), the digits of a decimal. A value
	// that would be larger is not built: the run fails with an
	// *EvalError (positioned; under on_error skip the record is skipped)
	// whose cause is a *value.SizeError. 0 means value.DefaultMaxBytes
	// (64 MiB, the longest record the CSV and JSON lines readers accept);
	// a negative value means no bound.
	MaxValueBytes int64
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
