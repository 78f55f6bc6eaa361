package bench

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

// hitKeys is the number of keys a hit benchmark spreads its Gets over, so
// that parallel callers mostly ask for different keys.
const hitKeys = 4096

// hitCacheBytes holds hitKeys values of the largest size.
const hitCacheBytes = 64 << 20

var hitKeyNames = func() []string {
	keys := make([]string, hitKeys)
	for i := range keys {
		keys[i] = "hit-" + strconv.Itoa(i)
	}
	return keys
}()

// hitCase is one configuration of BenchmarkHit.
type hitCase struct {
	impl string
	size int
	sink string // "byteview" or "string"
}

// hitGroups holds a filled group per hitCase, made on first use and kept
// for the life of the process: golang/groupcache never frees a group, so
// making one per run of a benchmark function would pile them up.
var hitGroups = struct {
	mu sync.Mutex
	m  map[hitCase]Group
}{m: make(map[hitCase]Group)}

func hitGroup(b *testing.B, impl Impl, hc hitCase) Group {
	hitGroups.mu.Lock()
	defer hitGroups.mu.Unlock()
	if g := hitGroups.m[hc]; g != nil {
		return g
	}
	fill := FillBytes
	if hc.sink == "string" {
		fill = FillString
	}
	g := impl.NewGroup(hitCacheBytes, NewSource(hc.size, fill))
	for _, key := range hitKeyNames {
		if _, err := g.GetView(context.Background(), key); err != nil {
			b.Fatal(err)
		}
	}
	if n := g.Items(); n != hitKeys {
		b.Fatalf("%s's cache holds %d items after loading %d keys", impl.Name, n, hitKeys)
	}
	hitGroups.m[hc] = g
	return g
}

// BenchmarkHit measures Gets of cached values: 64-byte and 4 KiB values,
// read through a ByteViewSink (values loaded with SetBytes) or a StringSink
// (values loaded with SetString), by one goroutine and by GOMAXPROCS
// goroutines at once.
func BenchmarkHit(b *testing.B) {
	for _, size := range []int{64, 4096} {
		for _, sink := range []string{"byteview", "string"} {
			for _, mode := range []string{"serial", "parallel"} {
				for _, impl := range Impls {
					name := "value=" + strconv.Itoa(size) + "/sink=" + sink + "/mode=" + mode + "/impl=" + impl.Name
					b.Run(name, func(b *testing.B) {
						g := hitGroup(b, impl, hitCase{impl: impl.Name, size: size, sink: sink})
						get := hitGetter(g, sink)
						b.ReportAllocs()
						b.ResetTimer()
						if mode == "serial" {
							benchHitSerial(b, get, size)
						} else {
							benchHitParallel(b, get, size)
						}
					})
				}
			}
		}
	}
}

// hitGetter returns a function that gets a key through the sink and
// returns the value's length.
func hitGetter(g Group, sink string) func(ctx context.Context, key string) (int, error) {
	if sink == "string" {
		return func(ctx context.Context, key string) (int, error) {
			s, err := g.GetString(ctx, key)
			return len(s), err
		}
	}
	return g.GetView
}

func benchHitSerial(b *testing.B, get func(context.Context, string) (int, error), size int) {
	ctx := context.Background()
	for i := range b.N {
		n, err := get(ctx, hitKeyNames[i%hitKeys])
		if err != nil || n != size {
			b.Fatalf("Get = %d bytes, %v; want %d bytes", n, err, size)
		}
	}
}

func benchHitParallel(b *testing.B, get func(context.Context, string) (int, error), size int) {
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		i := rand.IntN(hitKeys)
		for pb.Next() {
			n, err := get(ctx, hitKeyNames[i%hitKeys])
			if err != nil || n != size {
				b.Errorf("Get = %d bytes, %v; want %d bytes", n, err, size)
				return
			}
			i++
		}
	})
}
