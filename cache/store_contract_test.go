package cache_test

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// TestStoreContract runs the contract suite against every store and every
// configuration layer combination worth distinguishing.
func TestStoreContract(t *testing.T) {
	const shortDefault = 120 * time.Millisecond
	// File stores sync every write, and gzip under the race detector is
	// slow, which on a loaded machine makes the writes of an expiry check
	// outlast the suite's default 100ms lifetime.
	const slowTTL, fileDefault = time.Second, 1200 * time.Millisecond
	cases := []struct {
		name string
		new  func(t *testing.T, ctx context.Context) cachecore.Store
		opts cachetest.Options
	}{
		{"Memory", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStore(ctx)
		}, cachetest.Options{}},
		{"MemoryPrefixGzipLimit", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{
				Prefix: "app", Compression: cache.CompressionGzip, MaxValueBytes: 64 << 10,
			}})
		}, cachetest.Options{MaxValueBytes: 64 << 10, TTL: slowTTL}},
		{"MemorySnappy", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{
				Compression: cache.CompressionSnappy,
			}})
		}, cachetest.Options{}},
		{"MemoryEncrypted", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{
				EncryptionKey: testKey[:16],
			}})
		}, cachetest.Options{}},
		{"MemoryDefaultTTL", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{
				BaseConfig:            cachecore.BaseConfig{DefaultTTL: shortDefault},
				MemoryCleanupInterval: 10 * time.Millisecond,
			})
		}, cachetest.Options{DefaultTTL: shortDefault}},
		{"File", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewFileStore(ctx, t.TempDir())
		}, cachetest.Options{TTL: slowTTL}},
		{"FileEverything", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{
				FileDir: t.TempDir(),
				BaseConfig: cachecore.BaseConfig{
					Prefix: "p/", Compression: cache.CompressionGzip, EncryptionKey: testKey,
					MaxValueBytes: 256 << 10, DefaultTTL: fileDefault,
				},
			})
		}, cachetest.Options{MaxValueBytes: 256 << 10, DefaultTTL: fileDefault, TTL: slowTTL}},
		{"Null", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewNullStore(ctx)
		}, cachetest.Options{Null: true}},
		{"NullConfigured", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewNullStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{
				Compression: cache.CompressionSnappy, EncryptionKey: testKey[:24], MaxValueBytes: 1024,
			}})
		}, cachetest.Options{Null: true, MaxValueBytes: 1024}},
		{"MemoOverMemory", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoStore(cache.NewMemoryStore(ctx))
		}, cachetest.Options{}},
		{"MemoOverEncryptedFile", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoStoreWithConfig(cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{
				FileDir:    t.TempDir(),
				BaseConfig: cachecore.BaseConfig{Compression: cache.CompressionSnappy, EncryptionKey: testKey},
			}), cache.MemoConfig{MaxEntries: 16, MaxBytes: 1 << 20})
		}, cachetest.Options{TTL: slowTTL}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			cachetest.RunStoreContract(t, tc.new(t, ctx), tc.opts)
		})
	}
}
