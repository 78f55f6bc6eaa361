package cache_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// fileCounterChildDir names the environment variable that turns a run of
// TestFileStoreIncrementsAcrossProcesses into the child process, which
// increments the counter in the directory it names.
const fileCounterChildDir = "CACHE_TEST_FILE_COUNTER_DIR"

// skipWithoutFileLocks skips tests of locking across stores where the
// operating system offers no flock; see NewFileStoreWithConfig.
func skipWithoutFileLocks(t *testing.T) {
	switch runtime.GOOS {
	case "windows", "aix", "solaris", "plan9", "js", "wasip1":
		t.Skipf("file stores on %s lock only within a store", runtime.GOOS)
	}
}

// incrementFileCounter adds 1 to key "n" in s n times.
func incrementFileCounter(ctx context.Context, s interface {
	Increment(context.Context, string, int64, time.Duration) (int64, error)
}, n int) error {
	for range n {
		if _, err := s.Increment(ctx, "n", 1, time.Hour); err != nil {
			return err
		}
	}
	return nil
}

func readFileCounter(t *testing.T, dir string) int {
	t.Helper()
	v, found, err := cache.NewFileStore(t.Context(), dir).Get(t.Context(), "n")
	if err != nil || !found {
		t.Fatalf("reading the counter: %q, %v, %v", v, found, err)
	}
	n, err := strconv.Atoi(string(v))
	must(t, err)
	return n
}

// TestFileStoresOnOneDirectoryCountExactly increments one counter through
// two store values on one directory from several goroutines each. The
// stores used to lock only against themselves, so concurrent increments
// through the other store were lost (57 of 128).
func TestFileStoresOnOneDirectoryCountExactly(t *testing.T) {
	skipWithoutFileLocks(t)
	ctx := t.Context()
	dir := t.TempDir()
	stores := []interface {
		Increment(context.Context, string, int64, time.Duration) (int64, error)
	}{cache.NewFileStore(ctx, dir), cache.NewFileStore(ctx, dir)}
	const perGoroutine, goroutinesPerStore = 16, 4
	var wg sync.WaitGroup
	errs := make(chan error, len(stores)*goroutinesPerStore)
	for _, s := range stores {
		for range goroutinesPerStore {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- incrementFileCounter(ctx, s, perGoroutine)
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	want := len(stores) * goroutinesPerStore * perGoroutine
	if got := readFileCounter(t, dir); got != want {
		t.Fatalf("counter = %d after %d increments: %d lost", got, want, want-got)
	}
}

// TestFileStoreIncrementsAcrossProcesses increments one counter from this
// process and from a child process (this test binary run again) on one
// directory at the same time. Without a lock that processes share, their
// read-modify-write increments overwrite each other (83 of 200 were lost).
func TestFileStoreIncrementsAcrossProcesses(t *testing.T) {
	const n = 100
	if dir := os.Getenv(fileCounterChildDir); dir != "" {
		s := cache.NewFileStore(t.Context(), dir)
		must(t, os.WriteFile(filepath.Join(dir, "child-ready"), nil, 0o600))
		must(t, incrementFileCounter(t.Context(), s, n))
		return
	}
	skipWithoutFileLocks(t)
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileStoreIncrementsAcrossProcesses$", "-test.count=1")
	cmd.Env = append(os.Environ(), fileCounterChildDir+"="+dir)
	out := new(syncBuffer)
	cmd.Stdout, cmd.Stderr = out, out
	must(t, cmd.Start())
	// Start counting once the child is about to, so that the two overlap.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "child-ready")); err == nil {
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("child did not start within 30s; output:\n%s", out)
		}
		time.Sleep(time.Millisecond)
	}
	parentErr := incrementFileCounter(t.Context(), cache.NewFileStore(t.Context(), dir), n)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v; output:\n%s", err, out)
	}
	must(t, parentErr)
	if got := readFileCounter(t, dir); got != 2*n {
		t.Fatalf("counter = %d after %d increments from two processes: %d lost", got, 2*n, 2*n-got)
	}
}

// syncBuffer collects a child's output written from two pipes.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
