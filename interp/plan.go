package interp

import (
	"github.com/reportsh/reportsh/interp/internal/exec"
	"github.com/reportsh/reportsh/interp/internal/input"
	"github.com/reportsh/reportsh/interp/internal/plan"
	"github.com/reportsh/reportsh/interp/internal/program"
)

// Program is a compiled report script, ready to run any number of times,
// concurrently.
type Program struct {
	m  *program.Program // the compiled script
	in *input.Opener    // opens the sources

	tune plan.Tuning // the executors' sizes (tests make them small)
	// faultIn, set by the tests, names a part of a run that panics as it
	// starts (see program.Guard).
	faultIn string
}

// runner returns the program's executors.
func (p *Program) runner() *exec.Runner {
	return exec.NewRunner(p.m, p.in, p.tune, p.faultIn)
}

// planner returns the program's planner.
func (p *Program) planner() *plan.Planner { return plan.NewPlanner(p.m, p.in, p.tune) }

// Title returns the report's title (its report statement, else the script's
// file name without extension).
func (p *Program) Title() string { return p.m.Title }

// ParamInfo describes one declared parameter.
type ParamInfo struct {
	Name string
	// Type is the declared type as scripts write it: int, decimal, date…
	Type string
	// Default is the default value; nil when the parameter is required.
	Default any
	// Required is set when the parameter has no default.
	Required bool
}

// Params returns the declared parameters in declaration order.
func (p *Program) Params() []ParamInfo {
	out := make([]ParamInfo, len(p.m.Params))
	for i, pd := range p.m.Params {
		out[i] = ParamInfo{Name: pd.Name, Type: pd.Kind.String(), Default: pd.Default, Required: !pd.HasDefault}
	}
	return out
}

// InputFile is a file a report reads.
type InputFile struct {
	// Use says what reads it: "source", or "lookup NAME".
	Use string
	// Path is the file as the script names it.
	Path string
	// HostPath is the file's path on the host, resolved against
	// Options.Dir; empty with Options.FS, whose files need not be the
	// host's.
	HostPath string
}

// Files returns the files the report reads: its source's, then its
// lookups'. Go sources are not files and are left out. The CLI uses it to
// refuse an output file that is one of them.
func (p *Program) Files() []InputFile {
	var out []InputFile
	add := func(use string, def *program.Source) {
		if def == nil || def.Kind == "go" {
			return
		}
		host, _ := p.in.HostPath(def)
		out = append(out, InputFile{Use: use, Path: def.Path, HostPath: host})
	}
	add("source", p.m.Source)
	for _, ld := range p.m.Lookups {
		add("lookup "+ld.Name, ld.Source)
	}
	return out
}
