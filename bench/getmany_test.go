package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

// batchKeys is the number of keys a caller of BenchmarkGetMany needs.
const batchKeys = 100

// manyGetter is a client that can ask for many keys at once.
type manyGetter interface {
	GetMany(ctx context.Context, keys []string) (int, error)
}

// BenchmarkGetMany measures a caller that needs batchKeys keys, all owned by
// the peers (three processes, 64-byte values, in the owners' caches), got
// three ways: with Gets one after another (mode=sequential), with a Get per
// key all at once (mode=concurrent), and with one GetMany (mode=batch, ours
// only: it sends one request per owner). One op is the whole set of keys.
func BenchmarkGetMany(b *testing.B) {
	for _, mode := range []string{"sequential", "concurrent", "batch"} {
		for _, impl := range Impls {
			client := impl.Client()
			mg, batches := client.(manyGetter)
			if mode == "batch" && !batches {
				continue
			}
			b.Run("mode="+mode+"/impl="+impl.Name, func(b *testing.B) {
				c := cluster(b, impl)
				client.SetPeers(c.URLs()...)
				defer client.SetPeers()
				ctx := context.Background()
				get := func(key string) error { return getPeerValue(ctx, client, key) }
				keys := make([]string, batchKeys)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					for j := range keys {
						keys[j] = peerKeys[(i*batchKeys+j)%len(peerKeys)]
					}
					var err error
					switch mode {
					case "sequential":
						for _, k := range keys {
							if err = get(k); err != nil {
								break
							}
						}
					case "concurrent":
						err = getAll(keys, get)
					case "batch":
						var n int
						n, err = mg.GetMany(ctx, keys)
						if err == nil && n != batchKeys*peerproc.ValueSize {
							err = fmt.Errorf("%w: %d bytes, want %d", errValueSize, n, batchKeys*peerproc.ValueSize)
						}
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batchKeys), "ns/key")
			})
		}
	}
}

// getAll calls get for every key at once and returns the first error.
func getAll(keys []string, get func(string) error) error {
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = get(k)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
