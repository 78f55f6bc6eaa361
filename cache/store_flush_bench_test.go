package cache_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// BenchmarkFlushPrefixed flushes a prefixed store holding n keys, to show
// how Flush scales with the store's size; the time per op should grow
// linearly with n.
func BenchmarkFlushPrefixed(b *testing.B) {
	stores := []struct {
		name  string
		sizes []int
		open  func(b *testing.B, prefix string) cachecore.Store
	}{
		{"memory", []int{20000, 40000, 80000}, func(b *testing.B, prefix string) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(b.Context(), cache.StoreConfig{BaseConfig: cachecore.BaseConfig{Prefix: prefix}})
		}},
		{"file", []int{2000, 4000, 8000}, func(b *testing.B, prefix string) cachecore.Store {
			// Skipping the sync keeps the untimed setup of 8000 files short.
			return cache.NewFileStoreWithConfig(b.Context(), cache.StoreConfig{
				FileDir: b.TempDir(), FileSkipSync: true, BaseConfig: cachecore.BaseConfig{Prefix: prefix},
			})
		}},
	}
	for _, st := range stores {
		for _, n := range st.sizes {
			b.Run(fmt.Sprintf("%s/%d", st.name, n), func(b *testing.B) {
				ctx := context.Background()
				s := st.open(b, "tenant")
				for b.Loop() {
					b.StopTimer()
					for i := range n {
						if err := s.Set(ctx, "k"+strconv.Itoa(i), []byte("v"), time.Hour); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					if err := s.Flush(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
