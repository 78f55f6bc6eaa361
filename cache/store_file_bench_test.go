package cache_test

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// BenchmarkFileStoreSet measures a write with and without the sync that
// keeps a crash from leaving a damaged entry (StoreConfig.FileSkipSync).
func BenchmarkFileStoreSet(b *testing.B) {
	for _, tc := range []struct {
		name string
		skip bool
	}{{"sync", false}, {"skip-sync", true}} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			s := cache.NewFileStoreWithConfig(b.Context(), cache.StoreConfig{FileDir: b.TempDir(), FileSkipSync: tc.skip})
			value := make([]byte, 1024)
			for b.Loop() {
				if err := s.Set(ctx, "k", value, time.Hour); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
