package cache_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

func ExampleGet() {
	type Profile struct {
		Name string `json:"name"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = cache.Set(c, "profile:42", Profile{Name: "Ada"}, time.Minute)
	_ = cache.Set(c, "settings:mode", "dark", time.Minute)
	profile, ok, err := cache.Get[Profile](c, "profile:42")
	mode, ok2, err2 := cache.Get[string](c, "settings:mode")
	fmt.Println(err == nil, ok, profile.Name, err2 == nil, ok2, mode)
	// Output: true true Ada true true dark
}

func ExampleGetJSON() {
	type Profile struct {
		Name string `json:"name"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = cache.SetJSON(c, "profile:42", Profile{Name: "Ada"}, time.Minute)
	profile, ok, err := cache.GetJSON[Profile](c, "profile:42")
	fmt.Println(err == nil, ok, profile.Name)
	// Output: true true Ada
}

func ExampleListPage() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = c.SetString("profile:1", "Ada", time.Minute)
	_ = c.SetString("profile:2", "Grace", time.Minute)
	page, _ := cache.ListPage(ctx, c, cachecore.ListPageOptions{
		Query: "profile:",
		Limit: 10,
	})
	fmt.Println(len(page.Entries), page.Entries[0].Key)
	// Output: 2 profile:1
}

func ExampleNewFileStore() {
	dir, _ := os.MkdirTemp("", "my-cache")
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store := cache.NewFileStore(ctx, dir)
	fmt.Println(store.Driver())
	// Output: file
}

func ExampleNewFileStoreWithConfig() {
	dir, _ := os.MkdirTemp("", "my-cache")
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{
		BaseConfig: cachecore.BaseConfig{
			EncryptionKey: []byte("01234567890123456789012345678901"),
			MaxValueBytes: 4096,
			Compression:   cache.CompressionGzip,
		},
		FileDir: dir,
	})
	fmt.Println(store.Driver())
	// Output: file
}

func ExampleNewMemoStore() {
	ctx := context.Background()
	base := cache.NewMemoryStore(ctx)
	memo := cache.NewMemoStore(base)
	c := cache.NewCache(memo)
	fmt.Println(c.Driver())
	// Output: memory
}

func ExampleNewMemoryStore() {
	ctx := context.Background()
	store := cache.NewMemoryStore(ctx)
	fmt.Println(store.Driver())
	// Output: memory
}

func ExampleNewMemoryStoreWithConfig() {
	ctx := context.Background()
	store := cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{
		BaseConfig: cachecore.BaseConfig{
			DefaultTTL:  30 * time.Second,
			Compression: cache.CompressionGzip,
		},
		MemoryCleanupInterval: 5 * time.Minute,
	})
	fmt.Println(store.Driver())
	// Output: memory
}

func ExampleNewNullStore() {
	ctx := context.Background()
	store := cache.NewNullStore(ctx)
	fmt.Println(store.Driver())
	// Output: null
}

func ExampleNewNullStoreWithConfig() {
	ctx := context.Background()
	store := cache.NewNullStoreWithConfig(ctx, cache.StoreConfig{
		BaseConfig: cachecore.BaseConfig{
			Compression:   cache.CompressionGzip,
			MaxValueBytes: 1024,
		},
	})
	fmt.Println(store.Driver())
	// Output: null
}

func ExamplePull() {
	type Token struct {
		Value string `json:"value"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = cache.Set(c, "reset:token:42", Token{Value: "abc"}, time.Minute)
	tok, ok, err := cache.Pull[Token](c, "reset:token:42")
	fmt.Println(err == nil, ok, tok.Value)
	// Output: true true abc
}

func ExampleRefreshAhead() {
	type Summary struct {
		Text string `json:"text"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	s, err := cache.RefreshAhead[Summary](c, "dashboard:summary", time.Minute, 10*time.Second, func() (Summary, error) {
		return Summary{Text: "ok"}, nil
	})
	fmt.Println(err == nil, s.Text)
	// Output: true ok
}

func ExampleRefreshAheadValueWithCodec() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	upper := cache.ValueCodec[string]{
		Encode: func(s string) ([]byte, error) { return []byte(strings.ToUpper(s)), nil },
		Decode: func(b []byte) (string, error) { return string(b), nil },
	}
	s, err := cache.RefreshAheadValueWithCodec(ctx, c, "greeting", time.Minute, 10*time.Second, func() (string, error) {
		return "hello", nil
	}, upper)
	raw, _, _ := c.GetString("greeting")
	fmt.Println(err == nil, s, raw)
	// Output: true HELLO HELLO
}

func ExampleRemember() {
	type Profile struct {
		Name string `json:"name"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	profile, err := cache.Remember[Profile](c, "profile:42", time.Minute, func() (Profile, error) {
		return Profile{Name: "Ada"}, nil
	})
	fmt.Println(err == nil, profile.Name)
	// Output: true Ada
}

func ExampleRememberStale() {
	type Profile struct {
		Name string `json:"name"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	profile, usedStale, err := cache.RememberStale[Profile](c, "profile:42", time.Minute, 10*time.Minute, func() (Profile, error) {
		return Profile{Name: "Ada"}, nil
	})
	fmt.Println(err == nil, usedStale, profile.Name)
	// Output: true false Ada
}

func ExampleSet() {
	type Settings struct {
		Enabled bool `json:"enabled"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	err := cache.Set(c, "settings:alerts", Settings{Enabled: true}, time.Minute)
	err2 := cache.Set(c, "settings:mode", "dark", time.Minute)
	fmt.Println(err == nil, err2 == nil)
	// Output: true true
}

func ExampleSetJSON() {
	type Settings struct {
		Enabled bool `json:"enabled"`
	}
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	err := cache.SetJSON(c, "settings:alerts", Settings{Enabled: true}, time.Minute)
	fmt.Println(err == nil)
	// Output: true
}

func ExampleNewCache() {
	ctx := context.Background()
	s := cache.NewMemoryStore(ctx)
	c := cache.NewCache(s)
	fmt.Println(c.Driver())
	// Output: memory
}

func ExampleNewCacheWithTTL() {
	ctx := context.Background()
	s := cache.NewMemoryStore(ctx)
	c := cache.NewCacheWithTTL(s, 2*time.Minute)
	fmt.Println(c.Driver(), c != nil)
	// Output: memory true
}

func ExampleCache_Add() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	created, _ := c.Add("boot:seeded", []byte("1"), time.Hour)
	fmt.Println(created)
	// Output: true
}

func ExampleCache_BatchGetBytes() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = c.SetBytes("a", []byte("1"), time.Minute)
	_ = c.SetBytes("b", []byte("2"), time.Minute)
	values, err := c.BatchGetBytes("a", "b", "missing")
	fmt.Println(err == nil, string(values["a"]), string(values["b"]))
	// Output: true 1 2
}

func ExampleCache_BatchSetBytes() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	err := c.BatchSetBytes(map[string][]byte{
		"a": []byte("1"),
		"b": []byte("2"),
	}, time.Minute)
	fmt.Println(err == nil)
	// Output: true
}

func ExampleCache_Decrement() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	val, _ := c.Decrement("rate:login:42", 1, time.Minute)
	fmt.Println(val)
	// Output: -1
}

func ExampleCache_Delete() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = c.SetBytes("a", []byte("1"), time.Minute)
	fmt.Println(c.Delete("a") == nil)
	// Output: true
}

func ExampleCache_DeleteMany() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	fmt.Println(c.DeleteMany("a", "b") == nil)
	// Output: true
}

func ExampleCache_Flush() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = c.SetBytes("a", []byte("1"), time.Minute)
	fmt.Println(c.Flush() == nil)
	// Output: true
}

func ExampleCache_GetBytes() {
	ctx := context.Background()
	s := cache.NewMemoryStore(ctx)
	c := cache.NewCache(s)
	_ = c.SetBytes("user:42", []byte("Ada"), 0)
	value, ok, _ := c.GetBytes("user:42")
	fmt.Println(ok, string(value))
	// Output: true Ada
}

func ExampleCache_GetString() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = c.SetString("user:42:name", "Ada", 0)
	name, ok, _ := c.GetString("user:42:name")
	fmt.Println(ok, name)
	// Output: true Ada
}

func ExampleCache_Increment() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	val, _ := c.Increment("rate:login:42", 1, time.Minute)
	fmt.Println(val)
	// Output: 1
}

func ExampleCache_Inspector() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	inspector, ok := c.Inspector()
	fmt.Println(ok, inspector.Capabilities().CanList)
	// Output: true true
}

func ExampleCache_Lock() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	locked, err := c.Lock("job:sync", 10*time.Second, time.Second)
	fmt.Println(err == nil, locked)
	// Output: true true
}

func ExampleCache_NewLockHandle() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	lock := c.NewLockHandle("job:sync", 10*time.Second)
	locked, err := lock.Acquire()
	fmt.Println(err == nil, locked)
	if locked {
		_ = lock.Release()
	}
	// Output: true true
}

func ExampleCache_PullBytes() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	_ = c.SetString("reset:token:42", "abc", time.Minute)
	body, ok, _ := c.PullBytes("reset:token:42")
	fmt.Println(ok, string(body))
	// Output: true abc
}

func ExampleCache_RateLimit() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	res, err := c.RateLimit("rl:api:ip:1.2.3.4", 100, time.Minute)
	fmt.Println(err == nil, res.Allowed, res.Count, res.Remaining, !res.ResetAt.IsZero())
	// Output: true true 1 99 true
}

func ExampleCache_Ready() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	fmt.Println(c.Ready() == nil)
	// Output: true
}

func ExampleCache_RefreshAheadBytes() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	body, err := c.RefreshAheadBytes("dashboard:summary", time.Minute, 10*time.Second, func() ([]byte, error) {
		return []byte("payload"), nil
	})
	fmt.Println(err == nil, len(body) > 0)
	// Output: true true
}

func ExampleCache_RememberBytes() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	data, err := c.RememberBytes("dashboard:summary", time.Minute, func() ([]byte, error) {
		return []byte("payload"), nil
	})
	fmt.Println(err == nil, string(data))
	// Output: true payload
}

func ExampleCache_RememberStaleBytes() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	body, usedStale, err := c.RememberStaleBytes("profile:42", time.Minute, 10*time.Minute, func() ([]byte, error) {
		return []byte(`{"name":"Ada"}`), nil
	})
	fmt.Println(err == nil, usedStale, len(body) > 0)
	// Output: true false true
}

func ExampleCache_SetBytes() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	fmt.Println(c.SetBytes("token", []byte("abc"), time.Minute) == nil)
	// Output: true
}

func ExampleCache_SetString() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	fmt.Println(c.SetString("user:42:name", "Ada", time.Minute) == nil)
	// Output: true
}

func ExampleCache_Store() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	fmt.Println(c.Store().Driver())
	// Output: memory
}

func ExampleCache_TryLock() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	locked, _ := c.TryLock("job:sync", 10*time.Second)
	fmt.Println(locked)
	// Output: true
}

func ExampleCache_Unlock() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	locked, _ := c.TryLock("job:sync", 10*time.Second)
	if locked {
		fmt.Println(c.Unlock("job:sync") == nil)
	}
	relocked, _ := c.TryLock("job:sync", 10*time.Second)
	fmt.Println(relocked)
	// Output:
	// true
	// true
}

func ExampleCache_WithObserver() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	c = c.WithObserver(cache.ObserverFunc(func(ctx context.Context, event cache.CacheOpEvent) {
		// A real observer would record event.Duration in a histogram.
		fmt.Println(event.Operation, event.Driver, event.Hit, event.Err == nil)
		_ = ctx
		_ = event.Key
		_ = event.Duration
	}))
	_, _, _ = c.GetBytes("profile:42")
	// Output: get memory false true
}

func ExampleCache_WithContext() {
	ctx, cancel := context.WithCancel(context.Background())
	c := cache.NewCache(cache.NewMemoryStore(context.Background()))
	scoped := c.WithContext(ctx)
	cancel()
	err := scoped.SetString("k", "v", time.Minute)
	fmt.Println(errors.Is(err, context.Canceled), c.SetString("k", "v", time.Minute) == nil)
	// Output: true true
}

func ExampleLockHandle_Acquire() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	lock := c.NewLockHandle("job:sync", 10*time.Second)
	locked, err := lock.Acquire()
	fmt.Println(err == nil, locked)
	// Output: true true
}

func ExampleLockHandle_Block() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	lock := c.NewLockHandle("job:sync", 10*time.Second)
	locked, err := lock.Block(500*time.Millisecond, 25*time.Millisecond, func() error {
		// do protected work
		return nil
	})
	fmt.Println(err == nil, locked)
	// Output: true true
}

func ExampleLockHandle_Get() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	lock := c.NewLockHandle("job:sync", 10*time.Second)
	locked, err := lock.Get(func() error {
		// do protected work
		return nil
	})
	fmt.Println(err == nil, locked)
	// Output: true true
}

func ExampleLockHandle_Release() {
	ctx := context.Background()
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	lock := c.NewLockHandle("job:sync", 10*time.Second)
	locked, _ := lock.Acquire()
	if locked {
		_ = lock.Release()
	}
	again, _ := c.TryLock("job:sync", time.Second)
	fmt.Println(locked, again, lock.Release() == nil)
	// Output: true true true
}

func ExampleObserverFunc_OnCacheOp() {
	obs := cache.ObserverFunc(func(ctx context.Context, event cache.CacheOpEvent) {
		fmt.Println(event.Operation, event.Key, event.Hit, event.Err == nil, event.Driver)
		_ = ctx
		_ = event.Duration
	})
	obs.OnCacheOp(context.Background(), cache.CacheOpEvent{Operation: "get", Key: "user:42", Hit: true, Duration: time.Millisecond, Driver: cachecore.DriverMemory})
	// Output: get user:42 true true memory
}
