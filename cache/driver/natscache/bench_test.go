package natscache

import (
	"context"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// The benchmarks compare Get and Set through the facade with the same
// call on the JetStream key/value client (see drivertest.BenchmarkGet).

func BenchmarkGet(b *testing.B) {
	kv := testKV(b, serverAddr(b))
	ns := drivertest.Namespace(b)
	flushed(b, kv, ns)
	raw := keyPrefix(ns) + encodePart("k")
	drivertest.BenchmarkGet(b, cache.NewCache(newTestStore(b, kv, ns)), "k", func(ctx context.Context) error {
		_, err := kv.Get(ctx, raw)
		return err
	})
}

func BenchmarkSet(b *testing.B) {
	kv := testKV(b, serverAddr(b))
	ns := drivertest.Namespace(b)
	flushed(b, kv, ns)
	raw := keyPrefix(ns) + encodePart("k")
	drivertest.BenchmarkSet(b, cache.NewCache(newTestStore(b, kv, ns)), "k", func(ctx context.Context, value []byte) error {
		_, err := kv.Put(ctx, raw, value)
		return err
	})
}
