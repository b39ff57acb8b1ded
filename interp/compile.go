package interp

import (
	"context"

	"github.com/reportsh/reportsh/interp/internal/check"
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/plan"
)

// Compile parses and checks a report script. name is used in positions
// (usually the file name); relative paths in the script are resolved against
// opts.FS or opts.Dir. Errors are an [ErrorList] of positioned errors
// (several at once where they are independent). A nil opts is valid.
//
// Compile opens the sources to learn their fields (a CSV file's header and
// first records, a SQLite table's columns and indexes); ctx bounds that.
func Compile(ctx context.Context, name string, src []byte, opts *Options) (*Program, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	in := &input.Opener{FS: o.FS, Dir: o.Dir, Sources: goSources(o.Sources), Reuse: o.ReuseSource,
		MaxRecordBytes: o.MaxRecordBytes}
	if d, ok := o.FS.(*Dir); ok {
		in.Dir = d.Name() // SQLite databases are opened in place
	}
	maxScript := o.MaxScriptSize
	switch {
	case maxScript == 0:
		maxScript = DefaultMaxScriptSize
	case maxScript < 0:
		maxScript = 0
	}
	m, err := check.Compile(ctx, name, src, check.Config{MaxGroups: o.MaxGroups, MaxScriptSize: maxScript,
		MaxExprSize: o.MaxExprSize, Functions: o.Functions, Sources: sourceNames(o.Sources), MaxValueBytes: o.MaxValueBytes}, in)
	if err != nil {
		return nil, err
	}
	return &Program{m: m, tune: plan.DefaultTuning(), in: in}, nil
}
