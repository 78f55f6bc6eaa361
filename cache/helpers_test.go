package cache_test

import (
	"context"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// newCache returns a Cache over a fresh memory store whose janitor stops
// when the test ends.
func newCache(t *testing.T) *cache.Cache {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return cache.NewCache(cache.NewMemoryStore(ctx))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// cacheConfig is a base configuration with a value limit, for tests that
// need writes to fail.
func cacheConfig(maxValueBytes int) cachecore.BaseConfig {
	return cachecore.BaseConfig{MaxValueBytes: maxValueBytes}
}
