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

func TestRememberLoadsOnceAcrossConcurrentCallers(t *testing.T) {
	c := newCache(t)
	var calls atomic.Int32
	release := make(chan struct{})
	loader := func() ([]byte, error) {
		calls.Add(1)
		<-release
		return []byte("loaded"), nil
	}
	const callers = 32
	var wg sync.WaitGroup
	results := make(chan []byte, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.RememberBytes("k", time.Minute, loader)
			if err != nil {
				t.Error(err)
			}
			results <- v
		}()
	}
	// Let the callers pile up behind the first load before it finishes.
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	close(results)
	if n := calls.Load(); n != 1 {
		t.Fatalf("loader ran %d times, want 1", n)
	}
	var first []byte
	for v := range results {
		if string(v) != "loaded" {
			t.Fatalf("caller got %q", v)
		}
		if first != nil && &first[0] == &v[0] {
			t.Fatal("callers share one slice; each must own its result")
		}
		first = v
	}
	// A hit does not call the loader.
	if _, err := c.RememberBytes("k", time.Minute, loader); err != nil || calls.Load() != 1 {
		t.Fatalf("hit: err %v, loader calls %d", err, calls.Load())
	}
}

func TestRememberErrorsAreNotCached(t *testing.T) {
	c := newCache(t)
	boom := errors.New("boom")
	if _, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	v, err := cache.Remember(c, "k", time.Minute, func() (int, error) { return 7, nil })
	if err != nil || v != 7 {
		t.Fatalf("Remember after failure = %v, %v", v, err)
	}
	if v, ok, _ := cache.Get[int](c, "k"); !ok || v != 7 {
		t.Fatalf("stored %v, %v", v, ok)
	}
}

func TestRememberLoaderPanicBecomesError(t *testing.T) {
	c := newCache(t)
	_, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) { panic("bad loader") })
	if !errors.Is(err, cache.ErrLoaderPanicked) {
		t.Fatalf("err = %v, want ErrLoaderPanicked", err)
	}
}

func TestRememberReturnsStoreErrorWithValue(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := cache.NewCache(cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{
		BaseConfig: cacheConfig(4),
	}))
	v, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) { return []byte("too long"), nil })
	if !errors.Is(err, cache.ErrValueTooLarge) || string(v) != "too long" {
		t.Fatalf("RememberBytes = %q, %v; want the value and ErrValueTooLarge", v, err)
	}
}

func TestRememberWaiterHonoursItsContext(t *testing.T) {
	c := newCache(t)
	release := make(chan struct{})
	started := make(chan struct{})
	go func() {
		_, _ = c.RememberBytes("slow", time.Minute, func() ([]byte, error) {
			close(started)
			<-release
			return []byte("v"), nil
		})
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.WithContext(ctx).RememberBytes("slow", time.Minute, func() ([]byte, error) {
		t.Error("second loader ran")
		return nil, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter err = %v, want DeadlineExceeded", err)
	}
	close(release)
}

func TestRememberStaleFallsBack(t *testing.T) {
	c := newCache(t)
	const ttl = 30 * time.Millisecond
	v, stale, err := c.RememberStaleBytes("k", ttl, time.Minute, func() ([]byte, error) { return []byte("v1"), nil })
	if err != nil || stale || string(v) != "v1" {
		t.Fatalf("first = %q, %v, %v", v, stale, err)
	}
	time.Sleep(2 * ttl)
	boom := errors.New("upstream down")
	v, stale, err = c.RememberStaleBytes("k", ttl, time.Minute, func() ([]byte, error) { return nil, boom })
	if err != nil || !stale || string(v) != "v1" {
		t.Fatalf("fallback = %q, %v, %v; want stale v1", v, stale, err)
	}
	// Without a stale copy the loader's error comes through.
	_, stale, err = c.RememberStaleBytes("other", ttl, time.Minute, func() ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) || stale {
		t.Fatalf("no stale copy: %v, %v; want boom", stale, err)
	}

	type profile struct{ Name string }
	p, stale, err := cache.RememberStale(c, "typed", ttl, time.Minute, func() (profile, error) { return profile{"Ada"}, nil })
	if err != nil || stale || p.Name != "Ada" {
		t.Fatalf("typed = %v, %v, %v", p, stale, err)
	}
	// A fresh hit is not stale and does not load.
	p, stale, err = cache.RememberStale(c, "typed", ttl, time.Minute, func() (profile, error) { return profile{}, boom })
	if err != nil || stale || p.Name != "Ada" {
		t.Fatalf("typed hit = %v, %v, %v", p, stale, err)
	}
}
