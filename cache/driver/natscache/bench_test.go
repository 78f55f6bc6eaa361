package natscache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// The benchmarks compare the same call through the facade and on the raw
// JetStream key/value client against the same server, so the difference
// is what the facade and store add.

func BenchmarkGet(b *testing.B) {
	kv := testKV(b, serverAddr(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, kv, ns))
	ctx := context.Background()
	value := make([]byte, 128)
	if err := c.SetBytes(ns+":k", value, time.Minute); err != nil {
		b.Fatal(err)
	}
	raw := keyPrefix(ns) + encodePart(ns+":k")
	flushed(b, kv, ns)
	key := ns + ":k"
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := c.GetBytes(key); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := kv.Get(ctx, raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSet(b *testing.B) {
	kv := testKV(b, serverAddr(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, kv, ns))
	ctx := context.Background()
	value := make([]byte, 128)
	raw := keyPrefix(ns) + encodePart(ns+":k")
	flushed(b, kv, ns)
	key := ns + ":k"
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := c.SetBytes(key, value, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := kv.Put(ctx, raw, value); err != nil {
				b.Fatal(err)
			}
		}
	})
}
