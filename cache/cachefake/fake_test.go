package cachefake_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachefake"
)

func TestCountsEachStoreOperation(t *testing.T) {
	f := cachefake.New()
	c := f.Cache()
	if c != f.Cache() {
		t.Fatal("Cache returned a different Cache on the second call")
	}
	if c.Driver() != cachecore.DriverMemory {
		t.Fatalf("Driver = %q, want memory", c.Driver())
	}
	if err := c.Ready(); err != nil {
		t.Fatal(err)
	}
	mustOK(t, c.SetString("user:1", "ada", time.Minute))
	if v, ok, err := c.GetString("user:1"); err != nil || !ok || v != "ada" {
		t.Fatalf("GetString = %q, %v, %v; the fake must store what it is given", v, ok, err)
	}
	_, _, _ = c.GetString("user:1")
	_, _ = c.Add("once", []byte("x"), time.Minute)
	_, _ = c.Increment("hits", 2, time.Minute)
	_, _ = c.Decrement("hits", 1, time.Minute)
	mustOK(t, c.Delete("user:1"))
	mustOK(t, c.DeleteMany("a", "b", "a"))
	mustOK(t, c.Flush())

	for _, tc := range []struct {
		op   cachefake.Op
		key  string
		want int
	}{
		{cachefake.OpSet, "user:1", 1},
		{cachefake.OpGet, "user:1", 2},
		{cachefake.OpAdd, "once", 1},
		{cachefake.OpInc, "hits", 1},
		{cachefake.OpDec, "hits", 1},
		{cachefake.OpDelete, "user:1", 1},
		{cachefake.OpDeleteMany, "a", 2},
		{cachefake.OpDeleteMany, "b", 1},
		{cachefake.OpFlush, "", 1},
		{cachefake.OpGet, "never", 0},
	} {
		if got := f.Count(tc.op, tc.key); got != tc.want {
			t.Errorf("Count(%s, %q) = %d, want %d", tc.op, tc.key, got, tc.want)
		}
		f.AssertCalled(t, tc.op, tc.key, tc.want)
	}
	f.AssertTotal(t, cachefake.OpDeleteMany, 3)
	f.AssertTotal(t, cachefake.OpGet, 2)
	f.AssertNotCalled(t, cachefake.OpSet, "user:2")
	if got := f.Total(cachefake.OpSet); got != 1 {
		t.Errorf("Total(OpSet) = %d, want 1", got)
	}
}

func TestResetForgetsCountsNotEntries(t *testing.T) {
	f := cachefake.New()
	mustOK(t, f.Cache().SetString("k", "v", time.Minute))
	f.Reset()
	f.AssertTotal(t, cachefake.OpSet, 0)
	if v, ok, err := f.Cache().GetString("k"); err != nil || !ok || v != "v" {
		t.Fatalf("GetString after Reset = %q, %v, %v; want the entry kept", v, ok, err)
	}
	f.AssertCalled(t, cachefake.OpGet, "k", 1)
}

// TestPullAndLocksCountTheirStoreCalls: Pull and lock release delete
// conditionally; the fake counts that as the delete it is.
func TestPullAndLocksCountTheirStoreCalls(t *testing.T) {
	f := cachefake.New()
	c := f.Cache()
	mustOK(t, c.SetString("job", "payload", time.Minute))
	if v, ok, err := c.PullBytes("job"); err != nil || !ok || string(v) != "payload" {
		t.Fatalf("PullBytes = %q, %v, %v", v, ok, err)
	}
	f.AssertCalled(t, cachefake.OpGet, "job", 1)
	f.AssertCalled(t, cachefake.OpDelete, "job", 1)

	f.Reset()
	if ok, err := c.TryLock("report", time.Minute); err != nil || !ok {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	mustOK(t, c.Unlock("report"))
	f.AssertTotal(t, cachefake.OpAdd, 1)
	f.AssertTotal(t, cachefake.OpDelete, 1)
}

func TestListingIsAvailableAndUncounted(t *testing.T) {
	f := cachefake.New()
	mustOK(t, f.Cache().SetString("user:1", "ada", time.Minute))
	page, err := cache.ListPage(context.Background(), f.Cache(), cachecore.ListPageOptions{Query: "user"})
	if err != nil || len(page.Entries) != 1 {
		t.Fatalf("ListPage = %+v, %v; want the one entry", page, err)
	}
	for _, op := range []cachefake.Op{cachefake.OpGet, cachefake.OpDelete, cachefake.OpFlush} {
		f.AssertTotal(t, op, 0)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := cachefake.New()
	const workers, each = 8, 50
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_ = f.Cache().SetString(fmt.Sprintf("w%d", w), "v", time.Minute)
				_ = f.Count(cachefake.OpSet, "w0")
				if i == each/2 && w == 0 {
					_ = f.Total(cachefake.OpSet)
				}
			}
		}()
	}
	wg.Wait()
	f.AssertTotal(t, cachefake.OpSet, workers*each)
	f.AssertCalled(t, cachefake.OpSet, "w3", each)
}

const helperEnv = "CACHEFAKE_HELPER"

// TestAssertionsFailTheTest runs each assertion in a child process where
// it must fail the test.
func TestAssertionsFailTheTest(t *testing.T) {
	for _, name := range []string{"TestHelperAssertCalled", "TestHelperAssertNotCalled", "TestHelperAssertTotal"} {
		cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"=1")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Errorf("%s: %v, want the assertion to fail the test\n%s", name, err, out)
		}
	}
}

func helper(t *testing.T) *cachefake.Fake {
	if os.Getenv(helperEnv) == "" {
		t.Skip("helper process only")
	}
	f := cachefake.New()
	mustOK(t, f.Cache().SetString("k", "v", time.Minute))
	return f
}

func TestHelperAssertCalled(t *testing.T)    { helper(t).AssertCalled(t, cachefake.OpSet, "k", 2) }
func TestHelperAssertNotCalled(t *testing.T) { helper(t).AssertNotCalled(t, cachefake.OpSet, "k") }
func TestHelperAssertTotal(t *testing.T)     { helper(t).AssertTotal(t, cachefake.OpSet, 0) }

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func Example() {
	f := cachefake.New()
	c := f.Cache() // hand this to the code under test

	_ = c.SetString("settings:mode", "dark", time.Minute)
	_, _, _ = c.GetString("settings:mode")
	_, _, _ = c.GetString("settings:mode")

	fmt.Println(f.Count(cachefake.OpSet, "settings:mode"), f.Total(cachefake.OpGet))
	// Output: 1 2
}
