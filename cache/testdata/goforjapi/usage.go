// Package usage is a program written against goforj/cache's API (v0.4 and
// main, without main's Go 1.27 generic methods), the way its README,
// examples and driver tests use it. Only the import paths are ours: after
// swapping them for github.com/goforj/cache/... it is goforj code. It
// touches every exported name of goforj's cache, cachecore, cachetest and
// cachefake packages, and nothing else of ours.
//
// TestGoforjAPIUsage (goforj_api_test.go) type-checks it against our
// packages and checks both properties. It is never run; it lives in
// testdata so that a name still missing from ours fails that test alone
// rather than every test of the package.
package usage

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachefake"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

type Profile struct {
	Name string `json:"name"`
}

// Construction, configuration and stores.
func stores(ctx context.Context) []cachecore.Store {
	cfg := cache.StoreConfig{
		BaseConfig: cachecore.BaseConfig{
			DefaultTTL:    5 * time.Minute,
			Prefix:        "app",
			Compression:   cachecore.CompressionGzip,
			MaxValueBytes: 1 << 20,
			EncryptionKey: make([]byte, 32),
		},
		MemoryCleanupInterval: 10 * time.Minute,
		FileDir:               "/tmp/my-cache",
	}
	var codec cache.CompressionCodec = cache.CompressionNone
	for _, c := range []cachecore.CompressionCodec{cache.CompressionGzip, cache.CompressionSnappy, cachecore.CompressionNone, cachecore.CompressionSnappy} {
		codec = c
	}
	cfg.Compression = codec

	memory := cache.NewMemoryStore(ctx)
	return []cachecore.Store{
		memory,
		cache.NewMemoryStoreWithConfig(ctx, cfg),
		cache.NewFileStore(ctx, "/tmp/my-cache"),
		cache.NewFileStoreWithConfig(ctx, cfg),
		cache.NewNullStore(ctx),
		cache.NewNullStoreWithConfig(ctx, cfg),
		cache.NewMemoStore(memory),
	}
}

// A driver author's store built on the shared shaping layer.
func driverStore(inner cachecore.Store) (cachecore.Store, error) {
	cfg := cachecore.BaseConfig{Prefix: "app", Compression: cachecore.CompressionGzip}
	if err := cachecore.ValidateBaseConfig(cfg); err != nil {
		return nil, err
	}
	return cachecore.WrapStore(inner, cfg)
}

func drivers(c *cache.Cache) []cachecore.Driver {
	switch c.Driver() {
	case cachecore.DriverRedis, cachecore.DriverMemcached, cachecore.DriverNATS,
		cachecore.DriverDynamo, cachecore.DriverSQL:
		return nil
	}
	return []cachecore.Driver{cachecore.DriverMemory, cachecore.DriverFile, cachecore.DriverNull}
}

// The byte-level store contract, called directly.
func storeCalls(ctx context.Context, s cachecore.Store) error {
	_ = s.Driver()
	if err := s.Ready(ctx); err != nil {
		return err
	}
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		return err
	}
	_, _, _ = s.Get(ctx, "k")
	_, _ = s.Add(ctx, "once", []byte("v"), time.Minute)
	_, _ = s.Increment(ctx, "n", 1, time.Minute)
	_, _ = s.Decrement(ctx, "n", 1, time.Minute)
	_ = s.Delete(ctx, "k")
	_ = s.DeleteMany(ctx, "a", "b")
	return s.Flush(ctx)
}

// The facade.
func facade(ctx context.Context) error {
	c := cache.NewCache(cache.NewMemoryStore(ctx))
	c = cache.NewCacheWithTTL(c.Store(), 2*time.Minute).WithContext(ctx)
	c = c.WithObserver(cache.ObserverFunc(func(ctx context.Context, event cache.CacheOpEvent) {
		fmt.Println(event.Operation, event.Key, event.Hit, event.Err, event.Duration, event.Driver)
	}))
	if err := c.Ready(); err != nil {
		return err
	}

	_ = c.SetBytes("a", []byte("1"), time.Minute)
	_ = c.SetString("b", "2", time.Minute)
	_ = c.BatchSetBytes(map[string][]byte{"c": []byte("3")}, time.Minute)
	_, _, _ = c.GetBytes("a")
	_, _, _ = c.GetString("b")
	_, _ = c.BatchGetBytes("a", "b", "c")
	_, _ = c.Add("d", []byte("4"), time.Minute)
	_, _ = c.Increment("hits", 1, time.Minute)
	_, _ = c.Decrement("hits", 1, time.Minute)
	_, _, _ = c.PullBytes("a")
	_ = c.Delete("b")
	_ = c.DeleteMany("c", "d")

	_, _ = c.RememberBytes("r", time.Minute, func() ([]byte, error) { return []byte("r"), nil })
	_, _, _ = c.RememberStaleBytes("rs", time.Minute, time.Hour, func() ([]byte, error) { return []byte("rs"), nil })
	_, _ = c.RefreshAheadBytes("ra", time.Minute, 10*time.Second, func() ([]byte, error) { return []byte("ra"), nil })

	var status cache.RateLimitStatus
	status, err := c.RateLimit("login:42", 5, time.Minute)
	if err == nil && !status.Allowed {
		fmt.Println(status.Count, status.Remaining, status.ResetAt)
	}

	if ok, _ := c.TryLock("job", 10*time.Second); ok {
		_ = c.Unlock("job")
	}
	if ok, err := c.Lock("job", 10*time.Second, time.Second); ok && err == nil {
		_ = c.Unlock("job")
	}
	return c.Flush()
}

// Typed package functions (the Go 1.27 methods are not used).
func typed(ctx context.Context, c *cache.Cache) {
	_ = cache.Set(c, "p", Profile{Name: "Ada"}, time.Minute)
	_ = cache.SetJSON(c, "pj", Profile{Name: "Ada"}, time.Minute)
	_, _, _ = cache.Get[Profile](c, "p")
	_, _, _ = cache.GetJSON[Profile](c, "pj")
	_, _, _ = cache.Pull[Profile](c, "p")
	load := func() (Profile, error) { return Profile{Name: "Grace"}, nil }
	_, _ = cache.Remember(c, "rem", time.Minute, load)
	_, _, _ = cache.RememberStale(c, "stale", time.Minute, time.Hour, load)
	_, _ = cache.RefreshAhead(c, "ahead", time.Minute, 10*time.Second, load)
	codec := cache.ValueCodec[Profile]{
		Encode: func(p Profile) ([]byte, error) { return []byte(p.Name), nil },
		Decode: func(b []byte) (Profile, error) { return Profile{Name: string(b)}, nil },
	}
	_, _ = cache.RefreshAheadValueWithCodec(ctx, c, "codec", time.Minute, 10*time.Second, load, codec)
}

// Lock handles.
func lockHandle(ctx context.Context, c *cache.Cache) {
	var h *cache.LockHandle = c.NewLockHandle("reports", 30*time.Second).WithContext(ctx)
	if ok, _ := h.Acquire(); ok {
		_ = h.Release()
	}
	_, _ = h.Get(func() error { return nil })
	_, _ = h.Block(time.Second, 25*time.Millisecond, func() error { return nil })
}

// Code written against the interfaces rather than *cache.Cache.
func interfaces(c *cache.Cache) {
	var api cache.CacheAPI = c
	var core cache.CoreAPI = api
	_ = core.WithContext(context.Background())
	_ = core.Driver()
	_ = core.Ready()

	var r cache.ReadAPI = api
	_, _, _ = r.GetBytes("a")
	_, _ = r.BatchGetBytes("a")
	_, _, _ = r.GetString("a")
	_, _, _ = r.PullBytes("a")

	var w cache.WriteAPI = api
	_ = w.SetBytes("a", nil, time.Minute)
	_ = w.SetString("a", "", time.Minute)
	_ = w.BatchSetBytes(nil, time.Minute)
	_, _ = w.Add("a", nil, time.Minute)
	_ = w.Delete("a")
	_ = w.DeleteMany("a")
	_ = w.Flush()

	var n cache.CounterAPI = api
	_, _ = n.Increment("n", 1, 0)
	_, _ = n.Decrement("n", 1, 0)

	var rl cache.RateLimitAPI = api
	_, _ = rl.RateLimit("k", 1, time.Second)

	var l cache.LockAPI = api
	_, _ = l.TryLock("k", time.Second)
	_, _ = l.Lock("k", time.Second, time.Second)
	_ = l.Unlock("k")

	var rem cache.RememberAPI = api
	_, _ = rem.RememberBytes("k", time.Second, nil)
	_, _, _ = rem.RememberStaleBytes("k", time.Second, time.Second, nil)

	var ra cache.RefreshAheadAPI = api
	_, _ = ra.RefreshAheadBytes("k", time.Second, time.Millisecond, nil)

	var obs cache.Observer = cache.ObserverFunc(nil)
	obs.OnCacheOp(context.Background(), cache.CacheOpEvent{Operation: "get", Key: "k", Driver: cachecore.DriverMemory})
	cache.ObserverFunc(func(context.Context, cache.CacheOpEvent) {}).OnCacheOp(context.Background(), cache.CacheOpEvent{})
}

// Errors callers branch on.
func errorsOf(err error) string {
	for _, target := range []error{
		cache.ErrValueTooLarge, cache.ErrInvalidMaxValueBytes, cache.ErrUnsupportedCodec,
		cache.ErrCorruptCompression, cache.ErrEncryptionKey, cache.ErrDecryptFailed,
		cache.ErrEncryptValueTooBig, cache.ErrInspectorUnsupported,
		cachecore.ErrValueTooLarge, cachecore.ErrInvalidMaxValueBytes, cachecore.ErrUnsupportedCodec,
		cachecore.ErrCorruptCompression, cachecore.ErrEncryptionKey, cachecore.ErrDecryptFailed,
		cachecore.ErrEncryptValueTooBig, cachecore.ErrInspectorUnsupported,
	} {
		if errors.Is(err, target) {
			return target.Error()
		}
	}
	return ""
}

// An admin page browsing keys.
func browse(ctx context.Context, c *cache.Cache) error {
	inspector, ok := c.Inspector()
	if !ok {
		return cache.ErrInspectorUnsupported
	}
	var caps cachecore.InspectorCapabilities = inspector.Capabilities()
	if !caps.CanList || !caps.CanRead || !caps.CanDelete {
		return nil
	}
	opts := cachecore.ListPageOptions{Query: "user:", Prefix: "", Cursor: "", Limit: 50}
	if _, err := inspector.ListPage(ctx, cachecore.ListPageOptions{Prefix: "user:"}); err != nil {
		return err
	}
	for {
		var page cachecore.ListPageResult
		page, err := cache.ListPage(ctx, c, opts)
		if err != nil {
			return err
		}
		for _, entry := range page.Entries {
			var e cachecore.CacheEntry = entry
			if caps.CanTTL && e.ExpiresAt != nil {
				fmt.Println(e.Key, e.SizeBytes, time.UnixMilli(*e.ExpiresAt))
			}
		}
		if !page.HasMore {
			return nil
		}
		opts.Cursor = page.NextCursor
	}
}

// A driver author's Inspector, built from the shared helpers.
type listingStore struct {
	cachecore.Store
	entries []cachecore.CacheEntry
}

var _ cachecore.Inspector = listingStore{}

func (s listingStore) Capabilities() cachecore.InspectorCapabilities {
	return cachecore.InspectorCapabilities{CanList: true}
}

func (s listingStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	offset, err := cachecore.DecodeOffsetCursor(opts.Cursor)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	filtered := cachecore.FilterAndSortEntries(s.entries, cachecore.ListFilterTerm(opts))
	page := cachecore.SliceEntries(filtered, offset, cachecore.NormalizeListLimit(opts.Limit))
	if page.HasMore && page.NextCursor != cachecore.EncodeOffsetCursor(offset+len(page.Entries)) {
		return cachecore.ListPageResult{}, errors.New("cursor mismatch")
	}
	return page, nil
}

// A driver module's contract test.
func TestDriverContract(t *testing.T) {
	var store cachetest.Store = cache.NewMemoryStore(context.Background())
	cachetest.RunStoreContract(t, store, cachetest.Options{
		CaseName:       "memory",
		NullSemantics:  false,
		SkipCloneCheck: false,
		TTL:            50 * time.Millisecond,
		TTLWait:        200 * time.Millisecond,
		SkipFlush:      false,
	})
	cachetest.RunInspectorContract(t, store)
}

// An application test with the fake.
func TestWithFake(t *testing.T) {
	var f *cachefake.Fake = cachefake.New()
	c := f.Cache()
	_ = c.SetString("settings:mode", "dark", 0)
	f.AssertCalled(t, cachefake.OpSet, "settings:mode", 1)
	f.AssertNotCalled(t, cachefake.OpDelete, "settings:mode")
	f.AssertTotal(t, cachefake.OpFlush, 0)
	var ops []cachefake.Op = []cachefake.Op{
		cachefake.OpGet, cachefake.OpSet, cachefake.OpAdd, cachefake.OpInc,
		cachefake.OpDec, cachefake.OpDelete, cachefake.OpDeleteMany, cachefake.OpFlush,
	}
	for _, op := range ops {
		_ = f.Count(op, "settings:mode") + f.Total(op)
	}
	f.Reset()
}
