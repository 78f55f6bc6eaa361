package cache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The tests in this file pin behaviour that goforj/cache documents, so that
// programs written against it behave the same here.

func TestLockTimeoutReturnsDeadlineExceeded(t *testing.T) {
	c := newCache(t)
	if ok, _ := c.TryLock("job", time.Minute); !ok {
		t.Fatal("TryLock failed")
	}
	other := cache.NewCache(c.Store())
	if ok, err := other.Lock("job", time.Minute, 20*time.Millisecond); ok || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock = %v, %v; want false, context.DeadlineExceeded", ok, err)
	}
	ran := false
	ok, err := other.NewLockHandle("job", time.Minute).Block(20*time.Millisecond, time.Millisecond, func() error { ran = true; return nil })
	if ok || ran || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Block = %v, %v, ran %v; want false, context.DeadlineExceeded", ok, err, ran)
	}
	// A single attempt (timeout <= 0) that fails is not a timeout.
	if ok, err := other.Lock("job", time.Minute, 0); ok || err != nil {
		t.Fatalf("Lock with no timeout = %v, %v; want false, nil", ok, err)
	}
}

func TestTypedDecodeFailureIsNotFound(t *testing.T) {
	c := newCache(t)
	must(t, c.SetString("k", "{not json", time.Minute))
	type point struct{ X int }
	if _, ok, err := cache.Get[point](c, "k"); ok || err == nil {
		t.Errorf("Get = %v, %v; want false and an error", ok, err)
	}
	if _, ok, err := cache.GetJSON[point](c, "k"); ok || err == nil {
		t.Errorf("GetJSON = %v, %v; want false and an error", ok, err)
	}
	if _, ok, err := cache.Pull[point](c, "k"); ok || err == nil {
		t.Errorf("Pull = %v, %v; want false and an error", ok, err)
	}
}

func TestInvalidArgumentsAreErrors(t *testing.T) {
	c := newCache(t)
	load := func() ([]byte, error) { return []byte("v"), nil }
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"RateLimit limit 0", second(c.RateLimit("k", 0, time.Second)), cache.ErrInvalidRateLimit},
		{"RateLimit window 0", second(c.RateLimit("k", 1, 0)), cache.ErrInvalidRateLimit},
		{"RefreshAhead ttl 0", second(c.RefreshAheadBytes("k", 0, time.Second, load)), cache.ErrInvalidRefreshAhead},
		{"RefreshAhead ahead 0", second(c.RefreshAheadBytes("k", time.Minute, 0, load)), cache.ErrInvalidRefreshAhead},
		{"RefreshAhead typed", second(cache.RefreshAhead(c, "k", -1, time.Second, func() (int, error) { return 1, nil })), cache.ErrInvalidRefreshAhead},
		{"TryLock ttl 0", second(c.TryLock("k", 0)), cache.ErrInvalidTTL},
		{"Lock ttl 0", second(c.Lock("k", 0, time.Second)), cache.ErrInvalidTTL},
		{"LockHandle ttl 0", second(c.NewLockHandle("k", 0).Acquire()), cache.ErrInvalidTTL},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	// refreshAhead >= ttl is allowed, as in goforj/cache: every hit refreshes.
	if v, err := c.RefreshAheadBytes("k", time.Minute, time.Hour, load); err != nil || string(v) != "v" {
		t.Fatalf("RefreshAhead with refreshAhead > ttl = %q, %v", v, err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestNullStoreIncrementReturnsZero(t *testing.T) {
	c := cache.NewCache(cache.NewNullStore(t.Context()))
	if n, err := c.Increment("k", 5, time.Minute); n != 0 || err != nil {
		t.Fatalf("Increment = %d, %v; want 0, nil", n, err)
	}
	if n, err := c.Decrement("k", 5, time.Minute); n != 0 || err != nil {
		t.Fatalf("Decrement = %d, %v; want 0, nil", n, err)
	}
}

func TestRememberStaleWithoutTTLsKeepsNoStaleCopy(t *testing.T) {
	c := newCache(t)
	if _, _, err := c.RememberStaleBytes("k", 0, 0, func() ([]byte, error) { return []byte("v"), nil }); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := c.GetBytes("k:__stale"); found {
		t.Fatal("stale copy written with ttl and staleTTL <= 0")
	}
	if _, found, _ := c.GetBytes("k"); !found {
		t.Fatal("value not written")
	}
}

func TestNilStoreFailsEveryOperation(t *testing.T) {
	for _, c := range []*cache.Cache{cache.NewCache(nil), cache.NewCacheWithTTL(nil, time.Minute)} {
		if err := c.Ready(); !errors.Is(err, cachecore.ErrNilStore) {
			t.Errorf("Ready = %v", err)
		}
		if _, _, err := c.GetBytes("k"); !errors.Is(err, cachecore.ErrNilStore) {
			t.Errorf("GetBytes = %v", err)
		}
		if err := c.SetString("k", "v", time.Minute); !errors.Is(err, cachecore.ErrNilStore) {
			t.Errorf("SetString = %v", err)
		}
		if _, err := c.TryLock("k", time.Minute); !errors.Is(err, cachecore.ErrNilStore) {
			t.Errorf("TryLock = %v", err)
		}
		if _, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) { return []byte("v"), nil }); !errors.Is(err, cachecore.ErrNilStore) {
			t.Errorf("RememberBytes = %v", err)
		}
		if _, err := c.Increment("k", 1, time.Minute); !errors.Is(err, cachecore.ErrNilStore) {
			t.Errorf("Increment = %v", err)
		}
		_ = c.Driver()
	}
}

func TestListPageQueryMatchesSubstring(t *testing.T) {
	c := newCache(t)
	must(t, c.SetString("page/a", "1", time.Minute))
	must(t, c.SetString("page/b", "2", time.Minute))
	res, err := cache.ListPage(context.Background(), c, cachecore.ListPageOptions{Query: "/b"})
	if err != nil || len(res.Entries) != 1 || res.Entries[0].Key != "page/b" {
		t.Fatalf("ListPage = %+v, %v; want page/b only", res, err)
	}
}

// TestLockHandleReleasesWhenCallbackPanics: Get and Block used to leave the
// lock held until its TTL ran out when the callback panicked.
func TestLockHandleReleasesWhenCallbackPanics(t *testing.T) {
	c := newCache(t)
	for name, run := range map[string]func(h *cache.LockHandle, fn func() error){
		"Get":   func(h *cache.LockHandle, fn func() error) { _, _ = h.Get(fn) },
		"Block": func(h *cache.LockHandle, fn func() error) { _, _ = h.Block(time.Second, time.Millisecond, fn) },
	} {
		h := c.NewLockHandle("job-"+name, time.Hour)
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("%s: recovered %v, want the callback's panic", name, r)
				}
			}()
			run(h, func() error { panic("boom") })
		}()
		if ok, err := c.TryLock("job-"+name, time.Minute); !ok || err != nil {
			t.Errorf("%s: lock still held after the callback panicked (%v, %v)", name, ok, err)
		}
	}
}

func TestLockHandleNilCallbackIsError(t *testing.T) {
	c := newCache(t)
	h := c.NewLockHandle("job", time.Hour)
	if ok, err := h.Get(nil); ok || !errors.Is(err, cache.ErrNilCallback) {
		t.Fatalf("Get(nil) = %v, %v", ok, err)
	}
	if ok, err := h.Block(time.Second, time.Millisecond, nil); ok || !errors.Is(err, cache.ErrNilCallback) {
		t.Fatalf("Block(nil) = %v, %v", ok, err)
	}
	if ok, _ := c.TryLock("job", time.Minute); !ok {
		t.Fatal("lock held after a nil callback")
	}
}

// TestLockKeyIsGoforjLockKey: a goforj/cache process holding "job" stores
// its owner token at "__lock:job"; ours must see that lock as held.
func TestLockKeyIsGoforjLockKey(t *testing.T) {
	c := newCache(t)
	if ok, err := c.Add("__lock:job", []byte("goforj-owner-token"), time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := c.TryLock("job", time.Minute); ok || err != nil {
		t.Fatalf("TryLock over a goforj lock = %v, %v; want false", ok, err)
	}
	must(t, c.Delete("__lock:job"))
	if ok, _ := c.TryLock("job", time.Minute); !ok {
		t.Fatal("TryLock failed")
	}
	if _, found, _ := c.GetBytes("__lock:job"); !found {
		t.Fatal("lock not stored at __lock:job")
	}
}

// TestRefreshAheadWritesGoforjExpiry checks the metadata key and value that
// goforj/cache reads to decide when to refresh.
func TestRefreshAheadWritesGoforjExpiry(t *testing.T) {
	c := newCache(t)
	before := time.Now()
	if _, err := c.RefreshAheadBytes("k", time.Minute, time.Second, func() ([]byte, error) { return []byte("v"), nil }); err != nil {
		t.Fatal(err)
	}
	b, found, err := c.GetBytes("k:__refresh_exp")
	if err != nil || !found {
		t.Fatalf("k:__refresh_exp = %v, %v", found, err)
	}
	var ns int64
	for _, d := range b {
		if d < '0' || d > '9' {
			t.Fatalf("k:__refresh_exp = %q, want decimal Unix nanoseconds", b)
		}
		ns = ns*10 + int64(d-'0')
	}
	if exp := time.Unix(0, ns); exp.Before(before.Add(time.Minute)) || exp.After(time.Now().Add(time.Minute)) {
		t.Fatalf("refresh expiry %v, want about a minute from now", exp)
	}
}

// TestIncrementRestartsCounterTTL: goforj/cache's stores give a counter the
// ttl of every Increment; ours used to keep the expiry of the first.
func TestIncrementRestartsCounterTTL(t *testing.T) {
	ctx := t.Context()
	for _, s := range []cachecore.Store{cache.NewMemoryStore(ctx), cache.NewFileStore(ctx, t.TempDir())} {
		c := cache.NewCache(s)
		if _, err := c.Increment("n", 1, time.Minute); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Increment("n", 1, time.Hour); err != nil {
			t.Fatal(err)
		}
		if d := expiresIn(t, s, "n"); d < 59*time.Minute {
			t.Errorf("%s: counter expires in %v, want the hour of the last Increment", s.Driver(), d)
		}
		if _, err := c.Decrement("n", 1, 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		if d := expiresIn(t, s, "n"); d > 2*time.Minute {
			t.Errorf("%s: counter expires in %v after Decrement, want 2m", s.Driver(), d)
		}
	}
}

// TestUnlockNotHeldByAnyoneSucceeds: goforj/cache returns nil from Unlock
// of a key no one holds; ErrLockNotHeld is kept for a lock another owner
// holds now.
func TestUnlockNotHeldByAnyoneSucceeds(t *testing.T) {
	c := newCache(t)
	if err := c.Unlock("never-locked"); err != nil {
		t.Fatalf("Unlock of a never-locked key = %v, want nil", err)
	}
	other := cache.NewCache(c.Store())
	if ok, _ := other.TryLock("job", time.Minute); !ok {
		t.Fatal("TryLock failed")
	}
	if err := c.Unlock("job"); !errors.Is(err, cache.ErrLockNotHeld) {
		t.Fatalf("Unlock of another owner's lock = %v, want ErrLockNotHeld", err)
	}
	if ok, _ := c.TryLock("job", time.Minute); ok {
		t.Fatal("Unlock released another owner's lock")
	}
	if err := c.NewLockHandle("job", time.Minute).Release(); err != nil {
		t.Fatalf("Release of a handle that never acquired = %v, want nil", err)
	}
}

// TestObserverEventsUseGoforjNames pins the operation names, nesting and
// hit values goforj/cache reports, which dashboards are built on.
func TestObserverEventsUseGoforjNames(t *testing.T) {
	rec := new(recorder)
	c := newCache(t).WithObserver(rec)
	other := cache.NewCache(c.Store())
	_, _ = other.TryLock("held", time.Minute)
	type point struct{ X int }

	_, _ = c.TryLock("job", time.Minute)
	_, _ = c.Lock("held", time.Minute, 15*time.Millisecond)
	_ = c.Unlock("job")
	_ = cache.SetJSON(c, "j", point{1}, time.Minute)
	_, _, _ = cache.GetJSON[point](c, "j")
	_, _, _ = c.GetString("j")
	_, _ = c.BatchGetBytes("j", "nope")
	_ = c.DeleteMany("a", "b")
	_, _, _ = c.PullBytes("j")
	_, _ = cache.Remember(c, "r", time.Minute, func() (int, error) { return 1, nil })
	_ = c.Ready()

	var got []string
	for _, e := range rec.events {
		got = append(got, e.Operation+":"+e.Key+":"+map[bool]string{true: "hit", false: "miss"}[e.Hit])
	}
	want := []string{
		"try_lock:job:hit",
		"try_lock:held:miss", "lock:held:miss",
		"unlock:job:hit",
		"set:j:miss", "set_json:j:miss",
		"get:j:hit", "get_json:j:hit",
		"get:j:hit", "get_string:j:hit",
		"get:j:hit", "get:nope:miss",
		"delete_many:a:hit", "delete_many:b:hit",
		"get:j:hit", "delete:j:hit", "pull:j:hit",
		"get:r:miss", "set:r:miss",
	}
	// Lock retries until its timeout, so it may report several attempts.
	var dedup []string
	for _, g := range got {
		if g == "try_lock:held:miss" && len(dedup) > 0 && dedup[len(dedup)-1] == g {
			continue
		}
		dedup = append(dedup, g)
	}
	if len(dedup) != len(want) {
		t.Fatalf("events\n%q\nwant\n%q", dedup, want)
	}
	for i := range want {
		if dedup[i] != want[i] {
			t.Fatalf("event %d = %q, want %q\nall: %q", i, dedup[i], want[i], dedup)
		}
	}
	rec.events = nil
	_, _ = c.RateLimit("ip", 10, time.Minute)
	if len(rec.events) != 1 || rec.events[0].Operation != "increment" || !rec.events[0].Hit {
		t.Fatalf("RateLimit events = %+v, want one increment of the window's counter", rec.events)
	}
}

// TestDefaultTTLIsFiveMinutes: goforj/cache's NewCache and
// NewCacheWithTTL(store, ttl <= 0) give writes without a ttl five minutes.
func TestDefaultTTLIsFiveMinutes(t *testing.T) {
	for name, s := range map[string]cachecore.Store{
		"memory": cache.NewMemoryStore(t.Context()),
		"file":   cache.NewFileStore(t.Context(), t.TempDir()),
	} {
		for _, c := range []*cache.Cache{cache.NewCache(s), cache.NewCacheWithTTL(s, 0), cache.NewCacheWithTTL(s, -time.Second)} {
			must(t, c.SetString("k", "v", 0))
			if d := expiresIn(t, s, "k"); d > cache.DefaultTTL || d < cache.DefaultTTL-time.Minute {
				t.Errorf("%s: ttl 0 expires in %v, want %v", name, d, cache.DefaultTTL)
			}
			if _, err := c.Increment("n", 1, 0); err != nil {
				t.Fatal(err)
			}
			if d := expiresIn(t, s, "n"); d > cache.DefaultTTL || d < cache.DefaultTTL-time.Minute {
				t.Errorf("%s: counter with ttl 0 expires in %v, want %v", name, d, cache.DefaultTTL)
			}
		}
	}
}
