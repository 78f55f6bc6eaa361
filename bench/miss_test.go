package bench

import (
	"context"
	"strconv"
	"testing"
)

// missValueSize is the size of the value the Getter of BenchmarkMiss sets.
const missValueSize = 64

// BenchmarkMiss measures Gets of keys not in the cache, each loaded by the
// Getter (SetBytes of a fixed 64-byte value) and inserted. With
// evict=yes the cache holds a few dozen entries, so once it is full every
// insert evicts one; with evict=no it holds every key of the run.
//
// golang/groupcache never frees a group, so with evict=no each run leaves
// b.N entries behind; run.sh bounds b.N for this benchmark.
func BenchmarkMiss(b *testing.B) {
	for _, evict := range []string{"no", "yes"} {
		cacheBytes := int64(1 << 30)
		if evict == "yes" {
			cacheBytes = 4 << 10
		}
		for _, impl := range Impls {
			b.Run("evict="+evict+"/impl="+impl.Name, func(b *testing.B) {
				benchMiss(b, impl, cacheBytes, evict == "yes")
			})
		}
	}
}

func benchMiss(b *testing.B, impl Impl, cacheBytes int64, evict bool) {
	keys := make([]string, b.N)
	for i := range keys {
		keys[i] = "miss-" + strconv.Itoa(i)
	}
	src := NewSource(missValueSize, FillBytes)
	g := impl.NewGroup(cacheBytes, src)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for _, key := range keys {
		n, err := g.GetView(ctx, key)
		if err != nil || n != missValueSize {
			b.Fatalf("Get = %d bytes, %v; want %d bytes", n, err, missValueSize)
		}
	}
	b.StopTimer()
	if loads := src.Loads(); loads != int64(b.N) {
		b.Fatalf("%d loads for %d distinct keys", loads, b.N)
	}
	if items := g.Items(); !evict && items != int64(b.N) {
		b.Fatalf("cache holds %d of %d keys without eviction", items, b.N)
	} else if evict && b.N > 1000 && items > 100 {
		b.Fatalf("cache of %d bytes holds %d items", cacheBytes, items)
	}
}
