package peerproc

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// startProfiles starts a CPU profile if ProfileDirEnv names a directory.
// The returned function stops it and writes the allocation profile; it
// is a no-op when no directory was named.
func startProfiles(impl string) (stop func() error, err error) {
	dir := os.Getenv(ProfileDirEnv)
	if dir == "" {
		return func() error { return nil }, nil
	}
	base := filepath.Join(dir, fmt.Sprintf("peer-%s-%d", impl, os.Getpid()))
	cpu, err := os.Create(base + ".cpu.prof")
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		cpu.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		errCPU := cpu.Close()
		mem, err := os.Create(base + ".mem.prof")
		if err != nil {
			return errors.Join(errCPU, err)
		}
		errWrite := pprof.Lookup("allocs").WriteTo(mem, 0)
		return errors.Join(errCPU, errWrite, mem.Close())
	}, nil
}
