package dynamocache

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// The cross-process checks: every participant — goroutines on two Cache
// values with clients of their own, and the same again in a child process
// — runs rounds of work on shared keys. The server must make the lock
// exclusive, count every increment and admit exactly rateLimit calls.
const (
	workersPerCache = 4
	rounds          = 40
	rateLimit       = 100
	// rateWindow is long so that the test never straddles a window
	// boundary, which would split the count.
	rateWindow = 10000 * time.Hour
)

// result is what one participant saw.
type result struct{ locks, allowed int }

// participate runs one process's share of the work: two Caches, each with
// its own client, workersPerCache goroutines on each.
func participate(t testing.TB, ns string) (result, error) {
	endpoint := serverEndpoint(t)
	var (
		mu    sync.Mutex
		total result
		first error
		wg    sync.WaitGroup
	)
	for range 2 {
		c := cache.NewCache(newTestStore(t, testClient(t, endpoint), ns))
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
func work(c *cache.Cache, ns string) (result, error) {
	var r result
	for range rounds {
		if _, err := c.Increment(ns+":"+"count", 1, time.Hour); err != nil {
			return r, fmt.Errorf("Increment: %w", err)
		}
		st, err := c.RateLimit(ns+":"+"rate", rateLimit, rateWindow)
		if err != nil {
			return r, fmt.Errorf("RateLimit: %w", err)
		}
		if st.Allowed {
			r.allowed++
		}
		ok, err := c.TryLock(ns+":"+"lock", time.Minute)
		if err != nil {
			return r, fmt.Errorf("TryLock: %w", err)
		}
		if !ok {
			continue
		}
		r.locks++
		// Inside the lock nobody else may be: the server counts who is.
		if n, err := c.Increment(ns+":"+"inside", 1, time.Hour); err != nil || n != 1 {
			return r, fmt.Errorf("%d holders inside the lock (err %v)", n, err)
		}
		if _, err := c.Decrement(ns+":"+"inside", 1, time.Hour); err != nil {
			return r, fmt.Errorf("Decrement: %w", err)
		}
		if err := c.Unlock(ns + ":" + "lock"); err != nil {
			return r, fmt.Errorf("Unlock: %w", err)
		}
	}
	return r, nil
}

// TestAtomicAcrossProcesses runs participate here and in a child process
// at the same time, released together through a key on the server.
func TestAtomicAcrossProcesses(t *testing.T) {
	if drivertest.IsChild() {
		t.Skip("parent only")
	}
	ns := namespace(t)
	client := testClient(t, serverEndpoint(t))
	raw := newStore(client, testTable)
	ctx := context.Background()
	t.Cleanup(func() { raw.FlushPrefix(context.Background(), ns) })
	child := drivertest.StartChild(t, "TestAtomicChild", 2*time.Minute, "DDC_NS="+ns)
	// Start together: wait until the child is ready, then release both.
	deadline := time.Now().Add(time.Minute)
	for !exists(ctx, raw, ns+":ready") {
		if time.Now().After(deadline) {
			out, _ := child.Wait()
			t.Fatalf("child never became ready:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := raw.Set(ctx, ns+":go", []byte("1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	mine, err := participate(t, ns)
	if err != nil {
		t.Fatal(err)
	}
	out, err := child.Wait()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var theirs result
	if i := strings.Index(out, "RESULT "); i < 0 {
		t.Fatalf("child reported nothing:\n%s", out)
	} else if _, err := fmt.Sscanf(out[i:], "RESULT %d %d", &theirs.locks, &theirs.allowed); err != nil {
		t.Fatalf("child's report: %v\n%s", err, out)
	}
	c := cache.NewCache(newTestStore(t, client, ns))
	const participants = 2 * 2 * workersPerCache
	if got, _, err := c.GetString(ns + ":" + "count"); err != nil || got != strconv.Itoa(participants*rounds) {
		t.Errorf("count = %q, %v; want %d", got, err, participants*rounds)
	}
	if got := mine.allowed + theirs.allowed; got != rateLimit {
		t.Errorf("rate limit admitted %d (%d here, %d in the child), want exactly %d", got, mine.allowed, theirs.allowed, rateLimit)
	}
	if mine.locks+theirs.locks == 0 {
		t.Error("nobody ever took the lock")
	}
	t.Logf("locks taken: %d here, %d in the child; admitted %d here, %d in the child", mine.locks, theirs.locks, mine.allowed, theirs.allowed)
}

// TestAtomicChild is the child's half of TestAtomicAcrossProcesses.
func TestAtomicChild(t *testing.T) {
	if !drivertest.IsChild() {
		t.Skip("run by TestAtomicAcrossProcesses in a child process")
	}
	ns := os.Getenv("DDC_NS")
	raw := newStore(testClient(t, serverEndpoint(t)), testTable)
	ctx := context.Background()
	if err := raw.Set(ctx, ns+":ready", []byte("1"), time.Minute); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for !exists(ctx, raw, ns+":go") {
		if time.Now().After(deadline) {
			t.Fatal("parent never said go")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r, err := participate(t, ns)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("RESULT %d %d\n", r.locks, r.allowed)
}

// exists reports whether key is in the table; errors count as not yet.
func exists(ctx context.Context, s *store, key string) bool {
	_, found, err := s.Get(ctx, key)
	return err == nil && found
}
