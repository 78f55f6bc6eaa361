package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The workload of BenchmarkMemory.
const (
	memEntries   = 1_000_000
	memKeySize   = 32
	memValueSize = 64
)

// memChildTimeout bounds one measurement in a child process.
const memChildTimeout = 2 * time.Minute

// errUnknownRole is returned by a child asked for a role it does not know.
var errUnknownRole = errors.New("bench: unknown child role")

// BenchmarkMemory measures the memory a cache spends per entry beyond the
// entry's key and value: memEntries entries of memKeySize-byte keys and
// memValueSize-byte values, loaded with SetBytes so that every entry owns
// its value. Each measurement runs in a child process, for a clean heap
// and because golang/groupcache would never free the group. ns/op is the
// time of one whole measurement, child start included; allocations are
// the child's, per entry.
func BenchmarkMemory(b *testing.B) {
	for _, impl := range Impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			var overhead, allocs float64
			for range b.N {
				o, a, err := measureInChild(impl)
				if err != nil {
					b.Fatal(err)
				}
				overhead += o
				allocs += a
			}
			b.ReportMetric(overhead/float64(b.N), "overhead-B/entry")
			b.ReportMetric(allocs/float64(b.N), "allocs/entry")
		})
	}
}

// measureInChild runs memoryChild for impl in a new process of this test
// binary.
func measureInChild(impl Impl) (overhead, allocs float64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), memChildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=memory:"+impl.Name)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, fmt.Errorf("memory child for %s: %w", impl.Name, err)
	}
	if _, err := fmt.Sscanf(string(out), "overhead %g allocs %g", &overhead, &allocs); err != nil {
		return 0, 0, fmt.Errorf("memory child for %s said %q: %w", impl.Name, out, err)
	}
	return overhead, allocs, nil
}

// runChild runs the role named by childEnv in a child process, writing
// its result to standard output.
func runChild(role string) error {
	kind, name, _ := strings.Cut(role, ":")
	for _, impl := range Impls {
		if kind == "memory" && impl.Name == name {
			overhead, allocs, err := memoryChild(impl)
			if err != nil {
				return err
			}
			_, err = fmt.Printf("overhead %g allocs %g\n", overhead, allocs)
			return err
		}
	}
	return fmt.Errorf("%w: %q", errUnknownRole, role)
}

// memKey returns the memKeySize-byte key of entry i: its number, padded
// with zeros.
func memKey(i int) string {
	var buf [memKeySize]byte
	digits := strconv.AppendInt(make([]byte, 0, 20), int64(i), 10)
	n := copy(buf[memKeySize-len(digits):], digits)
	for j := range memKeySize - n {
		buf[j] = '0'
	}
	return string(buf[:])
}

// memoryChild fills a cache with memEntries entries and returns the live
// heap it added per entry beyond the entry's key and value, and the
// allocations per entry that filling it made, the key's own included.
func memoryChild(impl Impl) (overhead, allocs float64, err error) {
	src := NewSource(memValueSize, FillBytes)
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	g := impl.NewGroup(1<<30, src)
	for i := range memEntries {
		if _, err := g.GetView(ctx, memKey(i)); err != nil {
			return 0, 0, err
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := g.Items(); n != memEntries {
		return 0, 0, fmt.Errorf("%s's cache holds %d of %d entries", impl.Name, n, memEntries)
	}
	runtime.KeepAlive(g)
	perEntry := float64(after.HeapAlloc-before.HeapAlloc) / memEntries
	return perEntry - memKeySize - memValueSize, float64(after.Mallocs-before.Mallocs) / memEntries, nil
}
