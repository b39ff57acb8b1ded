package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profiler writes the CPU and heap profiles asked for with --cpuprofile
// and --memprofile (read them with `go tool pprof`), as goawk does.
type profiler struct {
	cpu     *os.File
	memPath string
}

// startProfiles starts CPU profiling when cpuPath is set; stop writes the
// heap profile when memPath is set.
func startProfiles(cpuPath, memPath string) (*profiler, error) {
	p := &profiler{memPath: memPath}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		p.cpu = f
	}
	return p, nil
}

func (p *profiler) stop() error {
	var first error
	if p.cpu != nil {
		pprof.StopCPUProfile()
		first = p.cpu.Close()
	}
	if p.memPath != "" {
		f, err := os.Create(p.memPath)
		if err != nil {
			return err
		}
		runtime.GC() // up-to-date statistics of live objects
		if err := pprof.WriteHeapProfile(f); err != nil {
			f.Close()
			return fmt.Errorf("heap profile: %w", err)
		}
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
