package cache_test

import (
	"context"
	"math"
	"testing"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// TestForeverTTLDoesNotExpireOnWrite writes with the largest ttl, which
// callers use to mean "forever". now+ttl used to overflow a UnixNano count
// and land in the past, so the entry expired as it was written and a lock
// taken with it could be taken again.
func TestForeverTTLDoesNotExpireOnWrite(t *testing.T) {
	const forever = math.MaxInt64
	stores := []struct {
		name  string
		open  func(t *testing.T) cachecore.Store
		locks bool
	}{
		{"Memory", func(t *testing.T) cachecore.Store { return cache.NewMemoryStore(t.Context()) }, true},
		{"MemoryEncrypted", func(t *testing.T) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(t.Context(), cache.StoreConfig{BaseConfig: cachecore.BaseConfig{EncryptionKey: testKey}})
		}, true},
		{"File", func(t *testing.T) cachecore.Store { return cache.NewFileStore(t.Context(), t.TempDir()) }, true},
		// Locks over a group store are not exclusive across peers; this
		// checks only that the write survives.
		{"Group", func(t *testing.T) cachecore.Store {
			return cache.NewGroupStore(groupcache.NewRegistry().NewGroup("forever", 1<<20, cache.NotFoundGetter{}))
		}, false},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			c := cache.NewCache(s)
			must(t, c.SetString("k", "v", forever))
			if v, found, err := c.GetString("k"); err != nil || !found || v != "v" {
				t.Fatalf("GetString after a forever Set = %q, %v, %v", v, found, err)
			}
			if created, err := s.Add(ctx, "added", []byte("v"), forever); err != nil || !created {
				t.Fatalf("Add = %v, %v", created, err)
			}
			if created, err := s.Add(ctx, "added", []byte("w"), forever); err != nil || created {
				t.Fatalf("second Add of a forever key = %v, %v; want refused", created, err)
			}
			for want := int64(1); want <= 2; want++ {
				if n, err := s.Increment(ctx, "n", 1, forever); err != nil || n != want {
					t.Fatalf("Increment = %d, %v; want %d", n, err, want)
				}
			}
			if !st.locks {
				return
			}
			first, second := c.NewLockHandle("job", forever), c.NewLockHandle("job", forever)
			if ok, err := first.Acquire(); err != nil || !ok {
				t.Fatalf("first Acquire = %v, %v", ok, err)
			}
			if ok, err := second.Acquire(); err != nil || ok {
				t.Fatalf("second Acquire of a held forever lock = %v, %v; want refused", ok, err)
			}
		})
	}
}
