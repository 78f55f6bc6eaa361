package cache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
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

// TestRememberDoesNotUndoConcurrentWrite checks that a load that started
// before a write of its key through the Cache does not store what it
// loaded, which may predate the write, while its caller still gets it.
func TestRememberDoesNotUndoConcurrentWrite(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(c *cache.Cache) error
		want  string // "" for a miss
	}{
		{"Delete", func(c *cache.Cache) error { return c.Delete("k") }, ""},
		{"DeleteMany", func(c *cache.Cache) error { return c.DeleteMany("other", "k") }, ""},
		{"Flush", func(c *cache.Cache) error { return c.Flush() }, ""},
		{"SetBytes", func(c *cache.Cache) error { return c.SetBytes("k", []byte("new"), time.Minute) }, "new"},
		{"Set", func(c *cache.Cache) error { return cache.Set(c, "k", "new", time.Minute) }, `"new"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(t)
			started, release := make(chan struct{}), make(chan struct{})
			type result struct {
				v   []byte
				err error
			}
			done := make(chan result)
			go func() {
				v, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) {
					close(started)
					<-release
					return []byte("old"), nil
				})
				done <- result{v, err}
			}()
			<-started
			must(t, tc.write(c))
			close(release)
			if r := <-done; r.err != nil || string(r.v) != "old" {
				t.Fatalf("RememberBytes = %q, %v; want the loaded value", r.v, r.err)
			}
			v, found, err := c.GetBytes("k")
			must(t, err)
			if string(v) != tc.want || found != (tc.want != "") {
				t.Fatalf("after the load, key holds %q (found %v), want %q", v, found, tc.want)
			}
		})
	}
}

// TestRememberAfterDeleteDoesNotJoinOlderLoad checks that a caller arriving
// after a Delete loads afresh instead of sharing a load that started
// before it.
func TestRememberAfterDeleteDoesNotJoinOlderLoad(t *testing.T) {
	c := newCache(t)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan []byte)
	go func() {
		v, _ := c.RememberBytes("k", time.Minute, func() ([]byte, error) {
			close(started)
			<-release
			return []byte("old"), nil
		})
		done <- v
	}()
	<-started
	must(t, c.Delete("k"))
	// Sharing the older load would wait for it forever; the deadline
	// turns that into a failure.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := c.WithContext(ctx).RememberBytes("k", time.Minute, func() ([]byte, error) { return []byte("new"), nil })
	if err != nil || string(v) != "new" {
		t.Fatalf("RememberBytes after Delete = %q, %v; want a fresh load", v, err)
	}
	close(release)
	if v := <-done; string(v) != "old" {
		t.Fatalf("older load returned %q", v)
	}
	if v, _, _ := c.GetBytes("k"); string(v) != "new" {
		t.Fatalf("key holds %q, want the load that followed the Delete", v)
	}
}

// TestRememberLoadsOverUndecodableEntry checks that an entry the store
// cannot decode, here one encrypted with another key, is a miss for the
// remember-style operations, which load over it and report it, while a
// plain Get still reports the error.
func TestRememberLoadsOverUndecodableEntry(t *testing.T) {
	ops := []struct {
		name string
		call func(c *cache.Cache, fn func() ([]byte, error)) ([]byte, error)
	}{
		{"RememberBytes", func(c *cache.Cache, fn func() ([]byte, error)) ([]byte, error) {
			return c.RememberBytes("k", time.Minute, fn)
		}},
		{"RememberStaleBytes", func(c *cache.Cache, fn func() ([]byte, error)) ([]byte, error) {
			v, _, err := c.RememberStaleBytes("k", time.Minute, time.Hour, fn)
			return v, err
		}},
		{"RefreshAheadBytes", func(c *cache.Cache, fn func() ([]byte, error)) ([]byte, error) {
			return c.RefreshAheadBytes("k", time.Minute, time.Second, fn)
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx := context.Background()
			fileCache := func(key string) *cache.Cache {
				return cache.NewCache(cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{
					FileDir:    dir,
					BaseConfig: cachecore.BaseConfig{EncryptionKey: []byte(key)},
				}))
			}
			must(t, fileCache("0123456789abcdef").SetBytes("k", []byte("foreign"), time.Minute))
			rec := new(recorder)
			c := fileCache("fedcba9876543210").WithObserver(rec)
			if _, _, err := c.GetBytes("k"); !errors.Is(err, cache.ErrDecryptFailed) {
				t.Fatalf("GetBytes = %v, want ErrDecryptFailed", err)
			}
			v, err := op.call(c, func() ([]byte, error) { return []byte("loaded"), nil })
			if err != nil || string(v) != "loaded" {
				t.Fatalf("%s = %q, %v; want the loaded value", op.name, v, err)
			}
			if v, _, err := c.GetBytes("k"); err != nil || string(v) != "loaded" {
				t.Fatalf("after the load GetBytes = %q, %v", v, err)
			}
			var reported bool
			for _, e := range rec.events {
				reported = reported || (e.Operation == "undecodable" && e.Key == "k" && errors.Is(e.Err, cache.ErrDecryptFailed))
			}
			if !reported {
				t.Fatalf("no undecodable event with the decrypt error among %+v", rec.events)
			}
		})
	}

	t.Run("misconfigured store", func(t *testing.T) {
		c := cache.NewCache(cache.NewMemoryStoreWithConfig(context.Background(), cache.StoreConfig{
			BaseConfig: cachecore.BaseConfig{Compression: "bogus"},
		}))
		_, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) {
			t.Error("loader ran on a store that cannot work")
			return nil, nil
		})
		if !errors.Is(err, cache.ErrUnsupportedCodec) {
			t.Fatalf("RememberBytes = %v, want ErrUnsupportedCodec", err)
		}
	})
}

// TestRememberStaleWithoutStaleTTLExpiresWithValue checks that a
// staleTTL <= 0 gives the stale copy the primary ttl instead of no expiry.
func TestRememberStaleWithoutStaleTTLExpiresWithValue(t *testing.T) {
	c := newCache(t)
	if _, _, err := c.RememberStaleBytes("k", time.Minute, 0, func() ([]byte, error) { return []byte("v"), nil }); err != nil {
		t.Fatal(err)
	}
	eg, ok := c.Store().(cachecore.ExpiryGetter)
	if !ok {
		t.Fatal("memory store does not report expiry")
	}
	_, expiresAt, found, err := eg.GetWithExpiry(context.Background(), "k:__stale")
	must(t, err)
	if !found || expiresAt.IsZero() || time.Until(expiresAt) > time.Minute {
		t.Fatalf("stale copy found %v, expires at %v; want it to expire with the value, within a minute", found, expiresAt)
	}
}

// TestRememberMissReadsStoreOnce checks that a miss without contention
// reads the store once, not again inside its load.
func TestRememberMissReadsStoreOnce(t *testing.T) {
	base := &countingStore{Store: cache.NewMemoryStore(context.Background())}
	c := cache.NewCache(base)
	if _, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) { return []byte("v"), nil }); err != nil {
		t.Fatal(err)
	}
	if n := base.gets.Load(); n != 1 {
		t.Fatalf("a miss read the store %d times, want 1", n)
	}
}

// hookStore runs afterGet after each Get of the store it wraps, before the
// result reaches the caller.
type hookStore struct {
	cachecore.Store
	afterGet func(key string)
}

func (s *hookStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, found, err := s.Store.Get(ctx, key)
	s.afterGet(key)
	return v, found, err
}

// TestRememberMissAfterConcurrentFillDoesNotReload checks the case the
// second read exists for: a caller misses, and before it takes the lead
// another load stores the key and finishes. The caller must then find the
// value instead of calling its loader.
func TestRememberMissAfterConcurrentFillDoesNotReload(t *testing.T) {
	var calls atomic.Int32
	load := func() ([]byte, error) {
		calls.Add(1)
		return []byte("v"), nil
	}
	var c *cache.Cache
	var hooked atomic.Bool
	store := &hookStore{Store: cache.NewMemoryStore(context.Background())}
	store.afterGet = func(string) {
		// The first read has missed; complete a whole load before the
		// caller that made it goes on.
		if hooked.CompareAndSwap(false, true) {
			if _, err := c.RememberBytes("k", time.Minute, load); err != nil {
				t.Error(err)
			}
		}
	}
	c = cache.NewCache(store)
	v, err := c.RememberBytes("k", time.Minute, load)
	if err != nil || string(v) != "v" {
		t.Fatalf("RememberBytes = %q, %v", v, err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("loader ran %d times, want 1", n)
	}
}
