// Package facade_test benchmarks the hot paths of the cache facade:
// GetBytes, Get[T], a Remember hit and miss, locks, and the gzip, snappy
// and AES layers.
package facade_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

type benchProfile struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Tags  []string `json:"tags"`
}

// benchKey is an AES-256 key for the encryption benchmarks.
var benchKey = []byte("0123456789abcdef0123456789abcdef")

var benchValue = []byte(strings.Repeat("a cached payload that compresses ", 32)) // ~1 KiB

func benchCache(b *testing.B, cfg cachecore.BaseConfig) *cache.Cache {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	return cache.NewCache(cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cfg}))
}

func benchGetBytes(b *testing.B, c *cache.Cache) {
	if err := c.SetBytes("k", benchValue, time.Hour); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchValue)))
	b.ResetTimer()
	for range b.N {
		if _, ok, err := c.GetBytes("k"); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

func benchSetBytes(b *testing.B, c *cache.Cache) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchValue)))
	for range b.N {
		if err := c.SetBytes("k", benchValue, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetBytes(b *testing.B) {
	benchGetBytes(b, benchCache(b, cachecore.BaseConfig{}))
}

func BenchmarkGetBytesParallel(b *testing.B) {
	c := benchCache(b, cachecore.BaseConfig{})
	if err := c.SetBytes("k", benchValue, time.Hour); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok, err := c.GetBytes("k"); !ok || err != nil {
				b.Error(ok, err)
				return
			}
		}
	})
}

func BenchmarkGetTyped(b *testing.B) {
	c := benchCache(b, cachecore.BaseConfig{})
	p := benchProfile{ID: 42, Name: "Ada", Email: "ada@example.com", Tags: []string{"math", "engines"}}
	if err := cache.Set(c, "p", p, time.Hour); err != nil {
		b.Fatal(err)
	}
	if err := cache.Set(c, "s", "dark", time.Hour); err != nil {
		b.Fatal(err)
	}
	b.Run("struct", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, ok, err := cache.Get[benchProfile](c, "p"); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("string", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, ok, err := cache.Get[string](c, "s"); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
}

func BenchmarkRememberHit(b *testing.B) {
	c := benchCache(b, cachecore.BaseConfig{})
	load := func() ([]byte, error) { return benchValue, nil }
	if _, err := c.RememberBytes("k", time.Hour, load); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.RememberBytes("k", time.Hour, load); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRememberMiss measures a RememberBytes call that loads and
// stores. The key is removed through the store, not the Cache, so that the
// row measures the miss alone. With a small value the row is the facade's
// own cost; with the 1 KiB value of the other rows, copying and collecting
// the value weighs as much.
func BenchmarkRememberMiss(b *testing.B) {
	for _, tc := range []struct {
		name  string
		value []byte
	}{{"16B", benchValue[:16]}, {"1KiB", benchValue}} {
		b.Run(tc.name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			b.Cleanup(cancel)
			store := cache.NewMemoryStore(ctx)
			c := cache.NewCache(store)
			load := func() ([]byte, error) { return tc.value, nil }
			b.ReportAllocs()
			for b.Loop() {
				if err := store.Delete(ctx, "k"); err != nil {
					b.Fatal(err)
				}
				if _, err := c.RememberBytes("k", time.Hour, load); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTryLockWithHeld measures TryLock+Unlock while the Cache holds
// no other lock, and many, whose bookkeeping must not be scanned on every
// call.
func BenchmarkTryLockWithHeld(b *testing.B) {
	for _, held := range []struct {
		name string
		n    int
	}{{"0", 0}, {"1k", 1000}, {"40k", 40000}} {
		b.Run(held.name, func(b *testing.B) {
			c := benchCache(b, cachecore.BaseConfig{})
			for i := range held.n {
				if ok, err := c.TryLock("held:"+strconv.Itoa(i), time.Hour); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if ok, err := c.TryLock("job", time.Minute); !ok || err != nil {
					b.Fatal(ok, err)
				}
				if err := c.Unlock("job"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRefreshAheadHit(b *testing.B) {
	c := benchCache(b, cachecore.BaseConfig{})
	load := func() ([]byte, error) { return benchValue, nil }
	if _, err := c.RefreshAheadBytes("k", time.Hour, time.Minute, load); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.RefreshAheadBytes("k", time.Hour, time.Minute, load); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCodecs(b *testing.B) {
	configs := []struct {
		name string
		cfg  cachecore.BaseConfig
	}{
		{"gzip", cachecore.BaseConfig{Compression: cache.CompressionGzip}},
		{"snappy", cachecore.BaseConfig{Compression: cache.CompressionSnappy}},
		{"aes", cachecore.BaseConfig{EncryptionKey: benchKey}},
		{"gzip+aes", cachecore.BaseConfig{Compression: cache.CompressionGzip, EncryptionKey: benchKey}},
	}
	for _, tc := range configs {
		b.Run(tc.name+"/get", func(b *testing.B) { benchGetBytes(b, benchCache(b, tc.cfg)) })
		b.Run(tc.name+"/set", func(b *testing.B) { benchSetBytes(b, benchCache(b, tc.cfg)) })
	}
}

func BenchmarkFileStoreGetBytes(b *testing.B) {
	c := cache.NewCache(cache.NewFileStore(context.Background(), b.TempDir()))
	benchGetBytes(b, c)
}
