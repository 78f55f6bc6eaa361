package drivertest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// The cross-process checks: every participant — goroutines on two Cache
// values with clients of their own, and the same again in a child process
// — runs rounds of work on shared keys. The server must make the lock
// exclusive, count every increment and admit exactly atomicRateLimit calls.
const (
	workersPerCache = 4
	atomicRounds    = 40
	atomicRateLimit = 100
	// atomicRateWindow is long so that the test never straddles a window
	// boundary, which would split the count.
	atomicRateWindow = 10000 * time.Hour
	// atomicWait bounds how long either process waits for the other to
	// reach the starting line.
	atomicWait = time.Minute
)

// AtomicConfig describes a driver to RunAtomic and AtomicChild.
type AtomicConfig struct {
	// Namespace prefixes every key the check uses; the parent passes it to
	// the child through EnvVar. AtomicChild ignores it.
	Namespace string
	// ChildTest is the name of the test in the driver's test binary that
	// calls AtomicChild.
	ChildTest string
	// EnvVar is the environment variable that carries Namespace to the
	// child; it must be the same in RunAtomic and AtomicChild.
	EnvVar string
	// NewCache returns a Cache on the server under test whose store has a
	// client of its own, so that the participants contend through the
	// server rather than through one connection pool. Every Cache it
	// returns for a namespace must see the same keys.
	NewCache func(t testing.TB, ns string) *cache.Cache
}

// atomicResult is what one participant saw.
type atomicResult struct{ locks, allowed int }

// RunAtomic runs the cross-process atomicity check: it starts cfg.ChildTest
// in a child process, releases both processes together through keys on the
// server, has each hammer a counter, a rate limit and a lock from several
// Caches at once, and then requires that the counter holds every
// increment, the rate limit admitted exactly its limit across both
// processes, and no two holders were ever inside the lock together.
// It skips in the child process. Removing the keys afterwards is the
// caller's business.
func RunAtomic(t *testing.T, cfg AtomicConfig) {
	t.Helper()
	if IsChild() {
		t.Skip("parent only")
	}
	ns := cfg.Namespace
	c := cfg.NewCache(t, ns)
	child := StartChild(t, cfg.ChildTest, 2*time.Minute, cfg.EnvVar+"="+ns)
	// Start together: wait until the child is ready, then release both.
	deadline := time.Now().Add(atomicWait)
	for !exists(c, ns+":ready") {
		if time.Now().After(deadline) {
			out, _ := child.Wait()
			t.Fatalf("child never became ready:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.SetString(ns+":go", "1", atomicWait); err != nil {
		t.Fatal(err)
	}
	mine, err := participate(t, cfg, ns)
	if err != nil {
		t.Fatal(err)
	}
	out, err := child.Wait()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var theirs atomicResult
	if i := strings.Index(out, "RESULT "); i < 0 {
		t.Fatalf("child reported nothing:\n%s", out)
	} else if _, err := fmt.Sscanf(out[i:], "RESULT %d %d", &theirs.locks, &theirs.allowed); err != nil {
		t.Fatalf("child's report: %v\n%s", err, out)
	}
	const participants = 2 * 2 * workersPerCache
	if got, _, err := c.GetString(ns + ":count"); err != nil || got != strconv.Itoa(participants*atomicRounds) {
		t.Errorf("count = %q, %v; want %d", got, err, participants*atomicRounds)
	}
	if got := mine.allowed + theirs.allowed; got != atomicRateLimit {
		t.Errorf("rate limit admitted %d (%d here, %d in the child), want exactly %d", got, mine.allowed, theirs.allowed, atomicRateLimit)
	}
	if mine.locks+theirs.locks == 0 {
		t.Error("nobody ever took the lock")
	}
	t.Logf("locks taken: %d here, %d in the child; admitted %d here, %d in the child", mine.locks, theirs.locks, mine.allowed, theirs.allowed)
}

// AtomicChild is the child's half of RunAtomic, to be called by the test
// named cfg.ChildTest. It skips unless this process is RunAtomic's child.
func AtomicChild(t *testing.T, cfg AtomicConfig) {
	t.Helper()
	if !IsChild() {
		t.Skip("run by RunAtomic in a child process")
	}
	ns := os.Getenv(cfg.EnvVar)
	c := cfg.NewCache(t, ns)
	if err := c.SetString(ns+":ready", "1", atomicWait); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(atomicWait)
	for !exists(c, ns+":go") {
		if time.Now().After(deadline) {
			t.Fatal("parent never said go")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r, err := participate(t, cfg, ns)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RESULT %d %d\n", r.locks, r.allowed)
}

// exists reports whether c holds key; an error reads as absent, so that
// the caller keeps waiting until its own deadline.
func exists(c *cache.Cache, key string) bool {
	_, found, err := c.GetBytes(key)
	return err == nil && found
}

// participate runs one process's share of the work: two Caches, each with
// its own client, workersPerCache goroutines on each.
func participate(t testing.TB, cfg AtomicConfig, ns string) (atomicResult, error) {
	var (
		mu    sync.Mutex
		total atomicResult
		first error
		wg    sync.WaitGroup
	)
	for range 2 {
		c := cfg.NewCache(t, ns)
		for range workersPerCache {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := work(c, ns)
				mu.Lock()
				defer mu.Unlock()
				total.locks += r.locks
				total.allowed += r.allowed
				if err != nil && first == nil {
					first = err
				}
			}()
		}
	}
	wg.Wait()
	return total, first
}

// work is one goroutine's rounds.
func work(c *cache.Cache, ns string) (atomicResult, error) {
	var r atomicResult
	for range atomicRounds {
		if _, err := c.Increment(ns+":count", 1, time.Hour); err != nil {
			return r, fmt.Errorf("increment: %w", err)
		}
		st, err := c.RateLimit(ns+":rate", atomicRateLimit, atomicRateWindow)
		if err != nil {
			return r, fmt.Errorf("rate limit: %w", err)
		}
		if st.Allowed {
			r.allowed++
		}
		ok, err := c.TryLock(ns+":lock", time.Minute)
		if err != nil {
			return r, fmt.Errorf("try lock: %w", err)
		}
		if !ok {
			continue
		}
		r.locks++
		// Inside the lock nobody else may be: the server counts who is.
		if n, err := c.Increment(ns+":inside", 1, time.Hour); err != nil || n != 1 {
			return r, fmt.Errorf("%d holders inside the lock (err %v)", n, err)
		}
		if _, err := c.Decrement(ns+":inside", 1, time.Hour); err != nil {
			return r, fmt.Errorf("decrement: %w", err)
		}
		if err := c.Unlock(ns + ":lock"); err != nil {
			return r, fmt.Errorf("unlock: %w", err)
		}
	}
	return r, nil
}
