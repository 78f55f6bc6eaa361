package drivertest

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// The drivers' benchmarks compare the same call through the facade and on
// the raw client against the same server, as sub-benchmarks "facade" and
// "client", so that the difference is what the facade and store add.

// benchValue is the size of the benchmarked value.
const benchValue = 128

// BenchmarkGet stores a value under key through c, then reads it back in
// a loop through c, and with rawGet, which must read the same entry with
// the driver's raw client.
func BenchmarkGet(b *testing.B, c *cache.Cache, key string, rawGet func(ctx context.Context) error) {
	if err := c.SetBytes(key, make([]byte, benchValue), time.Minute); err != nil {
		b.Fatal(err)
	}
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := c.GetBytes(key); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	ctx := context.Background()
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := rawGet(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSet writes a value under key with a minute to live in a loop
// through c, and with rawSet, which must write the same entry with the
// driver's raw client.
func BenchmarkSet(b *testing.B, c *cache.Cache, key string, rawSet func(ctx context.Context, value []byte) error) {
	value := make([]byte, benchValue)
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := c.SetBytes(key, value, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	ctx := context.Background()
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := rawSet(ctx, value); err != nil {
				b.Fatal(err)
			}
		}
	})
}
