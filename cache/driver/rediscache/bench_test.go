package rediscache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// The benchmarks compare Get and Set through the facade with the same
// command on the go-redis client (see drivertest.BenchmarkGet).

func BenchmarkGet(b *testing.B) {
	client := testClient(b, serverAddr(b))
	ns := drivertest.Namespace(b)
	b.Cleanup(func() { newStore(client).FlushPrefix(context.Background(), ns) })
	raw := storedKey(ns, "k")
	drivertest.BenchmarkGet(b, cache.NewCache(newTestStore(b, client, ns)), "k", func(ctx context.Context) error {
		return client.Get(ctx, raw).Err()
	})
}

func BenchmarkSet(b *testing.B) {
	client := testClient(b, serverAddr(b))
	ns := drivertest.Namespace(b)
	b.Cleanup(func() { newStore(client).FlushPrefix(context.Background(), ns) })
	raw := storedKey(ns, "k")
	drivertest.BenchmarkSet(b, cache.NewCache(newTestStore(b, client, ns)), "k", func(ctx context.Context, value []byte) error {
		return client.Set(ctx, raw, value, time.Minute).Err()
	})
}
