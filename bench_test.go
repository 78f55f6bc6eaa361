package groupcache

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// These benchmarks measure the engine alone; bench/ compares it with
// golang/groupcache.

func benchGroup(b *testing.B, cacheBytes int64, value string) *Group {
	return NewRegistry().NewGroup("bench", cacheBytes, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString(value)
	}))
}

func BenchmarkGetHit(b *testing.B) {
	g := benchGroup(b, 64<<20, strings.Repeat("v", 64))
	benchHits(b, g, warmKeys(g))
}

// warmKeys loads 1024 keys into g and returns them.
func warmKeys(g *Group) []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%031d", i)
		var s string
		g.Get(context.Background(), keys[i], StringSink(&s))
	}
	return keys
}

// benchHits runs Gets of keys, all cached in g, from one goroutine
// ("serial") and from GOMAXPROCS goroutines ("parallel").
func benchHits(b *testing.B, g *Group, keys []string) {
	ctx := context.Background()
	mask := len(keys) - 1 // len(keys) is a power of two
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		var s string
		sink := StringSink(&s)
		for i := 0; i < b.N; i++ {
			g.Get(ctx, keys[i&mask], sink)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			// Each goroutine's destination on a cache line of its
			// own, or the benchmark measures false sharing.
			dest := new(struct {
				_ [64]byte
				s string
				_ [64]byte
			})
			sink := StringSink(&dest.s)
			i := int(next.Add(1) * 7919)
			for pb.Next() {
				g.Get(ctx, keys[i&mask], sink)
				i++
			}
		})
	})
}

func BenchmarkGetMiss(b *testing.B) {
	value := strings.Repeat("v", 64)
	for _, evict := range []bool{false, true} {
		b.Run(fmt.Sprintf("evict=%v", evict), func(b *testing.B) {
			cacheBytes := int64(1 << 30)
			if evict {
				cacheBytes = 100 * 96
			}
			g := benchGroup(b, cacheBytes, value)
			keys := make([]string, 1<<16)
			for i := range keys {
				keys[i] = fmt.Sprintf("key-%031d", i)
			}
			ctx := context.Background()
			b.ReportAllocs()
			var s string
			sink := StringSink(&s)
			for i := 0; i < b.N; i++ {
				if i%len(keys) == 0 && !evict {
					g = benchGroup(b, cacheBytes, value) // keep every Get a miss
				}
				g.Get(ctx, keys[i%len(keys)], sink)
			}
		})
	}
}
