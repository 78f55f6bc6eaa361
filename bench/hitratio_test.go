package bench

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

// The workload of BenchmarkHitRatio: Zipf(1.0) over ten times more keys
// than fit in the cache.
const (
	ratioCacheBytes = 1 << 20
	ratioValueSize  = 64
	ratioKeySize    = 16
	ratioKeys       = 10 * ratioCacheBytes / (ratioKeySize + ratioValueSize)
	ratioWarmup     = 200_000 // requests before counting, to fill the cache
	ratioRequests   = 1_000_000
)

// ratioTrace is the sequence of key indexes every run replays, so that
// both implementations see the same requests.
var ratioTrace = sync.OnceValue(func() []int32 {
	z := NewZipf(rand.New(rand.NewPCG(1, 2)), 1.0, ratioKeys)
	trace := make([]int32, ratioWarmup+ratioRequests)
	for i := range trace {
		trace[i] = int32(z.Next())
	}
	return trace
})

var ratioKeyNames = sync.OnceValue(func() []string {
	keys := make([]string, ratioKeys)
	for i := range keys {
		s := strconv.Itoa(i)
		keys[i] = "z" + zeros[:ratioKeySize-1-len(s)] + s // ratioKeySize bytes
	}
	return keys
})

const zeros = "0000000000000000"

// BenchmarkHitRatio measures how well the main cache chooses what to keep:
// a fixed trace of Zipf(1.0) requests over ratioKeys keys, ten times more
// than the cacheBytes of ratioCacheBytes hold, replayed on a new group.
// The hit ratio is the share of the counted requests that did not run the
// Getter. ns/op is the time of one replay.
func BenchmarkHitRatio(b *testing.B) {
	trace, keys := ratioTrace(), ratioKeyNames()
	for _, impl := range Impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			ctx := context.Background()
			var hits int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				src := NewSource(ratioValueSize, FillBytes)
				g := impl.NewGroup(ratioCacheBytes, src)
				var warmLoads int64
				for i, k := range trace {
					if i == ratioWarmup {
						warmLoads = src.Loads()
					}
					if _, err := g.GetView(ctx, keys[k]); err != nil {
						b.Fatal(err)
					}
				}
				hits += ratioRequests - (src.Loads() - warmLoads)
			}
			b.ReportMetric(100*float64(hits)/float64(b.N*ratioRequests), "hit%")
		})
	}
}
