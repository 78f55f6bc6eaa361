package groupcache

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkGetHitHooks is BenchmarkGetHit with hooks attached that count
// every operation: hits must cost what they cost without them, since
// they call no hook.
func BenchmarkGetHitHooks(b *testing.B) {
	value := strings.Repeat("v", 64)
	g := benchGroup(b, 64<<20, value)
	var ops atomic.Int64
	g.registry.AddHooks(Hooks{
		Start: func(ctx context.Context, op Op) (context.Context, func(error)) {
			ops.Add(1)
			return ctx, func(error) {}
		},
		Inject:  func(context.Context, http.Header) {},
		Extract: func(ctx context.Context, _ http.Header) context.Context { return ctx },
	})
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%031d", i)
		var s string
		g.Get(context.Background(), keys[i], StringSink(&s))
	}
	loads := ops.Load()
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		var s string
		sink := StringSink(&s)
		for i := 0; i < b.N; i++ {
			g.Get(ctx, keys[i&1023], sink)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			dest := new(struct {
				_ [64]byte
				s string
				_ [64]byte
			})
			sink := StringSink(&dest.s)
			i := int(next.Add(1) * 7919)
			for pb.Next() {
				g.Get(ctx, keys[i&1023], sink)
				i++
			}
		})
	})
	if ops.Load() != loads {
		b.Fatalf("hits called hooks %d times", ops.Load()-loads)
	}
}
