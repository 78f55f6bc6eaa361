package cache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

func TestTryLockExcludesAndUnlockReleases(t *testing.T) {
	c := newCache(t)
	if ok, err := c.TryLock("job", time.Minute); err != nil || !ok {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	if ok, _ := c.TryLock("job", time.Minute); ok {
		t.Fatal("second TryLock succeeded while held")
	}
	must(t, c.Unlock("job"))
	// As in goforj/cache, unlocking a lock no one holds succeeds.
	if err := c.Unlock("job"); err != nil {
		t.Fatalf("second Unlock = %v, want nil", err)
	}
	if ok, _ := c.TryLock("job", time.Minute); !ok {
		t.Fatal("TryLock after Unlock failed")
	}
}

func TestUnlockDoesNotReleaseAnotherOwnersLock(t *testing.T) {
	c := newCache(t)
	other := cache.NewCache(c.Store()) // another process sharing the store
	const lease = 30 * time.Millisecond
	if ok, _ := c.TryLock("job", lease); !ok {
		t.Fatal("TryLock failed")
	}
	time.Sleep(2 * lease)
	if ok, _ := other.TryLock("job", time.Minute); !ok {
		t.Fatal("other owner could not take the expired lock")
	}
	if err := c.Unlock("job"); !errors.Is(err, cache.ErrLockNotHeld) {
		t.Fatalf("stale Unlock = %v, want ErrLockNotHeld", err)
	}
	if ok, _ := c.TryLock("job", time.Minute); ok {
		t.Fatal("stale Unlock released the new owner's lock")
	}
	must(t, other.Unlock("job"))
}

func TestLockHandleOwnership(t *testing.T) {
	c := newCache(t)
	const lease = 30 * time.Millisecond
	a := c.NewLockHandle("job", lease)
	b := c.NewLockHandle("job", time.Minute)
	if ok, err := a.Acquire(); err != nil || !ok {
		t.Fatalf("a.Acquire = %v, %v", ok, err)
	}
	if ok, _ := b.Acquire(); ok {
		t.Fatal("b acquired a held lock")
	}
	must(t, b.Release()) // b holds nothing: a no-op
	if ok, _ := b.Acquire(); ok {
		t.Fatal("b.Release released a's lock")
	}
	time.Sleep(2 * lease)
	if ok, _ := b.Acquire(); !ok {
		t.Fatal("b could not take the expired lock")
	}
	if err := a.Release(); !errors.Is(err, cache.ErrLockNotHeld) {
		t.Fatalf("a.Release after expiry = %v, want ErrLockNotHeld", err)
	}
	must(t, a.Release()) // now a no-op
	if ok, _ := c.NewLockHandle("job", time.Minute).Acquire(); ok {
		t.Fatal("a's stale release freed b's lock")
	}
	must(t, b.Release())
	must(t, b.Release())
}

func TestLockHandleReleaseOfExpiredUntakenLock(t *testing.T) {
	c := newCache(t)
	h := c.NewLockHandle("job", 20*time.Millisecond)
	if ok, _ := h.Acquire(); !ok {
		t.Fatal("Acquire failed")
	}
	time.Sleep(40 * time.Millisecond)
	must(t, h.Release())
}

func TestLockHandleGetAndBlockRunFnExclusively(t *testing.T) {
	c := newCache(t)
	var inside, peak, runs atomic.Int32
	work := func() error {
		n := inside.Add(1)
		defer inside.Add(-1)
		if n > peak.Load() {
			peak.Store(n)
		}
		runs.Add(1)
		time.Sleep(2 * time.Millisecond)
		return nil
	}
	const workers = 8
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := c.NewLockHandle("job", time.Minute)
			ok, err := h.Block(2*time.Second, time.Millisecond, work)
			if err != nil || !ok {
				t.Errorf("Block = %v, %v", ok, err)
			}
		}()
	}
	wg.Wait()
	if peak.Load() != 1 || runs.Load() != workers {
		t.Fatalf("%d runs, %d at once; want %d runs, one at a time", runs.Load(), peak.Load(), workers)
	}

	boom := errors.New("boom")
	h := c.NewLockHandle("job", time.Minute)
	if ok, err := h.Get(func() error { return boom }); !ok || !errors.Is(err, boom) {
		t.Fatalf("Get = %v, %v; want ran with fn's error", ok, err)
	}
	if ok, _ := h.Acquire(); !ok {
		t.Fatal("Get did not release after fn failed")
	}
	ran := false
	if ok, err := c.NewLockHandle("job", time.Minute).Get(func() error { ran = true; return nil }); ok || err != nil || ran {
		t.Fatalf("Get on held lock = %v, %v, ran %v", ok, err, ran)
	}
}

func TestLockTimesOutAndHonoursContext(t *testing.T) {
	c := newCache(t)
	if ok, _ := c.TryLock("job", time.Minute); !ok {
		t.Fatal("TryLock failed")
	}
	start := time.Now()
	ok, err := c.Lock("job", time.Minute, 30*time.Millisecond)
	if ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock on held key = %v, %v; want false, context.DeadlineExceeded", ok, err)
	}
	if d := time.Since(start); d < 30*time.Millisecond || d > time.Second {
		t.Fatalf("Lock returned after %v, want about the 30ms timeout", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.WithContext(ctx).Lock("job", time.Minute, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock with expiring context = %v", err)
	}
	// The wait ends as soon as the holder lets go.
	go func() {
		time.Sleep(20 * time.Millisecond)
		_ = c.Unlock("job")
	}()
	if ok, err := c.NewLockHandle("job", time.Minute).Block(time.Second, 5*time.Millisecond, func() error { return nil }); !ok || err != nil {
		t.Fatalf("Block after unlock = %v, %v", ok, err)
	}
}

func TestLockRejectsNonPositiveTTL(t *testing.T) {
	c := newCache(t)
	if _, err := c.TryLock("job", 0); !errors.Is(err, cache.ErrInvalidTTL) {
		t.Fatalf("TryLock(ttl 0) = %v, want ErrInvalidTTL", err)
	}
	if _, err := c.NewLockHandle("job", -1).Acquire(); !errors.Is(err, cache.ErrInvalidTTL) {
		t.Fatalf("Acquire(ttl -1) = %v, want ErrInvalidTTL", err)
	}
}

func TestLockOnNullStore(t *testing.T) {
	c := cache.NewCache(cache.NewNullStore(context.Background()))
	ok, err := c.NewLockHandle("job", time.Minute).Get(func() error { return nil })
	if !ok || err != nil {
		t.Fatalf("Get on null store = %v, %v; want the work to run", ok, err)
	}
}

func TestLockHandleWithContextSharesOwnership(t *testing.T) {
	c := newCache(t)
	h := c.NewLockHandle("job", time.Minute)
	if ok, _ := h.Acquire(); !ok {
		t.Fatal("Acquire failed")
	}
	must(t, h.WithContext(context.Background()).Release())
	if ok, _ := c.TryLock("job", time.Minute); !ok {
		t.Fatal("release through WithContext copy did not free the lock")
	}
}

// TestUnlockKeepsTokenWhenStoreCallFails checks that a release whose store
// call fails, here on a cancelled context, leaves the token with the
// Cache or handle so that a retry releases the lock, for Cache.Unlock and
// LockHandle.Release alike.
func TestUnlockKeepsTokenWhenStoreCallFails(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		acquire func(c *cache.Cache) (release func(ctx context.Context) error)
	}{
		{"Cache.Unlock", func(c *cache.Cache) func(context.Context) error {
			if ok, err := c.TryLock("job", time.Minute); !ok || err != nil {
				t.Fatalf("TryLock = %v, %v", ok, err)
			}
			return func(ctx context.Context) error { return c.WithContext(ctx).Unlock("job") }
		}},
		{"LockHandle.Release", func(c *cache.Cache) func(context.Context) error {
			h := c.NewLockHandle("job", time.Minute)
			if ok, err := h.Acquire(); !ok || err != nil {
				t.Fatalf("Acquire = %v, %v", ok, err)
			}
			return func(ctx context.Context) error { return h.WithContext(ctx).Release() }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(t)
			release := tc.acquire(c)
			if err := release(cancelled); !errors.Is(err, context.Canceled) {
				t.Fatalf("release on a cancelled context = %v, want context.Canceled", err)
			}
			if err := release(context.Background()); err != nil {
				t.Fatalf("retried release = %v, want nil", err)
			}
			other := cache.NewCache(c.Store())
			if ok, _ := other.TryLock("job", time.Minute); !ok {
				t.Fatal("the retried release left the lock held")
			}
		})
	}
}
