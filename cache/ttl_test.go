package cache_test

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// expiresIn reports how long key has left in an expiry-reporting store.
func expiresIn(t *testing.T, s cachecore.Store, key string) time.Duration {
	t.Helper()
	_, at, found, err := s.(cachecore.ExpiryGetter).GetWithExpiry(context.Background(), key)
	if err != nil || !found {
		t.Fatalf("GetWithExpiry(%q) = %v, %v", key, found, err)
	}
	if at.IsZero() {
		return 0
	}
	return time.Until(at)
}

func TestDefaultTTLs(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	configured := cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{
		BaseConfig: cachecore.BaseConfig{DefaultTTL: time.Hour},
	})

	// NewCache defers to the store's DefaultTTL.
	must(t, cache.NewCache(configured).SetString("store-default", "v", 0))
	if d := expiresIn(t, configured, "store-default"); d < 59*time.Minute || d > time.Hour {
		t.Fatalf("ttl 0 through NewCache expires in %v, want the store's 1h", d)
	}
	// NewCacheWithTTL overrides it.
	must(t, cache.NewCacheWithTTL(configured, time.Minute).SetString("cache-default", "v", -1))
	if d := expiresIn(t, configured, "cache-default"); d < 59*time.Second || d > time.Minute {
		t.Fatalf("ttl -1 through NewCacheWithTTL expires in %v, want 1m", d)
	}
	// An explicit ttl wins over both.
	must(t, cache.NewCacheWithTTL(configured, time.Minute).SetString("explicit", "v", 2*time.Hour))
	if d := expiresIn(t, configured, "explicit"); d < 119*time.Minute {
		t.Fatalf("explicit ttl expires in %v, want 2h", d)
	}
	// Without a configured default, ttl 0 means goforj/cache's five minutes.
	plain := cache.NewMemoryStore(ctx)
	must(t, cache.NewCache(plain).SetString("default", "v", 0))
	if d := expiresIn(t, plain, "default"); d < cache.DefaultTTL-time.Minute || d > cache.DefaultTTL {
		t.Fatalf("ttl 0 without defaults expires in %v, want %v", d, cache.DefaultTTL)
	}
	// A negative DefaultTTL means no expiry.
	forever := cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{DefaultTTL: -1}})
	must(t, cache.NewCache(forever).SetString("forever", "v", 0))
	if d := expiresIn(t, forever, "forever"); d != 0 {
		t.Fatalf("ttl 0 with DefaultTTL -1 expires in %v, want never", d)
	}
}
